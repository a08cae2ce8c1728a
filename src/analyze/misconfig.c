/* Filesystem facts for the misconfiguration checks: an analyzer that only
 * records that certain paths exist (sshd, sudo, package-manager caches). */
#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/misconfig.h"

static const struct path_rule misconfig_paths[] = {
    {PATH_EXACT, "usr/sbin/sshd"},
    {PATH_EXACT, "usr/bin/sudo"},
    {PATH_GLOB, "var/cache/apt/archives/*.deb"},
    {PATH_GLOB, "var/lib/apt/lists/*_Packages*"},
    {PATH_GLOB, "var/cache/apk/*.tar.gz"},
    {PATH_GLOB, "root/.cache/pip/*"},
    {PATH_GLOB, "root/.cache/pip/*/*"},
    {PATH_GLOB, "root/.cache/pip/*/*/*"},
    {PATH_GLOB, "root/.cache/pip/*/*/*/*"},
};

const char *misconfig_fact_check(const char *path)
{
	if (strcmp(path, "usr/sbin/sshd") == 0)
		return MISCONFIG_SSH;
	if (strcmp(path, "usr/bin/sudo") == 0)
		return MISCONFIG_SUDO;
	for (size_t i = 2; i < sizeof(misconfig_paths) / sizeof(misconfig_paths[0]); i++)
		if (fnmatch(misconfig_paths[i].pattern, path, FNM_PATHNAME) == 0)
			return MISCONFIG_PKG_CACHE;
	return NULL;
}

/* The bytes do not matter, only the path's presence: a stream that ignores
 * them costs nothing and never captures a large .deb in memory. */
static int fact_open(void **state, const char *path, int64_t size, customs_error *err)
{
	static int token;
	(void)path;
	(void)size;
	(void)err;
	*state = &token;
	return 0;
}

static int fact_chunk(void *state, const uint8_t *data, size_t len, customs_error *err)
{
	(void)state;
	(void)data;
	(void)len;
	(void)err;
	return 0;
}

static int fact_close(void *state, struct file_result *out, struct warn_list *warnings,
                      customs_error *err)
{
	(void)state;
	(void)out;
	(void)warnings;
	(void)err;
	return 0;
}

static void fact_abort(void *state)
{
	(void)state;
}

static const struct analyzer_stream_ops fact_stream = {
    .open = fact_open,
    .chunk = fact_chunk,
    .close = fact_close,
    .abort = fact_abort,
};

const struct analyzer analyzer_misconfig = {
    .name = "misconfig",
    .rules = misconfig_paths,
    .n_rules = sizeof(misconfig_paths) / sizeof(misconfig_paths[0]),
    .max_file_size = 0,
    .analyze_file = NULL,
    .stream = &fact_stream,
};

/* Scratch folders where anyone may write by design. */
static int scratch_dir(const char *path)
{
	static const char *const dirs[] = {"tmp", "var/tmp", "dev/shm", "run/lock", NULL};
	for (size_t i = 0; dirs[i]; i++) {
		size_t n = strlen(dirs[i]);
		if (strncmp(path, dirs[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

const char *misconfig_mode_check(const char *path, uint32_t mode)
{
	int dir = S_ISDIR(mode), reg = S_ISREG(mode);
	if (reg && (mode & (S_ISUID | S_ISGID)))
		return MISCONFIG_SETUID;
	/* A sticky world-writable folder (like /tmp) only lets owners delete. */
	if ((dir || reg) && (mode & S_IWOTH) && !(dir && (mode & S_ISVTX)) && !scratch_dir(path))
		return MISCONFIG_WORLD_WRITABLE;
	return NULL;
}

static int mode_entry(struct file_result *out, const char *path, uint32_t mode, int64_t size,
                      int64_t uid, int64_t gid)
{
	(void)size;
	(void)uid;
	(void)gid;
	if (!misconfig_mode_check(path, mode))
		return 0;
	out->mode = mode;
	return 1;
}

const struct analyzer analyzer_fsmode = {
    .name = "fsmode",
    .rules = NULL,
    .n_rules = 0,
    .on_entry = mode_entry,
};
