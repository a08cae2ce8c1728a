/* customs command-line entry point: dispatches to subcommands and prints the
 * global help. Each subcommand lives in its own cmd_NAME.c. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "customs/customs.h"
#include "util/bigbuf.h"

extern const struct cli_command cli_cmd_scan __attribute__((weak));
extern const struct cli_command cli_cmd_sbom __attribute__((weak));
extern const struct cli_command cli_cmd_db __attribute__((weak));
extern const struct cli_command cli_cmd_registry __attribute__((weak));
extern const struct cli_command cli_cmd_version;

/* Weak references: a subcommand whose file is not linked in is simply absent. */
static const struct cli_command *const commands[] = {
    &cli_cmd_scan, &cli_cmd_sbom, &cli_cmd_db, &cli_cmd_registry, &cli_cmd_version,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i] && strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void print_help(FILE *f)
{
	fprintf(f, "customs %s: container image security scanner\n\n", customs_version());
	fprintf(f, "Usage: customs COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i])
			fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-10s %s\n", "help", "show help for a command: customs help COMMAND");
	fprintf(f, "\nImage references:\n"
	           "  oci:DIR[:TAG]              OCI image layout folder\n"
	           "  oci-archive:FILE[:TAG]     OCI image layout in a tar file\n"
	           "  docker-archive:FILE[:REF]  output of `docker save`\n"
	           "  rootfs:DIR                 an unpacked root filesystem\n"
	           "  docker://REF, REF          an image in a registry (name[:tag][@digest])\n");
	fprintf(f, "\nExit codes:\n"
	           "  0  success\n"
	           "  1  policy failure (a finding at or above --fail-on)\n"
	           "  2  usage error (bad option or reference)\n"
	           "  3  the image could not be read or failed an integrity check\n"
	           "  4  any other runtime error\n");
}

void cli_print_command_help(FILE *f, const struct cli_command *c)
{
	fprintf(f, "customs %s: %s\n\n%s", c->name, c->summary, c->usage);
}

int main(int argc, char **argv)
{
	/* With TZ unset, glibc re-reads /etc/localtime on every mktime (libarchive
	 * calls it for each zip entry of each jar); naming the same file once
	 * keeps local time and lets glibc cache it. */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 1);
	bigbuf_heap_setup(64 << 20);
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (strcmp(name, "--version") == 0)
		name = "version";
	if (strcmp(name, "help") == 0) {
		if (argc < 3) {
			print_help(stdout);
			return EXIT_OK;
		}
		const struct cli_command *c = find_command(argv[2]);
		if (!c)
			return cli_fail(EXIT_USAGE, "no such command: %s (see customs --help)",
			                argv[2]);
		cli_print_command_help(stdout, c);
		return EXIT_OK;
	}
	const struct cli_command *c = find_command(name);
	if (!c)
		return cli_fail(EXIT_USAGE, "no such command: %s (see customs --help)", name);
	customs_error err = {0};
	if (customs_init(&err) != 0) {
		cli_print_error(&err);
		return EXIT_RUNTIME;
	}
	return c->run(argc - 1, argv + 1);
}
