/* Debian advisory list importer: the security tracker's data/DSA/list (and
 * data/DLA/list), linking each DSA/DLA to its CVEs and fixed versions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"
#include "vulndb/vulndb.h"

/* One advisory block being read. */
struct block {
	char id[64];
	char title[256];
	char date[32];
	bool open, ok;
};

static bool flush_advisory(struct vulndb_writer *w, struct block *b)
{
	struct vulndb_advisory a = VULNDB_ADVISORY_INIT;
	a.id = b->id;
	a.source = SRC_DSA;
	a.title = b->title[0] ? b->title : NULL;
	a.published = b->date[0] ? b->date : NULL;
	return vulndb_put_advisory(w, &a) == 0;
}

/* "[01 Aug 2002] DSA-141 mpack - buffer overflow" */
static bool parse_head(struct block *b, const char *line, size_t len)
{
	const char *close = memchr(line, ']', len);
	if (!close || close - line > 30)
		return false;
	snprintf(b->date, sizeof(b->date), "%.*s", (int)(close - line - 1), line + 1);
	const char *p = close + 1, *end = line + len;
	while (p < end && *p == ' ')
		p++;
	const char *id = p;
	while (p < end && *p != ' ')
		p++;
	if (p - id < 5 || p - id >= (long)sizeof(b->id))
		return false;
	memcpy(b->id, id, (size_t)(p - id));
	b->id[p - id] = 0;
	if (!vulndb_id_ok(b->id))
		return false;
	while (p < end && *p == ' ')
		p++;
	snprintf(b->title, sizeof(b->title), "%.*s", (int)(end - p), p);
	return true;
}

/* "{CVE-2002-0660 CVE-2002-0728}" */
static bool parse_ids(struct vulndb_writer *w, const struct block *b, const char *s, size_t len)
{
	const char *end = s + len;
	if (len < 2 || s[len - 1] != '}')
		return false;
	s++;
	end--;
	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		const char *t = s;
		while (s < end && *s != ' ')
			s++;
		if (s == t)
			break;
		char id[64];
		if ((size_t)(s - t) >= sizeof(id))
			return false;
		memcpy(id, t, (size_t)(s - t));
		id[s - t] = 0;
		if (!vulndb_id_ok(id) || vulndb_put_alias(w, b->id, id))
			return false;
	}
	return true;
}

/* "[woody] - libpng3 1.2.1-1.1.woody.2"; "<not-affected>" and similar words in
 * place of a version state no fix and are skipped. */
static bool parse_fix(struct vulndb_writer *w, const struct block *b, const char *s, size_t len)
{
	char rel[32], pkg[256], ver[LIMIT_VULNDB_VERSION_BYTES + 1], eco[64];
	const char *close = memchr(s, ']', len), *end = s + len;
	if (!close || close - s < 2 || close - s > 30)
		return false;
	snprintf(rel, sizeof(rel), "%.*s", (int)(close - s - 1), s + 1);
	const char *p = close + 1;
	if (end - p < 4 || memcmp(p, " - ", 3) != 0)
		return false;
	p += 3;
	const char *name = p;
	while (p < end && *p != ' ')
		p++;
	if (p == name || (size_t)(p - name) >= sizeof(pkg))
		return false;
	snprintf(pkg, sizeof(pkg), "%.*s", (int)(p - name), name);
	while (p < end && *p == ' ')
		p++;
	const char *v = p;
	while (p < end && *p != ' ')
		p++;
	if (p == v || *v == '<')
		return true; /* a note, not a fixed version */
	if ((size_t)(p - v) >= sizeof(ver))
		return false;
	snprintf(ver, sizeof(ver), "%.*s", (int)(p - v), v);
	const char *num = vulndb_debian_release(rel);
	if (!vulndb_version_ok(ver) || !vulndb_id_ok(pkg) || !vulndb_id_ok(rel))
		return false;
	snprintf(eco, sizeof(eco), "debian:%s", num ? num : rel);
	char events[LIMIT_VULNDB_VERSION_BYTES + 16];
	snprintf(events, sizeof(events), "i\t0\nf\t%s", ver);
	struct vulndb_affected row = {.ecosystem = eco,
	                              .package = pkg,
	                              .advisory = b->id,
	                              .source = SRC_DSA,
	                              .status = CUSTOMS_STATUS_FIXED,
	                              .events = events};
	return vulndb_put_affected(w, &row) == 0;
}

static int end_block(struct vulndb_writer *w, struct block *b, const char *what)
{
	if (!b->open)
		return CUSTOMS_OK;
	bool ok = b->ok && flush_advisory(w, b);
	if (vulndb_record_end(w, ok))
		return CUSTOMS_EIO;
	vulndb_count(w, SRC_DSA, ok, "%s: %s: malformed advisory skipped", what,
	             b->id[0] ? b->id : "?");
	b->open = false;
	return CUSTOMS_OK;
}

bool vulndb_looks_like_dsa_list(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	size_t l = nl ? (size_t)(nl - data) : len;
	return l > 16 && data[0] == '[' &&
	       (memmem(data, l, "] DSA-", 6) || memmem(data, l, "] DLA-", 6));
}

int vulndb_import_dsa(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err)
{
	const char *p = data, *end = data + len;
	struct block b = {0};
	if (len > LIMIT_FEED_JSON_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: over %u bytes", what,
		               LIMIT_FEED_JSON_BYTES);
	if (!vulndb_looks_like_dsa_list(data, len))
		return err_set(err, CUSTOMS_EINVAL, "%s: not a DSA/DLA list", what);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line = p;
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		p = nl ? nl + 1 : end;
		bool indented = ll && (line[0] == ' ' || line[0] == '\t');
		mem_trim(&line, &ll);
		if (ll == 0)
			continue;
		if (!indented) {
			if (end_block(w, &b, what))
				goto io;
			memset(&b, 0, sizeof(b));
			if (vulndb_record_begin(w))
				goto io;
			b.open = true;
			b.ok = line[0] == '[' && parse_head(&b, line, ll) &&
			       vulndb_forget_advisory(w, b.id, SRC_DSA) == 0;
			continue;
		}
		if (!b.open || !b.ok)
			continue;
		if (line[0] == '{')
			b.ok = parse_ids(w, &b, line, ll);
		else if (line[0] == '[')
			b.ok = parse_fix(w, &b, line, ll);
		/* NOTE: lines and anything else are comments. */
	}
	if (end_block(w, &b, what))
		goto io;
	return CUSTOMS_OK;
io:
	return err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
}
