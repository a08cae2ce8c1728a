/* Packagist (Composer) version ordering: PHP's version_compare() rules over
 * the canonical form, with a leading "v" ignored as Composer does. */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

struct ctok {
	const char *s;
	size_t n;
	bool num;
};

static bool is_sep(char c)
{
	return c == '.' || c == '-' || c == '_' || c == '+';
}

/* PHP canonicalises "1.0rc1-p" to "1.0.rc.1.p": separators are . - _ +, and
 * every switch between digits and other characters splits too. */
static bool next_tok(const char **p, const char *end, struct ctok *t)
{
	const char *q = *p;

	while (q < end && is_sep(*q))
		q++;
	if (q == end)
		return false;
	t->s = q;
	t->num = v_isdigit((unsigned char)*q);
	while (q < end && !is_sep(*q) && v_isdigit((unsigned char)*q) == t->num)
		q++;
	t->n = (size_t)(q - t->s);
	*p = q;
	return true;
}

/* PHP's special forms, matched as prefixes in this order; unknown words
 * rank lowest (-1), a number ranks as "#". */
static int weight(const struct ctok *t)
{
	static const struct {
		const char *w;
		int order;
	} forms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
	             {"RC", 3},  {"rc", 3},    {"#", 4}, {"pl", 5},   {"p", 5}};

	if (t->num)
		return 4;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t wl = strlen(forms[i].w);
		if (t->n >= wl && memcmp(t->s, forms[i].w, wl) == 0)
			return forms[i].order;
	}
	return -1;
}

static int tok_cmp(const struct ctok *a, const struct ctok *b)
{
	if (a->num && b->num)
		return v_digits_cmp(a->s, a->n, b->s, b->n);
	return v_sign((long)weight(a) - weight(b));
}

/* What is left of the longer version, against PHP's "#N#" (a number): a
 * number there makes it newer, a word ranks by its special form. */
static int rest_cmp(const struct ctok *first, const char *p, const char *end)
{
	static const struct ctok hash = {"#", 1, false};
	struct ctok t = *first;
	int r;

	for (bool head = true;; head = false) {
		if (!head && t.num)
			return 1;
		r = tok_cmp(&t, &hash);
		if (r)
			return r;
		if (!next_tok(&p, end, &t))
			return 0;
	}
}

static void strip_v(const char **s, size_t *len)
{
	v_trim(s, len);
	if (*len > 0 && (**s == 'v' || **s == 'V'))
		(*s)++, (*len)--;
}

static int composer_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *pa, *pb, *ea, *eb;

	strip_v(&a, &alen);
	strip_v(&b, &blen);
	pa = a, pb = b, ea = a + alen, eb = b + blen;
	for (;;) {
		struct ctok x, y;
		bool hx = next_tok(&pa, ea, &x), hy = next_tok(&pb, eb, &y);
		int r;

		if (!hx && !hy)
			return 0;
		if (hx && !hy)
			return x.num ? 1 : rest_cmp(&x, pa, ea);
		if (!hx)
			return y.num ? -1 : -rest_cmp(&y, pb, eb);
		r = tok_cmp(&x, &y);
		if (r)
			return r;
	}
}

/* Composer accepts "1.2.3", "v1.2.3-beta2", "1.0.x-dev", "dev-main" and the
 * like: printable words and numbers joined by . - _ +. */
bool version_composer_valid(const char *s, size_t len)
{
	strip_v(&s, &len);
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!v_isalnum((unsigned char)s[i]) && !is_sep(s[i]))
			return false;
	return true;
}

int version_composer_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	*out = composer_cmp(a, alen, b, blen);
	return version_composer_valid(a, alen) && version_composer_valid(b, blen) ? 0
	                                                                          : CUSTOMS_EINVAL;
}
