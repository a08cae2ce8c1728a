/* Helpers shared by subcommands: exit codes, error printing, output files. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli/cli.h"

int cli_exit_for_image_error(int rc)
{
	switch (rc) {
	case CUSTOMS_EUSAGE:
	case CUSTOMS_EAMBIGUOUS:
		return EXIT_USAGE;
	case CUSTOMS_ENOMEM:
		return EXIT_RUNTIME;
	default:
		return EXIT_IMAGE;
	}
}

int cli_fail(int exit_code, const char *fmt, ...)
{
	va_list ap;
	fputs("customs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return exit_code;
}

void cli_print_error(const customs_error *err)
{
	fprintf(stderr, "customs: %s\n",
	        err->message[0] ? err->message : customs_strerror(err->code));
}

FILE *cli_open_output(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	FILE *f = fopen(path, "we");
	if (!f)
		cli_fail(EXIT_RUNTIME, "cannot write %s: %s", path, strerror(errno));
	return f;
}

int cli_close_output(FILE *f, const char *path)
{
	int bad = ferror(f);
	if (f == stdout)
		bad |= fflush(f) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad)
		return cli_fail(EXIT_RUNTIME, "writing %s failed",
		                path && strcmp(path, "-") ? path : "output");
	return EXIT_OK;
}
