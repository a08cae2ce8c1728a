/* Package URLs per the purl spec: type-specific namespace and name rules,
 * percent-encoding of every component, qualifiers sorted by key. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/purl.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"

/* A purl is built from strings the package already carries; bounding it by
 * the line limit keeps a hostile name from making it unbounded. */
#define PURL_MAX_BYTES LIMIT_LINE_BYTES

struct qualifier {
	const char *key, *value;
};

struct purl {
	const char *type;
	char *ns; /* '/'-separated segments, each encoded on output; may be NULL */
	char *name;
	const char *version;
	struct qualifier q[4];
	size_t nq;
	char *owned; /* the distro qualifier's value, built here */
};

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == '~';
}

/* The spec leaves the unreserved set and ':' as they are and encodes the rest. */
static int encode(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_unreserved(c) || c == ':') {
			rc = buf_append(b, &s[i], 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			rc = buf_append(b, e, 3);
		}
	}
	return rc;
}

static void lower(char *s)
{
	for (; s && *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void add_q(struct purl *u, const char *key, const char *value)
{
	if (value && *value && u->nq < sizeof(u->q) / sizeof(u->q[0])) {
		u->q[u->nq].key = key;
		u->q[u->nq].value = value;
		u->nq++;
	}
}

/* Splits name at the last (or first) sep into namespace and name. */
static int split_name(struct purl *u, const char *name, char sep, bool last)
{
	const char *cut = last ? strrchr(name, sep) : strchr(name, sep);
	if (!cut || cut == name || !cut[1]) {
		u->name = strdup(name);
		return u->name ? 0 : CUSTOMS_ENOMEM;
	}
	u->ns = strndup(name, (size_t)(cut - name));
	u->name = strdup(cut + 1);
	return u->ns && u->name ? 0 : CUSTOMS_ENOMEM;
}

/* The rpm purl namespace is the vendor, not the os-release ID. */
static const struct {
	const char *family, *ns;
} rpm_vendors[] = {
    {"rhel", "redhat"},
    {"centos", "centos"},
    {"rocky", "rocky"},
    {"almalinux", "almalinux"},
    {"fedora", "fedora"},
    {"amzn", "amazon"},
    {"ol", "oracle"},
    {"opensuse", "opensuse"},
    {"opensuse-leap", "opensuse"},
    {"opensuse-tumbleweed", "opensuse"},
    {"sles", "suse"},
    {"mariner", "cbl-mariner"},
    {"cbl-mariner", "cbl-mariner"},
    {"azurelinux", "azurelinux"},
    {"photon", "photon"},
};

static const char *rpm_namespace(const struct os_info *os)
{
	if (!os || !os->family)
		return NULL;
	for (size_t i = 0; i < sizeof(rpm_vendors) / sizeof(rpm_vendors[0]); i++)
		if (strcmp(os->family, rpm_vendors[i].family) == 0)
			return rpm_vendors[i].ns;
	return os->family;
}

/* "ns-version", the distro qualifier trivy writes for deb and rpm. */
static int distro_q(struct purl *u, const char *ns, const struct os_info *os)
{
	if (!ns || !os || !os->version || !*os->version)
		return 0;
	if (asprintf(&u->owned, "%s-%s", ns, os->version) < 0) {
		u->owned = NULL;
		return CUSTOMS_ENOMEM;
	}
	add_q(u, "distro", u->owned);
	return 0;
}

static bool has_epoch(const customs_package *p)
{
	return p->epoch && *p->epoch && strcmp(p->epoch, "0") != 0;
}

static int os_purl(struct purl *u, const customs_package *p, const struct os_info *os)
{
	const char *ns = NULL;
	int rc = 0;
	if (strcmp(u->type, "deb") == 0) {
		ns = os && os->family ? os->family : "debian";
		rc = distro_q(u, ns, os);
		if (has_epoch(p))
			add_q(u, "epoch", p->epoch);
	} else if (strcmp(u->type, "apk") == 0) {
		ns = os && os->family ? os->family : "alpine";
		if (os)
			add_q(u, "distro", os->version);
	} else {
		ns = rpm_namespace(os);
		rc = distro_q(u, ns, os);
		if (has_epoch(p))
			add_q(u, "epoch", p->epoch);
	}
	add_q(u, "arch", p->arch);
	if (!rc && ns && !(u->ns = strdup(ns)))
		rc = CUSTOMS_ENOMEM;
	if (!rc && !(u->name = strdup(p->name)))
		rc = CUSTOMS_ENOMEM;
	return rc;
}

static int lang_purl(struct purl *u, const customs_package *p)
{
	const char *t = u->type;
	int rc;
	if (strcmp(t, "npm") == 0 && p->name[0] == '@')
		return split_name(u, p->name, '/', false);
	if (strcmp(t, "maven") == 0)
		return split_name(u, p->name, ':', false);
	if (strcmp(t, "golang") == 0)
		return split_name(u, p->name, '/', true);
	if (strcmp(t, "composer") == 0) {
		rc = split_name(u, p->name, '/', false);
		lower(u->ns);
		lower(u->name);
		return rc;
	}
	if (!(u->name = strdup(p->name)))
		return CUSTOMS_ENOMEM;
	/* PyPI names are case-insensitive and treat '_' and '-' alike. */
	if (strcmp(t, "pypi") == 0) {
		lower(u->name);
		for (char *c = u->name; *c; c++)
			if (*c == '_')
				*c = '-';
	}
	return 0;
}

static int cmp_q(const void *a, const void *b)
{
	return strcmp(((const struct qualifier *)a)->key, ((const struct qualifier *)b)->key);
}

static int render(struct buf *b, struct purl *u)
{
	int rc = buf_append_str(b, "pkg:");
	rc = rc ? rc : buf_append_str(b, u->type);
	rc = rc ? rc : buf_append_str(b, "/");
	for (const char *s = u->ns; s && *s && !rc;) {
		size_t n = strcspn(s, "/");
		if (n) {
			rc = encode(b, s, n);
			rc = rc ? rc : buf_append_str(b, "/");
		}
		s += n + (s[n] == '/');
	}
	rc = rc ? rc : encode(b, u->name, strlen(u->name));
	if (!rc && u->version && *u->version) {
		rc = buf_append_str(b, "@");
		rc = rc ? rc : encode(b, u->version, strlen(u->version));
	}
	qsort(u->q, u->nq, sizeof(u->q[0]), cmp_q);
	for (size_t i = 0; i < u->nq && !rc; i++) {
		rc = buf_append_str(b, i ? "&" : "?");
		rc = rc ? rc : buf_append_str(b, u->q[i].key);
		rc = rc ? rc : buf_append_str(b, "=");
		rc = rc ? rc : encode(b, u->q[i].value, strlen(u->q[i].value));
	}
	return rc;
}

static bool valid_type(const char *t)
{
	if (!t || !*t)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '.' ||
		      *t == '+' || *t == '-'))
			return false;
	return true;
}

int purl_for_package(char **out, const customs_package *p, const struct os_info *os)
{
	if (!p || !valid_type(p->type) || !p->name || !*p->name)
		return CUSTOMS_EINVAL;
	struct purl u = {.type = p->type, .version = p->version};
	struct buf b;
	buf_init(&b, PURL_MAX_BYTES);
	int rc;
	if (strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0 ||
	    strcmp(p->type, "rpm") == 0)
		rc = os_purl(&u, p, os);
	else
		rc = lang_purl(&u, p);
	rc = rc ? rc : render(&b, &u);
	free(u.ns);
	free(u.name);
	free(u.owned);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*out = buf_take(&b);
	return 0;
}
