/* SPDX license expressions (SPDX 2.3 Annex D): decides whether a license string
 * from a package database may be written as an SPDX id or expression. */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/strutil.h"

struct key {
	const char *s;
	size_t len;
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int cmp_id(const void *k, const void *elem)
{
	const struct key *key = k;
	const char *id = *(const char *const *)elem;
	for (size_t i = 0; i < key->len; i++) {
		int a = lower((unsigned char)key->s[i]), b = lower((unsigned char)id[i]);
		if (a != b || !b)
			return a - b;
	}
	return id[key->len] ? -1 : 0;
}

const char *report_spdx_id_lookup(const char *s, size_t len)
{
	struct key k = {s, len};
	const char *const *hit =
	    bsearch(&k, report_spdx_ids, report_spdx_ids_count, sizeof(report_spdx_ids[0]), cmp_id);
	return hit ? *hit : NULL;
}

static bool is_idchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-';
}

/* idstring = 1*(ALPHA / DIGIT / "-" / "." ) */
static bool is_idstring(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_idchar(s[i]))
			return false;
	return true;
}

/* ["DocumentRef-" idstring ":"] "LicenseRef-" idstring */
static bool is_license_ref(const char *s, size_t len)
{
	if (mem_has_prefix(s, len, "DocumentRef-")) {
		const char *colon = memchr(s, ':', len);
		if (!colon || !is_idstring(s + 12, (size_t)(colon - s) - 12))
			return false;
		len -= (size_t)(colon + 1 - s);
		s = colon + 1;
	}
	return mem_has_prefix(s, len, "LicenseRef-") && is_idstring(s + 11, len - 11);
}

static bool word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && !memcmp(s, w, len);
}

/* A simple expression: a listed id, a listed id followed by "+", or a reference. */
static bool simple_ok(const char *s, size_t len, bool allow_refs, bool *listed_plain)
{
	*listed_plain = false;
	if (report_spdx_id_lookup(s, len)) {
		/* Some deprecated ids end in "+" themselves ("GPL-2.0+"). */
		*listed_plain = s[len - 1] != '+';
		return true;
	}
	if (len > 1 && s[len - 1] == '+' && report_spdx_id_lookup(s, len - 1))
		return true;
	return allow_refs && is_license_ref(s, len);
}

enum license_kind report_license_classify(const char *s, bool allow_refs, const char **canonical)
{
	enum { OPERAND, AFTER_OPERAND, EXCEPTION } state = OPERAND;
	size_t depth = 0, operands = 0;
	bool operators = false, simple_last = false, listed_plain = false;
	const char *first = NULL;
	size_t first_len = 0;

	if (!s)
		return LICENSE_NONE;
	const char *t = s;
	size_t tl = strlen(s);
	mem_trim(&t, &tl);
	/* NONE and NOASSERTION are values of SPDX license fields, not licenses. */
	if (!tl || word_is(t, tl, "NONE") || word_is(t, tl, "NOASSERTION"))
		return LICENSE_NONE;
	size_t n = strlen(s), i = 0;
	while (i < n) {
		char c = s[i];
		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == '(' || c == ')') {
			operators = true;
			if (c == '(') {
				if (state != OPERAND)
					return LICENSE_OTHER;
				depth++;
			} else {
				if (state != AFTER_OPERAND || !depth)
					return LICENSE_OTHER;
				depth--;
				simple_last = false;
			}
			i++;
			continue;
		}
		size_t start = i;
		while (i < n && (is_idchar(s[i]) || s[i] == '+' || s[i] == ':'))
			i++;
		if (i == start)
			return LICENSE_OTHER; /* a character no expression contains */
		const char *w = s + start;
		size_t len = i - start;
		bool is_and = word_is(w, len, "AND"), is_or = word_is(w, len, "OR");
		bool is_with = word_is(w, len, "WITH");
		if (state == AFTER_OPERAND) {
			if (is_and || is_or) {
				state = OPERAND;
			} else if (is_with && simple_last) {
				state = EXCEPTION;
			} else {
				return LICENSE_OTHER;
			}
			operators = true;
			continue;
		}
		if (is_and || is_or || is_with)
			return LICENSE_OTHER;
		if (state == EXCEPTION) {
			if (!report_spdx_id_lookup(w, len))
				return LICENSE_OTHER;
			simple_last = false;
		} else {
			if (!simple_ok(w, len, allow_refs, &listed_plain))
				return LICENSE_OTHER;
			simple_last = true;
			if (!operands++) {
				first = w;
				first_len = len;
			}
		}
		state = AFTER_OPERAND;
	}
	if (state != AFTER_OPERAND || depth)
		return LICENSE_OTHER;
	if (!operators && operands == 1 && listed_plain) {
		if (canonical)
			*canonical = report_spdx_id_lookup(first, first_len);
		return LICENSE_ID;
	}
	return LICENSE_EXPRESSION;
}
