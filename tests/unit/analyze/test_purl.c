/* Tests for package URLs: purl-spec examples, the purls trivy writes for OS
 * packages, percent-encoding, and a decode round trip over real databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../fixture.h"
#include "analyze/pkgdb.h"
#include "analyze/purl.h"

static struct os_info os_of(const char *family, const char *version)
{
	struct os_info os = {(char *)family, (char *)version, NULL, NULL, 0};
	return os;
}

static void expect_purl(const char *type, const char *name, const char *epoch, const char *version,
                        const char *arch, const struct os_info *os, const char *want)
{
	customs_package p = {.type = type,
	                     .name = name,
	                     .epoch = epoch,
	                     .version = version,
	                     .arch = arch,
	                     .installed_size = -1};
	char *got = NULL;
	assert_int_equal(purl_for_package(&got, &p, os), 0);
	assert_string_equal(got, want);
	free(got);
}

/* Examples from the purl spec (PURL-TYPES), in canonical form (qualifiers
 * sorted by key). */
static void test_spec_examples(void **state)
{
	struct os_info fedora = os_of("fedora", "25");
	expect_purl("npm", "@angular/animation", NULL, "12.3.1", NULL, NULL,
	            "pkg:npm/%40angular/animation@12.3.1");
	expect_purl("npm", "foobar", NULL, "12.3.1", NULL, NULL, "pkg:npm/foobar@12.3.1");
	expect_purl("pypi", "django_allauth", NULL, "12.23", NULL, NULL,
	            "pkg:pypi/django-allauth@12.23");
	expect_purl("pypi", "Django", NULL, "1.11.1", NULL, NULL, "pkg:pypi/django@1.11.1");
	expect_purl("maven", "org.apache.xmlgraphics:batik-anim", NULL, "1.9.1", NULL, NULL,
	            "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1");
	expect_purl("golang", "github.com/gorilla/context", NULL, "234fd47e07d1004f0aed9c", NULL,
	            NULL, "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c");
	expect_purl("cargo", "rand", NULL, "0.7.2", NULL, NULL, "pkg:cargo/rand@0.7.2");
	expect_purl("gem", "ruby-advisory-db-check", NULL, "0.12.4", NULL, NULL,
	            "pkg:gem/ruby-advisory-db-check@0.12.4");
	expect_purl("composer", "Laravel/Laravel", NULL, "5.5.0", NULL, NULL,
	            "pkg:composer/laravel/laravel@5.5.0");
	expect_purl("nuget", "EnterpriseLibrary.Common", NULL, "6.0.1304", NULL, NULL,
	            "pkg:nuget/EnterpriseLibrary.Common@6.0.1304");
	expect_purl("rpm", "curl", NULL, "7.50.3-1.fc25", "i386", &fedora,
	            "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
	expect_purl("apk", "curl", NULL, "7.83.0-r0", "x86", NULL,
	            "pkg:apk/alpine/curl@7.83.0-r0?arch=x86");
	expect_purl("generic", "openssl", NULL, "1.1.10g", NULL, NULL,
	            "pkg:generic/openssl@1.1.10g");
}

/* What trivy writes for the same packages: distro=<family>-<version> for deb
 * and rpm, distro=<version> for apk, epoch as a qualifier and not in the version. */
static void test_trivy_os_purls(void **state)
{
	struct os_info deb = os_of("debian", "12.6"), ubu = os_of("ubuntu", "18.04");
	struct os_info buster = os_of("debian", "10"), alp = os_of("alpine", "3.20.3");
	struct os_info rhel = os_of("rhel", "8.6"), amzn = os_of("amzn", "2");
	struct os_info ol = os_of("ol", "8"), sles = os_of("sles", "15.5");
	expect_purl("deb", "libc6", NULL, "2.36-9+deb12u7", "amd64", &deb,
	            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12.6");
	expect_purl("deb", "apt", NULL, "1.6.3ubuntu0.1", "amd64", &ubu,
	            "pkg:deb/ubuntu/apt@1.6.3ubuntu0.1?arch=amd64&distro=ubuntu-18.04");
	expect_purl("deb", "docker-ce", "5", "20.10.7~3-0~debian-buster", "amd64", &buster,
	            "pkg:deb/debian/docker-ce@20.10.7~3-0~debian-buster?arch=amd64&distro=debian-10"
	            "&epoch=5");
	expect_purl("deb", "libpcre3", "2", "8.39-13ubuntu0.22.04.1", "amd64", NULL,
	            "pkg:deb/debian/libpcre3@8.39-13ubuntu0.22.04.1?arch=amd64&epoch=2");
	expect_purl("deb", "x", "0", "1", NULL, &deb, "pkg:deb/debian/x@1?distro=debian-12.6");
	expect_purl("apk", "musl", NULL, "1.2.5-r0", "x86_64", &alp,
	            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.3");
	expect_purl(
	    "rpm", "openssl-libs", "1", "1.1.1k-7.el8_6", "x86_64", &rhel,
	    "pkg:rpm/redhat/openssl-libs@1.1.1k-7.el8_6?arch=x86_64&distro=redhat-8.6&epoch=1");
	expect_purl("rpm", "bash", NULL, "4.2.46-34.amzn2", "x86_64", &amzn,
	            "pkg:rpm/amazon/bash@4.2.46-34.amzn2?arch=x86_64&distro=amazon-2");
	expect_purl("rpm", "glibc", NULL, "2.28-236.0.1.el8", "x86_64", &ol,
	            "pkg:rpm/oracle/glibc@2.28-236.0.1.el8?arch=x86_64&distro=oracle-8");
	expect_purl("rpm", "glibc", NULL, "2.31-150300.63.1", "x86_64", &sles,
	            "pkg:rpm/suse/glibc@2.31-150300.63.1?arch=x86_64&distro=suse-15.5");
	expect_purl("rpm", "dive", NULL, "0.9.2-1", "x86_64", NULL,
	            "pkg:rpm/dive@0.9.2-1?arch=x86_64");
}

static void test_encoding(void **state)
{
	expect_purl("generic", "a/b c", NULL, "1@2?3#4%5&6=7:8+9", NULL, NULL,
	            "pkg:generic/a%2Fb%20c@1%402%3F3%234%255%266%3D7:8%2B9");
	expect_purl("generic", "caf\xc3\xa9", NULL, "~._-", NULL, NULL,
	            "pkg:generic/caf%C3%A9@~._-");
	expect_purl("generic", "noversion", NULL, NULL, NULL, NULL, "pkg:generic/noversion");
	expect_purl("generic", "emptyversion", NULL, "", NULL, NULL, "pkg:generic/emptyversion");
	struct os_info empty = os_of("alpine", "");
	expect_purl("apk", "a", NULL, "1", "", &empty, "pkg:apk/alpine/a@1");
	expect_purl("golang", "stdlib", NULL, "v1.15.2", NULL, NULL, "pkg:golang/stdlib@v1.15.2");
	expect_purl("golang", "golang.org/x/net", NULL, "v0.0.0-20200202094626-16171245cfb2", NULL,
	            NULL, "pkg:golang/golang.org/x/net@v0.0.0-20200202094626-16171245cfb2");
	expect_purl("npm", "@/x", NULL, "1", NULL, NULL, "pkg:npm/%40/x@1");
	expect_purl("maven", "noartifact:", NULL, "1", NULL, NULL, "pkg:maven/noartifact:@1");

	customs_package p = {.type = "deb", .name = NULL, .installed_size = -1};
	char *out = (char *)"untouched";
	assert_int_equal(purl_for_package(&out, &p, NULL), CUSTOMS_EINVAL);
	p.name = "";
	assert_int_equal(purl_for_package(&out, &p, NULL), CUSTOMS_EINVAL);
	p.name = "x";
	p.type = "DEB";
	assert_int_equal(purl_for_package(&out, &p, NULL), CUSTOMS_EINVAL);
	p.type = NULL;
	assert_int_equal(purl_for_package(&out, &p, NULL), CUSTOMS_EINVAL);
	assert_int_equal(purl_for_package(&out, NULL, NULL), CUSTOMS_EINVAL);
	assert_string_equal(out, "untouched");
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes s[0..n) (a purl component); NULL when it holds a byte the
 * encoder must have escaped. */
static char *decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			assert_true(i + 2 < n + 1 && hexval(s[i + 1]) >= 0 &&
			            hexval(s[i + 2]) >= 0);
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			assert_non_null(
			    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			           "0123456789.-_~:",
			           s[i]));
			*o++ = s[i];
		}
	}
	*o = 0;
	return out;
}

/* Every package of real databases: the purl decodes back to its name and
 * version, and carries the arch and distro qualifiers. */
static void roundtrip(const struct package_list *l, const struct os_info *os, const char *prefix,
                      const char *distro)
{
	for (size_t i = 0; i < l->n; i++) {
		const customs_package *p = &l->items[i];
		char *purl = NULL;
		assert_int_equal(purl_for_package(&purl, p, os), 0);
		assert_true(strncmp(purl, prefix, strlen(prefix)) == 0);
		const char *name = purl + strlen(prefix);
		const char *at = strchr(name, '@'), *q = strchr(name, '?');
		assert_non_null(at);
		assert_non_null(q);
		char *n = decode(name, (size_t)(at - name));
		char *v = decode(at + 1, (size_t)(q - at - 1));
		assert_string_equal(n, p->name);
		assert_string_equal(v, p->version);
		char *arch = NULL;
		assert_true(asprintf(&arch, "arch=%s", p->arch) > 0);
		assert_non_null(strstr(q, arch));
		assert_non_null(strstr(q, distro));
		assert_true((p->epoch != NULL) == (strstr(q, "&epoch=") != NULL));
		free(arch);
		free(n);
		free(v);
		free(purl);
	}
}

static void test_roundtrip_real(void **state)
{
	size_t len = 0;
	unsigned char *d = fixture_read("claircore/dpkg/texlive.status", &len);
	assert_non_null(d);
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(dpkg_status_parse(&l, "s", d, len, NULL, NULL, &err), 0);
	struct os_info buster = os_of("debian", "10");
	roundtrip(&l, &buster, "pkg:deb/debian/", "distro=debian-10");
	package_list_free(&l);
	free(d);
	d = fixture_read("apk-tools-fixtures/query-installed.data", &len);
	assert_non_null(d);
	assert_int_equal(apk_installed_parse(&l, "s", d, len, NULL, NULL, &err), 0);
	struct os_info alp = os_of("alpine", "3.21.0");
	roundtrip(&l, &alp, "pkg:apk/alpine/", "distro=3.21.0");
	package_list_free(&l);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_examples),
	    cmocka_unit_test(test_trivy_os_purls),
	    cmocka_unit_test(test_encoding),
	    cmocka_unit_test(test_roundtrip_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
