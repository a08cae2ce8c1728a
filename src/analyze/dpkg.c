/* dpkg status databases (var/lib/dpkg/status, distroless status.d/ files):
 * RFC822-like stanzas turned into "deb" packages with their source package. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/pkgdb.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

/* A slice of the input. */
struct span {
	const char *s;
	size_t n;
};

/* The fields of one stanza we use, pointing into the input. */
struct stanza {
	struct span package, status, version, arch, source, size, maintainer;
	bool seen;   /* at least one field */
	bool vcpkg;  /* fields only vcpkg writes */
	size_t line; /* where the stanza starts, for messages */
};

static bool span_eq(struct span a, const char *s)
{
	return a.n == strlen(s) && memcmp(a.s, s, a.n) == 0;
}

/* dpkg lists a package as installed when its state is "installed" and nothing
 * went wrong ("ok"), whether it is wanted as "install" or held at "hold".
 * Distroless status.d files carry no Status at all: they list installed
 * packages only. */
static bool is_installed(struct span status)
{
	if (!status.s)
		return true;
	struct span w[3];
	size_t nw = 0, i = 0;
	while (i < status.n && nw < 4) {
		while (i < status.n && (status.s[i] == ' ' || status.s[i] == '\t'))
			i++;
		size_t b = i;
		while (i < status.n && status.s[i] != ' ' && status.s[i] != '\t')
			i++;
		if (i == b)
			break;
		if (nw == 3)
			return false;
		w[nw].s = status.s + b;
		w[nw].n = i - b;
		nw++;
	}
	return nw == 3 && (span_eq(w[0], "install") || span_eq(w[0], "hold")) &&
	       span_eq(w[1], "ok") && span_eq(w[2], "installed");
}

static int dup_span(const char **dst, struct span v)
{
	if (!v.s || v.n == 0)
		return 0;
	char *p = xstrndup(v.s, v.n);
	if (!p)
		return CUSTOMS_ENOMEM;
	*dst = p;
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "name" or "name (version)". */
static void split_source(struct span src, struct span *name, struct span *version)
{
	size_t i = 0;
	name->s = version->s = NULL;
	name->n = version->n = 0;
	if (!src.s)
		return;
	while (i < src.n && src.s[i] != ' ' && src.s[i] != '\t' && src.s[i] != '(')
		i++;
	name->s = src.s;
	name->n = i;
	const char *open = memchr(src.s + i, '(', src.n - i);
	if (!open)
		return;
	const char *v = open + 1;
	const char *close = memchr(v, ')', (size_t)(src.s + src.n - v));
	size_t vn = close ? (size_t)(close - v) : (size_t)(src.s + src.n - v);
	mem_trim(&v, &vn);
	if (vn) {
		version->s = v;
		version->n = vn;
	}
}

/* Installed-Size is in KiB. Some generators write a unit instead ("4KB");
 * those are read as human sizes (kB = 1000, KiB = 1024), as syft does.
 * Returns bytes, or -1 when the field is missing or unreadable. */
static int64_t installed_size(struct span v)
{
	static const struct {
		const char *unit;
		uint64_t mul;
	} units[] = {
	    {"", 1024},      {"B", 1},         {"kB", 1000},       {"KB", 1000},     {"KiB", 1024},
	    {"MB", 1000000}, {"MiB", 1 << 20}, {"GB", 1000000000}, {"GiB", 1 << 30},
	};
	size_t d = 0;
	if (!v.s)
		return -1;
	while (d < v.n && v.s[d] >= '0' && v.s[d] <= '9')
		d++;
	struct span unit = {v.s + d, v.n - d};
	mem_trim(&unit.s, &unit.n);
	uint64_t n, bytes;
	if (parse_u64(&n, v.s, d, INT64_MAX))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (span_eq(unit, units[i].unit))
			return __builtin_mul_overflow(n, units[i].mul, &bytes) || bytes > INT64_MAX
			           ? -1
			           : (int64_t)bytes;
	return -1;
}

static int fill_package(customs_package *p, const struct stanza *st, struct span epoch,
                        struct span version, const char *path)
{
	int rc = 0;
	struct span src_name, src_version;
	split_source(st->source, &src_name, &src_version);
	if (!src_name.n)
		src_name = st->package;
	if (!src_version.n)
		src_version = st->version; /* the full version, epoch included */
	rc = rc ? rc : ((p->type = strdup("deb")) ? 0 : CUSTOMS_ENOMEM);
	rc = rc ? rc : dup_span(&p->name, st->package);
	rc = rc ? rc : dup_span(&p->epoch, epoch);
	rc = rc ? rc : dup_span(&p->version, version);
	rc = rc ? rc : dup_span(&p->arch, st->arch);
	rc = rc ? rc : dup_span(&p->src_name, src_name);
	rc = rc ? rc : dup_span(&p->src_version, src_version);
	rc = rc ? rc : dup_span(&p->maintainer, st->maintainer);
	if (!rc && path && !(p->path = strdup(path)))
		rc = CUSTOMS_ENOMEM;
	if (!rc)
		p->installed_size = installed_size(st->size);
	return rc;
}

/* Turns a finished stanza into a package, a warning, or nothing. */
static int stanza_end(struct package_list *out, const struct stanza *st, const char *path,
                      struct warn_list *warnings, size_t *skipped, customs_error *err)
{
	if (!st->seen || !is_installed(st->status))
		return 0;
	bool name_ok = pkgdb_usable(st->package.s, st->package.n);
	if (!name_ok || !pkgdb_usable(st->version.s, st->version.n)) {
		pkgdb_skip(warnings, skipped, path, st->line, st->package.s, st->package.n,
		           name_ok ? "Version" : "Package");
		return 0;
	}
	struct span epoch = {NULL, 0}, version = st->version;
	const char *colon = memchr(version.s, ':', version.n);
	if (colon) {
		epoch.s = version.s;
		epoch.n = (size_t)(colon - version.s);
		version.s = colon + 1;
		version.n -= epoch.n + 1;
		if (!all_digits(epoch.s, epoch.n) || version.n == 0) {
			pkgdb_skip(warnings, skipped, path, st->line, st->package.s, st->package.n,
			           "Version (bad epoch)");
			return 0;
		}
	}
	customs_package *p = NULL;
	int rc = pkgdb_add(&p, out, path, err);
	if (rc)
		return rc;
	rc = fill_package(p, st, epoch, version, path);
	if (rc) {
		package_list_pop(out);
		return err_set(err, rc, "%s: out of memory", path);
	}
	return 0;
}

static const struct {
	const char *name;
	size_t off;
} wanted_fields[] = {
    {"Package", offsetof(struct stanza, package)},
    {"Status", offsetof(struct stanza, status)},
    {"Version", offsetof(struct stanza, version)},
    {"Architecture", offsetof(struct stanza, arch)},
    {"Source", offsetof(struct stanza, source)},
    {"Installed-Size", offsetof(struct stanza, size)},
    {"Maintainer", offsetof(struct stanza, maintainer)},
};

static void stanza_field(struct stanza *st, struct span name, struct span value)
{
	st->seen = true;
	/* vcpkg keeps its installed ports in a file shaped like a dpkg status
	 * file; Abi and Feature are fields dpkg never writes. */
	if ((name.n == 3 && strncasecmp(name.s, "Abi", 3) == 0) ||
	    (name.n == 7 && strncasecmp(name.s, "Feature", 7) == 0))
		st->vcpkg = true;
	for (size_t i = 0; i < sizeof(wanted_fields) / sizeof(wanted_fields[0]); i++) {
		size_t n = strlen(wanted_fields[i].name);
		if (name.n == n && strncasecmp(name.s, wanted_fields[i].name, n) == 0) {
			*(struct span *)((char *)st + wanted_fields[i].off) = value;
			return;
		}
	}
}

/* Ends a stanza; a vcpkg stanza means the whole file is not dpkg's. */
static int stanza_close(struct package_list *out, struct stanza *st, size_t next_line,
                        const char *where, struct warn_list *warnings, size_t *skipped,
                        customs_error *err)
{
	int rc = stanza_end(out, st, where, warnings, skipped, err);
	if (!rc && st->vcpkg)
		rc = err_set(err, CUSTOMS_EINVAL, "%s: a vcpkg status file, not dpkg's", where);
	memset(st, 0, sizeof(*st));
	st->line = next_line;
	return rc;
}

int dpkg_status_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                      struct warn_list *warnings, size_t *skipped, customs_error *err)
{
	struct pkgdb_reader rd = {(const char *)data, (const char *)data + len,
	                          path ? path : "dpkg status", 0};
	const char *line, *where = rd.where;
	size_t n, n0 = out->n, nskip = 0;
	struct stanza st = {.line = 1};
	int rc;
	while ((rc = pkgdb_next_line(&rd, &line, &n, err)) == 1) {
		const char *t = line;
		size_t tn = n;
		mem_trim(&t, &tn);
		if (tn == 0) {
			rc = stanza_close(out, &st, rd.lineno + 1, where, warnings, &nskip, err);
			if (rc)
				break;
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			if (st.seen)
				continue;
			rc = err_set(err, CUSTOMS_EINVAL,
			             "%s:%zu: continuation line outside a field", where, rd.lineno);
			break;
		}
		const char *colon = memchr(line, ':', n);
		struct span name = {line, colon ? (size_t)(colon - line) : 0};
		bool ok = colon && name.n > 0;
		for (size_t i = 0; ok && i < name.n; i++)
			ok = line[i] > ' ' && line[i] < 0x7f;
		if (!ok) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s:%zu: not a \"Field: value\" line",
			             where, rd.lineno);
			break;
		}
		struct span value = {colon + 1, n - name.n - 1};
		mem_trim(&value.s, &value.n);
		stanza_field(&st, name, value);
	}
	if (rc == 0)
		rc = stanza_close(out, &st, 0, where, warnings, &nskip, err);
	return pkgdb_finish(out, n0, rc, skipped, nskip);
}

/* status.d/ also holds each package's control files next to its stanza file
 * (distroless writes NAME.md5sums; other tools add maintainer scripts). */
static const char *const control_suffixes[] = {
    ".md5sums", ".preinst", ".postinst", ".prerm",    ".postrm",    ".conffiles",
    ".list",    ".shlibs",  ".symbols",  ".triggers", ".templates", ".config",
};

static int analyze_dpkg(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                        struct warn_list *warnings, customs_error *err)
{
	if (str_has_prefix(path, "var/lib/dpkg/status.d/"))
		for (size_t i = 0; i < sizeof(control_suffixes) / sizeof(control_suffixes[0]); i++)
			if (str_has_suffix(path, control_suffixes[i]))
				return 0;
	return dpkg_status_parse(&out->pkgs, path, data, len, warnings, NULL, err);
}

static const struct path_rule dpkg_rules[] = {
    {PATH_EXACT, "var/lib/dpkg/status"},
    {PATH_GLOB, "var/lib/dpkg/status.d/*"},
};

const struct analyzer analyzer_dpkg = {
    .name = "dpkg",
    .rules = dpkg_rules,
    .n_rules = sizeof(dpkg_rules) / sizeof(dpkg_rules[0]),
    .max_file_size = LIMIT_CAPTURE_BYTES,
    .analyze_file = analyze_dpkg,
    .stream = NULL,
};
