/* CVSS v3.0/v3.1 base scores computed from the vector with the formulas of the
 * FIRST specification, so that feeds that ship only a vector still get a score. */
#include <math.h>
#include <string.h>

#include "vulndb/vulndb.h"

/* CVSS v3.1 section 7.4 Roundup: the smallest number with one decimal that is
 * >= x, computed on integers to avoid floating-point surprises. */
static double roundup(double x)
{
	long long i = llround(x * 100000.0);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

struct metric {
	char key[3];
	char val;
};

static int value_of(double *out, const char *key, char v, int scope_changed)
{
	if (strcmp(key, "AV") == 0) {
		switch (v) {
		case 'N':
			*out = 0.85;
			return 0;
		case 'A':
			*out = 0.62;
			return 0;
		case 'L':
			*out = 0.55;
			return 0;
		case 'P':
			*out = 0.2;
			return 0;
		}
	} else if (strcmp(key, "AC") == 0) {
		switch (v) {
		case 'L':
			*out = 0.77;
			return 0;
		case 'H':
			*out = 0.44;
			return 0;
		}
	} else if (strcmp(key, "PR") == 0) {
		switch (v) {
		case 'N':
			*out = 0.85;
			return 0;
		case 'L':
			*out = scope_changed ? 0.68 : 0.62;
			return 0;
		case 'H':
			*out = scope_changed ? 0.5 : 0.27;
			return 0;
		}
	} else if (strcmp(key, "UI") == 0) {
		switch (v) {
		case 'N':
			*out = 0.85;
			return 0;
		case 'R':
			*out = 0.62;
			return 0;
		}
	} else if (strcmp(key, "C") == 0 || strcmp(key, "I") == 0 || strcmp(key, "A") == 0) {
		switch (v) {
		case 'H':
			*out = 0.56;
			return 0;
		case 'L':
			*out = 0.22;
			return 0;
		case 'N':
			*out = 0;
			return 0;
		}
	}
	return CUSTOMS_EINVAL;
}

int cvss3_base_score(double *out, const char *vector, size_t len)
{
	static const char *const base[] = {"AV", "AC", "PR", "UI", "S", "C", "I", "A"};
	char vals[8] = {0};
	const char *p = vector, *end = vector + len;
	if (len < 9 || (memcmp(p, "CVSS:3.1/", 9) != 0 && memcmp(p, "CVSS:3.0/", 9) != 0))
		return CUSTOMS_EINVAL;
	p += 9;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;
		const char *colon = memchr(p, ':', (size_t)(stop - p));
		/* Every metric is KEY:V with a one-letter value. */
		if (!colon || stop - colon != 2 || colon - p < 1 || colon - p > 3)
			return CUSTOMS_EINVAL;
		size_t klen = (size_t)(colon - p);
		int idx = -1;
		for (int i = 0; i < 8; i++)
			if (strlen(base[i]) == klen && memcmp(base[i], p, klen) == 0)
				idx = i;
		if (idx >= 0) {
			if (vals[idx])
				return CUSTOMS_EINVAL; /* a metric given twice */
			vals[idx] = colon[1];
		}
		/* Temporal and environmental metrics do not change the base score. */
		p = slash ? slash + 1 : end;
		if (slash && p == end)
			return CUSTOMS_EINVAL;
	}
	for (int i = 0; i < 8; i++)
		if (!vals[i])
			return CUSTOMS_EINVAL;
	int changed;
	if (vals[4] == 'U')
		changed = 0;
	else if (vals[4] == 'C')
		changed = 1;
	else
		return CUSTOMS_EINVAL;
	double m[8];
	for (int i = 0; i < 8; i++) {
		if (i == 4)
			continue;
		if (value_of(&m[i], base[i], vals[i], changed))
			return CUSTOMS_EINVAL;
	}
	double iss = 1.0 - (1.0 - m[5]) * (1.0 - m[6]) * (1.0 - m[7]);
	double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	double expl = 8.22 * m[0] * m[1] * m[2] * m[3];
	double score;
	if (impact <= 0)
		score = 0;
	else if (changed)
		score = roundup(fmin(1.08 * (impact + expl), 10.0));
	else
		score = roundup(fmin(impact + expl, 10.0));
	*out = score;
	return CUSTOMS_OK;
}

customs_severity cvss_score_severity(double score)
{
	if (score >= 9.0)
		return CUSTOMS_SEVERITY_CRITICAL;
	if (score >= 7.0)
		return CUSTOMS_SEVERITY_HIGH;
	if (score >= 4.0)
		return CUSTOMS_SEVERITY_MEDIUM;
	if (score >= 0.1)
		return CUSTOMS_SEVERITY_LOW;
	return CUSTOMS_SEVERITY_UNKNOWN;
}
