/* Secrets and misconfigurations in the inventory: storage and accessors, the
 * secrets of the image config and the layers (hidden or not), the checks, and
 * which extra analyzers a scan runs (malware's own part: scan/malware.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/misconfig.h"
#include "analyze/secrets.h"
#include "scan/extra.h"
#include "scan/hidden.h"
#include "scan/malware.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

/* ---- storage ---- */

static void secret_clear(customs_secret *s)
{
	free((char *)s->path);
	free((char *)s->match);
	free((char *)s->layer);
	free((char *)s->hidden_by);
}

static void misconfig_clear(customs_misconfig *m)
{
	free((char *)m->seen);
	free((char *)m->path);
	free((char *)m->layer);
}

void inventory_extra_free(struct customs_inventory *inv)
{
	for (size_t i = 0; i < inv->n_secrets; i++)
		secret_clear(&inv->secrets[i]);
	free(inv->secrets);
	for (size_t i = 0; i < inv->n_misconfigs; i++)
		misconfig_clear(&inv->misconfigs[i]);
	free(inv->misconfigs);
	inv->secrets = NULL;
	inv->misconfigs = NULL;
	inv->n_secrets = inv->n_misconfigs = 0;
	inventory_malware_free(inv);
}

int inventory_grow(void **items, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	if (n >= LIMIT_PACKAGES)
		return CUSTOMS_ETOOLARGE;
	size_t c = *cap ? 2 * *cap : 16;
	void *p = realloc(*items, c * elem);
	if (!p)
		return CUSTOMS_ENOMEM;
	*items = p;
	*cap = c;
	return 0;
}

int inventory_dup_fields(const char **fields[], size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (*fields[i] && !(*fields[i] = strdup(*fields[i])))
			goto fail;
	}
	return 0;
fail:
	while (i-- > 0)
		free((char *)*fields[i]);
	for (size_t j = 0; j < n; j++)
		*fields[j] = NULL;
	return CUSTOMS_ENOMEM;
}

int inventory_add_secret(struct customs_inventory *inv, const customs_secret *s)
{
	int rc =
	    inventory_grow((void **)&inv->secrets, &inv->cap_secrets, inv->n_secrets, sizeof(*s));
	if (rc)
		return rc;
	customs_secret c = *s;
	const char **f[] = {&c.path, &c.match, &c.layer, &c.hidden_by};
	if ((rc = inventory_dup_fields(f, 4)))
		return rc;
	inv->secrets[inv->n_secrets++] = c;
	return 0;
}

int inventory_add_misconfig(struct customs_inventory *inv, const customs_misconfig *m)
{
	int rc = inventory_grow((void **)&inv->misconfigs, &inv->cap_misconfigs, inv->n_misconfigs,
	                        sizeof(*m));
	if (rc)
		return rc;
	customs_misconfig c = *m;
	const char **f[] = {&c.seen, &c.path, &c.layer};
	if ((rc = inventory_dup_fields(f, 3)))
		return rc;
	inv->misconfigs[inv->n_misconfigs++] = c;
	return 0;
}

size_t customs_inventory_secret_count(const customs_inventory *inv)
{
	return inv->n_secrets;
}

const customs_secret *customs_inventory_secret(const customs_inventory *inv, size_t i)
{
	return i < inv->n_secrets ? &inv->secrets[i] : NULL;
}

size_t customs_inventory_misconfig_count(const customs_inventory *inv)
{
	return inv->n_misconfigs;
}

const customs_misconfig *customs_inventory_misconfig(const customs_inventory *inv, size_t i)
{
	return i < inv->n_misconfigs ? &inv->misconfigs[i] : NULL;
}

/* ---- the check table ---- */

struct check {
	const char *id, *title;
	customs_severity severity;
	const char *fix;
};

static const struct check checks[] = {
    {MISCONFIG_ROOT, "Image runs as root", CUSTOMS_SEVERITY_MEDIUM,
     "add a non-root USER to the Dockerfile (CIS Docker 4.1)"},
    {MISCONFIG_HEALTHCHECK, "No HEALTHCHECK", CUSTOMS_SEVERITY_LOW,
     "add a HEALTHCHECK instruction (CIS Docker 4.6)"},
    {MISCONFIG_ADD, "ADD of a remote URL or an archive", CUSTOMS_SEVERITY_MEDIUM,
     "use COPY for local files and download with a checksum check in RUN (CIS Docker 4.9)"},
    {MISCONFIG_SSH, "SSH server in the image", CUSTOMS_SEVERITY_HIGH,
     "remove openssh-server and do not expose port 22; use docker exec (CIS Docker 4.3)"},
    {MISCONFIG_SUDO, "sudo installed", CUSTOMS_SEVERITY_MEDIUM,
     "remove sudo; run as the right user instead (CIS Docker 4.3)"},
    {MISCONFIG_PKG_CACHE, "Package manager cache left in the image", CUSTOMS_SEVERITY_LOW,
     "clean the cache in the same RUN that installs (apt-get clean, rm -rf "
     "/var/lib/apt/lists/*, apk --no-cache, pip --no-cache-dir)"},
    {MISCONFIG_ENV_SECRET, "Secret in an ENV variable", CUSTOMS_SEVERITY_HIGH,
     "pass secrets at run time (mounted secret, BuildKit --secret), never with ENV or "
     "ARG (CIS Docker 4.10)"},
    {MISCONFIG_BASE_TAG, "Base image referenced by a mutable tag", CUSTOMS_SEVERITY_LOW,
     "pin the base image by digest: FROM name@sha256:..."},
    {MISCONFIG_SETUID, "setuid or setgid files", CUSTOMS_SEVERITY_LOW,
     "remove the setuid/setgid bits where not needed: RUN chmod a-s FILE (CIS Docker 4.8)"},
    {MISCONFIG_WORLD_WRITABLE, "World-writable files or folders", CUSTOMS_SEVERITY_MEDIUM,
     "remove write permission for others (chmod o-w), or set the sticky bit on shared "
     "folders"},
};

const char *customs_misconfig_check_id(size_t i)
{
	return i < sizeof(checks) / sizeof(checks[0]) ? checks[i].id : NULL;
}

static const struct check *check_by_id(const char *id)
{
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (strcmp(checks[i].id, id) == 0)
			return &checks[i];
	return NULL;
}

static int fail_check(struct customs_inventory *inv, const char *id, const char *seen,
                      const char *path, const char *layer)
{
	const struct check *c = check_by_id(id);
	customs_misconfig m = {c->id, c->title, c->severity, seen, c->fix, path, layer};
	return inventory_add_misconfig(inv, &m);
}

/* ---- secrets ---- */

static int add_hits(struct customs_inventory *inv, const struct secret_hit *hits, size_t n,
                    const customs_secret *tmpl)
{
	for (size_t i = 0; i < n; i++) {
		customs_secret s = *tmpl;
		s.rule_id = hits[i].rule_id;
		s.title = hits[i].title;
		s.severity = hits[i].severity;
		s.line = hits[i].line;
		s.match = hits[i].masked;
		int rc = inventory_add_secret(inv, &s);
		if (rc)
			return rc;
	}
	return 0;
}

static int scan_string(struct customs_inventory *inv, const char *text, const char *source,
                       const char *where, const struct secret_config *cfg)
{
	struct secret_hit *hits = NULL;
	size_t n = 0;
	customs_error err = {0};
	int rc = secrets_scan_buffer(&hits, &n, text, strlen(text), cfg, &err);
	if (rc == 0) {
		customs_secret tmpl = {.source = source, .path = where};
		rc = add_hits(inv, hits, n, &tmpl);
	}
	secret_hits_free(hits, n);
	return rc;
}

static int config_secrets(struct customs_inventory *inv, const struct image_config *cfg,
                          const struct secret_config *sc)
{
	int rc = 0;
	char where[64];
	for (size_t i = 0; rc == 0 && i < cfg->n_env; i++)
		rc = scan_string(inv, cfg->env[i], "env", "Env", sc);
	for (size_t i = 0; rc == 0 && i < cfg->n_history; i++) {
		if (!cfg->history[i].created_by)
			continue;
		snprintf(where, sizeof(where), "history[%zu]", i);
		rc = scan_string(inv, cfg->history[i].created_by, "history", where, sc);
	}
	json_t *labels = json_object_get(json_object_get(cfg->raw, "config"), "Labels");
	const char *key;
	json_t *val;
	json_object_foreach(labels, key, val)
	{
		if (rc || !json_is_string(val))
			continue;
		rc = scan_string(inv, json_string_value(val), "label", "Labels", sc);
	}
	return rc;
}

static int has_secrets(const struct file_result *fr)
{
	return fr->n_secrets != 0;
}

static int add_file_hits(void *ctx, const struct hidden_visit *v)
{
	const struct hidden_report *r = ctx;
	customs_secret tmpl = {.source = "file", .path = v->fr->path, .hidden = v->hidden};
	scan_hidden_ids(r, v, &tmpl.layer, &tmpl.hidden_by);
	return add_hits(r->inv, v->fr->secrets, v->fr->n_secrets, &tmpl);
}

static int layer_secrets(struct customs_inventory *inv, const struct image *img,
                         struct layer_result *const *layers, size_t n, const struct merged_fs *m)
{
	struct hidden_report r = {inv, img, layers, n};
	return scan_hidden_walk(layers, n, m, analyzer_secrets.name, has_secrets, add_file_hits,
	                        &r);
}

/* ---- misconfiguration checks ---- */

static int is_root_user(const char *u)
{
	if (!u || !*u)
		return 1;
	size_t n = strcspn(u, ":");
	return (n == 4 && strncmp(u, "root", 4) == 0) || (n == 1 && u[0] == '0');
}

static int secret_env_name(const char *name, size_t len)
{
	static const char *const words[] = {"PASSWORD",   "PASSWD", "SECRET",      "TOKEN",
	                                    "API_KEY",    "APIKEY", "PRIVATE_KEY", "ACCESS_KEY",
	                                    "CREDENTIAL", NULL};
	char up[128];
	if (len >= sizeof(up))
		len = sizeof(up) - 1;
	for (size_t i = 0; i < len; i++)
		up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	up[len] = '\0';
	for (size_t i = 0; words[i]; i++)
		if (strstr(up, words[i]))
			return 1;
	return 0;
}

static int has_package(const struct customs_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->pkgs.n; i++)
		if (inv->pkgs.items[i].name && strcmp(inv->pkgs.items[i].name, name) == 0)
			return 1;
	return 0;
}

/* ADD of a remote URL, or of a local archive anywhere but "/": unpacking a
 * root filesystem tarball at "/" is how every base image is made (FROM
 * scratch), so flagging it would flag every image. */
static int history_add(const char *line)
{
	const char *p = strstr(line, "ADD ");
	if (!p)
		return 0;
	if (strstr(p, "http://") || strstr(p, "https://"))
		return 1;
	static const char *const exts[] = {".tar ",     ".tgz ", ".tar.gz ", ".tar.xz ",
	                                   ".tar.bz2 ", ".zip ", NULL};
	size_t len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	int to_root = len >= 2 && p[len - 1] == '/' && p[len - 2] == ' ';
	for (size_t i = 0; exts[i] && !to_root; i++)
		if (strstr(p, exts[i]))
			return 1;
	return 0;
}

static int config_checks(struct customs_inventory *inv, const struct image_config *cfg)
{
	int rc = 0;
	char seen[512];
	json_t *c = json_object_get(cfg->raw, "config");
	if (is_root_user(cfg->user)) {
		snprintf(seen, sizeof(seen), "USER is %s",
		         cfg->user && *cfg->user ? cfg->user : "not set (root)");
		rc = fail_check(inv, MISCONFIG_ROOT, seen, NULL, NULL);
	}
	json_t *hc = json_object_get(json_object_get(c, "Healthcheck"), "Test");
	const char *t0 = json_string_value(json_array_get(hc, 0));
	if (rc == 0 && (!t0 || strcmp(t0, "NONE") == 0))
		rc = fail_check(inv, MISCONFIG_HEALTHCHECK, "no HEALTHCHECK in the image config",
		                NULL, NULL);
	for (size_t i = 0; rc == 0 && i < cfg->n_history; i++) {
		const char *cb = cfg->history[i].created_by;
		if (!cb || !history_add(cb))
			continue;
		char *safe = str_sanitize(cb, strnlen(cb, 200));
		snprintf(seen, sizeof(seen), "history[%zu]: %s", i, safe ? safe : "ADD");
		free(safe);
		rc = fail_check(inv, MISCONFIG_ADD, seen, NULL, NULL);
	}
	if (rc == 0 && json_object_get(json_object_get(c, "ExposedPorts"), "22/tcp"))
		rc = fail_check(inv, MISCONFIG_SSH, "port 22/tcp exposed", NULL, NULL);
	for (size_t i = 0; rc == 0 && i < cfg->n_env; i++) {
		const char *e = cfg->env[i], *eq = strchr(e, '=');
		if (!eq || !eq[1] || !secret_env_name(e, (size_t)(eq - e)))
			continue;
		char *name = str_sanitize(e, (size_t)(eq - e) < 100 ? (size_t)(eq - e) : 100);
		snprintf(seen, sizeof(seen), "ENV %s is set (value not shown)", name ? name : "?");
		free(name);
		rc = fail_check(inv, MISCONFIG_ENV_SECRET, seen, NULL, NULL);
	}
	const char *base = json_string_value(
	    json_object_get(json_object_get(c, "Labels"), "org.opencontainers.image.base.name"));
	if (rc == 0 && base && !strchr(base, '@')) {
		char *safe = str_sanitize(base, strnlen(base, 200));
		snprintf(seen, sizeof(seen), "base image %s has no digest", safe ? safe : "?");
		free(safe);
		rc = fail_check(inv, MISCONFIG_BASE_TAG, seen, NULL, NULL);
	}
	return rc;
}

/* One finding per file: the path is what to fix. */
static int mode_fact(struct customs_inventory *inv, const struct image *img,
                     struct layer_result *const *layers, const struct merged_file *f)
{
	const char *id = misconfig_mode_check(f->result->path, f->result->mode);
	char seen[LIMIT_PATH_BYTES + 32];
	if (!id)
		return 0;
	char *safe = str_sanitize(f->result->path, strlen(f->result->path));
	snprintf(seen, sizeof(seen), "/%s has mode %04o", safe ? safe : "?",
	         (unsigned)(f->result->mode & 07777));
	free(safe);
	return fail_check(inv, id, seen, f->result->path, scan_layer_id(img, layers, f->layer));
}

static int fs_checks(struct customs_inventory *inv, const struct image *img,
                     struct layer_result *const *layers, const struct merged_fs *m)
{
	int rc = 0, ssh = 0, sudo = 0;
	size_t caches = 0;
	const struct merged_file *first_cache = NULL;
	char seen[512];
	for (size_t i = 0; rc == 0 && i < m->n_files; i++) {
		const struct merged_file *f = &m->files[i];
		if (strcmp(f->result->analyzer, analyzer_fsmode.name) == 0)
			rc = mode_fact(inv, img, layers, f);
		if (strcmp(f->result->analyzer, analyzer_misconfig.name) != 0)
			continue;
		const char *id = misconfig_fact_check(f->result->path);
		const char *layer = scan_layer_id(img, layers, f->layer);
		if (!id)
			continue;
		if (strcmp(id, MISCONFIG_PKG_CACHE) == 0) {
			first_cache = first_cache ? first_cache : f;
			caches++;
			continue;
		}
		ssh |= strcmp(id, MISCONFIG_SSH) == 0;
		sudo |= strcmp(id, MISCONFIG_SUDO) == 0;
		snprintf(seen, sizeof(seen), "/%s is in the image", f->result->path);
		rc = fail_check(inv, id, seen, f->result->path, layer);
	}
	if (rc == 0 && !ssh && has_package(inv, "openssh-server"))
		rc = fail_check(inv, MISCONFIG_SSH, "package openssh-server installed", NULL, NULL);
	if (rc == 0 && !sudo && has_package(inv, "sudo"))
		rc = fail_check(inv, MISCONFIG_SUDO, "package sudo installed", NULL, NULL);
	if (rc == 0 && first_cache) {
		snprintf(seen, sizeof(seen), "%zu cached package file(s), e.g. /%s", caches,
		         first_cache->result->path);
		rc = fail_check(inv, MISCONFIG_PKG_CACHE, seen, first_cache->result->path,
		                scan_layer_id(img, layers, first_cache->layer));
	}
	return rc;
}

int scan_extra_collect(struct customs_inventory *inv, const struct image *img,
                       struct layer_result *const *layers, size_t n, const struct merged_fs *m,
                       const struct scan_extra *x)
{
	int rc = 0;
	if (x->scanners & CUSTOMS_SCAN_SECRETS) {
		rc = config_secrets(inv, &img->config, x->secret_cfg);
		rc = rc ? rc : layer_secrets(inv, img, layers, n, m);
	}
	if (rc == 0 && (x->scanners & CUSTOMS_SCAN_MALWARE))
		rc = scan_malware_collect(inv, img, layers, n, m, x->engine);
	if (rc == 0 && (x->scanners & CUSTOMS_SCAN_CONFIG)) {
		/* A rootfs folder has no image config to check. */
		if (!img->rootfs_dir)
			rc = config_checks(inv, &img->config);
		rc = rc ? rc : fs_checks(inv, img, layers, m);
	}
	return rc;
}

int scan_extra_init(struct scan_extra *x, const customs_scan_options *opts, customs_error *err)
{
	size_t n = 0;
	/* Options from before the scanners field have none of it: packages only. */
	unsigned int scanners = opts->version >= 2 ? opts->scanners : 0;
	const char *secret_config = opts->version >= 2 ? opts->secret_config : NULL;
	memset(x, 0, sizeof(*x));
	x->scanners = scanners;
	if (scanners & CUSTOMS_SCAN_MALWARE) {
		struct malware_settings ms;
		scan_malware_settings(&ms, opts);
		int rc = malware_engine_get(&x->engine, &ms, err);
		if (rc)
			return rc;
		x->malware = analyzer_malware;
		x->malware.ctx = x->engine;
		x->malware.max_file_size = (size_t)malware_engine_max_file_size(x->engine);
	}
	if ((scanners & CUSTOMS_SCAN_SECRETS) && secret_config) {
		int rc = secret_config_load(&x->secret_cfg, secret_config, err);
		/* A config that does not load is the caller's mistake, not the image's. */
		if (rc && rc != CUSTOMS_ENOMEM && rc != CUSTOMS_EIO)
			rc = err->code = CUSTOMS_EUSAGE;
		if (rc)
			return rc;
	}
	x->secrets = analyzer_secrets;
	x->secrets.ctx = x->secret_cfg;
	while (analyzer_table[n])
		n++;
	x->list = calloc(n + 5, sizeof(*x->list));
	if (!x->list)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	memcpy(x->list, analyzer_table, n * sizeof(*x->list));
	if (scanners & CUSTOMS_SCAN_SECRETS)
		x->list[n++] = &x->secrets;
	if (scanners & CUSTOMS_SCAN_CONFIG) {
		x->list[n++] = &analyzer_misconfig;
		x->list[n++] = &analyzer_fsmode;
	}
	if (scanners & CUSTOMS_SCAN_MALWARE)
		x->list[n++] = &x->malware;
	return 0;
}

void scan_extra_clear(struct scan_extra *x)
{
	free(x->list);
	secret_config_free(x->secret_cfg);
	malware_engine_release(x->engine);
	memset(x, 0, sizeof(*x));
}
