/* Feed import driver: sniffs which importer a file or folder needs, reads OSV
 * zips and gzip with libarchive, and builds the DB in a new file it renames in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/archive_lazy.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"
#include "vulndb/vulndb.h"

/* The Debian tracker is {package: {CVE: {..., "releases": {...}}}}: look at
 * the first entry only; a malformed later one is skipped by the importer. */
static bool looks_like_tracker(const json_t *root)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)root, k, v)
	{
		const char *k2;
		json_t *v2;
		if (!json_is_object(v))
			return false;
		json_object_foreach(v, k2, v2)
		{
			return json_is_object(json_object_get(v2, "releases"));
		}
	}
	return false;
}

int vulndb_import_json(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                       vulndb_json_importer fn, customs_error *err)
{
	json_t *root = NULL;
	int rc = json_parse(&root, data, len, LIMIT_FEED_JSON_BYTES, what, err);
	if (rc)
		return rc;
	rc = fn(w, root, what, err);
	json_decref(root);
	return rc;
}

static int import_json_doc(struct vulndb_writer *w, json_t *root, const char *what,
                           customs_error *err)
{
	if (!json_is_object(root))
		return err_set(err, CUSTOMS_EUNSUPPORTED, "%s: not a known feed format", what);
	if (json_get_str(root, "id") &&
	    (json_object_get(root, "modified") || json_object_get(root, "affected")))
		return vulndb_import_osv_json(w, root, what, err);
	if (json_is_array(json_object_get(root, "packages")))
		return vulndb_import_secdb_json(w, root, what, err);
	if (json_object_get(root, "catalogVersion"))
		return vulndb_import_kev_json(w, root, what, err);
	if (json_is_array(json_object_get(root, "vulnerabilities")))
		return vulndb_import_nvd_json(w, root, what, err);
	if (looks_like_tracker(root))
		return vulndb_import_debian_json(w, root, what, err);
	return err_set(err, CUSTOMS_EUNSUPPORTED, "%s: not a known feed format", what);
}

/* Decompresses a gzip stream whole, capped at max. */
static int gunzip(char **out, size_t *out_len, const char *data, size_t len, size_t max,
                  const char *what, customs_error *err)
{
	int rc = archive_lazy_load(err);
	if (rc)
		return rc;
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	if (!a)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: %s", what, archive_error_string(a));
		goto out;
	}
	for (;;) {
		if (cap - n < 65536) {
			size_t ncap = cap ? cap * 2 : 1 << 20;
			if (ncap > max + 65536)
				ncap = max + 65536;
			if (ncap <= cap) {
				rc = err_set(err, CUSTOMS_ETOOLARGE,
				             "%s: decompresses to over %zu bytes", what, max);
				goto out;
			}
			char *p = realloc(buf, ncap + 1);
			if (!p) {
				rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
				goto out;
			}
			buf = p;
			cap = ncap;
		}
		la_ssize_t r = archive_read_data(a, buf + n, cap - n);
		if (r < 0) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s: %s", what, archive_error_string(a));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: decompresses to over %zu bytes",
			             what, max);
			goto out;
		}
	}
	buf[n] = 0;
	*out = buf;
	*out_len = n;
	buf = NULL;
out:
	free(buf);
	archive_read_free(a);
	return rc;
}

static bool ends_with_json(const char *name)
{
	return str_has_suffix(name, ".json");
}

/* An OSV zip (osv.dev's per-ecosystem all.zip): every *.json member is one
 * record. Members are read one at a time, each capped. */
static int import_zip(struct vulndb_writer *w, const char *path, customs_error *err)
{
	int rc = archive_lazy_load(err);
	if (rc)
		return rc;
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *buf = NULL;
	size_t entries = 0;
	if (!a)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	if (!(buf = malloc(LIMIT_OSV_RECORD_BYTES + 1))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s: %s", path, archive_error_string(a));
			goto out;
		}
		if (++entries > LIMIT_ZIP_ENTRIES) {
			rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: more than %d members", path,
			             LIMIT_ZIP_ENTRIES);
			goto out;
		}
		const char *name = archive_entry_pathname(e);
		if (archive_entry_filetype(e) != AE_IFREG || !name || !ends_with_json(name))
			continue;
		size_t n = 0;
		bool big = false;
		for (;;) {
			la_ssize_t got =
			    archive_read_data(a, buf + n, LIMIT_OSV_RECORD_BYTES + 1 - n);
			if (got < 0) {
				rc = err_set(err, CUSTOMS_EINVAL, "%s: %s: %s", path, name,
				             archive_error_string(a));
				goto out;
			}
			if (got == 0)
				break;
			n += (size_t)got;
			if (n > LIMIT_OSV_RECORD_BYTES) {
				big = true;
				break;
			}
		}
		char what[512];
		snprintf(what, sizeof(what), "%s:%s", path, name);
		if (big) {
			vulndb_count(w, SRC_OSV, false, "%s: over %u bytes, skipped", what,
			             LIMIT_OSV_RECORD_BYTES);
			continue;
		}
		if ((rc = vulndb_import_osv(w, buf, n, what, err)))
			goto out;
	}
out:
	free(buf);
	archive_read_free(a);
	return rc;
}

static int import_file(struct vulndb_writer *w, const char *path, bool in_folder,
                       customs_error *err)
{
	char *data = NULL, *plain = NULL;
	size_t len = 0, plen = 0;
	json_t *root = NULL;
	int rc;
	unsigned char magic[4] = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, CUSTOMS_EIO, "%s: %s", path, strerror(errno));
	ssize_t got = read(fd, magic, sizeof(magic));
	close(fd);
	if (got == 4 && memcmp(magic, "PK\x03\x04", 4) == 0)
		return import_zip(w, path, err);
	if ((rc = vulndb_read_file(&data, &len, path, LIMIT_FEED_JSON_BYTES, err)))
		return rc;
	if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
		if ((rc = gunzip(&plain, &plen, data, len, LIMIT_FEED_JSON_BYTES, path, err)))
			goto out;
		free(data);
		data = plain;
		len = plen;
		plain = NULL;
	}
	if (mem_has_prefix(data, len, "#model_version:") || mem_has_prefix(data, len, "cve,epss")) {
		rc = vulndb_import_epss(w, data, len, path, err);
		goto out;
	}
	if (vulndb_looks_like_dsa_list(data, len)) {
		rc = vulndb_import_dsa(w, data, len, path, err);
		goto out;
	}
	customs_error jerr = {0};
	if (json_parse(&root, data, len, LIMIT_FEED_JSON_BYTES, path, &jerr)) {
		/* In a folder of OSV records a broken file is one skipped record;
		 * a file named on the command line is the user's mistake. */
		if (in_folder) {
			vulndb_count(w, SRC_OSV, false, "%s", jerr.message);
			rc = CUSTOMS_OK;
		} else {
			err_copy(err, &jerr);
			rc = jerr.code;
		}
		goto out;
	}
	free(data);
	data = NULL;
	/* osv.dev folders also hold an index (all.json: [{id, modified}...]),
	 * which lists records rather than being one. */
	if (in_folder && json_is_array(root)) {
		rc = CUSTOMS_OK;
		goto out;
	}
	rc = import_json_doc(w, root, path, err);
	if (rc == CUSTOMS_EUNSUPPORTED && in_folder) {
		vulndb_count(w, SRC_OSV, false, "%s: not a known feed format, skipped", path);
		rc = CUSTOMS_OK;
	}
out:
	json_decref(root);
	free(data);
	free(plain);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int import_dir(struct vulndb_writer *w, const char *path, int depth, size_t *files,
                      customs_error *err)
{
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = CUSTOMS_OK;
	if (depth > LIMIT_FEED_DIR_DEPTH)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: folders nested over %d deep", path,
		               LIMIT_FEED_DIR_DEPTH);
	if (!(d = opendir(path)))
		return err_set(err, CUSTOMS_EIO, "%s: %s", path, strerror(errno));
	/* Sorted, so that an import is reproducible whatever the file system. */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **p = realloc(names, cap * sizeof(*p));
			if (!p) {
				rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
				goto out;
			}
			names = p;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char *full = NULL;
		struct stat sb;
		if (asprintf(&full, "%s/%s", path, names[i]) < 0) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		if (lstat(full, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			rc = import_dir(w, full, depth + 1, files, err);
		} else if (S_ISREG(sb.st_mode) &&
		           (ends_with_json(names[i]) || str_has_suffix(names[i], ".zip") ||
		            str_has_suffix(names[i], ".gz"))) {
			if (++*files > LIMIT_FEED_DIR_FILES)
				rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: over %d files", path,
				             LIMIT_FEED_DIR_FILES);
			else
				rc = import_file(w, full, true, err);
		}
		free(full);
		if (rc)
			goto out;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int vulndb_import_path(struct vulndb_writer *w, const char *path, customs_error *err)
{
	struct stat sb;
	size_t files = 0;
	if (stat(path, &sb) != 0)
		return err_set(err, errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s",
		               path, strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return import_dir(w, path, 0, &files, err);
	return import_file(w, path, false, err);
}

/* Copies the live DB into the new file with SQLite's backup API, which reads
 * a consistent snapshot even if the file is being replaced meanwhile. */
static int copy_db(sqlite3 *dst, const char *base, customs_error *err)
{
	sqlite3 *src = NULL;
	int rc = CUSTOMS_OK;
	if (sqlite3_open_v2(base, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", base,
		             src ? sqlite3_errmsg(src) : "no memory");
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
		rc = err_set(err, CUSTOMS_EIO, "copying %s: %s", base, sqlite3_errmsg(dst));
		sqlite3_backup_finish(b);
		goto out;
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK)
		rc = err_set(err, CUSTOMS_EIO, "copying %s: %s", base, sqlite3_errmsg(dst));
out:
	sqlite3_close(src);
	return rc;
}

static void unlink_db(const char *path)
{
	const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (int i = 0; i < 4; i++) {
		char *p = NULL;
		if (asprintf(&p, "%s%s", path, suffixes[i]) >= 0) {
			unlink(p);
			free(p);
		}
	}
}

int vulndb_mkdirs(const char *path, customs_error *err)
{
	char *copy = strdup(path);
	int rc = CUSTOMS_OK;
	if (!copy)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			rc = err_set(err, CUSTOMS_EIO, "creating %s: %s", copy, strerror(errno));
			break;
		}
		*p = '/';
	}
	free(copy);
	return rc;
}

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

int vulndb_fsync(const char *path)
{
	return fsync_path(path, O_RDONLY);
}

int vulndb_build(const char *dest, const char *base,
                 int (*fill)(struct vulndb_writer *w, void *user, customs_error *err), void *user,
                 customs_vulndb_warn_fn warn, void *warn_user, customs_vulndb_import_stats *stats,
                 customs_error *err)
{
	char *tmp = NULL, *dir = NULL;
	sqlite3 *db = NULL;
	struct vulndb_writer w;
	bool writer = false;
	struct stat sb;
	int rc;
	if ((rc = vulndb_mkdirs(dest, err)))
		return rc;
	if (asprintf(&tmp, "%s.new-%ld", dest, (long)getpid()) < 0)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	unlink_db(tmp);
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc =
		    err_set(err, CUSTOMS_EIO, "%s: %s", tmp, db ? sqlite3_errmsg(db) : "no memory");
		goto out;
	}
	if (base && stat(base, &sb) == 0 && (rc = copy_db(db, base, err)))
		goto out;
	/* Nobody else sees this file until the rename: no durability is needed
	 * while filling it, only at the end (fsync before rename). The journal
	 * stays (in memory): a malformed record is rolled back to its savepoint. */
	sqlite3_exec(db,
	             "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536",
	             NULL, NULL, NULL);
	if ((rc = vulndb_writer_init(&w, db, err)))
		goto out;
	writer = true;
	w.warn = warn;
	w.warn_user = warn_user;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	if ((rc = fill(&w, user, err)))
		goto out;
	if ((rc = vulndb_writer_finish(&w, err)))
		goto out;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	vulndb_writer_cleanup(&w);
	writer = false;
	/* Published in rollback-journal mode: the live file is never written
	 * again (the next update replaces it), so readers need no -wal/-shm
	 * files and an old -wal can never be applied to a new file. */
	if (sqlite3_exec(db, "ANALYZE; PRAGMA journal_mode=DELETE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_close(db);
	db = NULL;
	if (fsync_path(tmp, O_RDONLY) != 0 || rename(tmp, dest) != 0) {
		rc = err_set(err, CUSTOMS_EIO, "publishing %s: %s", dest, strerror(errno));
		goto out;
	}
	if ((dir = strdup(dest)))
		fsync_path(dirname(dir), O_RDONLY | O_DIRECTORY);
	if (stats) {
		stats->records = w.records;
		stats->skipped = w.skipped;
	}
out:
	if (writer)
		vulndb_writer_cleanup(&w);
	sqlite3_close(db);
	if (rc)
		unlink_db(tmp);
	free(tmp);
	free(dir);
	return rc;
}

struct import_args {
	const char *const *paths;
	size_t n;
	size_t files;
};

static int fill_paths(struct vulndb_writer *w, void *user, customs_error *err)
{
	struct import_args *a = user;
	for (size_t i = 0; i < a->n; i++) {
		int rc = vulndb_import_path(w, a->paths[i], err);
		if (rc)
			return rc;
		a->files++;
	}
	return CUSTOMS_OK;
}

int customs_vulndb_import(const char *db_path, const char *const *paths, size_t n_paths,
                          customs_vulndb_warn_fn warn, void *warn_user,
                          customs_vulndb_import_stats *stats, customs_error *err)
{
	struct import_args a = {paths, n_paths, 0};
	customs_vulndb_import_stats st = {0};
	if (!db_path || (n_paths && !paths))
		return err_set(err, CUSTOMS_EUSAGE, "import: no DB path or no feed paths");
	int rc = vulndb_build(db_path, db_path, fill_paths, &a, warn, warn_user, &st, err);
	if (rc == 0 && stats) {
		*stats = st;
		stats->files = a.files;
	}
	return rc;
}
