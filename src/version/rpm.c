/* RPM version comparison: rpmvercmp() (incl. '~' before and '^' after the
 * base) and [epoch:]version[-release] ordering for OSV "Red Hat" and kin. */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

static bool is_sep(unsigned char c)
{
	return !v_isalnum(c) && c != '~' && c != '^';
}

int version_rpmvercmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0, j = 0;

	if (al == bl && (al == 0 || memcmp(a, b, al) == 0))
		return 0;
	while (i < al || j < bl) {
		size_t si, sj;
		bool isnum;
		int rc;

		while (i < al && is_sep((unsigned char)a[i]))
			i++;
		while (j < bl && is_sep((unsigned char)b[j]))
			j++;
		/* '~' sorts before anything, even the end of the string. */
		if ((i < al && a[i] == '~') || (j < bl && b[j] == '~')) {
			if (i >= al || a[i] != '~')
				return 1;
			if (j >= bl || b[j] != '~')
				return -1;
			i++, j++;
			continue;
		}
		/* '^' sorts after the end of the string but before anything else. */
		if ((i < al && a[i] == '^') || (j < bl && b[j] == '^')) {
			if (i >= al)
				return -1;
			if (j >= bl)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++, j++;
			continue;
		}
		if (i >= al || j >= bl)
			break;
		si = i;
		sj = j;
		isnum = v_isdigit((unsigned char)a[i]);
		if (isnum) {
			i += v_digit_span(a + i, al - i);
			j += v_digit_span(b + j, bl - j);
		} else {
			while (i < al && v_isalpha((unsigned char)a[i]))
				i++;
			while (j < bl && v_isalpha((unsigned char)b[j]))
				j++;
		}
		/* Segments of different types: numbers are newer than letters. */
		if (sj == j)
			return isnum ? 1 : -1;
		rc = isnum ? v_digits_cmp(a + si, i - si, b + sj, j - sj)
		           : v_bytes_cmp(a + si, i - si, b + sj, j - sj);
		if (rc)
			return rc;
	}
	if (i >= al && j >= bl)
		return 0;
	return i >= al ? -1 : 1;
}

struct evr {
	const char *e, *v, *r;
	size_t elen, vlen, rlen;
	bool has_r;
};

/* As OSV's Red Hat ordering: the text before the first ':' is the epoch
 * (missing: "0"), the text after the last '-' the release. Epochs compare with
 * rpmvercmp, as rpm's own rpmverCmp() does. */
static void evr_split(struct evr *p, const char *s, size_t len)
{
	const char *colon = len ? memchr(s, ':', len) : NULL;

	p->e = "0";
	p->elen = 1;
	if (colon) {
		p->e = s;
		p->elen = (size_t)(colon - s);
		len -= p->elen + 1;
		s = colon + 1;
	}
	p->v = s;
	p->vlen = len;
	p->r = s + len;
	p->rlen = 0;
	p->has_r = false;
	for (size_t i = len; i > 0; i--) {
		if (s[i - 1] == '-') {
			p->vlen = i - 1;
			p->r = s + i;
			p->rlen = len - i;
			p->has_r = true;
			break;
		}
	}
}

bool version_rpm_valid(const char *s, size_t len)
{
	struct evr p;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	evr_split(&p, s, len);
	if (p.elen == 0 || v_digit_span(p.e, p.elen) != p.elen)
		return false;
	if (p.vlen == 0 || memchr(p.v, ':', p.vlen) || (p.has_r && memchr(p.r, ':', p.rlen)))
		return false;
	return !p.has_r || p.rlen > 0;
}

int version_rpm_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	struct evr x, y;
	int r;

	evr_split(&x, a, alen);
	evr_split(&y, b, blen);
	r = version_rpmvercmp(x.e, x.elen, y.e, y.elen);
	if (r == 0)
		r = version_rpmvercmp(x.v, x.vlen, y.v, y.vlen);
	/* A version without a release sorts before the same version with any
	 * release (OSV's rule; rpm itself would call them equal). */
	if (r == 0 && x.has_r != y.has_r)
		r = x.has_r ? 1 : -1;
	if (r == 0)
		r = version_rpmvercmp(x.r, x.rlen, y.r, y.rlen);
	*out = r;
	return version_rpm_valid(a, alen) && version_rpm_valid(b, blen) ? 0 : CUSTOMS_EINVAL;
}
