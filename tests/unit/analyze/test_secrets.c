/* Secret scanner tests: each built-in rule on a real-format fake value,
 * matches split across chunks, masking, binaries and a 10 MB single line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/secrets.h"

/* Fake values in the real formats; none is a live credential. The AWS pair
 * is AWS's documented example. */
static const struct {
	const char *rule, *text, *secret;
} cases[] = {
    {"aws-access-key-id", "key_id = AKIAIOSFODNN7EXAMPLE\n", "AKIAIOSFODNN7EXAMPLE"},
    {"aws-secret-access-key", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
    {"gcp-service-account-key",
     "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n"
     "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4\"}\n",
     "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4"},
    {"azure-storage-key",
     "DefaultEndpointsProtocol=https;AccountName=x;AccountKey="
     "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;\n",
     "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="},
    {"github-token", "GH=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\n",
     "ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"},
    {"github-fine-grained-token",
     "t: "
     "github_pat_11ABCDEFG0123456789abc_"
     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\n",
     "github_pat_11ABCDEFG0123456789abc_"
     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"},
    {"gitlab-token", "GITLAB=glpat-abcdefghij0123456789 \n", "glpat-abcdefghij0123456789"},
    {"slack-token", "SLACK=xoxb-123456789012-abcdefghijklmnop\n",
     "xoxb-123456789012-abcdefghijklmnop"},
    {"slack-webhook",
     "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n",
     "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"},
    {"stripe-key", "stripe = sk_live_4eC39HqLyjWDarjtT1zdp7dc\n",
     "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
    {"private-key",
     "-----BEGIN RSA PRIVATE "
     "KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n",
     "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"},
    {"npm-token", "//npm/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n",
     "npm_abcdefghijklmnopqrstuvwxyz0123456789"},
    {"pypi-token",
     "password = pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0NTY3ODk\n",
     "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0NTY3ODk"},
    {"jwt",
     "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\n",
     "eyJzdWIiOiIxMjM0NTY3ODkwIn0"},
    {"database-url-password", "DATABASE_URL=postgres://app:Zq8vLr2Kp@db:5432/app\n", "Zq8vLr2Kp"},
    {"docker-config-auth", "{\"auths\": {\"r.example\": {\n  \"auth\": \"dXNlcjpodW50ZXIy\"}}}\n",
     "dXNlcjpodW50ZXIy"},
};

static int has_rule(const struct secret_hit *h, size_t n, const char *rule)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].rule_id, rule) == 0)
			return 1;
	return 0;
}

static void assert_masked(const struct secret_hit *h, size_t n, const char *secret)
{
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(h[i].masked, secret));
		assert_true(strlen(h[i].masked) <= 12);
	}
}

static void test_every_rule(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct secret_hit *h = NULL;
		size_t n = 0;
		customs_error err = {0};
		assert_int_equal(
		    secrets_scan_buffer(&h, &n, cases[c].text, strlen(cases[c].text), NULL, &err),
		    0);
		if (!has_rule(h, n, cases[c].rule))
			fail_msg("rule %s did not match its sample", cases[c].rule);
		assert_masked(h, n, cases[c].secret);
		secret_hits_free(h, n);
	}
}

static void test_placeholders_and_plain_text(void **state)
{
	(void)state;
	const char *t = "see postgres://user:password@localhost/db and AKIA in prose; ghp_short\n"
	                "the key and the token were rotated\n";
	struct secret_hit *h = NULL;
	size_t n = 7;
	customs_error err = {0};
	assert_int_equal(secrets_scan_buffer(&h, &n, t, strlen(t), NULL, &err), 0);
	assert_int_equal(n, 0);
	secret_hits_free(h, n);
}

/* Feeds text in pieces of every size from 1 to 64: each split point of the
 * keyword and the value must give the same one hit on the right line. */
static void test_chunk_boundaries(void **state)
{
	(void)state;
	const char *t = "line one\nline two\nexport AWS=AKIAIOSFODNN7EXAMPLE\nend\n";
	for (size_t piece = 1; piece <= 64; piece++) {
		struct secret_scanner *s = NULL;
		customs_error err = {0};
		assert_int_equal(secret_scanner_new(&s, NULL, &err), 0);
		size_t len = strlen(t);
		for (size_t o = 0; o < len; o += piece) {
			size_t k = len - o < piece ? len - o : piece;
			assert_int_equal(secret_scanner_feed(s, (const uint8_t *)t + o, k, &err),
			                 0);
		}
		struct secret_hit *h = NULL;
		size_t n = 0;
		assert_int_equal(secret_scanner_finish(s, &h, &n, &err), 0);
		assert_int_equal(n, 1);
		assert_string_equal(h[0].rule_id, "aws-access-key-id");
		assert_int_equal(h[0].line, 3);
		assert_string_equal(h[0].masked, "AKIA****MPLE");
		secret_hits_free(h, n);
	}
}

static void test_binary_skipped(void **state)
{
	(void)state;
	static const char bin[] = "\x7f"
	                          "ELF\0\0\0 AKIAIOSFODNN7EXAMPLE\n";
	struct secret_hit *h = NULL;
	size_t n = 7;
	customs_error err = {0};
	assert_int_equal(secrets_scan_buffer(&h, &n, bin, sizeof(bin) - 1, NULL, &err), 0);
	assert_int_equal(n, 0);
	secret_hits_free(h, n);
}

/* A 10 MB line with secrets at the start, the middle and the end, fed in
 * 64 KiB pieces: all three found, line 1, memory bounded by the window. */
static void test_ten_megabyte_line(void **state)
{
	(void)state;
	size_t len = 10u << 20;
	char *big = malloc(len);
	assert_non_null(big);
	for (size_t i = 0; i < len; i++)
		big[i] = (char)('a' + i % 26);
	const char *key = " AKIAIOSFODNN7EXAMPLE ";
	size_t at[] = {0, len / 2 - 7, len - strlen(key)};
	for (size_t i = 0; i < 3; i++)
		memcpy(big + at[i], key, strlen(key));
	struct secret_scanner *s = NULL;
	customs_error err = {0};
	assert_int_equal(secret_scanner_new(&s, NULL, &err), 0);
	for (size_t o = 0; o < len; o += 65536)
		assert_int_equal(secret_scanner_feed(s, (const uint8_t *)big + o,
		                                     len - o < 65536 ? len - o : 65536, &err),
		                 0);
	struct secret_hit *h = NULL;
	size_t n = 0;
	assert_int_equal(secret_scanner_finish(s, &h, &n, &err), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(h[i].line, 1);
	secret_hits_free(h, n);
	free(big);
}

static void test_mask(void **state)
{
	(void)state;
	char *m = secret_mask("short", 5);
	assert_string_equal(m, "****");
	free(m);
	m = secret_mask("0123456789ab", 12);
	assert_string_equal(m, "01****ab");
	free(m);
}

static const char config_yaml[] = "max-file-size: 1000\n"
                                  "rules:\n"
                                  "  - id: acme-token\n"
                                  "    title: ACME API token\n"
                                  "    severity: CRITICAL\n"
                                  "    keywords: [acme_]\n"
                                  "    regex: 'acme_[a-z0-9]{16}'\n"
                                  "allow:\n"
                                  "  paths: ['usr/share/doc*', '*_test.go']\n"
                                  "  rules: [jwt]\n"
                                  "  regexes: ['EXAMPLE$']\n";

static size_t scan_with(const struct secret_config *c, const char *text, const char *rule)
{
	struct secret_hit *h = NULL;
	size_t n = 0, found = 0;
	customs_error err = {0};
	assert_int_equal(secrets_scan_buffer(&h, &n, text, strlen(text), c, &err), 0);
	for (size_t i = 0; i < n; i++)
		found += strcmp(h[i].rule_id, rule) == 0;
	secret_hits_free(h, n);
	return found;
}

static void test_user_config(void **state)
{
	(void)state;
	struct secret_config *c = NULL;
	customs_error err = {0};
	assert_int_equal(secret_config_parse(&c, config_yaml, strlen(config_yaml), &err), 0);
	assert_int_equal(c->max_file_bytes, 1000);
	/* The user rule works next to the built-in ones. */
	assert_int_equal(scan_with(c, "k=acme_0123456789abcdef\n", "acme-token"), 1);
	assert_int_equal(scan_with(NULL, "k=acme_0123456789abcdef\n", "acme-token"), 0);
	assert_int_equal(
	    scan_with(c, "t=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\n", "github-token"), 1);
	/* Allowed by rule id and by a regex on the secret. */
	const char *jwt =
	    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_X\n";
	assert_int_equal(scan_with(NULL, jwt, "jwt"), 1);
	assert_int_equal(scan_with(c, jwt, "jwt"), 0);
	assert_int_equal(scan_with(c, "AKIAIOSFODNN7EXAMPLE\n", "aws-access-key-id"), 0);
	assert_int_equal(scan_with(c, "AKIAIOSFODNN7EXAMPLF\n", "aws-access-key-id"), 1);
	/* Allowed paths. */
	assert_true(secret_config_allows_path(c, "usr/share/doc/x/README"));
	assert_true(secret_config_allows_path(c, "src/app/key_test.go"));
	assert_false(secret_config_allows_path(c, "etc/app.conf"));
	secret_config_free(c);
	/* A repeated allow.regexes replaces the earlier list (fuzz_secret_config
	 * found the count kept growing over a new, shorter array). */
	const char *twice = "allow: {regexes: ['x1', 'x2', 'x3'], regexes: ['EXAMPLE$']}\n";
	assert_int_equal(secret_config_parse(&c, twice, strlen(twice), &err), 0);
	assert_int_equal(scan_with(c, "AKIAIOSFODNN7EXAMPLE\n", "aws-access-key-id"), 0);
	assert_int_equal(scan_with(c, "AKIAIOSFODNN7EXAMPLF\n", "aws-access-key-id"), 1);
	secret_config_free(c);
}

static void test_bad_config(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "rules: [ {id: x, regex: 'a(', keywords: [ab]} ]\n", /* bad regex */
	    "rules: [ {id: x, regex: 'ab'} ]\n",                 /* no keywords */
	    "allow: {nope: [x]}\n",                              /* unknown key */
	    "max-file-size: -1\n",
	    "rules: [ {id: x\n", /* broken YAML */
	    "- a\n- b\n",        /* not a mapping */
	    /* keywords given twice (the first list is freed), then a bad regex */
	    "rules: [ {id: x, keywords: [ab], keywords: [cd], regex: 'a('} ]\n",
	    /* allow.regexes given twice (the first list is freed), then a bad one */
	    "allow: {regexes: ['a', 'b', 'c'], regexes: ['d'], regexes: ['e(']}\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct secret_config *c = (struct secret_config *)0x1;
		customs_error err = {0};
		int rc = secret_config_parse(&c, bad[i], strlen(bad[i]), &err);
		if (rc == 0)
			fail_msg("config %zu parsed", i);
		assert_ptr_equal(c, (struct secret_config *)0x1);
		assert_true(err.message[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_rule),
	    cmocka_unit_test(test_placeholders_and_plain_text),
	    cmocka_unit_test(test_chunk_boundaries),
	    cmocka_unit_test(test_binary_skipped),
	    cmocka_unit_test(test_ten_megabyte_line),
	    cmocka_unit_test(test_mask),
	    cmocka_unit_test(test_user_config),
	    cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
