/* RubyGems version ordering, as Gem::Version: numeric and alphabetic
 * segments, any letter marks a pre-release, trailing zeros do not count. */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

/* Gem::Version reads "1.0-rc1" as "1.0.pre.rc1". */
static const char PRE[] = "pre";

struct gseg {
	const char *s;
	size_t n;
	bool num;
};

struct giter {
	const char *p, *end;
	bool pending_pre;
};

static bool next_seg(struct giter *it, struct gseg *g)
{
	for (;;) {
		if (it->pending_pre) {
			it->pending_pre = false;
			g->s = PRE;
			g->n = 3;
			g->num = false;
			return true;
		}
		if (it->p >= it->end)
			return false;
		unsigned char c = (unsigned char)*it->p;
		if (c == '-') {
			it->pending_pre = true;
			it->p++;
			continue;
		}
		if (!v_isalnum(c)) {
			it->p++;
			continue;
		}
		g->s = it->p;
		g->num = v_isdigit(c);
		while (it->p < it->end && (g->num ? v_isdigit((unsigned char)*it->p)
		                                  : v_isalpha((unsigned char)*it->p)))
			it->p++;
		g->n = (size_t)(it->p - g->s);
		return true;
	}
}

static bool is_zero(const struct gseg *g)
{
	return g->num && v_digit_span(g->s, g->n) == g->n && v_digits_cmp(g->s, g->n, "0", 1) == 0;
}

/* Canonical segments drop the trailing zeros of the numeric part and of the
 * part after the first letter, each. Rather than building that list, count
 * how many segments of each part survive, then walk both versions. */
struct gshape {
	size_t num_keep, str_start, str_keep;
};

static void shape(const char *s, size_t len, struct gshape *sh)
{
	struct giter it = {s, s + len, false};
	struct gseg g;
	size_t i = 0, last_nonzero_num = 0, last_nonzero_str = 0;
	bool in_str = false;

	sh->str_start = (size_t)-1;
	while (next_seg(&it, &g)) {
		if (!in_str && !g.num) {
			in_str = true;
			sh->str_start = i;
		}
		if (!is_zero(&g)) {
			if (in_str)
				last_nonzero_str = i + 1;
			else
				last_nonzero_num = i + 1;
		}
		i++;
	}
	sh->num_keep = last_nonzero_num;
	if (sh->str_start == (size_t)-1) {
		sh->str_start = i;
		sh->str_keep = 0;
	} else {
		sh->str_keep =
		    last_nonzero_str > sh->str_start ? last_nonzero_str - sh->str_start : 0;
	}
}

/* The i-th canonical segment, walking forward; false past the end. */
struct gwalk {
	struct giter it;
	struct gshape sh;
	size_t raw; /* index of the next raw segment */
};

static bool walk_next(struct gwalk *w, struct gseg *g)
{
	for (;;) {
		if (!next_seg(&w->it, g))
			return false;
		size_t i = w->raw++;
		if (i < w->sh.str_start) {
			if (i < w->sh.num_keep)
				return true;
		} else if (i - w->sh.str_start < w->sh.str_keep) {
			return true;
		}
	}
}

static int gem_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct gwalk x = {{a, a + alen, false}, {0}, 0}, y = {{b, b + blen, false}, {0}, 0};
	static const struct gseg zero = {"0", 1, true};

	shape(a, alen, &x.sh);
	shape(b, blen, &y.sh);
	for (;;) {
		struct gseg l, r;
		bool hl = walk_next(&x, &l), hr = walk_next(&y, &r);
		int c;

		if (!hl && !hr)
			return 0;
		if (!hl)
			l = zero;
		if (!hr)
			r = zero;
		if (l.num && r.num)
			c = v_digits_cmp(l.s, l.n, r.s, r.n);
		else if (l.num != r.num)
			c = l.num ? 1 : -1;
		else
			c = v_bytes_cmp(l.s, l.n, r.s, r.n);
		if (c)
			return c;
	}
}

/* Gem::Version's pattern: [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
 * with blanks around; a blank string is version "0". */
bool version_gem_valid(const char *s, size_t len)
{
	size_t i, n;

	v_trim(&s, &len);
	if (len == 0)
		return true;
	n = v_digit_span(s, len);
	if (n == 0)
		return false;
	i = n;
	while (i < len && s[i] == '.') {
		size_t st = ++i;
		while (i < len && v_isalnum((unsigned char)s[i]))
			i++;
		if (i == st)
			return false;
	}
	if (i < len && s[i] == '-') {
		for (;;) {
			size_t st = ++i;
			while (i < len && (v_isalnum((unsigned char)s[i]) || s[i] == '-'))
				i++;
			if (i == st)
				return false;
			if (i < len && s[i] == '.')
				continue;
			break;
		}
	}
	return i == len;
}

/* Lenient form compared when Gem::Version would refuse ("1beta", "1.0_rc"):
 * anything made of letters, digits and . - _ still has segments. */
static bool gem_lenient(const char *s, size_t len)
{
	v_trim(&s, &len);
	for (size_t i = 0; i < len; i++)
		if (!v_isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

int version_gem_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	bool la = gem_lenient(a, alen), lb = gem_lenient(b, blen);
	int rc = version_fallback(out, la, lb, la && lb ? gem_cmp(a, alen, b, blen) : 0, a, alen, b,
	                          blen);

	if (rc == 0 && !(version_gem_valid(a, alen) && version_gem_valid(b, blen)))
		rc = CUSTOMS_EINVAL;
	return rc;
}
