/* Helpers every importer and the matcher agree on: ecosystem and package name
 * normalisation, Debian release names, safe version strings, capped file reads. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/limits.h"
#include "vulndb/vulndb.h"

static const struct {
	const char *codename, *release;
} debian_releases[] = {
    {"buzz", "1.1"},    {"rex", "1.2"},     {"bo", "1.3"},    {"hamm", "2.0"},  {"slink", "2.1"},
    {"potato", "2.2"},  {"woody", "3.0"},   {"sarge", "3.1"}, {"etch", "4"},    {"lenny", "5"},
    {"squeeze", "6"},   {"wheezy", "7"},    {"jessie", "8"},  {"stretch", "9"}, {"buster", "10"},
    {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},  {"duke", "15"},
};

const char *vulndb_debian_release(const char *codename)
{
	if (!codename)
		return NULL;
	for (size_t i = 0; i < sizeof(debian_releases) / sizeof(debian_releases[0]); i++)
		if (strcmp(debian_releases[i].codename, codename) == 0)
			return debian_releases[i].release;
	return NULL;
}

/* OSV name (case-insensitive, before any ':') to the DB's ecosystem, which for
 * language ecosystems is the purl type the analyzers give packages. */
static const struct {
	const char *osv, *eco;
	int has_release; /* distro: a release follows the ':' */
} ecosystems[] = {
    {"Debian", "debian", 1},
    {"Alpine", "alpine", 1},
    {"Ubuntu", "ubuntu", 1},
    {"Red Hat", "rhel", 1},
    {"Rocky Linux", "rocky", 1},
    {"AlmaLinux", "almalinux", 1},
    {"SUSE", "sles", 1},
    {"openSUSE", "opensuse", 1},
    {"Wolfi", "wolfi", 0},
    {"Chainguard", "chainguard", 0},
    {"npm", "npm", 0},
    {"PyPI", "pypi", 0},
    {"Maven", "maven", 0},
    {"Go", "golang", 0},
    {"crates.io", "cargo", 0},
    {"RubyGems", "gem", 0},
    {"Packagist", "composer", 0},
    {"NuGet", "nuget", 0},
    {"Mageia", "mageia", 1},
    {"Photon OS", "photon", 1},
    {"openEuler", "openeuler", 1},
};

/* The release part of a distro ecosystem: the first ':'-separated field that
 * starts with a digit, without a leading 'v' ("v3.18" -> "3.18"; for Red Hat
 * "enterprise_linux:8::appstream" -> "8"; Ubuntu "Pro:18.04:LTS" -> "18.04"). */
static int release_of(char *out, size_t n, const char *rest, int major_only)
{
	const char *p = rest;
	while (p && *p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		const char *f = p;
		if (len > 1 && (*f == 'v' || *f == 'V') && isdigit((unsigned char)f[1])) {
			f++;
			len--;
		}
		if (len > 0 && isdigit((unsigned char)*f)) {
			size_t k = 0;
			while (k < len && (isdigit((unsigned char)f[k]) || f[k] == '.'))
				k++;
			if (major_only) {
				size_t j = 0;
				while (j < k && isdigit((unsigned char)f[j]))
					j++;
				k = j;
			}
			if (k == 0 || k >= n)
				return CUSTOMS_EINVAL;
			memcpy(out, f, k);
			out[k] = 0;
			return CUSTOMS_OK;
		}
		p = colon ? colon + 1 : NULL;
	}
	return CUSTOMS_EINVAL;
}

/* SUSE names releases in words: "Linux Enterprise Server 15 SP4" is the
 * os-release VERSION_ID "15.4", "Leap 15.5" is "15.5", plain "15" is GA. */
static int suse_release_of(char *out, size_t n, const char *rest)
{
	const char *p = rest;
	while (*p && !(isdigit((unsigned char)*p) && (p == rest || p[-1] == ' ')))
		p++;
	size_t k = 0;
	while (isdigit((unsigned char)p[k]))
		k++;
	if (k == 0 || k + 8 >= n)
		return CUSTOMS_EINVAL;
	memcpy(out, p, k);
	out[k] = 0;
	const char *q = p + k;
	if (strncmp(q, " SP", 3) == 0 && isdigit((unsigned char)q[3]))
		q += 3;
	else if (*q == '.' && isdigit((unsigned char)q[1]))
		q += 1;
	else
		return CUSTOMS_OK;
	size_t m = 0;
	while (isdigit((unsigned char)q[m]) && m < 4)
		m++;
	out[k] = '.';
	memcpy(out + k + 1, q, m);
	out[k + 1 + m] = 0;
	return CUSTOMS_OK;
}

int vulndb_ecosystem_from_osv(char *out, size_t n, const char *osv)
{
	if (!osv || !*osv)
		return CUSTOMS_EINVAL;
	const char *colon = strchr(osv, ':');
	size_t base = colon ? (size_t)(colon - osv) : strlen(osv);
	for (size_t i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++) {
		if (strlen(ecosystems[i].osv) != base ||
		    strncasecmp(ecosystems[i].osv, osv, base) != 0)
			continue;
		const char *eco = ecosystems[i].eco;
		if (!ecosystems[i].has_release) {
			if (strlen(eco) >= n)
				return CUSTOMS_EINVAL;
			memcpy(out, eco, strlen(eco) + 1);
			return CUSTOMS_OK;
		}
		char rel[32];
		/* RPM distros are matched per major release; Debian per major
		 * too; Alpine and Ubuntu per major.minor. */
		int major_only = strcmp(eco, "alpine") != 0 && strcmp(eco, "ubuntu") != 0 &&
		                 strcmp(eco, "opensuse") != 0 && strcmp(eco, "sles") != 0;
		bool suse = strcmp(eco, "opensuse") == 0 || strcmp(eco, "sles") == 0;
		/* A release we cannot read ("openSUSE:Tumbleweed") is one we
		 * never match against, not a malformed record. */
		if (!colon || (suse ? suse_release_of(rel, sizeof(rel), colon + 1)
		                    : release_of(rel, sizeof(rel), colon + 1, major_only)))
			return CUSTOMS_EUNSUPPORTED;
		int k = snprintf(out, n, "%s:%s", eco, rel);
		return k < 0 || (size_t)k >= n ? CUSTOMS_EINVAL : CUSTOMS_OK;
	}
	return CUSTOMS_EUNSUPPORTED;
}

char *vulndb_normalize_name(const char *ecosystem, const char *name)
{
	size_t len = strlen(name);
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	if (strcmp(ecosystem, "pypi") == 0) {
		/* PEP 503: lowercase, runs of '-', '_', '.' become one '-'. */
		size_t k = 0;
		for (size_t i = 0; i < len; i++) {
			char c = name[i];
			if (c == '-' || c == '_' || c == '.') {
				if (k == 0 || s[k - 1] != '-')
					s[k++] = '-';
			} else
				s[k++] = (char)tolower((unsigned char)c);
		}
		s[k] = 0;
		return s;
	}
	int fold = strcmp(ecosystem, "composer") == 0 || strcmp(ecosystem, "nuget") == 0 ||
	           strcmp(ecosystem, "cargo") == 0;
	for (size_t i = 0; i < len; i++)
		s[i] = fold ? (char)tolower((unsigned char)name[i]) : name[i];
	s[len] = 0;
	return s;
}

bool vulndb_version_ok(const char *v)
{
	if (!v || !*v)
		return false;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++, n++)
		if (*p < 0x20 || *p == 0x7f || n >= LIMIT_VULNDB_VERSION_BYTES)
			return false;
	return true;
}

int vulndb_read_file(char **out, size_t *out_len, const char *path, size_t max, customs_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *data = NULL;
	size_t len = 0, cap = 0;
	int rc = CUSTOMS_OK;
	if (fd < 0)
		return err_set(err, errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s",
		               path, strerror(errno));
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: more than %zu bytes",
				             path, max);
				goto out;
			}
			size_t ncap = cap ? cap * 2 : 65536;
			if (ncap > max + 1)
				ncap = max + 1;
			if (ncap <= cap) {
				rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: more than %zu bytes",
				             path, max);
				goto out;
			}
			char *p = realloc(data, ncap + 1);
			if (!p) {
				rc = err_set(err, CUSTOMS_ENOMEM, "out of memory reading %s", path);
				goto out;
			}
			data = p;
			cap = ncap;
		}
		ssize_t r = read(fd, data + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(err, CUSTOMS_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: more than %zu bytes", path, max);
			goto out;
		}
	}
	if (!data && !(data = malloc(1))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	data[len] = 0;
	*out = data;
	*out_len = len;
	data = NULL;
out:
	free(data);
	close(fd);
	return rc;
}
