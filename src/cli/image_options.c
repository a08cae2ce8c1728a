/* Shared image options for sbom and scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/image_options.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/strutil.h"

enum {
	OPT_PLATFORM = IMAGE_OPT_BASE,
	OPT_PARALLEL,
	OPT_TLS_VERIFY,
	OPT_USERNAME,
	OPT_PASSWORD_STDIN,
	OPT_CA_FILE,
	OPT_TIMEOUT,
	OPT_QUIET,
	OPT_CERT_FILE,
	OPT_KEY_FILE,
	OPT_AUTHFILE,
};

const struct option image_cli_options[] = {
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"parallel", required_argument, NULL, OPT_PARALLEL},
    {"tls-verify", required_argument, NULL, OPT_TLS_VERIFY},
    {"username", required_argument, NULL, OPT_USERNAME},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"cert-file", required_argument, NULL, OPT_CERT_FILE},
    {"key-file", required_argument, NULL, OPT_KEY_FILE},
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {NULL, 0, NULL, 0},
};

void image_cli_add_options(struct option *longopts, size_t k, size_t cap)
{
	for (const struct option *o = image_cli_options;; o++) {
		if (k >= cap)
			abort();
		longopts[k++] = *o;
		if (!o->name)
			return;
	}
}

void image_cli_init(struct image_cli *c)
{
	customs_scan_options defaults = CUSTOMS_SCAN_OPTIONS_INIT;
	memset(c, 0, sizeof(*c));
	c->scan = defaults;
}

void image_cli_free(struct image_cli *c)
{
	if (c->password) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
}

int image_cli_option(struct image_cli *c, int opt, const char *arg)
{
	uint64_t v;
	switch (opt) {
	case OPT_PLATFORM:
		c->scan.platform = arg;
		return 1;
	case OPT_PARALLEL:
		if (parse_u64_str(&v, arg, LIMIT_PARALLEL) || v == 0) {
			cli_fail(EXIT_USAGE, "--parallel takes a number from 1 to %d",
			         LIMIT_PARALLEL);
			return -1;
		}
		c->scan.parallel = (unsigned)v;
		return 1;
	case OPT_TLS_VERIFY:
		if (strcmp(arg, "true") == 0)
			c->scan.tls_verify = 1;
		else if (strcmp(arg, "false") == 0)
			c->scan.tls_verify = 0;
		else {
			cli_fail(EXIT_USAGE, "--tls-verify takes true or false");
			return -1;
		}
		return 1;
	case OPT_USERNAME:
		c->scan.username = arg;
		return 1;
	case OPT_PASSWORD_STDIN:
		c->password_stdin = true;
		return 1;
	case OPT_CA_FILE:
		c->scan.ca_file = arg;
		return 1;
	case OPT_TIMEOUT:
		if (parse_u64_str(&v, arg, 86400) || v == 0) {
			cli_fail(EXIT_USAGE, "--timeout takes seconds from 1 to 86400");
			return -1;
		}
		c->scan.timeout_seconds = (unsigned)v;
		return 1;
	case OPT_QUIET:
		c->quiet = true;
		return 1;
	case OPT_CERT_FILE:
		c->scan.cert_file = arg;
		return 1;
	case OPT_KEY_FILE:
		c->scan.key_file = arg;
		return 1;
	case OPT_AUTHFILE:
		c->scan.auth_file = arg;
		return 1;
	default:
		return 0;
	}
}

int image_cli_finish(struct image_cli *c)
{
	if (!c->password_stdin)
		return 0;
	struct buf b;
	buf_init(&b, 64 * 1024);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (buf_append(&b, chunk, n)) {
			buf_free(&b);
			cli_fail(EXIT_USAGE, "--password-stdin: password too long");
			return -1;
		}
	}
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	c->password = buf_take(&b);
	c->scan.password = c->password;
	return 0;
}

void image_cli_print_warnings(const struct image_cli *c, const customs_inventory *inv)
{
	if (c->quiet)
		return;
	size_t n = customs_inventory_warning_count(inv);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "customs: warning: %s\n", customs_inventory_warning(inv, i));
}
