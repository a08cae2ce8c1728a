/* `customs sbom IMAGE`: the image's software bill of materials as CycloneDX
 * 1.5, SPDX 2.3, customs JSON or a table. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/image_options.h"
#include "cli/progress.h"
#include "report/report.h"

extern const struct cli_command cli_cmd_sbom;

enum { OPT_FORMAT = 1, OPT_OUTPUT, OPT_HELP };

static int run(int argc, char **argv)
{
	struct image_cli ic;
	const char *format = "table", *output = NULL;
	enum report_format fmt;
	struct option longopts[32];
	size_t k = 0;
	int rc = EXIT_OK;
	customs_inventory *inv = NULL;
	customs_error err = {0};

	image_cli_init(&ic);
	longopts[k++] = (struct option){"format", required_argument, NULL, OPT_FORMAT};
	longopts[k++] = (struct option){"output", required_argument, NULL, OPT_OUTPUT};
	longopts[k++] = (struct option){"help", no_argument, NULL, OPT_HELP};
	image_cli_add_options(longopts, k, sizeof(longopts) / sizeof(longopts[0]));

	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		int h = image_cli_option(&ic, opt, optarg);
		if (h < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (h)
			continue;
		switch (opt) {
		case 'f':
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'o':
		case OPT_OUTPUT:
			output = optarg;
			break;
		case 'h':
		case OPT_HELP:
			cli_print_command_help(stdout, &cli_cmd_sbom);
			goto out;
		default:
			rc = cli_fail(EXIT_USAGE, "see customs help sbom");
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = cli_fail(EXIT_USAGE, "sbom takes one image reference (see customs help sbom)");
		goto out;
	}
	if (report_format_parse(&fmt, format)) {
		rc = cli_fail(EXIT_USAGE, "unknown format %s: use cyclonedx, spdx, json or table",
		              format);
		goto out;
	}
	if (image_cli_finish(&ic)) {
		rc = EXIT_USAGE;
		goto out;
	}
	struct progress *bars = progress_start(&ic.scan, ic.quiet);
	int r = customs_inventory_scan(&inv, argv[optind], &ic.scan, &err);
	progress_end(bars);
	if (r) {
		cli_print_error(&err);
		rc = cli_exit_for_image_error(r);
		goto out;
	}
	image_cli_print_warnings(&ic, inv);
	FILE *f = cli_open_output(output);
	if (!f) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (report_inventory_write(f, inv, fmt, NULL, &err)) {
		cli_print_error(&err);
		rc = EXIT_RUNTIME;
		if (f != stdout)
			fclose(f);
		goto out;
	}
	rc = cli_close_output(f, output);
out:
	customs_inventory_free(inv);
	image_cli_free(&ic);
	return rc;
}

const struct cli_command cli_cmd_sbom = {
    .name = "sbom",
    .summary = "list the packages in an image (SBOM: CycloneDX, SPDX, JSON, table)",
    .usage =
        "Usage: customs sbom [OPTIONS] IMAGE\n\n"
        "Options:\n"
        "  -f, --format FORMAT           cyclonedx, spdx, json or table (default: table)\n"
        "  -o, --output FILE             write to FILE instead of standard output\n" IMAGE_CLI_HELP
        "\nExit codes: 0 ok, 2 usage error, 3 image unreadable or failed an integrity\n"
        "check, 4 other runtime error.\n",
    .run = run,
};
