/* Command-line options shared by the subcommands that read an image (sbom,
 * scan): platform, parallelism, registry access, quiet. */
#ifndef CLI_IMAGE_OPTIONS_H
#define CLI_IMAGE_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "customs/customs.h"

struct image_cli {
	customs_scan_options scan;
	bool quiet;
	bool password_stdin;
	char *password; /* read from stdin, owned */
};

/* getopt_long entries for the shared options (terminated by a zero entry);
 * option values start at IMAGE_OPT_BASE so commands can add their own. */
#define IMAGE_OPT_BASE 1000
extern const struct option image_cli_options[];
/* Appends the shared entries and the terminating zero entry to longopts,
 * which already holds k of its cap entries (aborts when they do not fit:
 * the tables are fixed at build time). */
void image_cli_add_options(struct option *longopts, size_t k, size_t cap);
#define IMAGE_CLI_HELP                                                                             \
	"  --platform OS/ARCH[/VARIANT]  image to choose from a multi-platform index\n"            \
	"                                (default: this machine's)\n"                              \
	"  --parallel N                  layers read at once (default: number of cores)\n"         \
	"  --tls-verify=false            allow plain HTTP and unverified TLS for registries\n"     \
	"  --username USER               registry user name\n"                                     \
	"  --password-stdin              read the registry password from standard input\n"         \
	"  --ca-file FILE                extra CA certificates for registries\n"                   \
	"  --cert-file FILE, --key-file FILE  client certificate and key (mutual TLS)\n"           \
	"  --authfile FILE               registry credentials (default: Docker's config.json)\n"   \
	"  --timeout SECONDS             overall time bound for registry transfers\n"              \
	"  --quiet                       no progress and no warnings on stderr\n"

void image_cli_init(struct image_cli *c);
void image_cli_free(struct image_cli *c);
/* Handles one shared option; returns 1 when handled, 0 when not ours, or -1
 * after printing a usage error. */
int image_cli_option(struct image_cli *c, int opt, const char *arg);
/* Finishes option handling (reads the password when asked); 0 or -1. */
int image_cli_finish(struct image_cli *c);
/* Prints the inventory's warnings to stderr unless quiet. */
void image_cli_print_warnings(const struct image_cli *c, const customs_inventory *inv);

#endif
