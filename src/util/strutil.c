/* Bounded string and number helpers. */
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "util/strutil.h"

int parse_u64(uint64_t *out, const char *s, size_t len, uint64_t max)
{
	uint64_t v = 0;
	if (!s || len == 0)
		return CUSTOMS_EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CUSTOMS_EINVAL;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return CUSTOMS_EINVAL;
	}
	if (v > max)
		return CUSTOMS_EINVAL;
	*out = v;
	return CUSTOMS_OK;
}

int parse_u64_str(uint64_t *out, const char *s, uint64_t max)
{
	return s ? parse_u64(out, s, strlen(s), max) : CUSTOMS_EINVAL;
}

int parse_i64(int64_t *out, const char *s, size_t len, int64_t min, int64_t max)
{
	bool neg = false;
	uint64_t v;
	if (len > 0 && s[0] == '-') {
		neg = true;
		s++;
		len--;
	}
	if (parse_u64(&v, s, len, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return CUSTOMS_EINVAL;
	int64_t r = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	if (r < min || r > max)
		return CUSTOMS_EINVAL;
	*out = r;
	return CUSTOMS_OK;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool mem_has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

void mem_trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

char *str_sanitize(const char *s, size_t len)
{
	char *p = xstrndup(s, len);
	if (!p)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			p[i] = '?';
	return p;
}

void hex_encode(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}
