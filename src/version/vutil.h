/* Helpers shared by the version comparators: locale-free ASCII classes and a
 * digit-run comparison that never overflows, whatever the run's length. */
#ifndef VERSION_VUTIL_H
#define VERSION_VUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The comparators run on hostile bytes; <ctype.h> would depend on the locale
 * and is undefined for negative chars, so every class here is plain ASCII. */
static inline bool v_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool v_islower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool v_isupper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool v_isalpha(unsigned char c)
{
	return v_islower(c) || v_isupper(c);
}

static inline bool v_isalnum(unsigned char c)
{
	return v_isalpha(c) || v_isdigit(c);
}

static inline unsigned char v_tolower(unsigned char c)
{
	return v_isupper(c) ? (unsigned char)(c + ('a' - 'A')) : c;
}

static inline int v_sign(long v)
{
	return (v > 0) - (v < 0);
}

/* Length of the run of ASCII digits at s[0..len). */
static inline size_t v_digit_span(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && v_isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* Compares two runs of decimal digits by value: strip leading zeros, then the
 * longer run is larger, then the first differing digit decides. Exact for any
 * length, where parsing into an integer would overflow past 19 digits. */
static inline int v_digits_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	while (alen > 0 && *a == '0')
		a++, alen--;
	while (blen > 0 && *b == '0')
		b++, blen--;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	if (alen == 0)
		return 0;
	return v_sign(memcmp(a, b, alen));
}

/* Byte-wise order with the shorter prefix first: the documented fallback for
 * versions a scheme cannot parse. Total, defined on any bytes. */
static inline int v_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;
	if (r != 0)
		return v_sign(r);
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* Case-insensitive ASCII variant of v_bytes_cmp. */
static inline int v_bytes_casecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = v_tolower((unsigned char)a[i]),
		              y = v_tolower((unsigned char)b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* True when s[0..len) equals the lowercase word w, ignoring ASCII case. */
static inline bool v_word_eq(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);
	return len == n && v_bytes_casecmp(s, len, w, n) == 0;
}

/* Trims ASCII whitespace (space, tab, CR, LF, VT, FF) from both ends. */
static inline void v_trim(const char **s, size_t *len)
{
	while (*len > 0 && ((*s)[0] == ' ' || ((*s)[0] >= '\t' && (*s)[0] <= '\r')))
		(*s)++, (*len)--;
	while (*len > 0 &&
	       ((*s)[*len - 1] == ' ' || ((*s)[*len - 1] >= '\t' && (*s)[*len - 1] <= '\r')))
		(*len)--;
}

#endif
