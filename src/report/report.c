/* Report entry point and the helpers every writer shares: format names, the
 * report context (time, UUID), hostile-string to JSON conversion, unique ids. */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/report_int.h"
#include "scan/inventory.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/sha256.h"
#include "util/strutil.h"

static const struct {
	const char *name;
	enum report_format fmt;
} format_names[] = {
    {"table", REPORT_TABLE},         {"json", REPORT_JSON},
    {"cyclonedx", REPORT_CYCLONEDX}, {"cyclonedx-json", REPORT_CYCLONEDX},
    {"spdx", REPORT_SPDX},           {"spdx-json", REPORT_SPDX},
};

int report_format_parse(enum report_format *out, const char *name)
{
	if (!name)
		return CUSTOMS_EUSAGE;
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (!strcmp(name, format_names[i].name)) {
			*out = format_names[i].fmt;
			return CUSTOMS_OK;
		}
	}
	return CUSTOMS_EUSAGE;
}

const char *report_format_name(enum report_format fmt)
{
	switch (fmt) {
	case REPORT_TABLE:
		return "table";
	case REPORT_JSON:
		return "json";
	case REPORT_CYCLONEDX:
		return "cyclonedx";
	case REPORT_SPDX:
		return "spdx";
	}
	return "unknown";
}

/* Version 4 layout (RFC 4122 section 4.4) over 16 bytes of entropy or of a
 * seed's digest, so that a seeded document is reproducible byte for byte. */
static int make_uuid(char out[37], const char *seed, customs_error *err)
{
	char hex[SHA256_DIGEST_STRING_LEN + 1];
	const char *h = hex;
	if (seed) {
		sha256_digest_of(hex, seed, strlen(seed));
		h = hex + 7;
	} else {
		unsigned char b[16];
		if (RAND_bytes(b, sizeof(b)) != 1)
			return err_set(err, CUSTOMS_ENOMEM, "no random bytes for a document UUID");
		hex_encode(hex, b, sizeof(b));
	}
	static const char variant[] = "89ab";
	unsigned v = (unsigned)(h[16] <= '9' ? h[16] - '0' : h[16] - 'a' + 10);
	snprintf(out, 37, "%.8s-%.4s-4%.3s-%c%.3s-%.12s", h, h + 8, h + 13, variant[v & 3], h + 17,
	         h + 20);
	return CUSTOMS_OK;
}

static int make_timestamp(char out[32], int64_t when, customs_error *err)
{
	time_t t = when >= 0 ? (time_t)when : time(NULL);
	struct tm tm;
	if (when >= 0 && (int64_t)t != when)
		return err_set(err, CUSTOMS_EUSAGE, "report timestamp out of range");
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return err_set(err, CUSTOMS_EUSAGE, "report timestamp out of range");
	return CUSTOMS_OK;
}

int report_inventory_write(FILE *f, const customs_inventory *inv, enum report_format fmt,
                           const struct report_options *o, customs_error *err)
{
	struct report_options defaults = REPORT_OPTIONS_INIT;
	struct report_ctx c = {0};
	int rc;
	if (!o)
		o = &defaults;
	if (!f || !inv)
		return err_set(err, CUSTOMS_EUSAGE, "report: no output or no inventory");
	c.inv = inv;
	c.img = customs_inventory_image(inv);
	c.npkgs = customs_inventory_package_count(inv);
	if ((rc = make_timestamp(c.timestamp, o->timestamp, err)))
		return rc;
	if (fmt == REPORT_CYCLONEDX || fmt == REPORT_SPDX) {
		if ((rc = make_uuid(c.uuid, o->uuid_seed, err)))
			return rc;
	}
	c.color = o->color < 0 ? isatty(fileno(f)) : o->color > 0;
	switch (fmt) {
	case REPORT_TABLE:
		return report_table_write(f, &c, err);
	case REPORT_JSON:
		return report_json_write(f, &c, err);
	case REPORT_CYCLONEDX:
		return report_cyclonedx_write(f, &c, err);
	case REPORT_SPDX:
		return report_spdx_write(f, &c, err);
	}
	return err_set(err, CUSTOMS_EUSAGE, "unknown report format %d", (int)fmt);
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is invalid
 * (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

char *report_utf8_sanitize(const char *s, size_t len, size_t *out_len)
{
	static const char replacement[] = "\xef\xbf\xbd";
	size_t cap;
	/* Worst case: every byte invalid, each becoming three bytes. */
	if (__builtin_mul_overflow(len, (size_t)3, &cap) || __builtin_add_overflow(cap, 1, &cap))
		return NULL;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len(p + i, len - i);
		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, replacement, 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Whether s[0..len) is valid UTF-8 as it stands. */
static bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = utf8_seq_len(p + i, len - i)))
			return false;
	return true;
}

json_t *report_json_string(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s);
	if (utf8_valid(s, n))
		return json_stringn_nocheck(s, n);
	char *clean = report_utf8_sanitize(s, n, &n);
	if (!clean)
		return NULL;
	json_t *j = json_stringn_nocheck(clean, n);
	free(clean);
	return j;
}

int rj_set_str(json_t *obj, const char *key, const char *s)
{
	if (!s)
		return 0;
	return json_object_set_new(obj, key, report_json_string(s));
}

int rj_add_property(json_t *props, const char *name, const char *value)
{
	if (!value)
		return 0;
	json_t *p = json_object();
	if (!p || json_object_set_new(p, "name", json_string(name)) ||
	    json_object_set_new(p, "value", report_json_string(value))) {
		json_decref(p);
		return -1;
	}
	return json_array_append_new(props, p);
}

void rj_stream_begin(struct rj_stream *s, FILE *f)
{
	*s = (struct rj_stream){.f = f, .first_member = true};
	buf_init(&s->out, LIMIT_REPORT_VALUE_BYTES);
	if (fputc('{', f) == EOF)
		s->rc = CUSTOMS_EIO;
}

static void dump_at(struct rj_stream *s, json_t *v, size_t depth)
{
	s->out.len = 0;
	if (!s->rc && !v)
		s->rc = CUSTOMS_ENOMEM;
	if (!s->rc)
		s->rc = report_json_text(&s->out, v, depth);
	if (!s->rc && fwrite(s->out.data, 1, s->out.len, s->f) != s->out.len)
		s->rc = CUSTOMS_EIO;
	json_decref(v);
}

static void write_key(struct rj_stream *s, const char *key)
{
	if (!s->rc && fprintf(s->f, "%s\n  \"%s\": ", s->first_member ? "" : ",", key) < 0)
		s->rc = CUSTOMS_EIO;
	s->first_member = false;
}

void rj_stream_member(struct rj_stream *s, const char *key, json_t *v)
{
	write_key(s, key);
	dump_at(s, v, 1);
}

void rj_stream_array_begin(struct rj_stream *s, const char *key)
{
	write_key(s, key);
	if (!s->rc && fputc('[', s->f) == EOF)
		s->rc = CUSTOMS_EIO;
	s->elements = 0;
}

void rj_stream_element(struct rj_stream *s, json_t *v)
{
	if (!s->rc && fputs(s->elements++ ? ",\n    " : "\n    ", s->f) == EOF)
		s->rc = CUSTOMS_EIO;
	dump_at(s, v, 2);
}

void rj_stream_array_end(struct rj_stream *s)
{
	if (!s->rc && fputs(s->elements ? "\n  ]" : "]", s->f) == EOF)
		s->rc = CUSTOMS_EIO;
}

int rj_stream_end(struct rj_stream *s, const char *what, customs_error *err)
{
	buf_free(&s->out);
	if (!s->rc && (fputs("\n}\n", s->f) == EOF || fflush(s->f) || ferror(s->f)))
		s->rc = CUSTOMS_EIO;
	if (s->rc == CUSTOMS_ENOMEM)
		return err_set(err, s->rc, "out of memory building the %s", what);
	if (s->rc == CUSTOMS_ETOOLARGE)
		return err_set(err, s->rc, "%s: one package is over %zu bytes", what,
		               (size_t)LIMIT_REPORT_VALUE_BYTES);
	if (s->rc)
		return err_set(err, s->rc, "report: writing the %s failed", what);
	return CUSTOMS_OK;
}

char *report_unique_id(json_t *set, const char *base, const char *sep)
{
	char *id = NULL;
	json_t *next = json_object_get(set, base);
	if (!next) {
		if (!(id = strdup(base)) || json_object_set_new_nocheck(set, id, json_integer(2))) {
			free(id);
			return NULL;
		}
		return id;
	}
	/* The counter lives on the base so that many duplicates stay linear. */
	json_int_t n = json_integer_value(next);
	for (;; n++) {
		free(id);
		if (asprintf(&id, "%s%s%lld", base, sep, (long long)n) < 0)
			return NULL;
		if (!json_object_get(set, id))
			break;
	}
	if (json_object_set_new_nocheck(set, id, json_integer(2)) ||
	    json_integer_set(next, n + 1)) {
		free(id);
		return NULL;
	}
	return id;
}

char *report_full_version(const customs_package *p, bool *nomem)
{
	*nomem = false;
	if (!p->version || !*p->version)
		return NULL;
	char *v = package_full_version(p);
	if (!v)
		*nomem = true;
	return v;
}

int report_source_text(char **out, const customs_package *p)
{
	*out = NULL;
	if (!p->src_name)
		return CUSTOMS_OK;
	if (asprintf(out, "%s%s%s", p->src_name, p->src_version ? " " : "",
	             p->src_version ? p->src_version : "") < 0) {
		*out = NULL;
		return CUSTOMS_ENOMEM;
	}
	return CUSTOMS_OK;
}

int report_split_maintainer(const char *m, char **name, char **email)
{
	*name = *email = NULL;
	if (!m || !*m)
		return CUSTOMS_OK;
	const char *lt = strrchr(m, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	const char *end = lt && gt ? lt : m + strlen(m);
	while (end > m && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	const char *start = m;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	if (end > start && !(*name = xstrndup(start, (size_t)(end - start))))
		return CUSTOMS_ENOMEM;
	if (lt && gt && gt > lt + 1) {
		const char *e = lt + 1;
		size_t n = (size_t)(gt - e);
		/* Only something shaped like an address: consumers validate e-mails. */
		if (memchr(e, '@', n) && !memchr(e, ' ', n) && !(*email = xstrndup(e, n))) {
			free(*name);
			*name = NULL;
			return CUSTOMS_ENOMEM;
		}
	}
	if (!*name && !*email && !(*name = strdup(m)))
		return CUSTOMS_ENOMEM;
	return CUSTOMS_OK;
}

bool report_is_os_package(const customs_package *p)
{
	static const char *const os_types[] = {"deb", "apk", "rpm", "alpm"};
	if (!p->type)
		return false;
	for (size_t i = 0; i < sizeof(os_types) / sizeof(os_types[0]); i++)
		if (!strcmp(p->type, os_types[i]))
			return true;
	return false;
}
