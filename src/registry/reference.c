/* Registry references: the distribution/reference grammar checked byte by
 * byte over pointer+length input, then docker.io normalisation. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reference.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/sha256.h"
#include "util/strutil.h"

/* The grammar caps a repository name (domain/path) at 255 bytes. */
#define NAME_MAX_BYTES 255
#define TAG_MAX_BYTES  128

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int is_word(char c)
{
	return is_alnum(c) || c == '_';
}

/* domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static int component_valid(const char *s, size_t len)
{
	if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int host_valid(const char *s, size_t len)
{
	if (len > 0 && s[0] == '[') {
		char tmp[INET6_ADDRSTRLEN + 1];
		unsigned char addr[16];
		if (len < 3 || s[len - 1] != ']' || len - 2 >= sizeof(tmp))
			return 0;
		/* Only what an IPv6 literal is made of: no zone, no NUL for inet_pton to stop at.
		 */
		for (size_t i = 1; i + 1 < len; i++)
			if (!(is_alnum(s[i]) && strchr("0123456789abcdefABCDEF", s[i])) &&
			    s[i] != ':' && s[i] != '.')
				return 0;
		memcpy(tmp, s + 1, len - 2);
		tmp[len - 2] = '\0';
		return inet_pton(AF_INET6, tmp, addr) == 1;
	}
	/* IPv4 addresses are also dot-separated components of digits. */
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (!component_valid(s + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

int registry_domain_valid(const char *s, size_t len)
{
	size_t host_len = len;
	const char *close = len > 0 && s[0] == '[' ? memchr(s, ']', len) : NULL;
	const char *colon = NULL;
	if (close) {
		host_len = (size_t)(close - s) + 1;
		if (host_len < len) {
			if (s[host_len] != ':')
				return 0;
			colon = s + host_len;
		}
	} else {
		colon = memchr(s, ':', len);
		if (colon)
			host_len = (size_t)(colon - s);
	}
	if (!host_valid(s, host_len))
		return 0;
	if (colon) {
		uint64_t port;
		size_t plen = len - host_len - 1;
		if (parse_u64(&port, colon + 1, plen, 65535) || port == 0)
			return 0;
	}
	return 1;
}

/* path-component := [a-z0-9]+ ([_.]|__|[-]*) [a-z0-9]+ ... */
static int path_component_valid(const char *s, size_t len)
{
	size_t i = 0;
	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return 0;
	while (i < len) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && !is_lower_alnum(s[j]))
			j++;
		size_t sep = j - i;
		int ok = 0;
		if (sep == 1 && (s[i] == '_' || s[i] == '.'))
			ok = 1;
		else if (sep == 2 && s[i] == '_' && s[i + 1] == '_')
			ok = 1;
		else {
			ok = 1;
			for (size_t k = i; k < j; k++)
				if (s[k] != '-')
					ok = 0;
		}
		if (!ok)
			return 0;
		i = j;
	}
	return 1;
}

static int path_valid(const char *s, size_t len, int *has_upper)
{
	size_t start = 0;
	*has_upper = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			*has_upper = 1;
	if (*has_upper)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '/') {
			if (!path_component_valid(s + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

static int tag_valid(const char *s, size_t len)
{
	if (len == 0 || len > TAG_MAX_BYTES || !is_word(s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/* The first component is a domain when docker would take it as one. */
static int looks_like_domain(const char *s, size_t len)
{
	if (len == 9 && memcmp(s, "localhost", 9) == 0)
		return 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
			return 1;
	return 0;
}

const char *registry_api_host(const char *domain)
{
	return strcmp(domain, "docker.io") == 0 ? "registry-1.docker.io" : domain;
}

/* Splits name into domain and path with docker's defaults. */
static int split_name(char **out_domain, char **out_path, const char *name, size_t len,
                      const char *shown, customs_error *err)
{
	const char *slash = memchr(name, '/', len);
	const char *dom = "docker.io", *path = name;
	size_t dom_len = 9, path_len = len;
	char *d = NULL, *p = NULL;
	int rc, upper;

	if (slash && looks_like_domain(name, (size_t)(slash - name))) {
		dom = name;
		dom_len = (size_t)(slash - name);
		path = slash + 1;
		path_len = len - dom_len - 1;
		if (!registry_domain_valid(dom, dom_len)) {
			rc = err_set(err, CUSTOMS_EUSAGE,
			             "invalid reference \"%s\": bad registry host", shown);
			goto out;
		}
	}
	if (dom_len == 15 && memcmp(dom, "index.docker.io", 15) == 0) {
		dom = "docker.io";
		dom_len = 9;
	}
	if (!path_valid(path, path_len, &upper)) {
		rc =
		    err_set(err, CUSTOMS_EUSAGE, "invalid reference \"%s\": %s", shown,
		            upper ? "repository name must be lowercase"
		                  : "bad repository name (lowercase letters, digits, '.', '_', '-' "
		                    "and '/' separated components)");
		goto out;
	}
	d = xstrndup(dom, dom_len);
	if (dom_len == 9 && memcmp(dom, "docker.io", 9) == 0 && !memchr(path, '/', path_len)) {
		/* Official images live under library/ (path_len <= LIMIT_REFERENCE_BYTES). */
		p = malloc(path_len + 9);
		if (p) {
			memcpy(p, "library/", 8);
			memcpy(p + 8, path, path_len);
			p[path_len + 8] = '\0';
		}
	} else {
		p = xstrndup(path, path_len);
	}
	if (!d || !p) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	*out_domain = d;
	*out_path = p;
	d = p = NULL;
	rc = CUSTOMS_OK;
out:
	free(d);
	free(p);
	return rc;
}

int registry_ref_parse(struct registry_ref *out, const char *s, size_t len, customs_error *err)
{
	struct registry_ref r = {0};
	char *shown = str_sanitize(s, len > 200 ? 200 : len);
	const char *at, *name_end, *colon = NULL;
	size_t name_len;
	int rc;

	if (!shown)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	if (len == 0) {
		rc = err_set(err, CUSTOMS_EUSAGE, "invalid reference: empty");
		goto out;
	}
	if (len > LIMIT_REFERENCE_BYTES) {
		rc = err_set(err, CUSTOMS_EUSAGE,
		             "invalid reference \"%s...\": longer than %d bytes", shown,
		             LIMIT_REFERENCE_BYTES);
		goto out;
	}
	at = memchr(s, '@', len);
	name_end = at ? at : s + len;
	if (at) {
		size_t dlen = len - (size_t)(at - s) - 1;
		char tmp[SHA256_DIGEST_STRING_LEN + 1];
		if (dlen != SHA256_DIGEST_STRING_LEN) {
			rc = err_set(
			    err, CUSTOMS_EUSAGE,
			    "invalid reference \"%s\": digest must be sha256:<64 lowercase hex>",
			    shown);
			goto out;
		}
		memcpy(tmp, at + 1, dlen);
		tmp[dlen] = '\0';
		if (!digest_is_valid_sha256(tmp)) {
			rc = err_set(
			    err, CUSTOMS_EUSAGE,
			    "invalid reference \"%s\": digest must be sha256:<64 lowercase hex>",
			    shown);
			goto out;
		}
		r.digest = xstrndup(tmp, dlen);
		if (!r.digest)
			goto nomem;
	}
	/* A tag follows the last ':' after the last '/' (a port's ':' comes before a '/'). */
	for (const char *p = name_end; p > s; p--) {
		if (p[-1] == '/')
			break;
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	}
	if (colon) {
		size_t tlen = (size_t)(name_end - colon - 1);
		if (!tag_valid(colon + 1, tlen)) {
			rc = err_set(
			    err, CUSTOMS_EUSAGE,
			    "invalid reference \"%s\": bad tag (letters, digits, '_', '.', '-'; "
			    "at most 128, not starting with '.' or '-')",
			    shown);
			goto out;
		}
		r.tag = xstrndup(colon + 1, tlen);
		if (!r.tag)
			goto nomem;
		name_end = colon;
	}
	name_len = (size_t)(name_end - s);
	if (name_len == 0) {
		rc = err_set(err, CUSTOMS_EUSAGE, "invalid reference \"%s\": no repository name",
		             shown);
		goto out;
	}
	if (name_len == 64) {
		int hex = 1;
		for (size_t i = 0; i < 64; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
				hex = 0;
		if (hex) {
			/* Docker refuses these too: they would be taken for image IDs. */
			rc = err_set(
			    err, CUSTOMS_EUSAGE,
			    "invalid reference \"%s\": a 64-character hex string is an image ID, "
			    "not a repository name",
			    shown);
			goto out;
		}
	}
	rc = split_name(&r.domain, &r.path, s, name_len, shown, err);
	if (rc)
		goto out;
	if (strlen(r.domain) + 1 + strlen(r.path) > NAME_MAX_BYTES) {
		rc = err_set(err, CUSTOMS_EUSAGE,
		             "invalid reference \"%s\": name longer than %d bytes", shown,
		             NAME_MAX_BYTES);
		goto out;
	}
	if (!r.tag && !r.digest) {
		r.tag = xstrndup("latest", 6);
		if (!r.tag)
			goto nomem;
	}
	r.api_host = xstrdup_or_null(registry_api_host(r.domain));
	if (!r.api_host)
		goto nomem;
	*out = r;
	memset(&r, 0, sizeof(r));
	rc = CUSTOMS_OK;
	goto out;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
out:
	registry_ref_clear(&r);
	free(shown);
	return rc;
}

void registry_ref_clear(struct registry_ref *r)
{
	if (!r)
		return;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	free(r->api_host);
	memset(r, 0, sizeof(*r));
}

char *registry_ref_string(const struct registry_ref *r)
{
	size_t n = strlen(r->domain) + strlen(r->path) + 2;
	n += r->tag ? strlen(r->tag) + 1 : 0;
	n += r->digest ? strlen(r->digest) + 1 : 0;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	size_t off = 0;
	const char *parts[] = {r->domain,
	                       "/",
	                       r->path,
	                       r->tag ? ":" : "",
	                       r->tag ? r->tag : "",
	                       r->digest ? "@" : "",
	                       r->digest ? r->digest : ""};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t l = strlen(parts[i]);
		memcpy(s + off, parts[i], l);
		off += l;
	}
	s[off] = '\0';
	return s;
}

int registry_host_parse(char **out_domain, char **out_path, const char *s, size_t len,
                        customs_error *err)
{
	char *shown = str_sanitize(s, len > 200 ? 200 : len);
	char *d = NULL, *p = NULL;
	const char *slash = memchr(s, '/', len);
	size_t first = slash ? (size_t)(slash - s) : len;
	int rc;

	if (!shown)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	if (len == 0 || len > LIMIT_REFERENCE_BYTES) {
		rc = err_set(err, CUSTOMS_EUSAGE, "invalid registry \"%s\"", shown);
		goto out;
	}
	/* "https://host/" as docker login accepts it. */
	if (mem_has_prefix(s, len, "https://") || mem_has_prefix(s, len, "http://")) {
		size_t skip = s[4] == 's' ? 8 : 7;
		rc = registry_host_parse(out_domain, out_path, s + skip, len - skip, err);
		goto out;
	}
	if (!looks_like_domain(s, first)) {
		if (slash) {
			rc = split_name(&d, &p, s, len, shown, err);
			if (rc)
				goto out;
		} else if (first == 9 && memcmp(s, "docker.io", 9) == 0) {
			d = xstrndup(s, first);
		} else {
			rc = split_name(&d, &p, s, len, shown, err);
			if (rc)
				goto out;
		}
	} else {
		if (!registry_domain_valid(s, first)) {
			rc = err_set(err, CUSTOMS_EUSAGE, "invalid registry \"%s\": bad host",
			             shown);
			goto out;
		}
		d = (first == 15 && memcmp(s, "index.docker.io", 15) == 0)
		        ? xstrndup("docker.io", 9)
		        : xstrndup(s, first);
		/* A trailing '/' (as in "host/") names no repository. */
		if (slash && first + 1 < len) {
			char *dd = NULL;
			rc = split_name(&dd, &p, s, len, shown, err);
			free(dd);
			if (rc)
				goto out;
		}
	}
	if (!d) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	*out_domain = d;
	*out_path = p;
	d = p = NULL;
	rc = CUSTOMS_OK;
out:
	free(d);
	free(p);
	free(shown);
	return rc;
}
