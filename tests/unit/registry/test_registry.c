/* Unit tests of the registry client's parsers: references, WWW-Authenticate,
 * Docker config credentials, credential helpers, login files, Link headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/auth.h"
#include "registry/client.h"
#include "registry/config.h"
#include "registry/reference.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct ref_case {
	const char *in;
	const char *domain, *path, *tag, *digest; /* domain NULL: must fail */
};

static const struct ref_case ref_cases[] = {
    {"alpine", "docker.io", "library/alpine", "latest", NULL},
    {"alpine:3.20", "docker.io", "library/alpine", "3.20", NULL},
    {"library/alpine", "docker.io", "library/alpine", "latest", NULL},
    {"docker.io/alpine", "docker.io", "library/alpine", "latest", NULL},
    {"index.docker.io/foo/bar", "docker.io", "foo/bar", "latest", NULL},
    {"foo/bar/baz:v1", "docker.io", "foo/bar/baz", "v1", NULL},
    {"localhost/foo", "localhost", "foo", "latest", NULL},
    {"localhost:5000/foo/bar:tag", "localhost:5000", "foo/bar", "tag", NULL},
    {"127.0.0.1:5000/foo", "127.0.0.1:5000", "foo", "latest", NULL},
    {"[::1]:5000/foo:t", "[::1]:5000", "foo", "t", NULL},
    {"[2001:db8::1]/foo", "[2001:db8::1]", "foo", "latest", NULL},
    {"ghcr.io/a-b/c__d/e.f/g--h:T_1.x-y", "ghcr.io", "a-b/c__d/e.f/g--h", "T_1.x-y", NULL},
    {"alpine@sha256:" HEX64, "docker.io", "library/alpine", NULL, "sha256:" HEX64},
    {"r.io/a:t@sha256:" HEX64, "r.io", "a", "t", "sha256:" HEX64},
    {"Foo/bar", "Foo", "bar", "latest", NULL},
    {"r.io:65535/a", "r.io:65535", "a", "latest", NULL},
    /* invalid */
    {"", NULL, NULL, NULL, NULL},
    {"foo/Bar", NULL, NULL, NULL, NULL},
    {"UPPER", NULL, NULL, NULL, NULL},
    {HEX64, NULL, NULL, NULL, NULL},
    {"foo:", NULL, NULL, NULL, NULL},
    {":tag", NULL, NULL, NULL, NULL},
    {"foo/../bar", NULL, NULL, NULL, NULL},
    {"foo//bar", NULL, NULL, NULL, NULL},
    {"foo-/bar", NULL, NULL, NULL, NULL},
    {"a___b", NULL, NULL, NULL, NULL},
    {"a._b", NULL, NULL, NULL, NULL},
    {"foo:.tag", NULL, NULL, NULL, NULL},
    {"foo:-tag", NULL, NULL, NULL, NULL},
    {"foo@sha256:abc", NULL, NULL, NULL, NULL},
    {"foo@sha256:"
     "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
     NULL, NULL, NULL, NULL},
    {"foo@md5:" HEX64, NULL, NULL, NULL, NULL},
    {"r.io:65536/a", NULL, NULL, NULL, NULL},
    {"r.io:0/a", NULL, NULL, NULL, NULL},
    {"r.io:/a", NULL, NULL, NULL, NULL},
    {"r.io:18446744073709551616/a", NULL, NULL, NULL, NULL},
    {"under_score.io/a", NULL, NULL, NULL, NULL},
    {"-bad.io/a", NULL, NULL, NULL, NULL},
    {"[fe80::1%eth0]:5000/foo", NULL, NULL, NULL, NULL},
    {"[not-ip]:5000/foo", NULL, NULL, NULL, NULL},
    {"[::1]x/foo", NULL, NULL, NULL, NULL},
    {"foo/", NULL, NULL, NULL, NULL},
    {"foo bar", NULL, NULL, NULL, NULL},
    {"foo@", NULL, NULL, NULL, NULL},
};

static void test_reference_table(void **state)
{
	for (size_t i = 0; i < sizeof(ref_cases) / sizeof(ref_cases[0]); i++) {
		const struct ref_case *c = &ref_cases[i];
		struct registry_ref r = {0};
		customs_error err = {0};
		int rc = registry_ref_parse(&r, c->in, strlen(c->in), &err);
		if (!c->domain) {
			if (rc != CUSTOMS_EUSAGE)
				fail_msg("%s: expected EUSAGE, got %d", c->in, rc);
			assert_true(strlen(err.message) > 0);
			assert_null(r.domain);
			continue;
		}
		if (rc)
			fail_msg("%s: %s", c->in, err.message);
		assert_string_equal(r.domain, c->domain);
		assert_string_equal(r.path, c->path);
		if (c->tag)
			assert_string_equal(r.tag, c->tag);
		else
			assert_null(r.tag);
		if (c->digest)
			assert_string_equal(r.digest, c->digest);
		else
			assert_null(r.digest);
		registry_ref_clear(&r);
	}
}

static void test_reference_details(void **state)
{
	struct registry_ref r = {0};
	customs_error err = {0};
	assert_int_equal(registry_ref_parse(&r, "alpine", 6, &err), 0);
	assert_string_equal(r.api_host, "registry-1.docker.io");
	char *s = registry_ref_string(&r);
	assert_string_equal(s, "docker.io/library/alpine:latest");
	free(s);
	registry_ref_clear(&r);

	/* Pointer + length: the bytes after len are not part of the reference. */
	const char buf[] = "quay.io/a/b:v2XXXX";
	assert_int_equal(registry_ref_parse(&r, buf, 14, &err), 0);
	assert_string_equal(r.tag, "v2");
	assert_string_equal(r.api_host, "quay.io");
	registry_ref_clear(&r);

	assert_int_equal(registry_ref_parse(&r, "Foo/Bar", 7, &err), CUSTOMS_EUSAGE);
	assert_non_null(strstr(err.message, "lowercase"));
	assert_int_equal(registry_ref_parse(&r, HEX64, 64, &err), CUSTOMS_EUSAGE);
	assert_non_null(strstr(err.message, "image ID"));
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_reference_limits(void **state)
{
	struct registry_ref r = {0};
	customs_error err = {0};
	char buf[1024];
	/* Tag: 128 is the grammar's maximum. */
	char *t128 = repeat('t', 128), *t129 = repeat('t', 129);
	snprintf(buf, sizeof(buf), "a:%s", t128);
	assert_int_equal(registry_ref_parse(&r, buf, strlen(buf), &err), 0);
	registry_ref_clear(&r);
	snprintf(buf, sizeof(buf), "a:%s", t129);
	assert_int_equal(registry_ref_parse(&r, buf, strlen(buf), &err), CUSTOMS_EUSAGE);
	/* Name (domain/path) of 255 passes, 256 fails. */
	char *p = repeat('p', 255 - strlen("r.io/"));
	snprintf(buf, sizeof(buf), "r.io/%s", p);
	assert_int_equal(registry_ref_parse(&r, buf, strlen(buf), &err), 0);
	registry_ref_clear(&r);
	snprintf(buf, sizeof(buf), "r.io/%sp", p);
	assert_int_equal(registry_ref_parse(&r, buf, strlen(buf), &err), CUSTOMS_EUSAGE);
	assert_non_null(strstr(err.message, "255"));
	/* Input past LIMIT_REFERENCE_BYTES is refused before any parsing. */
	char *huge = repeat('a', 5000);
	assert_int_equal(registry_ref_parse(&r, huge, 5000, &err), CUSTOMS_EUSAGE);
	assert_int_equal(registry_ref_parse(&r, "a", 1, &err), 0);
	registry_ref_clear(&r);
	free(t128);
	free(t129);
	free(p);
	free(huge);
}

static void test_host_parse(void **state)
{
	char *d = NULL, *p = NULL;
	customs_error err = {0};
	assert_int_equal(registry_host_parse(&d, &p, "127.0.0.1:5000", 14, &err), 0);
	assert_string_equal(d, "127.0.0.1:5000");
	assert_null(p);
	free(d);
	assert_int_equal(registry_host_parse(&d, &p, "r.io/a/b", 8, &err), 0);
	assert_string_equal(d, "r.io");
	assert_string_equal(p, "a/b");
	free(d);
	free(p);
	p = NULL;
	assert_int_equal(registry_host_parse(&d, &p, "https://r.io:443/", 17, &err), 0);
	assert_string_equal(d, "r.io:443");
	assert_null(p);
	free(d);
	assert_int_equal(registry_host_parse(&d, &p, "docker.io", 9, &err), 0);
	assert_string_equal(d, "docker.io");
	assert_null(p);
	free(d);
	assert_int_equal(registry_host_parse(&d, &p, "alpine", 6, &err), 0);
	assert_string_equal(d, "docker.io");
	assert_string_equal(p, "library/alpine");
	free(d);
	free(p);
	assert_int_equal(registry_host_parse(&d, &p, "bad_host.io", 11, &err), CUSTOMS_EUSAGE);
	assert_int_equal(registry_host_parse(&d, &p, "", 0, &err), CUSTOMS_EUSAGE);
}

static void parse_ok(struct auth_challenges *c, const char *s)
{
	customs_error err = {0};
	int rc = auth_challenges_parse(c, s, strlen(s), &err);
	if (rc)
		fail_msg("%s: %s", s, err.message);
}

static void test_www_authenticate(void **state)
{
	struct auth_challenges c = {0};
	const struct auth_challenge *b;
	customs_error err = {0};

	parse_ok(&c, "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	             "scope=\"repository:library/alpine:pull\"");
	assert_int_equal(c.n, 1);
	b = auth_challenge_find(&c, "bearer");
	assert_non_null(b);
	assert_string_equal(auth_challenge_param(b, "realm"), "https://auth.docker.io/token");
	assert_string_equal(auth_challenge_param(b, "service"), "registry.docker.io");
	assert_string_equal(auth_challenge_param(b, "scope"), "repository:library/alpine:pull");
	assert_null(auth_challenge_param(b, "error"));
	auth_challenges_clear(&c);

	parse_ok(&c, "Bearer realm=\"https://a/t\",service=\"x\",scope=\"repository:a:pull\","
	             "error=\"insufficient_scope\"");
	assert_string_equal(auth_challenge_param(&c.items[0], "error"), "insufficient_scope");
	auth_challenges_clear(&c);

	parse_ok(&c, "Basic realm=\"Registry Realm\"");
	assert_non_null(auth_challenge_find(&c, "basic"));
	assert_null(auth_challenge_find(&c, "bearer"));
	auth_challenges_clear(&c);

	/* Several challenges; case-insensitive names; spaces around '='. */
	parse_ok(&c, "Basic realm=\"x\", BEARER Realm = \"https://y\" , Service=z");
	assert_int_equal(c.n, 2);
	b = auth_challenge_find(&c, "bearer");
	assert_non_null(b);
	assert_string_equal(auth_challenge_param(b, "realm"), "https://y");
	assert_string_equal(auth_challenge_param(b, "service"), "z");
	auth_challenges_clear(&c);

	/* Escapes inside quoted strings. */
	parse_ok(&c, "Bearer realm=\"a\\\"b\\\\c\"");
	assert_string_equal(auth_challenge_param(&c.items[0], "realm"), "a\"b\\c");
	auth_challenges_clear(&c);

	/* token68 and a bare scheme. */
	parse_ok(&c, "Negotiate abc==, Basic");
	assert_int_equal(c.n, 2);
	assert_string_equal(auth_challenge_param(&c.items[0], ""), "abc==");
	assert_int_equal(c.items[1].n_params, 0);
	auth_challenges_clear(&c);

	static const char *const bad[] = {"",
	                                  "   ",
	                                  ",",
	                                  "Bearer realm=\"unterminated",
	                                  "Bearer realm=\"x\" junk",
	                                  "=x",
	                                  "Bearer realm=\"a\\"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = auth_challenges_parse(&c, bad[i], strlen(bad[i]), &err);
		if (rc == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(c.n, 0);
	}

	/* Challenge count cap: 16 pass, 17 fail. */
	char buf[512] = "";
	size_t off = 0;
	for (int i = 0; i < 16; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "Basic realm=x, ");
	parse_ok(&c, buf);
	assert_int_equal(c.n, 16);
	auth_challenges_clear(&c);
	snprintf(buf + off, sizeof(buf) - off, "Basic");
	assert_int_equal(auth_challenges_parse(&c, buf, strlen(buf), &err), CUSTOMS_ETOOLARGE);
}

static void test_base64(void **state)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const enc[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
	                                  "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (size_t i = 0; i < 7; i++) {
		char *e = base64_encode(plain[i], strlen(plain[i]));
		assert_string_equal(e, enc[i]);
		free(e);
		char *d = NULL;
		size_t n = 0;
		assert_int_equal(base64_decode(&d, &n, enc[i], strlen(enc[i])), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(d, plain[i], n);
		free(d);
	}
	char *d = NULL;
	size_t n;
	assert_int_equal(base64_decode(&d, &n, "Zm9vYg", 6), 0); /* padding optional */
	assert_string_equal(d, "foob");
	free(d);
	assert_int_equal(base64_decode(&d, &n, "Z", 1), CUSTOMS_EINVAL);
	assert_int_equal(base64_decode(&d, &n, "Zm9v!", 5), CUSTOMS_EINVAL);
}

static void test_docker_config(void **state)
{
	struct registry_creds c = {0};
	char *helper = NULL;
	customs_error err = {0};
	/* "alice:pa:ss" */
	const char *cfg =
	    "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"aHViOmh1YnB3\"},"
	    " \"http://127.0.0.1:5000/v2/\": {\"auth\": \"YWxpY2U6cGE6c3M=\"},"
	    " \"r.io\": {\"identitytoken\": \"tok\"}},"
	    " \"credHelpers\": {\"gcr.io\": \"gcloud\"}, \"credsStore\": \"desktop\"}";
	assert_int_equal(
	    docker_config_parse_creds(&c, &helper, cfg, strlen(cfg), "docker.io", &err), 0);
	assert_string_equal(c.username, "hub");
	assert_string_equal(c.password, "hubpw");
	assert_null(helper);
	registry_creds_clear(&c);

	assert_int_equal(
	    docker_config_parse_creds(&c, &helper, cfg, strlen(cfg), "127.0.0.1:5000", &err), 0);
	assert_string_equal(c.username, "alice");
	assert_string_equal(c.password, "pa:ss");
	registry_creds_clear(&c);

	assert_int_equal(docker_config_parse_creds(&c, &helper, cfg, strlen(cfg), "r.io", &err), 0);
	assert_string_equal(c.identity_token, "tok");
	assert_null(c.username);
	assert_null(helper);
	registry_creds_clear(&c);

	assert_int_equal(docker_config_parse_creds(&c, &helper, cfg, strlen(cfg), "gcr.io", &err),
	                 0);
	assert_string_equal(helper, "gcloud");
	free(helper);
	helper = NULL;
	assert_int_equal(docker_config_parse_creds(&c, &helper, cfg, strlen(cfg), "other.io", &err),
	                 0);
	assert_string_equal(helper, "desktop");
	assert_null(c.username);
	free(helper);
	helper = NULL;

	static const char *const bad[] = {
	    "[]",
	    "{",
	    "{\"auths\": {\"r.io\": {\"auth\": \"!!\"}}}",
	    "{\"auths\": {\"r.io\": {\"auth\": \"bm9jb2xvbg==\"}}}", /* "nocolon" */
	    "{\"credsStore\": \"../../bin/sh\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc =
		    docker_config_parse_creds(&c, &helper, bad[i], strlen(bad[i]), "r.io", &err);
		if (rc != CUSTOMS_EINVAL)
			fail_msg("%s: got %d", bad[i], rc);
		assert_null(c.username);
		assert_null(helper);
	}
	/* No entry, no helper: anonymous. */
	assert_int_equal(docker_config_parse_creds(&c, &helper, "{}", 2, "r.io", &err), 0);
	assert_null(c.username);
	assert_null(c.identity_token);
	assert_null(helper);
}

static char tmpdir[256];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void test_login_and_helper(void **state)
{
	char path[512], bin[512], script[600], newpath[4096];
	struct registry_creds c = {0};
	customs_error err = {0};
	struct stat st;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/customs-registry-unit.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/docker/config.json", tmpdir);

	/* Login creates the folder and the file (0600) and reads back. */
	assert_int_equal(docker_config_login(path, "127.0.0.1:5000", "alice", "pa:ss", &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(docker_config_creds(&c, path, "127.0.0.1:5000", &err), 0);
	assert_string_equal(c.username, "alice");
	assert_string_equal(c.password, "pa:ss");
	registry_creds_clear(&c);
	/* A second login keeps the first entry; docker.io uses docker's key. */
	assert_int_equal(docker_config_login(path, "docker.io", "bob", "pw", &err), 0);
	assert_int_equal(docker_config_creds(&c, path, "127.0.0.1:5000", &err), 0);
	assert_string_equal(c.username, "alice");
	registry_creds_clear(&c);
	assert_int_equal(docker_config_creds(&c, path, "docker.io", &err), 0);
	assert_string_equal(c.username, "bob");
	registry_creds_clear(&c);
	assert_int_equal(docker_config_login(path, "r.io", "a:b", "pw", &err), CUSTOMS_EUSAGE);

	/* A missing file means no credentials. */
	char missing[600];
	snprintf(missing, sizeof(missing), "%s/none.json", tmpdir);
	assert_int_equal(docker_config_creds(&c, missing, "r.io", &err), 0);
	assert_null(c.username);

	/* A real credential helper process on PATH. */
	snprintf(bin, sizeof(bin), "%s/bin", tmpdir);
	assert_int_equal(mkdir(bin, 0700), 0);
	snprintf(script, sizeof(script), "%s/docker-credential-unit", bin);
	write_file(script,
	           "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread -r s\n"
	           "case \"$s\" in\n"
	           "r.io) echo '{\"ServerURL\":\"r.io\",\"Username\":\"u\",\"Secret\":\"p\"}' ;;\n"
	           "tok.io) echo "
	           "'{\"ServerURL\":\"tok.io\",\"Username\":\"<token>\",\"Secret\":\"rt\"}' ;;\n"
	           "slow.io) exec sleep 1000 ;;\n"
	           "*) echo 'credentials not found in native keychain'; exit 1 ;;\nesac\n",
	           0700);
	const char *old = getenv("PATH");
	snprintf(newpath, sizeof(newpath), "%s:%s", bin, old ? old : "/usr/bin:/bin");
	setenv("PATH", newpath, 1);
	assert_int_equal(cred_helper_get(&c, "unit", "r.io", &err), 0);
	assert_string_equal(c.username, "u");
	assert_string_equal(c.password, "p");
	registry_creds_clear(&c);
	assert_int_equal(cred_helper_get(&c, "unit", "tok.io", &err), 0);
	assert_string_equal(c.identity_token, "rt");
	assert_null(c.username);
	registry_creds_clear(&c);
	assert_int_equal(cred_helper_get(&c, "unit", "none.io", &err), 0);
	assert_null(c.username);
	assert_int_equal(cred_helper_get(&c, "nosuchhelper", "r.io", &err), CUSTOMS_EAUTH);
	assert_non_null(strstr(err.message, "docker-credential-nosuchhelper"));
	assert_int_equal(cred_helper_get(&c, "../unit", "r.io", &err), CUSTOMS_EINVAL);

	/* Through the config file: credsStore names the helper. */
	write_file(path, "{\"credsStore\": \"unit\"}", 0600);
	assert_int_equal(docker_config_creds(&c, path, "r.io", &err), 0);
	assert_string_equal(c.username, "u");
	registry_creds_clear(&c);
	if (old)
		setenv("PATH", old, 1);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static void test_link_next(void **state)
{
	char *next = NULL;
	customs_error err = {0};
	const char *l1 = "</v2/_catalog?last=b&n=2>; rel=\"next\"";
	assert_int_equal(registry_link_next(&next, l1, strlen(l1), &err), 0);
	assert_string_equal(next, "/v2/_catalog?last=b&n=2");
	free(next);
	const char *l2 = "<https://r.io/v2/a/tags/list?n=1&last=x>; rel=next";
	assert_int_equal(registry_link_next(&next, l2, strlen(l2), &err), 0);
	assert_string_equal(next, "/v2/a/tags/list?n=1&last=x");
	free(next);
	const char *l3 = "</prev>; rel=\"prev\", </v2/_catalog?last=z>; rel=\"next\"";
	assert_int_equal(registry_link_next(&next, l3, strlen(l3), &err), 0);
	assert_string_equal(next, "/v2/_catalog?last=z");
	free(next);
	const char *l4 = "</prev>; rel=\"prev\"";
	assert_int_equal(registry_link_next(&next, l4, strlen(l4), &err), 0);
	assert_null(next);
	const char *bad[] = {"</v2/x; rel=next", "<relative>; rel=next", "</a b>; rel=next"};
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(registry_link_next(&next, bad[i], strlen(bad[i]), &err),
		                 CUSTOMS_EINVAL);
}

static void test_registries_config(void **state)
{
	struct registry_host_config c = {0};
	customs_error err = {0};
	const char *cfg =
	    "{\"registries\": {\"docker.io\": {\"mirrors\": [\"m1.io\", \"127.0.0.1:5001\"]},"
	    " \"127.0.0.1:5000\": {\"insecure\": true}}}";
	assert_int_equal(registries_config_parse(&c, cfg, strlen(cfg), "docker.io", &err), 0);
	assert_int_equal(c.n_mirrors, 2);
	assert_string_equal(c.mirrors[0], "m1.io");
	assert_string_equal(c.mirrors[1], "127.0.0.1:5001");
	assert_false(c.insecure);
	registry_host_config_clear(&c);
	assert_int_equal(registries_config_parse(&c, cfg, strlen(cfg), "127.0.0.1:5000", &err), 0);
	assert_true(c.insecure);
	assert_int_equal(c.n_mirrors, 0);
	assert_int_equal(registries_config_parse(&c, cfg, strlen(cfg), "other.io", &err), 0);
	assert_false(c.insecure);
	assert_int_equal(registries_config_parse(&c, "{}", 2, "r.io", &err), 0);
	static const char *const bad[] = {
	    "[]",
	    "{\"registries\": []}",
	    "{\"registries\": {\"r.io\": 1}}",
	    "{\"registries\": {\"r.io\": {\"insecure\": \"yes\"}}}",
	    "{\"registries\": {\"r.io\": {\"mirrors\": \"m.io\"}}}",
	    "{\"registries\": {\"r.io\": {\"mirrors\": [\"bad host\"]}}}",
	    "{\"registries\": {\"r.io\": {\"mirrors\": [1]}}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = registries_config_parse(&c, bad[i], strlen(bad[i]), "r.io", &err);
		if (rc != CUSTOMS_EINVAL)
			fail_msg("%s: got %d", bad[i], rc);
		assert_null(c.mirrors);
	}
	/* 16 mirrors pass, 17 fail. */
	char buf[1024];
	size_t off =
	    (size_t)snprintf(buf, sizeof(buf), "{\"registries\": {\"r.io\": {\"mirrors\": [");
	for (int i = 0; i < 17; i++)
		off +=
		    (size_t)snprintf(buf + off, sizeof(buf) - off, "%s\"m%d.io\"", i ? "," : "", i);
	snprintf(buf + off, sizeof(buf) - off, "]}}}");
	assert_int_equal(registries_config_parse(&c, buf, strlen(buf), "r.io", &err),
	                 CUSTOMS_EINVAL);
	char *cut = strstr(buf, ",\"m16.io\"");
	memmove(cut, "]}}}", 5);
	assert_int_equal(registries_config_parse(&c, buf, strlen(buf), "r.io", &err), 0);
	assert_int_equal(c.n_mirrors, 16);
	registry_host_config_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reference_table),  cmocka_unit_test(test_reference_details),
	    cmocka_unit_test(test_reference_limits), cmocka_unit_test(test_host_parse),
	    cmocka_unit_test(test_www_authenticate), cmocka_unit_test(test_base64),
	    cmocka_unit_test(test_docker_config),    cmocka_unit_test(test_login_and_helper),
	    cmocka_unit_test(test_link_next),        cmocka_unit_test(test_registries_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
