/* `customs registry ls|login|inspect`: talk to a registry directly: list
 * repositories and tags, store credentials like `docker login`, and resolve
 * (optionally download and verify) an image without scanning it. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/image_options.h"
#include "cli/prompt.h"
#include "registry/auth.h"
#include "registry/client.h"
#include "registry/reference.h"
#include "source/source.h"
#include "util/error.h"
#include "util/strutil.h"

extern const struct cli_command cli_cmd_registry;
/* A strong reference: it also links the registry transport in for source.c's
 * weak table, so `customs sbom docker://...` works in this binary. */
extern const struct source_ops source_docker_ops;

enum { OPT_HELP = 1, OPT_PAGE_SIZE, OPT_VERIFY_BLOBS };

struct reg_cli {
	struct image_cli ic;
	unsigned page_size;
	int verify_blobs;
	char *username; /* asked at the terminal, owned */
};

/* Parses the options shared by every registry subcommand; returns the index
 * of the first operand, or -1 with the exit code in *rc. */
static int parse_options(struct reg_cli *rc_cli, int argc, char **argv, int *rc)
{
	struct option longopts[32];
	size_t k = 0;
	longopts[k++] = (struct option){"help", no_argument, NULL, OPT_HELP};
	longopts[k++] = (struct option){"page-size", required_argument, NULL, OPT_PAGE_SIZE};
	longopts[k++] = (struct option){"verify-blobs", no_argument, NULL, OPT_VERIFY_BLOBS};
	image_cli_add_options(longopts, k, sizeof(longopts) / sizeof(longopts[0]));

	int opt;
	uint64_t v;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int h = image_cli_option(&rc_cli->ic, opt, optarg);
		if (h < 0) {
			*rc = EXIT_USAGE;
			return -1;
		}
		if (h)
			continue;
		switch (opt) {
		case OPT_PAGE_SIZE:
			if (parse_u64_str(&v, optarg, 100000) || v == 0) {
				*rc = cli_fail(EXIT_USAGE,
				               "--page-size takes a number from 1 to 100000");
				return -1;
			}
			rc_cli->page_size = (unsigned)v;
			break;
		case OPT_VERIFY_BLOBS:
			rc_cli->verify_blobs = 1;
			break;
		case 'h':
		case OPT_HELP:
			cli_print_command_help(stdout, &cli_cmd_registry);
			*rc = EXIT_OK;
			return -1;
		default:
			*rc = cli_fail(EXIT_USAGE, "see customs help registry");
			return -1;
		}
	}
	if (image_cli_finish(&rc_cli->ic)) {
		*rc = EXIT_USAGE;
		return -1;
	}
	return optind;
}

static int fail_with(const customs_error *err, int code)
{
	cli_print_error(err);
	return code == CUSTOMS_EUSAGE   ? EXIT_USAGE
	       : code == CUSTOMS_ENOMEM ? EXIT_RUNTIME
	                                : EXIT_IMAGE;
}

static int do_ls(struct reg_cli *r, const char *arg)
{
	customs_error err = {0};
	struct registry_client *c = NULL;
	char *domain = NULL, *repo = NULL, **items = NULL;
	size_t n = 0;
	int rc = registry_host_parse(&domain, &repo, arg, strlen(arg), &err);
	if (!rc)
		rc = registry_client_new(&c, domain, &r->ic.scan, &err);
	if (!rc)
		rc = registry_list(&items, &n, c, repo, r->page_size, &err);
	if (rc) {
		rc = fail_with(&err, rc);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\n", items[i]);
	rc = fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
out:
	registry_list_free(items, n);
	registry_client_free(c);
	free(domain);
	free(repo);
	return rc;
}

static int do_login(struct reg_cli *r, const char *arg)
{
	customs_error err = {0};
	struct registry_client *c = NULL;
	char *domain = NULL, *repo = NULL;
	int rc;
	/* Without them, ask at the terminal, as docker login does; never when
	 * stdin is not one (a script must say --password-stdin). */
	bool ask = isatty(STDIN_FILENO) && !r->ic.password_stdin;
	if (!r->ic.scan.username && ask && (r->username = cli_prompt("Username: ", false)))
		r->ic.scan.username = r->username;
	if (r->ic.scan.username && !r->ic.scan.password && ask &&
	    (r->ic.password = cli_prompt("Password: ", true)))
		r->ic.scan.password = r->ic.password;
	if (!r->ic.scan.username || !r->ic.scan.password)
		return cli_fail(EXIT_USAGE,
		                "registry login needs --username USER and --password-stdin "
		                "(or a terminal to ask at)");
	rc = registry_host_parse(&domain, &repo, arg, strlen(arg), &err);
	if (!rc && repo)
		rc = cli_fail(EXIT_USAGE, "registry login takes a registry host, not a repository");
	else if (!rc) {
		rc = registry_client_new(&c, domain, &r->ic.scan, &err);
		if (!rc)
			rc = registry_client_check_login(c, &err);
		if (!rc)
			rc = docker_config_login(r->ic.scan.auth_file, domain, r->ic.scan.username,
			                         r->ic.scan.password, &err);
		if (rc) {
			err_prefix(&err, "login to %s failed: ", domain);
			rc = rc == CUSTOMS_EAUTH ? (cli_print_error(&err), EXIT_RUNTIME)
			                         : fail_with(&err, rc);
		} else {
			printf("Login Succeeded\n");
		}
	}
	registry_client_free(c);
	free(domain);
	free(repo);
	return rc;
}

static int read_blob(struct blob *b, customs_error *err)
{
	static char chunk[1 << 16];
	ssize_t n;
	while ((n = b->read(b, chunk, sizeof(chunk), err)) > 0)
		;
	return n < 0 ? (int)n : 0;
}

static int do_inspect(struct reg_cli *r, const char *ref)
{
	customs_error err = {0};
	struct source *s = NULL;
	struct image *img = NULL;
	json_t *j = NULL, *layers;
	if (str_has_prefix(ref, "docker://"))
		ref += strlen("docker://");
	int rc = source_docker_ops.open(&s, ref, &r->ic.scan, &err);
	if (!rc)
		rc = s->ops->resolve(s, &img, &err);
	for (size_t i = 0; !rc && r->verify_blobs && img && i < img->n_layers; i++) {
		struct blob *b = NULL;
		rc = s->ops->layer_open(s, img, i, &b, &err);
		if (!rc)
			rc = read_blob(b, &err);
		blob_close(b);
		if (rc)
			err_prefix(&err, "layer %zu: ", i);
	}
	if (rc) {
		rc = fail_with(&err, rc);
		goto out;
	}
	layers = json_array();
	j = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o}", "reference", img->reference,
	              "transport", img->transport, "manifest_digest", img->manifest_digest,
	              "config_digest", img->config_digest, "os", img->config.platform.os,
	              "architecture", img->config.platform.architecture, "variant",
	              img->config.platform.variant, "layers", layers);
	for (size_t i = 0; j && i < img->n_layers; i++)
		json_array_append_new(layers, json_pack("{s:s?, s:s, s:I, s:s}", "media_type",
		                                        img->layers[i].media_type, "digest",
		                                        img->layers[i].digest, "size",
		                                        (json_int_t)img->layers[i].size, "diff_id",
		                                        img->layers[i].diff_id));
	if (!j || json_dumpf(j, stdout, JSON_INDENT(2)) || fputc('\n', stdout) == EOF ||
	    fflush(stdout))
		rc = cli_fail(EXIT_RUNTIME, "cannot write the result");
out:
	json_decref(j);
	image_free(img);
	source_close(s);
	return rc;
}

static int run(int argc, char **argv)
{
	struct reg_cli r = {0};
	int rc = EXIT_OK;
	image_cli_init(&r.ic);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_print_command_help(argc < 2 ? stderr : stdout, &cli_cmd_registry);
		rc = argc < 2 ? EXIT_USAGE : EXIT_OK;
		goto out;
	}
	const char *sub = argv[1];
	int first = parse_options(&r, argc - 1, argv + 1, &rc);
	if (first < 0)
		goto out;
	first += 1;
	if (first != argc - 1) {
		rc = cli_fail(EXIT_USAGE,
		              "registry %s takes one argument (see customs help registry)", sub);
		goto out;
	}
	customs_error err = {0};
	if (customs_init(&err)) {
		cli_print_error(&err);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (strcmp(sub, "ls") == 0)
		rc = do_ls(&r, argv[first]);
	else if (strcmp(sub, "login") == 0)
		rc = do_login(&r, argv[first]);
	else if (strcmp(sub, "inspect") == 0)
		rc = do_inspect(&r, argv[first]);
	else
		rc = cli_fail(EXIT_USAGE, "unknown registry command %s: use ls, login or inspect",
		              sub);
out:
	image_cli_free(&r.ic);
	free(r.username);
	return rc;
}

const struct cli_command cli_cmd_registry = {
    .name = "registry",
    .summary = "list, log in to and inspect container registries",
    .usage =
        "Usage:\n"
        "  customs registry ls [OPTIONS] REGISTRY[/REPOSITORY]\n"
        "      the registry's repositories (catalog), or a repository's tags, one a line;\n"
        "      follows the registry's pagination\n"
        "  customs registry login [--username USER --password-stdin] [OPTIONS] REGISTRY\n"
        "      checks the credentials and stores them in the Docker config file\n"
        "      (asks for what is not given when stdin is a terminal)\n"
        "      ($DOCKER_CONFIG/config.json or ~/.docker/config.json, mode 0600)\n"
        "  customs registry inspect [OPTIONS] [docker://]NAME[:TAG][@DIGEST]\n"
        "      resolves the image and prints its digests and layers as JSON\n\n"
        "Options:\n" IMAGE_CLI_HELP "  --page-size N                 ls: entries asked per page\n"
        "  --verify-blobs                inspect: download every layer and check its digest\n\n"
        "Credentials come from --username/--password-stdin, else the Docker config:\n"
        "auths entries (auth, identitytoken), credHelpers and credsStore (runs\n"
        "docker-credential-NAME). Plain HTTP is used only with --tls-verify=false.\n",
    .run = run,
};
