/* SemVer 2.0.0 precedence (npm, crates.io, Go, Hex, ...): numbers compare
 * numerically, a pre-release sorts before its release, build metadata is ignored. */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

static bool is_ident_char(unsigned char c)
{
	return v_isalnum(c) || c == '-';
}

static bool all_digits(const char *s, size_t n)
{
	return n > 0 && v_digit_span(s, n) == n;
}

/* Checks a dot-separated identifier list: no empty identifier, only
 * [0-9A-Za-z-], and (when no_lead_zero) no numeric identifier with a leading 0. */
static bool idents_ok(const char *s, size_t n, bool no_lead_zero)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_ident_char((unsigned char)s[i]))
				return false;
			continue;
		}
		if (i == start)
			return false;
		if (no_lead_zero && i - start > 1 && s[start] == '0' &&
		    all_digits(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

int version_semver_parse(struct semver *v, const char *s, size_t len, unsigned max_parts)
{
	const char *end, *s0;
	size_t i = 0;
	bool lead_zero = false;

	memset(v, 0, sizeof(*v));
	v_trim(&s, &len);
	/* npm's loose form accepts any of "v", "=" and blanks before the number;
	 * strictly only Go's single "v" is. */
	s0 = s;
	while (len > 0 && (*s == 'v' || *s == 'V' || *s == '=' || *s == ' ' || *s == '\t'))
		s++, len--;
	v->prefix_len = (size_t)(s - s0);
	v->strict = s == s0 || (s == s0 + 1 && *s0 == 'v');
	end = s + len;
	for (;;) {
		size_t n = v_digit_span(s + i, len - i);
		if (n == 0)
			return CUSTOMS_EINVAL;
		if (v->nparts < max_parts) {
			v->part[v->nparts] = s + i;
			v->part_len[v->nparts] = n;
		}
		if (n > 1 && s[i] == '0')
			lead_zero = true;
		v->nparts++;
		i += n;
		if (i < len && s[i] == '.' && i + 1 < len && v_isdigit((unsigned char)s[i + 1])) {
			i++;
			continue;
		}
		break;
	}
	if (i < len && (s[i] == '-' || v_isalpha((unsigned char)s[i]))) {
		/* "1.2.3beta" is npm-loose for "1.2.3-beta". */
		bool hyphen = s[i] == '-';
		size_t start = i + hyphen;
		i = start;
		while (i < len && (is_ident_char((unsigned char)s[i]) || s[i] == '.'))
			i++;
		v->pre = s + start;
		v->pre_len = i - start;
		v->pre_hyphen = hyphen;
		if (!hyphen || !idents_ok(v->pre, v->pre_len, true))
			v->strict = false;
		if (!idents_ok(v->pre, v->pre_len, false))
			return CUSTOMS_EINVAL;
	}
	if (i < len && s[i] == '+') {
		if (!idents_ok(s + i + 1, len - i - 1, false))
			v->strict = false;
		i = len;
	}
	if (s + i != end)
		return CUSTOMS_EINVAL;
	if (v->nparts != 3 || lead_zero)
		v->strict = false;
	return 0;
}

/* Pre-release identifiers, '.'-separated: numeric ones by value and below
 * alphanumeric ones, those in ASCII (or case-folded) order; a shorter list
 * that is a prefix of the other sorts first. */
int version_prerelease_cmp(const char *a, size_t al, const char *b, size_t bl, bool icase)
{
	size_t i = 0, j = 0;

	for (;;) {
		size_t si = i, sj = j;
		bool na, nb;
		int r;

		if (i >= al || j >= bl)
			return (i < al) - (j < bl);
		while (i < al && a[i] != '.')
			i++;
		while (j < bl && b[j] != '.')
			j++;
		na = all_digits(a + si, i - si);
		nb = all_digits(b + sj, j - sj);
		if (na && nb)
			r = v_digits_cmp(a + si, i - si, b + sj, j - sj);
		else if (na != nb)
			r = na ? -1 : 1;
		else if (icase)
			r = v_bytes_casecmp(a + si, i - si, b + sj, j - sj);
		else
			r = v_bytes_cmp(a + si, i - si, b + sj, j - sj);
		if (r)
			return r;
		i += i < al;
		j += j < bl;
	}
}

int version_semver_cmp_parsed(const struct semver *a, const struct semver *b, unsigned nparts,
                              bool icase)
{
	int r;

	for (unsigned k = 0; k < nparts; k++) {
		static const char zero[] = "0";
		const char *pa = k < a->nparts ? a->part[k] : zero;
		const char *pb = k < b->nparts ? b->part[k] : zero;
		size_t la = k < a->nparts ? a->part_len[k] : 1;
		size_t lb = k < b->nparts ? b->part_len[k] : 1;
		r = v_digits_cmp(pa, la, pb, lb);
		if (r)
			return r;
	}
	if (!a->pre || !b->pre)
		return (a->pre == NULL) - (b->pre == NULL);
	return version_prerelease_cmp(a->pre, a->pre_len, b->pre, b->pre_len, icase);
}

bool version_semver_valid(const char *s, size_t len)
{
	struct semver v;
	return version_semver_parse(&v, s, len, 3) == 0 && v.strict;
}

int version_semver_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	struct semver x, y;
	bool va = version_semver_parse(&x, a, alen, 3) == 0;
	bool vb = version_semver_parse(&y, b, blen, 3) == 0;
	int r = va && vb ? version_semver_cmp_parsed(&x, &y, 3, false) : 0;

	version_fallback(out, va, vb, r, a, alen, b, blen);
	return va && vb && x.strict && y.strict ? 0 : CUSTOMS_EINVAL;
}
