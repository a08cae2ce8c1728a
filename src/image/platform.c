/* Platforms: parsing "os/arch[/variant]", the host's platform in GOARCH
 * names, and choosing an index entry the way container runtimes do. */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "image/image.h"
#include "image/image_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strutil.h"

/* uname machine names (and common aliases people type) to GOARCH + variant. */
static const struct {
	const char *machine, *arch, *variant;
} arch_map[] = {
    {"x86_64", "amd64", NULL},    {"x86-64", "amd64", NULL},
    {"i386", "386", NULL},        {"i486", "386", NULL},
    {"i586", "386", NULL},        {"i686", "386", NULL},
    {"aarch64", "arm64", "v8"},   {"arm64", "arm64", "v8"},
    {"armv8l", "arm", "v8"},      {"armv7l", "arm", "v7"},
    {"armv7", "arm", "v7"},       {"armhf", "arm", "v7"},
    {"armv6l", "arm", "v6"},      {"armel", "arm", "v6"},
    {"armv5tel", "arm", "v5"},    {"armv5l", "arm", "v5"},
    {"ppc64le", "ppc64le", NULL}, {"ppc64", "ppc64", NULL},
    {"s390x", "s390x", NULL},     {"riscv64", "riscv64", NULL},
    {"mips64", "mips64", NULL},   {"loongarch64", "loong64", NULL},
};

static void arch_normalise(const char *in, const char **arch, const char **variant)
{
	for (size_t i = 0; i < sizeof(arch_map) / sizeof(arch_map[0]); i++)
		if (strcmp(in, arch_map[i].machine) == 0) {
			*arch = arch_map[i].arch;
			if (!*variant)
				*variant = arch_map[i].variant;
			return;
		}
	*arch = in;
}

static int platform_set(struct platform *out, const char *os, const char *arch, const char *variant)
{
	struct platform p = {0};
	p.os = strdup(os);
	p.architecture = strdup(arch);
	p.variant = variant ? strdup(variant) : NULL;
	if (!p.os || !p.architecture || (variant && !p.variant)) {
		platform_clear(&p);
		return CUSTOMS_ENOMEM;
	}
	*out = p;
	return CUSTOMS_OK;
}

int platform_parse(struct platform *out, const char *s, customs_error *err)
{
	char *copy = NULL, *parts[3] = {0};
	size_t n = 0;
	int rc;
	if (!s || !*s)
		return err_set(err, CUSTOMS_EUSAGE, "empty platform (want os/arch[/variant])");
	if (!(copy = strdup(s)))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (char *p = copy, *slash;; p = slash + 1) {
		slash = strchr(p, '/');
		if (n == 3 || (slash && slash == p) || (!slash && !*p)) {
			n = 4;
			break;
		}
		parts[n++] = p;
		if (!slash)
			break;
		*slash = '\0';
	}
	if (n < 2 || n > 3) {
		char *safe = str_sanitize(s, strnlen(s, 100));
		rc = err_set(err, CUSTOMS_EUSAGE,
		             "invalid platform \"%s\" (want os/arch[/variant])", safe ? safe : "?");
		free(safe);
		goto out;
	}
	const char *arch, *variant = parts[2];
	arch_normalise(parts[1], &arch, &variant);
	if ((rc = platform_set(out, parts[0], arch, variant)))
		err_set(err, rc, "out of memory");
out:
	free(copy);
	return rc;
}

int platform_host(struct platform *out)
{
	struct utsname u;
	const char *arch = "amd64", *variant = NULL;
	if (uname(&u) == 0)
		arch_normalise(u.machine, &arch, &variant);
	return platform_set(out, "linux", arch, variant);
}

/* arm64 images rarely say "v8": a missing variant means v8 there. */
static const char *variant_of(const char *arch, const char *variant)
{
	if (!variant && strcmp(arch, "arm64") == 0)
		return "v8";
	return variant;
}

static int platform_matches(const struct platform *want, const struct platform *have)
{
	if (!have->os || !have->architecture || strcmp(want->os, have->os) != 0)
		return 0;
	const char *arch, *variant = have->variant;
	arch_normalise(have->architecture, &arch, &variant);
	if (strcmp(want->architecture, arch) != 0)
		return 0;
	const char *wv = variant_of(want->architecture, want->variant);
	if (!wv)
		return 1;
	variant = variant_of(arch, variant);
	return variant && strcmp(wv, variant) == 0;
}

static void platform_append(struct buf *b, const struct platform *p)
{
	buf_printf(b, "%s/%s%s%s", p->os, p->architecture, p->variant ? "/" : "",
	           p->variant ? p->variant : "");
}

static int no_match(const struct image_index *idx, const struct platform *want, customs_error *err)
{
	struct buf b, w;
	buf_init(&b, 600);
	buf_init(&w, 200);
	platform_append(&w, want);
	size_t listed = 0;
	for (size_t i = 0; i < idx->n_manifests; i++) {
		const struct platform *p = &idx->manifests[i].platform;
		/* Attestation manifests say unknown/unknown: not a platform anyone can ask for. */
		if (!p->os || strcmp(p->os, "unknown") == 0)
			continue;
		if (listed++ && buf_append_str(&b, ", "))
			break;
		platform_append(&b, p);
	}
	char *sw = str_sanitize(w.data ? w.data : "", w.len);
	char *sb = str_sanitize(b.data ? b.data : "", b.len);
	err_set(err, CUSTOMS_ENOTFOUND, "no image for platform %s; the index has: %s",
	        sw ? sw : "?", listed ? (sb ? sb : "?") : "(no platforms)");
	free(sw);
	free(sb);
	buf_free(&b);
	buf_free(&w);
	return CUSTOMS_ENOTFOUND;
}

int platform_choose(size_t *out_index, const struct image_index *idx, const char *want,
                    customs_error *err)
{
	struct platform p = {0};
	int rc;
	if (want)
		rc = platform_parse(&p, want, err);
	else if ((rc = platform_host(&p)))
		err_set(err, rc, "out of memory");
	if (rc)
		return rc;
	/* One entry without a platform is an index that was never multi-platform
	 * (an OCI layout wrapping one image): nothing to choose between. */
	if (idx->n_manifests == 1 && !idx->manifests[0].platform.os) {
		*out_index = 0;
		goto out;
	}
	rc = CUSTOMS_ENOTFOUND;
	for (size_t i = 0; i < idx->n_manifests; i++)
		if (platform_matches(&p, &idx->manifests[i].platform)) {
			*out_index = i;
			rc = CUSTOMS_OK;
			break;
		}
	if (rc)
		no_match(idx, &p, err);
out:
	platform_clear(&p);
	return rc;
}
