/* Debian version comparison: [epoch:]upstream[-revision], ordered exactly as
 * dpkg's verrevcmp() ('~' before everything, letters before other symbols). */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

struct dpkg_version {
	const char *epoch, *up, *rev;
	size_t epoch_len, up_len, rev_len;
};

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Splits any byte string into epoch, upstream and revision the way dpkg does
 * for valid ones; for invalid ones the split is still deterministic, which is
 * what keeps the fallback order total. */
static void split(struct dpkg_version *v, const char *s, size_t len)
{
	const char *colon, *hyphen = NULL;

	v_trim(&s, &len);
	v->epoch = s;
	v->epoch_len = 0;
	colon = len ? memchr(s, ':', len) : NULL;
	if (colon && colon > s && v_digit_span(s, (size_t)(colon - s)) == (size_t)(colon - s)) {
		v->epoch_len = (size_t)(colon - s);
		len -= v->epoch_len + 1;
		s = colon + 1;
	}
	for (size_t i = len; i > 0; i--) {
		if (s[i - 1] == '-') {
			hyphen = s + i - 1;
			break;
		}
	}
	v->up = s;
	v->up_len = hyphen ? (size_t)(hyphen - s) : len;
	v->rev = hyphen ? hyphen + 1 : s + len;
	v->rev_len = hyphen ? len - v->up_len - 1 : 0;
}

/* dpkg's order(): chars are signed there, so bytes >= 0x80 land between the
 * letters and the ASCII symbols; kept so invalid input orders as dpkg does.
 * dpkg's 0 for NUL means "end of string"; a NUL inside a pointer+length
 * version ranks as a symbol instead, or a digit facing it would be skipped
 * and the order would stop being transitive. */
static int order(signed char c)
{
	if (v_isdigit((unsigned char)c))
		return 0;
	if (v_isalpha((unsigned char)c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int verrevcmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0, j = 0;

	while (i < al || j < bl) {
		int first_diff = 0;

		while ((i < al && !v_isdigit((unsigned char)a[i])) ||
		       (j < bl && !v_isdigit((unsigned char)b[j]))) {
			int ac = i < al ? order((signed char)a[i]) : 0;
			int bc = j < bl ? order((signed char)b[j]) : 0;
			if (ac != bc)
				return ac - bc;
			i += i < al;
			j += j < bl;
		}
		while (i < al && a[i] == '0')
			i++;
		while (j < bl && b[j] == '0')
			j++;
		while (i < al && j < bl && v_isdigit((unsigned char)a[i]) &&
		       v_isdigit((unsigned char)b[j])) {
			if (!first_diff)
				first_diff = a[i] - b[j];
			i++;
			j++;
		}
		if (i < al && v_isdigit((unsigned char)a[i]))
			return 1;
		if (j < bl && v_isdigit((unsigned char)b[j]))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* dpkg's parseversion(): hard errors and warnings both make a version invalid. */
bool version_dpkg_valid(const char *s, size_t len)
{
	struct dpkg_version v;
	const char *colon;

	v_trim(&s, &len);
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (is_space(s[i]))
			return false;
	colon = memchr(s, ':', len);
	if (colon) {
		size_t el = (size_t)(colon - s);
		/* dpkg stores the epoch in an int. */
		if (el == 0 || v_digit_span(s, el) != el ||
		    v_digits_cmp(s, el, "2147483647", 10) > 0)
			return false;
		if (el + 1 == len)
			return false;
	}
	split(&v, s, len);
	if (v.up_len == 0 || !v_isdigit((unsigned char)v.up[0]))
		return false;
	for (size_t i = 0; i < v.up_len; i++) {
		unsigned char c = (unsigned char)v.up[i];
		if (!v_isalnum(c) && !memchr(".-+~:", c, 5))
			return false;
	}
	for (size_t i = 0; i < v.rev_len; i++) {
		unsigned char c = (unsigned char)v.rev[i];
		if (!v_isalnum(c) && !memchr(".+~", c, 3))
			return false;
	}
	return true;
}

int version_dpkg_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	struct dpkg_version x, y;
	int r;

	split(&x, a, alen);
	split(&y, b, blen);
	r = v_digits_cmp(x.epoch, x.epoch_len, y.epoch, y.epoch_len);
	if (r == 0)
		r = verrevcmp(x.up, x.up_len, y.up, y.up_len);
	if (r == 0)
		r = verrevcmp(x.rev, x.rev_len, y.rev, y.rev_len);
	*out = v_sign(r);
	return version_dpkg_valid(a, alen) && version_dpkg_valid(b, blen) ? 0 : CUSTOMS_EINVAL;
}
