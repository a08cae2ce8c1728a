/* Alpine (apk-tools) version comparison:
 * digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}, as apk v3 orders it. */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

/* The order of the token kinds is part of the rules: a kind may only follow a
 * lower one, and when one version ends early the kinds decide. */
enum token {
	T_INITIAL_DIGIT,
	T_DIGIT,
	T_LETTER,
	T_SUFFIX,
	T_SUFFIX_NO,
	T_COMMIT_HASH,
	T_REVISION_NO,
	T_END,
	T_INVALID,
};

/* Pre-release suffixes sort below NONE (no suffix), the others above. */
enum suffix { S_INVALID, S_ALPHA, S_BETA, S_PRE, S_RC, S_NONE, S_CVS, S_SVN, S_GIT, S_HG, S_P };

struct tok {
	enum token type;
	enum suffix suffix;
	const char *val;
	size_t vlen;
	const char *p, *end; /* the rest of the version */
};

static enum suffix suffix_value(const char *s, size_t n)
{
	static const struct {
		const char *name;
		enum suffix v;
	} names[] = {{"alpha", S_ALPHA}, {"beta", S_BETA}, {"pre", S_PRE},
	             {"rc", S_RC},       {"cvs", S_CVS},   {"svn", S_SVN},
	             {"git", S_GIT},     {"hg", S_HG},     {"p", S_P}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && memcmp(names[i].name, s, n) == 0)
			return names[i].v;
	return S_INVALID;
}

static bool is_hex(unsigned char c)
{
	return v_isdigit(c) || (c >= 'a' && c <= 'f');
}

static void parse_digits(struct tok *t)
{
	t->val = t->p;
	t->vlen = v_digit_span(t->p, (size_t)(t->end - t->p));
	t->p += t->vlen;
	if (t->vlen == 0) {
		t->type = T_INVALID;
		t->vlen = (size_t)(t->end - t->val);
	}
}

static void tok_first(struct tok *t, const char *s, size_t len)
{
	t->p = s;
	t->end = s + len;
	t->type = T_INITIAL_DIGIT;
	t->suffix = S_NONE;
	parse_digits(t);
}

static void tok_next(struct tok *t)
{
	const char *start = t->p;
	unsigned char c;

	if (t->p == t->end) {
		t->type = T_END;
		return;
	}
	c = (unsigned char)*t->p;
	if (v_islower(c)) {
		if (t->type > T_DIGIT)
			goto invalid;
		t->val = t->p++;
		t->vlen = 1;
		t->type = T_LETTER;
	} else if (c == '.' || v_isdigit(c)) {
		if (c == '.') {
			if (t->type > T_DIGIT)
				goto invalid;
			t->p++;
		}
		if (t->type == T_INITIAL_DIGIT || t->type == T_DIGIT)
			t->type = T_DIGIT;
		else if (t->type == T_SUFFIX)
			t->type = T_SUFFIX_NO;
		else
			goto invalid;
		parse_digits(t);
		if (t->type == T_INVALID)
			goto invalid;
	} else if (c == '_') {
		if (t->type > T_SUFFIX_NO)
			goto invalid;
		t->val = ++t->p;
		while (t->p < t->end && v_islower((unsigned char)*t->p))
			t->p++;
		t->vlen = (size_t)(t->p - t->val);
		t->suffix = suffix_value(t->val, t->vlen);
		if (t->suffix == S_INVALID)
			goto invalid;
		t->type = T_SUFFIX;
	} else if (c == '~') {
		if (t->type >= T_COMMIT_HASH)
			goto invalid;
		t->val = ++t->p;
		while (t->p < t->end && is_hex((unsigned char)*t->p))
			t->p++;
		t->vlen = (size_t)(t->p - t->val);
		if (t->vlen == 0)
			goto invalid;
		t->type = T_COMMIT_HASH;
	} else if (c == '-') {
		if (t->type >= T_REVISION_NO || t->end - t->p < 2 || t->p[1] != 'r')
			goto invalid;
		t->p += 2;
		t->type = T_REVISION_NO;
		parse_digits(t);
		if (t->type == T_INVALID)
			goto invalid;
	} else {
		goto invalid;
	}
	return;
invalid:
	/* The invalid tail, kept whole so that two versions invalid at the same
	 * point still get an order: the "string sort" of apk's version.data. */
	t->type = T_INVALID;
	t->val = start;
	t->vlen = (size_t)(t->end - start);
}

static int tok_cmp(const struct tok *a, const struct tok *b)
{
	switch (a->type) {
	case T_DIGIT:
		/* A leading zero makes the component a string, as in Gentoo. */
		if (a->val[0] == '0' || b->val[0] == '0')
			return v_bytes_cmp(a->val, a->vlen, b->val, b->vlen);
		/* fallthrough */
	case T_INITIAL_DIGIT:
	case T_SUFFIX_NO:
	case T_REVISION_NO:
		return v_digits_cmp(a->val, a->vlen, b->val, b->vlen);
	case T_LETTER:
		return v_sign((long)(unsigned char)a->val[0] - (unsigned char)b->val[0]);
	case T_SUFFIX:
		return v_sign((long)a->suffix - (long)b->suffix);
	default:
		return v_bytes_cmp(a->val, a->vlen, b->val, b->vlen);
	}
}

bool version_apk_valid(const char *s, size_t len)
{
	struct tok t;

	for (tok_first(&t, s, len); t.type < T_END; tok_next(&t))
		;
	return t.type == T_END;
}

int version_apk_cmp_fuzzy(const char *a, size_t alen, const char *b, size_t blen, bool fuzzy)
{
	struct tok ta, tb;

	for (tok_first(&ta, a, alen), tok_first(&tb, b, blen);
	     ta.type == tb.type && ta.type != T_END; tok_next(&ta), tok_next(&tb)) {
		int r = tok_cmp(&ta, &tb);
		if (r || ta.type == T_INVALID)
			return r;
	}
	if (ta.type == tb.type)
		return 0;
	if (tb.type == T_END && fuzzy)
		return 0;
	/* Equal so far: the longer one is newer unless it goes on with a
	 * pre-release suffix. Invalid tails rank lowest of all. */
	if (ta.type == T_SUFFIX && ta.suffix < S_NONE)
		return -1;
	if (tb.type == T_SUFFIX && tb.suffix < S_NONE)
		return 1;
	return ta.type > tb.type ? -1 : 1;
}

int version_apk_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	*out = version_apk_cmp_fuzzy(a, alen, b, blen, false);
	return version_apk_valid(a, alen) && version_apk_valid(b, blen) ? 0 : CUSTOMS_EINVAL;
}
