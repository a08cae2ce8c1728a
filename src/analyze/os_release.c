/* OS detection from release files: os-release(5), lsb-release and the
 * distro-specific files, each turned into an os_info with a priority. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/os_release.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

/* The keys of os-release and lsb-release that say what the OS is. */
enum {
	K_ID,
	K_VERSION_ID,
	K_VERSION_CODENAME,
	K_UBUNTU_CODENAME,
	K_VERSION,
	K_PRETTY_NAME,
	K_NAME,
	K_DISTRIB_ID,
	K_DISTRIB_RELEASE,
	K_DISTRIB_CODENAME,
	K_DISTRIB_DESCRIPTION,
	K_COUNT,
};

static const char *const key_names[K_COUNT] = {
    "ID",
    "VERSION_ID",
    "VERSION_CODENAME",
    "UBUNTU_CODENAME",
    "VERSION",
    "PRETTY_NAME",
    "NAME",
    "DISTRIB_ID",
    "DISTRIB_RELEASE",
    "DISTRIB_CODENAME",
    "DISTRIB_DESCRIPTION",
};

struct kv {
	char *v[K_COUNT];
};

static void kv_free(struct kv *kv)
{
	for (size_t i = 0; i < K_COUNT; i++)
		free(kv->v[i]);
}

static bool is_key_char(char c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (!first && c >= '0' && c <= '9');
}

/* Unquotes a value the way os-release(5) asks: a shell word made of bare,
 * '...' and "..." parts; in double quotes only \" \\ \$ \` are escapes.
 * Text after an unquoted blank (a trailing comment) is dropped. */
static int unquote(char **out, const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, n + 1);
	int rc = 0;
	size_t i = 0;
	char q = 0;
	while (i < n && !rc) {
		char c = s[i];
		if (q == '\'') {
			if (c == '\'')
				q = 0;
			else
				rc = buf_append(&b, &c, 1);
			i++;
		} else if (q == '"') {
			if (c == '"') {
				q = 0;
			} else if (c == '\\' && i + 1 < n && strchr("\"\\$`", s[i + 1])) {
				rc = buf_append(&b, &s[i + 1], 1);
				i++;
			} else {
				rc = buf_append(&b, &c, 1);
			}
			i++;
		} else if (c == '"' || c == '\'') {
			q = c;
			i++;
		} else if (c == ' ' || c == '\t') {
			break;
		} else if (c == '\\' && i + 1 < n) {
			rc = buf_append(&b, &s[i + 1], 1);
			i += 2;
		} else {
			rc = buf_append(&b, &c, 1);
			i++;
		}
	}
	/* An unterminated quote still yields what it held, as systemd's parser does. */
	if (!rc && !b.data)
		rc = buf_append(&b, "", 0);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*out = buf_take(&b);
	return 0;
}

/* KEY=value lines; comments, blank and malformed lines are ignored (systemd
 * skips them too), the last assignment of a key wins. */
static int kv_parse(struct kv *kv, const uint8_t *data, size_t len)
{
	const char *p = (const char *)data, *end = p + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *line = p;
		p = nl ? nl + 1 : end;
		size_t n = (size_t)(le - line);
		if (n && line[n - 1] == '\r')
			n--;
		mem_trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		const char *eq = memchr(line, '=', n);
		if (!eq || eq == line)
			continue;
		size_t klen = (size_t)(eq - line);
		bool ok = true;
		for (size_t i = 0; i < klen && ok; i++)
			ok = is_key_char(line[i], i == 0);
		if (!ok)
			continue;
		for (size_t k = 0; k < K_COUNT; k++) {
			if (strlen(key_names[k]) != klen || memcmp(key_names[k], line, klen) != 0)
				continue;
			char *v = NULL;
			int rc = unquote(&v, eq + 1, n - klen - 1);
			if (rc)
				return rc;
			free(kv->v[k]);
			kv->v[k] = v;
			break;
		}
	}
	return 0;
}

static const struct {
	const char *major, *name;
} debian_codenames[] = {
    {"4", "etch"},      {"5", "lenny"},   {"6", "squeeze"}, {"7", "wheezy"},
    {"8", "jessie"},    {"9", "stretch"}, {"10", "buster"}, {"11", "bullseye"},
    {"12", "bookworm"}, {"13", "trixie"}, {"14", "forky"},
};

const char *os_debian_codename(const char *version)
{
	if (!version)
		return NULL;
	size_t n = strcspn(version, ".");
	for (size_t i = 0; i < sizeof(debian_codenames) / sizeof(debian_codenames[0]); i++)
		if (strlen(debian_codenames[i].major) == n &&
		    memcmp(debian_codenames[i].major, version, n) == 0)
			return debian_codenames[i].name;
	return NULL;
}

/* A lowercase copy of the first word of s[0..n), or NULL when empty. */
static char *first_word_lower(const char *s, size_t n)
{
	mem_trim(&s, &n);
	size_t w = 0;
	while (w < n && s[w] != ' ' && s[w] != '\t' && s[w] != ')' && s[w] != ',')
		w++;
	if (w == 0)
		return NULL;
	char *r = xstrndup(s, w);
	for (size_t i = 0; r && r[i]; i++)
		if (r[i] >= 'A' && r[i] <= 'Z')
			r[i] = (char)(r[i] - 'A' + 'a');
	return r;
}

/* Debian and Ubuntu name the release inside VERSION when VERSION_CODENAME is
 * missing: "7 (wheezy)", "16.04.7 LTS (Xenial Xerus)", "12.04.5 LTS, Precise Pangolin". */
static char *codename_from_version(const char *version)
{
	const char *paren = strchr(version, '(');
	if (paren)
		return first_word_lower(paren + 1, strlen(paren + 1));
	const char *comma = strchr(version, ',');
	if (comma)
		return first_word_lower(comma + 1, strlen(comma + 1));
	return NULL;
}

/* os-release IDs are [a-z0-9._-]; anything else is not an ID we can use in
 * a purl or a database key. Lowercases in place; false when invalid. */
static bool family_normalise(char *s)
{
	if (!s || !*s)
		return false;
	for (char *c = s; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '_' || *c == '-'))
			return false;
	}
	return true;
}

/* Moves the strings into a new os_info; on failure frees them all. */
static int os_new(struct os_info **out, char *family, char *version, char *codename, char *name,
                  int priority)
{
	struct os_info *os = calloc(1, sizeof(*os));
	if (!os) {
		free(family);
		free(version);
		free(codename);
		free(name);
		return CUSTOMS_ENOMEM;
	}
	os->family = family;
	os->version = version;
	os->codename = codename;
	os->name = name;
	os->priority = priority;
	*out = os;
	return 0;
}

/* An os_info for a one-line release file: family copied, version taken,
 * the line itself as the name. */
static int os_new_from_line(struct os_info **out, const char *family, char *version,
                            const char *line, size_t n, int priority)
{
	char *f = strdup(family);
	char *name = line ? xstrndup(line, n) : NULL;
	if (!f || (line && !name)) {
		free(f);
		free(name);
		free(version);
		return CUSTOMS_ENOMEM;
	}
	return os_new(out, f, version, NULL, name, priority);
}

static char *take(char **p)
{
	char *r = *p;
	*p = NULL;
	return r;
}

static int os_from_os_release(struct os_info **out, struct kv *kv, int priority)
{
	if (!family_normalise(kv->v[K_ID]))
		return 0;
	const char *family = kv->v[K_ID];
	char *codename = take(&kv->v[K_VERSION_CODENAME]);
	if (!codename || !*codename) {
		free(codename);
		codename = take(&kv->v[K_UBUNTU_CODENAME]);
	}
	bool debianish = strcmp(family, "debian") == 0 || strcmp(family, "ubuntu") == 0;
	if ((!codename || !*codename) && debianish) {
		free(codename);
		codename = kv->v[K_VERSION] ? codename_from_version(kv->v[K_VERSION]) : NULL;
		const char *known = os_debian_codename(kv->v[K_VERSION_ID]);
		if (!codename && strcmp(family, "debian") == 0 && known &&
		    !(codename = strdup(known)))
			return CUSTOMS_ENOMEM;
	}
	/* Alpine's development branch calls itself "edge" only in PRETTY_NAME;
	 * its VERSION_ID is a snapshot ("3.19_alpha20230901"). */
	const char *pretty = kv->v[K_PRETTY_NAME];
	if (!codename && strcmp(family, "alpine") == 0 && pretty &&
	    str_has_suffix(pretty, " edge") && !(codename = strdup("edge")))
		return CUSTOMS_ENOMEM;
	char *name = take(kv->v[K_PRETTY_NAME] ? &kv->v[K_PRETTY_NAME] : &kv->v[K_NAME]);
	return os_new(out, take(&kv->v[K_ID]), take(&kv->v[K_VERSION_ID]), codename, name,
	              priority);
}

static int os_from_lsb_release(struct os_info **out, struct kv *kv)
{
	if (!family_normalise(kv->v[K_DISTRIB_ID]))
		return 0;
	return os_new(out, take(&kv->v[K_DISTRIB_ID]), take(&kv->v[K_DISTRIB_RELEASE]),
	              take(&kv->v[K_DISTRIB_CODENAME]), take(&kv->v[K_DISTRIB_DESCRIPTION]),
	              OS_PRIO_LSB);
}

static int parse_kv_file(struct os_info **out, const uint8_t *data, size_t len, int priority,
                         bool lsb, customs_error *err)
{
	struct kv kv = {{0}};
	struct os_info *os = NULL;
	if (len > LIMIT_RELEASE_FILE_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE,
		               "release file of %zu bytes is over the limit", len);
	int rc = kv_parse(&kv, data, len);
	if (!rc)
		rc = lsb ? os_from_lsb_release(&os, &kv) : os_from_os_release(&os, &kv, priority);
	kv_free(&kv);
	if (rc)
		return err_set(err, rc, "release file: out of memory");
	*out = os;
	return 0;
}

int os_release_parse(struct os_info **out, const uint8_t *data, size_t len, int priority,
                     customs_error *err)
{
	return parse_kv_file(out, data, len, priority, false, err);
}

/* The first line of a one-line release file, trimmed. */
static void first_line(const char **s, size_t *n, const uint8_t *data, size_t len)
{
	const char *p = (const char *)data;
	const char *nl = memchr(p, '\n', len);
	*s = p;
	*n = nl ? (size_t)(nl - p) : len;
	mem_trim(s, n);
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
}

/* A version token: starts with a digit, then anything up to a blank. */
static char *version_token(const char *s, size_t n)
{
	mem_trim(&s, &n);
	if (n == 0 || s[0] < '0' || s[0] > '9')
		return NULL;
	size_t w = 0;
	while (w < n && s[w] != ' ' && s[w] != '\t' && s[w] != '(')
		w++;
	return xstrndup(s, w);
}

/* Red Hat style: "<product> release <version> (<codename>)". The product
 * decides the family, since CentOS, Oracle and Amazon ship a redhat-release
 * or system-release too; the file name is the fallback. */
static const struct {
	const char *prefix, *family;
} rh_products[] = {
    {"Red Hat", "rhel"}, {"CentOS", "centos"}, {"Rocky", "rocky"},   {"AlmaLinux", "almalinux"},
    {"Oracle", "ol"},    {"Amazon", "amzn"},   {"Fedora", "fedora"},
};

static const struct {
	const char *path, *family;
	int priority;
} rh_files[] = {
    {"etc/redhat-release", "rhel", OS_PRIO_COMPAT},
    {"etc/system-release", NULL, OS_PRIO_COMPAT},
    {"etc/centos-release", "centos", OS_PRIO_DISTRO},
    {"etc/rocky-release", "rocky", OS_PRIO_DISTRO},
    {"etc/almalinux-release", "almalinux", OS_PRIO_DISTRO},
    {"etc/oracle-release", "ol", OS_PRIO_DISTRO},
    {"etc/fedora-release", "fedora", OS_PRIO_DISTRO},
};

static int parse_rh_release(struct os_info **out, const char *fallback, int priority,
                            const uint8_t *data, size_t len)
{
	const char *s;
	size_t n;
	first_line(&s, &n, data, len);
	const char *family = fallback;
	for (size_t i = 0; i < sizeof(rh_products) / sizeof(rh_products[0]); i++)
		if (mem_has_prefix(s, n, rh_products[i].prefix))
			family = rh_products[i].family;
	if (!family)
		return 0;
	const char *rel = memmem(s, n, " release ", 9);
	if (!rel)
		return 0;
	rel += 9;
	char *version = version_token(rel, n - (size_t)(rel - s));
	if (!version)
		return 0;
	return os_new_from_line(out, family, version, s, n, priority);
}

/* etc/alpine-release and etc/debian_version hold just a version. Ubuntu's
 * debian_version ("bookworm/sid") names no release and yields nothing. */
static int parse_version_file(struct os_info **out, const char *family, int priority,
                              const uint8_t *data, size_t len)
{
	const char *s;
	size_t n;
	first_line(&s, &n, data, len);
	char *version = version_token(s, n);
	if (!version)
		return 0;
	const char *known = strcmp(family, "debian") == 0 ? os_debian_codename(version) : NULL;
	struct os_info *os = NULL;
	int rc = os_new_from_line(&os, family, version, NULL, 0, priority);
	if (rc)
		return rc;
	if (known && !(os->codename = strdup(known))) {
		os_info_free(os);
		return CUSTOMS_ENOMEM;
	}
	*out = os;
	return 0;
}

/* The value of "KEY = value" in old SuSE-release files. */
static char *suse_value(const uint8_t *data, size_t len, const char *key)
{
	const char *p = (const char *)data, *end = p + len;
	size_t klen = strlen(key);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line = p;
		size_t n = (size_t)((nl ? nl : end) - p);
		p = nl ? nl + 1 : end;
		mem_trim(&line, &n);
		if (n <= klen || memcmp(line, key, klen) != 0)
			continue;
		const char *v = line + klen;
		size_t vn = n - klen;
		mem_trim(&v, &vn);
		if (vn && v[0] == '=') {
			v++;
			vn--;
			mem_trim(&v, &vn);
			return version_token(v, vn);
		}
	}
	return NULL;
}

static int parse_suse_release(struct os_info **out, const uint8_t *data, size_t len)
{
	const char *s;
	size_t n;
	first_line(&s, &n, data, len);
	const char *family = NULL;
	if (mem_has_prefix(s, n, "SUSE Linux Enterprise"))
		family = "sles";
	else if (mem_has_prefix(s, n, "openSUSE Leap"))
		family = "opensuse-leap";
	else if (mem_has_prefix(s, n, "openSUSE"))
		family = "opensuse";
	if (!family)
		return 0;
	char *version = suse_value(data, len, "VERSION");
	if (!version)
		return 0;
	char *patch = suse_value(data, len, "PATCHLEVEL");
	char *full = version;
	if (patch && strcmp(patch, "0") != 0 && asprintf(&full, "%s.%s", version, patch) < 0)
		full = NULL;
	if (full != version)
		free(version);
	free(patch);
	if (!full)
		return CUSTOMS_ENOMEM;
	return os_new_from_line(out, family, full, s, n, OS_PRIO_DISTRO);
}

/* "VMware Photon OS 4.0" / "VMware Photon Linux 1.0": the version is the last word. */
static int parse_photon_release(struct os_info **out, const uint8_t *data, size_t len)
{
	const char *s;
	size_t n;
	first_line(&s, &n, data, len);
	if (!mem_has_prefix(s, n, "VMware Photon"))
		return 0;
	size_t w = n;
	while (w > 0 && s[w - 1] != ' ')
		w--;
	char *version = version_token(s + w, n - w);
	if (!version)
		return 0;
	return os_new_from_line(out, "photon", version, s, n, OS_PRIO_DISTRO);
}

int os_release_file_parse(struct os_info **out, const char *path, const uint8_t *data, size_t len,
                          customs_error *err)
{
	struct os_info *os = NULL;
	int rc = 0;
	if (len > LIMIT_RELEASE_FILE_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE,
		               "%s: %zu bytes is over the release file limit", path, len);
	if (strcmp(path, "etc/os-release") == 0)
		return os_release_parse(out, data, len, OS_PRIO_OS_RELEASE, err);
	if (strcmp(path, "usr/lib/os-release") == 0)
		return os_release_parse(out, data, len, OS_PRIO_USR_OS_RELEASE, err);
	if (strcmp(path, "etc/lsb-release") == 0)
		return parse_kv_file(out, data, len, OS_PRIO_LSB, true, err);
	if (strcmp(path, "etc/alpine-release") == 0)
		rc = parse_version_file(&os, "alpine", OS_PRIO_DISTRO, data, len);
	else if (strcmp(path, "etc/debian_version") == 0)
		rc = parse_version_file(&os, "debian", OS_PRIO_COMPAT, data, len);
	else if (strcmp(path, "etc/SuSE-release") == 0)
		rc = parse_suse_release(&os, data, len);
	else if (strcmp(path, "etc/photon-release") == 0)
		rc = parse_photon_release(&os, data, len);
	else {
		for (size_t i = 0; i < sizeof(rh_files) / sizeof(rh_files[0]); i++)
			if (strcmp(path, rh_files[i].path) == 0)
				rc = parse_rh_release(&os, rh_files[i].family, rh_files[i].priority,
				                      data, len);
	}
	if (rc)
		return err_set(err, rc, "%s: out of memory", path);
	*out = os;
	return 0;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Negative when a should be chosen over b. */
static int os_cmp(const struct os_info *a, const struct os_info *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	size_t la = a->version ? strlen(a->version) : 0, lb = b->version ? strlen(b->version) : 0;
	if (la != lb)
		return la > lb ? -1 : 1;
	int c = cmp_str(a->family, b->family);
	c = c ? c : cmp_str(a->version, b->version);
	c = c ? c : cmp_str(a->name, b->name);
	return c ? c : cmp_str(a->codename, b->codename);
}

const struct os_info *os_info_best(const struct os_info *const *candidates, size_t n)
{
	const struct os_info *best = NULL;
	for (size_t i = 0; candidates && i < n; i++)
		if (candidates[i] && (!best || os_cmp(candidates[i], best) < 0))
			best = candidates[i];
	return best;
}

static const struct path_rule os_rules[] = {
    {PATH_EXACT, "etc/os-release"},     {PATH_EXACT, "usr/lib/os-release"},
    {PATH_EXACT, "etc/lsb-release"},    {PATH_EXACT, "etc/alpine-release"},
    {PATH_EXACT, "etc/debian_version"}, {PATH_EXACT, "etc/redhat-release"},
    {PATH_EXACT, "etc/system-release"}, {PATH_EXACT, "etc/centos-release"},
    {PATH_EXACT, "etc/rocky-release"},  {PATH_EXACT, "etc/almalinux-release"},
    {PATH_EXACT, "etc/oracle-release"}, {PATH_EXACT, "etc/fedora-release"},
    {PATH_EXACT, "etc/SuSE-release"},   {PATH_EXACT, "etc/photon-release"},
};

static int analyze_release_file(struct file_result *out, const char *path, const uint8_t *data,
                                size_t len, struct warn_list *warnings, customs_error *err)
{
	struct os_info *os = NULL;
	int rc = os_release_file_parse(&os, path, data, len, err);
	if (rc)
		return rc;
	os_info_free(out->os);
	out->os = os;
	return 0;
}

const struct analyzer analyzer_os_release = {
    .name = "os-release",
    .rules = os_rules,
    .n_rules = sizeof(os_rules) / sizeof(os_rules[0]),
    .max_file_size = LIMIT_RELEASE_FILE_BYTES,
    .analyze_file = analyze_release_file,
    .stream = NULL,
};
