/* JSON texts read as JSON.parse reads them, without a tree: one pass that
 * checks the grammar and notes where the top-level object's wanted members
 * are. Iterative, with the open containers on a fixed stack. */
#include "util/json_scan.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"

struct scan {
	const uint8_t *start, *p, *end;
	const char *what;
	customs_error *err;
};

static int fail(struct scan *s, const char *why)
{
	return err_set(s->err, CUSTOMS_EINVAL, "%s: invalid JSON at byte %zu: %s", s->what,
	               (size_t)(s->p - s->start), why);
}

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at p (there are at least four bytes), or -1. */
static long hex4(const uint8_t *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_value(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Moves past the string whose opening quote is at s->p. */
static int skip_string(struct scan *s, bool *escaped)
{
	const uint8_t *p = s->p + 1, *end = s->end;
	while (p < end) {
		uint8_t c = *p;
		if (c == '"') {
			s->p = p + 1;
			return 0;
		}
		if (c < 0x20) {
			s->p = p;
			return fail(s, "control character in a string");
		}
		if (c != '\\') {
			p++;
			continue;
		}
		*escaped = true;
		if (end - p < 2)
			break;
		if (p[1] == 'u') {
			if (end - p < 6 || hex4(p + 2) < 0) {
				s->p = p;
				return fail(s, "bad \\u escape");
			}
			p += 6;
		} else if (p[1] && strchr("\"\\/bfnrt", p[1])) {
			p += 2;
		} else {
			s->p = p;
			return fail(s, "bad escape");
		}
	}
	s->p = end;
	return fail(s, "unterminated string");
}

static bool is_digit(const uint8_t *p, const uint8_t *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

static int skip_number(struct scan *s)
{
	const uint8_t *p = s->p, *end = s->end;
	if (p < end && *p == '-')
		p++;
	if (!is_digit(p, end))
		return fail(s, "bad number");
	if (*p == '0')
		p++;
	else
		while (is_digit(p, end))
			p++;
	if (p < end && *p == '.') {
		if (!is_digit(++p, end))
			return fail(s, "bad number");
		while (is_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, end))
			return fail(s, "bad number");
		while (is_digit(p, end))
			p++;
	}
	s->p = p;
	return 0;
}

static int skip_word(struct scan *s)
{
	static const char *const words[] = {"true", "false", "null"};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(s->end - s->p) >= n && memcmp(s->p, words[i], n) == 0) {
			s->p += n;
			return 0;
		}
	}
	return fail(s, "unexpected character");
}

/* Index of the wanted member named by the key text k (quotes included), or
 * -1. Keys with escapes are decoded first: "n\u0061me" is "name". */
static int wanted(const struct json_want *want, size_t n, const uint8_t *k, size_t len,
                  bool escaped, bool *oom)
{
	const uint8_t *name = k + 1;
	size_t name_len = len - 2;
	char *decoded = NULL;
	if (escaped) {
		if (!(decoded = json_scan_string(k, len, &name_len, oom)))
			return -1;
		name = (const uint8_t *)decoded;
	}
	int found = -1;
	for (size_t i = 0; i < n && found < 0; i++)
		if (strlen(want[i].key) == name_len && memcmp(want[i].key, name, name_len) == 0)
			found = (int)i;
	free(decoded);
	return found;
}

/* After '{' or ',' in an object at depth: the key and the colon. In the
 * top-level object, *member becomes the wanted member the key names, or -1. */
static int member_key(struct scan *s, size_t depth, const struct json_want *want, size_t n,
                      int *member, bool *oom)
{
	skip_space(s);
	if (s->p >= s->end || *s->p != '"')
		return fail(s, "expected a key");
	const uint8_t *key = s->p;
	bool escaped = false;
	int rc = skip_string(s, &escaped);
	if (rc)
		return rc;
	if (depth == 1)
		*member = wanted(want, n, key, (size_t)(s->p - key), escaped, oom);
	skip_space(s);
	if (s->p >= s->end || *s->p != ':')
		return fail(s, "expected ':'");
	s->p++;
	return 0;
}

int json_scan_top(const uint8_t *data, size_t len, struct json_want *want, size_t n,
                  bool *is_object, const char *what, customs_error *err)
{
	struct scan s = {data, data, data + len, what, err};
	char stack[JSON_SCAN_MAX_DEPTH]; /* '{' or '[' per open container */
	size_t depth = 0;
	int member = -1;                    /* the wanted member whose value comes next */
	const uint8_t *member_value = NULL; /* where that value starts */
	bool oom = false;
	for (size_t i = 0; i < n; i++) {
		want[i].value = NULL;
		want[i].value_len = 0;
	}
	*is_object = false;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		s.p += 3;
	skip_space(&s);
	if (s.p < s.end && *s.p == '{')
		*is_object = true;
	for (;;) {
		/* A value. */
		int rc = 0;
		skip_space(&s);
		if (depth == 1 && stack[0] == '{')
			member_value = s.p;
		if (s.p >= s.end)
			return fail(&s, "expected a value");
		uint8_t c = *s.p;
		bool closed = false; /* the value ended here (not an open container) */
		if (c == '{' || c == '[') {
			if (depth == JSON_SCAN_MAX_DEPTH)
				return fail(&s, "nested too deep");
			stack[depth++] = (char)c;
			s.p++;
			skip_space(&s);
			if (s.p < s.end && *s.p == (c == '{' ? '}' : ']')) {
				s.p++;
				depth--;
				closed = true;
			} else if (c == '{' &&
			           (rc = member_key(&s, depth, want, n, &member, &oom))) {
				return rc;
			}
		} else {
			bool esc = false;
			if (c == '"')
				rc = skip_string(&s, &esc);
			else if (c == '-' || (c >= '0' && c <= '9'))
				rc = skip_number(&s);
			else
				rc = skip_word(&s);
			if (rc)
				return rc;
			closed = true;
		}
		/* Commas and closing brackets up to the next value. */
		while (closed) {
			if (depth == 1 && stack[0] == '{' && member >= 0) {
				want[member].value = member_value;
				want[member].value_len = (size_t)(s.p - member_value);
				member = -1;
			}
			skip_space(&s);
			if (depth == 0) {
				if (s.p != s.end)
					return fail(&s, "data after the end");
				if (oom)
					return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory",
					               what);
				return 0;
			}
			if (s.p >= s.end)
				return fail(&s, "unexpected end");
			char open = stack[depth - 1];
			if (*s.p == (open == '{' ? '}' : ']')) {
				s.p++;
				depth--;
				continue;
			}
			if (*s.p != ',')
				return fail(&s, "expected ',' or a closing bracket");
			s.p++;
			closed = false;
			if (open == '{' && (rc = member_key(&s, depth, want, n, &member, &oom)))
				return rc;
		}
	}
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *json_scan_string(const uint8_t *v, size_t len, size_t *out_len, bool *oom)
{
	if (len < 2 || v[0] != '"' || v[len - 1] != '"')
		return NULL;
	/* Each escape shrinks or keeps its length; U+FFFD (3 bytes) replaces
	 * at least 6. */
	char *out = malloc(len - 1), *o = out;
	if (!out) {
		*oom = true;
		return NULL;
	}
	const uint8_t *p = v + 1, *end = v + len - 1;
	while (p < end) {
		if (*p != '\\') {
			*o++ = (char)*p++;
			continue;
		}
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *known = end - p >= 2 && p[1] ? strchr(from, p[1]) : NULL;
		long hex = end - p >= 6 && p[1] == 'u' ? hex4(p + 2) : -1;
		if (known) {
			*o++ = to[known - from];
			p += 2;
			continue;
		}
		if (hex < 0) { /* not a text json_scan_top passed */
			free(out);
			return NULL;
		}
		unsigned long cp = (unsigned long)hex;
		p += 6;
		if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
			long lo = hex4(p + 2);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned long)lo - 0xdc00);
				p += 6;
			}
		}
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		o += put_utf8(o, cp);
	}
	*o = '\0';
	*out_len = (size_t)(o - out);
	return out;
}
