/* The command-line program: one file per subcommand (cmd_NAME.c), each
 * defining a struct cli_command that main.c lists. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdio.h>

#include "customs/customs.h"

/* Exit codes of every subcommand (documented in --help and the README). */
enum {
	EXIT_OK = 0,
	EXIT_POLICY = 1,  /* a policy or --fail-on threshold failed */
	EXIT_USAGE = 2,   /* bad command line or reference */
	EXIT_IMAGE = 3,   /* the image could not be read or failed an integrity check */
	EXIT_RUNTIME = 4, /* any other runtime error */
};

struct cli_command {
	const char *name;
	const char *summary;               /* one line for `customs --help` */
	const char *usage;                 /* full help text for `customs help NAME` */
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
};

/* Exit code for a failed image operation: usage errors 2, out of memory 4,
 * everything else about reading the image 3. */
int cli_exit_for_image_error(int rc);

/* Prints "customs: <message>" to stderr and returns the exit code given. */
int cli_fail(int exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the error object to stderr as "customs: <message>". */
void cli_print_error(const customs_error *err);

/* Opens path for writing ("-" or NULL: stdout). Returns NULL and prints why. */
FILE *cli_open_output(const char *path);
/* Closes an output from cli_open_output; returns EXIT_OK or EXIT_RUNTIME when
 * the data could not be written. */
int cli_close_output(FILE *f, const char *path);

/* Prints the help of one command to f. */
void cli_print_command_help(FILE *f, const struct cli_command *c);

#endif
