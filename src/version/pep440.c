/* PEP 440 (PyPI) versions: parsed and ordered exactly as pypa/packaging does
 * (epoch, release, pre, post, dev, local), all spellings and cases accepted. */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

enum { PRE_A, PRE_B, PRE_RC };

/* Numbers are kept as digit runs (possibly empty, meaning 0), compared with
 * v_digits_cmp: no integer parsing, so no overflow on absurd inputs. */
struct pep440 {
	const char *epoch, *rel, *pre_n, *post_n, *dev_n, *local;
	size_t epoch_len, rel_len, pre_n_len, post_n_len, dev_n_len, local_len;
	int pre_kind; /* -1: no pre-release */
	bool has_post, has_dev, has_local;
};

struct cur {
	const char *p, *end;
};

static bool at_sep(const struct cur *c)
{
	return c->p < c->end && (*c->p == '-' || *c->p == '_' || *c->p == '.');
}

static bool at_digit(const struct cur *c)
{
	return c->p < c->end && v_isdigit((unsigned char)*c->p);
}

/* Consumes one of words (longest listed first) ignoring case; its index or -1. */
static int eat_word(struct cur *c, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(words[i]);
		if ((size_t)(c->end - c->p) >= wl && v_bytes_casecmp(c->p, wl, words[i], wl) == 0) {
			c->p += wl;
			return (int)i;
		}
	}
	return -1;
}

/* The optional "[-_.]?[0-9]+" after a pre, post or dev label. */
static void eat_number(struct cur *c, const char **n, size_t *nlen)
{
	struct cur t = *c;

	if (at_sep(&t))
		t.p++;
	*n = t.p;
	*nlen = 0;
	if (!at_digit(&t))
		return;
	*nlen = v_digit_span(t.p, (size_t)(t.end - t.p));
	c->p = t.p + *nlen;
}

/* "[-_.]?label([-_.]?[0-9]+)?": the label's index in words, or -1 with c
 * untouched. A missing number is an empty run, which compares as 0. */
static int eat_label(struct cur *c, const char *const *words, size_t n, const char **num,
                     size_t *nlen)
{
	struct cur t = *c;
	int w;

	if (at_sep(&t))
		t.p++;
	w = eat_word(&t, words, n);
	if (w < 0)
		return -1;
	*c = t;
	eat_number(c, num, nlen);
	return w;
}

/* Python's str.isspace() set, as UTF-8: packaging strips it around the
 * version (its regex is "^\\s*...\\s*$" on str). Length of the match at s, or 0. */
static size_t py_space(const unsigned char *s, size_t n)
{
	if (n >= 1 &&
	    (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r') || (s[0] >= 0x1c && s[0] <= 0x1f)))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf) && s[2] >= 0x80)
		return 3;
	if (n >= 3 && ((s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||
	               (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)))
		return 3;
	return 0;
}

static void py_strip(const char **s, size_t *len)
{
	size_t k;

	while ((k = py_space((const unsigned char *)*s, *len)) > 0)
		*s += k, *len -= k;
	for (;;) {
		size_t trimmed = 0;
		for (k = 1; k <= 3 && k <= *len; k++) {
			if (py_space((const unsigned char *)*s + *len - k, k) == k) {
				trimmed = k;
				break;
			}
		}
		if (!trimmed)
			return;
		*len -= trimmed;
	}
}

static int parse(struct pep440 *v, const char *s, size_t len)
{
	static const char *const pre_words[] = {"preview", "alpha", "beta", "pre",
	                                        "rc",      "a",     "b",    "c"};
	static const int pre_kinds[] = {PRE_RC, PRE_A, PRE_B, PRE_RC, PRE_RC, PRE_A, PRE_B, PRE_RC};
	static const char *const post_words[] = {"post", "rev", "r"};
	static const char *const dev_words[] = {"dev"};
	struct cur c;
	size_t n;
	int w;

	memset(v, 0, sizeof(*v));
	v->pre_kind = -1;
	py_strip(&s, &len);
	c.p = s;
	c.end = s + len;
	if (c.p < c.end && (*c.p == 'v' || *c.p == 'V'))
		c.p++;
	n = v_digit_span(c.p, (size_t)(c.end - c.p));
	if (n == 0)
		return CUSTOMS_EINVAL;
	if (c.p + n < c.end && c.p[n] == '!') {
		v->epoch = c.p;
		v->epoch_len = n;
		c.p += n + 1;
		n = v_digit_span(c.p, (size_t)(c.end - c.p));
		if (n == 0)
			return CUSTOMS_EINVAL;
	}
	v->rel = c.p;
	c.p += n;
	while (c.end - c.p >= 2 && c.p[0] == '.' && v_isdigit((unsigned char)c.p[1]))
		c.p += 1 + v_digit_span(c.p + 1, (size_t)(c.end - c.p - 1));
	v->rel_len = (size_t)(c.p - v->rel);

	w = eat_label(&c, pre_words, sizeof(pre_words) / sizeof(pre_words[0]), &v->pre_n,
	              &v->pre_n_len);
	if (w >= 0)
		v->pre_kind = pre_kinds[w];
	if (c.end - c.p >= 2 && c.p[0] == '-' && v_isdigit((unsigned char)c.p[1])) {
		/* "1.0-1": the implicit post-release. */
		v->has_post = true;
		v->post_n = ++c.p;
		v->post_n_len = v_digit_span(c.p, (size_t)(c.end - c.p));
		c.p += v->post_n_len;
	} else {
		v->has_post = eat_label(&c, post_words, 3, &v->post_n, &v->post_n_len) >= 0;
	}
	v->has_dev = eat_label(&c, dev_words, 1, &v->dev_n, &v->dev_n_len) >= 0;

	if (c.p < c.end && *c.p == '+') {
		v->has_local = true;
		v->local = ++c.p;
		for (;;) {
			const char *seg = c.p;
			while (c.p < c.end && v_isalnum((unsigned char)*c.p))
				c.p++;
			if (c.p == seg)
				return CUSTOMS_EINVAL;
			if (c.end - c.p >= 2 && at_sep(&c)) {
				c.p++;
				continue;
			}
			break;
		}
		v->local_len = (size_t)(c.p - v->local);
	}
	return c.p == c.end ? 0 : CUSTOMS_EINVAL;
}

/* Next '.'-separated (or, for local versions, [-_.]-separated) segment. */
static bool next_seg(const char **p, const char *end, const char **seg, size_t *n)
{
	const char *q = *p;

	if (q >= end)
		return false;
	*seg = q;
	while (q < end && *q != '.' && *q != '-' && *q != '_')
		q++;
	*n = (size_t)(q - *seg);
	*p = q < end ? q + 1 : q;
	return true;
}

static int release_cmp(const struct pep440 *a, const struct pep440 *b)
{
	const char *pa = a->rel, *pb = b->rel, *ea = a->rel + a->rel_len, *eb = b->rel + b->rel_len;

	/* Missing segments count as 0, which is packaging's trailing-zero rule. */
	for (;;) {
		const char *sa = "0", *sb = "0";
		size_t na = 1, nb = 1;
		bool ha = next_seg(&pa, ea, &sa, &na), hb = next_seg(&pb, eb, &sb, &nb);
		int r;

		if (!ha && !hb)
			return 0;
		if (!ha)
			sa = "0", na = 1;
		if (!hb)
			sb = "0", nb = 1;
		r = v_digits_cmp(sa, na, sb, nb);
		if (r)
			return r;
	}
}

/* packaging's local key: numeric segments above alphanumeric ones, those
 * compared case-folded; a shorter key that is a prefix sorts first. */
static int local_cmp(const struct pep440 *a, const struct pep440 *b)
{
	const char *pa = a->local, *pb = b->local, *ea, *eb;

	if (!a->has_local || !b->has_local)
		return a->has_local - b->has_local;
	ea = pa + a->local_len;
	eb = pb + b->local_len;
	for (;;) {
		const char *sa = NULL, *sb = NULL;
		size_t na = 0, nb = 0;
		bool ha = next_seg(&pa, ea, &sa, &na), hb = next_seg(&pb, eb, &sb, &nb);
		bool da, db;
		int r;

		if (!ha || !hb)
			return ha - hb;
		da = v_digit_span(sa, na) == na;
		db = v_digit_span(sb, nb) == nb;
		if (da && db)
			r = v_digits_cmp(sa, na, sb, nb);
		else if (da != db)
			r = da ? 1 : -1;
		else
			r = v_bytes_casecmp(sa, na, sb, nb);
		if (r)
			return r;
	}
}

static int pep440_cmp(const struct pep440 *a, const struct pep440 *b)
{
	int r, ra, rb;

	r = v_digits_cmp(a->epoch, a->epoch_len, b->epoch, b->epoch_len);
	if (r)
		return r;
	r = release_cmp(a, b);
	if (r)
		return r;
	/* A bare dev release sorts before every pre-release of its version; no
	 * pre-release at all sorts after them. */
	ra = a->pre_kind >= 0 ? 1 : (!a->has_post && a->has_dev ? 0 : 2);
	rb = b->pre_kind >= 0 ? 1 : (!b->has_post && b->has_dev ? 0 : 2);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 1) {
		if (a->pre_kind != b->pre_kind)
			return a->pre_kind < b->pre_kind ? -1 : 1;
		r = v_digits_cmp(a->pre_n, a->pre_n_len, b->pre_n, b->pre_n_len);
		if (r)
			return r;
	}
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	r = v_digits_cmp(a->post_n, a->post_n_len, b->post_n, b->post_n_len);
	if (r)
		return r;
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	r = v_digits_cmp(a->dev_n, a->dev_n_len, b->dev_n, b->dev_n_len);
	if (r)
		return r;
	return local_cmp(a, b);
}

bool version_pep440_valid(const char *s, size_t len)
{
	struct pep440 v;
	return parse(&v, s, len) == 0;
}

int version_pep440_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	struct pep440 x, y;
	bool va = parse(&x, a, alen) == 0, vb = parse(&y, b, blen) == 0;

	return version_fallback(out, va, vb, va && vb ? pep440_cmp(&x, &y) : 0, a, alen, b, blen);
}
