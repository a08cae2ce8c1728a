/* Java packages in jar, war, ear and par archives read from memory with
 * libarchive, nested archives included, bounded against zip bombs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/lang.h"
#include "util/archive_lazy.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

/* Shared by all archives of one file: the inflation budget spans the whole
 * nest, so that many small bombs add up. */
struct jar_walk {
	struct package_list *out;
	const char *path; /* the file in the image */
	struct warn_list *warnings;
	customs_error *err;
	uint64_t inflated;
};

static bool is_archive_name(const char *name)
{
	size_t n = strlen(name);
	static const char *const ext[] = {".jar", ".war", ".ear", ".par"};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (n > 4 && strcasecmp(name + n - 4, ext[i]) == 0)
			return true;
	return false;
}

/* Reads the current member whole, up to cap bytes, charging the budget.
 * CUSTOMS_ETOOLARGE past either. */
static int read_member(struct jar_walk *w, struct archive *a, size_t cap, char **out, size_t *len)
{
	size_t n = 0, size = 0;
	char *buf = NULL;
	for (;;) {
		if (n == size) {
			size_t ns = size ? size * 2 : 16384;
			if (ns > cap + 1)
				ns = cap + 1;
			if (ns <= n) {
				free(buf);
				return CUSTOMS_ETOOLARGE;
			}
			char *b = realloc(buf, ns);
			if (!b) {
				free(buf);
				return CUSTOMS_ENOMEM;
			}
			buf = b;
			size = ns;
		}
		la_ssize_t r = archive_read_data(a, buf + n, size - n);
		if (r < 0) {
			free(buf);
			return CUSTOMS_EINVAL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		w->inflated += (uint64_t)r;
		if (w->inflated > LIMIT_JAR_INFLATED_BYTES) {
			free(buf);
			return CUSTOMS_ETOOLARGE;
		}
	}
	*out = buf;
	*len = n;
	return 0;
}

/* The value of key in "key=value" (pom.properties) or "Key: value"
 * (MANIFEST.MF, whose lines fold at 72 bytes with a leading space). Returns
 * a new string or NULL. */
static char *prop_get(const char *d, size_t len, const char *key, char sep)
{
	size_t kn = strlen(key);
	const char *p = d, *end = d + len;
	const char *s;
	size_t n;
	while (lang_next_line(&p, end, &s, &n)) {
		if (n <= kn || memcmp(s, key, kn) != 0)
			continue;
		const char *v = s + kn;
		size_t vn = n - kn;
		mem_trim(&v, &vn);
		if (!vn || *v != sep)
			continue;
		v++;
		vn--;
		mem_trim(&v, &vn);
		struct {
			char *s;
			size_t n;
		} acc = {xstrndup(v, vn), vn};
		/* Manifest continuation lines. */
		while (sep == ':' && acc.s && p < end && *p == ' ') {
			const char *nl2 = memchr(p, '\n', (size_t)(end - p));
			const char *c = p + 1, *ce = nl2 ? nl2 : end;
			p = nl2 ? nl2 + 1 : end;
			if (ce > c && ce[-1] == '\r')
				ce--;
			size_t cn = (size_t)(ce - c);
			char *m = realloc(acc.s, acc.n + cn + 1);
			if (!m) {
				free(acc.s);
				return NULL;
			}
			memcpy(m + acc.n, c, cn);
			acc.n += cn;
			m[acc.n] = 0;
			acc.s = m;
		}
		if (acc.s && !lang_usable(acc.s, acc.n)) {
			free(acc.s);
			acc.s = NULL;
		}
		return acc.s;
	}
	return NULL;
}

static int add_maven(struct jar_walk *w, const char *group, const char *artifact,
                     const char *version)
{
	if (!artifact || !version)
		return 0;
	char *name = NULL;
	int rc;
	if (group && asprintf(&name, "%s:%s", group, artifact) < 0)
		return err_set(w->err, CUSTOMS_ENOMEM, "%s: out of memory", w->path);
	rc = lang_add_str(NULL, w->out, "maven", name ? name : artifact, version, w->path, w->err);
	free(name);
	return rc;
}

static int from_pom(struct jar_walk *w, const char *d, size_t n)
{
	char *g = prop_get(d, n, "groupId", '=');
	char *a = prop_get(d, n, "artifactId", '=');
	char *v = prop_get(d, n, "version", '=');
	int rc = add_maven(w, g, a, v);
	free(g);
	free(a);
	free(v);
	return rc;
}

/* No pom.properties: the manifest's Implementation or Bundle fields. */
static int from_manifest(struct jar_walk *w, const char *d, size_t n)
{
	char *g = prop_get(d, n, "Implementation-Vendor-Id", ':');
	char *a = prop_get(d, n, "Implementation-Title", ':');
	char *v = prop_get(d, n, "Implementation-Version", ':');
	int rc = 0;
	if (!a || !v) {
		free(a);
		free(v);
		a = prop_get(d, n, "Bundle-SymbolicName", ':');
		v = prop_get(d, n, "Bundle-Version", ':');
		/* "org.x.y;singleton:=true": the directives are not the name. */
		char *semi = a ? strchr(a, ';') : NULL;
		if (semi)
			*semi = 0;
	}
	if (a && v && strchr(a, ' ')) {
		/* A human title ("Apache Commons Lang") is not an artifact id. */
		free(a);
		a = NULL;
	}
	rc = add_maven(w, g, a, v);
	free(g);
	free(a);
	free(v);
	return rc;
}

/* Last resort: "name-1.2.3.jar". */
static int from_file_name(struct jar_walk *w, const char *file)
{
	const char *base = lang_basename(file);
	size_t n = strlen(base);
	if (n <= 4)
		return 0;
	n -= 4;
	for (size_t i = n; i-- > 1;) {
		if (base[i] == '-' && base[i + 1] >= '0' && base[i + 1] <= '9') {
			if (!lang_usable(base, i) || !lang_usable(base + i + 1, n - i - 1))
				return 0;
			return lang_add(NULL, w->out, "maven", base, i, base + i + 1, n - i - 1,
			                w->path, w->err);
		}
	}
	return 0;
}

static int walk(struct jar_walk *w, const uint8_t *data, size_t len, const char *name, int depth);

static int nested(struct jar_walk *w, struct archive *a, const char *inner, int depth)
{
	if (depth + 1 >= LIMIT_JAR_DEPTH) {
		warn_add(w->warnings, "%s: %s nested deeper than %d archives: not read", w->path,
		         inner, LIMIT_JAR_DEPTH);
		return 0;
	}
	char *buf = NULL;
	size_t n = 0;
	int rc = read_member(w, a, LIMIT_JAR_NESTED_BYTES, &buf, &n);
	if (rc == CUSTOMS_ENOMEM)
		return err_set(w->err, rc, "%s: out of memory", w->path);
	if (rc) {
		warn_add(w->warnings, "%s: nested %s %s: not read", w->path, inner,
		         rc == CUSTOMS_ETOOLARGE ? "is over the size limit" : "is unreadable");
		return w->inflated > LIMIT_JAR_INFLATED_BYTES ? CUSTOMS_ETOOLARGE : 0;
	}
	rc = walk(w, (const uint8_t *)buf, n, inner, depth + 1);
	free(buf);
	return rc;
}

static int walk(struct jar_walk *w, const uint8_t *data, size_t len, const char *name, int depth)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *manifest = NULL;
	size_t mlen = 0, entries = 0, poms = 0;
	int rc = 0, r;
	if (!a)
		return err_set(w->err, CUSTOMS_ENOMEM, "%s: out of memory", w->path);
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		warn_add(w->warnings, "%s: %s is not a readable zip archive", w->path, name);
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (++entries > LIMIT_JAR_ENTRIES) {
			warn_add(w->warnings, "%s: %s has more than %d entries: rest not read",
			         w->path, name, LIMIT_JAR_ENTRIES);
			break;
		}
		const char *en = archive_entry_pathname(e);
		if (!en || archive_entry_filetype(e) != AE_IFREG)
			continue;
		const char *base = lang_basename(en);
		if (strcmp(base, "pom.properties") == 0 && str_has_prefix(en, "META-INF/maven/")) {
			char *d = NULL;
			size_t n = 0;
			if (read_member(w, a, LIMIT_JAR_MEMBER_BYTES, &d, &n) == 0) {
				rc = from_pom(w, d, n);
				poms++;
			}
			free(d);
		} else if (strcasecmp(en, "META-INF/MANIFEST.MF") == 0 && !manifest) {
			if (read_member(w, a, LIMIT_JAR_MEMBER_BYTES, &manifest, &mlen) != 0)
				manifest = NULL;
		} else if (is_archive_name(base)) {
			rc = nested(w, a, en, depth);
		}
		if (rc)
			goto out;
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_EOF && entries <= LIMIT_JAR_ENTRIES)
		warn_add(w->warnings, "%s: %s: %s", w->path, name,
		         archive_error_string(a) ? archive_error_string(a) : "broken archive");
	if (poms)
		goto out;
	size_t before = w->out->n;
	if (manifest)
		rc = from_manifest(w, manifest, mlen);
	if (!rc && w->out->n == before)
		rc = from_file_name(w, name);
out:
	free(manifest);
	archive_read_free(a);
	return rc;
}

int java_archive_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err)
{
	struct jar_walk w = {out, path, warnings, err, 0};
	size_t n0 = out->n;
	if (len > LIMIT_JAR_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: %zu bytes is over the limit", path,
		               len);
	/* A failure is this file's warning, like any analyzer error. */
	int rc = archive_lazy_load(err);
	if (rc)
		return rc;
	rc = walk(&w, data, len, path, 0);
	if (rc == CUSTOMS_ETOOLARGE && w.inflated > LIMIT_JAR_INFLATED_BYTES)
		rc = err_set(err, rc, "%s: more than %llu bytes inflated (a zip bomb?)", path,
		             (unsigned long long)LIMIT_JAR_INFLATED_BYTES);
	return lang_finish(out, n0, rc);
}

static int analyze_java(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                        struct warn_list *warnings, customs_error *err)
{
	return lang_run(java_archive_parse, out, path, data, len, warnings, err);
}

static const struct path_rule java_rules[] = {
    {PATH_SUFFIX, ".jar"},
    {PATH_SUFFIX, ".war"},
    {PATH_SUFFIX, ".ear"},
    {PATH_SUFFIX, ".par"},
};

const struct analyzer analyzer_java = {
    .name = "java",
    .rules = java_rules,
    .n_rules = sizeof(java_rules) / sizeof(java_rules[0]),
    .max_file_size = LIMIT_JAR_BYTES,
    .analyze_file = analyze_java,
};
