/* `customs scan IMAGE`: the image's known vulnerabilities, from its
 * inventory matched against the vulnerability DB, and its malware, secrets
 * and misconfigurations, as a table or JSON, with a --fail-on gate for CI. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/image_options.h"
#include "cli/progress.h"
#include "customs/findings_extra.h"
#include "customs/vulndb.h"
#include "report/findings.h"
#include "util/limits.h"
#include "util/strutil.h"

extern const struct cli_command cli_cmd_scan;

enum {
	OPT_FORMAT = 1,
	OPT_OUTPUT,
	OPT_HELP,
	OPT_SEVERITY,
	OPT_IGNORE_UNFIXED,
	OPT_FAIL_ON,
	OPT_DB,
	OPT_OFFLINE,
	OPT_SCANNERS,
	OPT_SKIP_CHECKS,
	OPT_SECRET_CONFIG,
	OPT_CLAMAV_DB,
	OPT_MALWARE_RULES,
	OPT_MALWARE_MAX_FILE,
	OPT_MALWARE_MAX_SCAN,
	OPT_MALWARE_MAX_RECURSION
};

#define SCANNER_VULN 0x100u /* next to the CUSTOMS_SCAN_* bits, CLI-only */

struct scan_cli {
	const char *format, *output, *db;
	unsigned severities; /* bit per customs_severity to show; 0: all */
	int fail_on;         /* -1: no gate */
	int ignore_unfixed, offline;
	unsigned scanners;          /* SCANNER_VULN | CUSTOMS_SCAN_* */
	const char *skip_checks;    /* comma-separated check ids, or NULL */
	const char *secret_config;  /* --secret-config FILE */
	int scanners_given;         /* --scanners named them: a missing one is an error */
	const char **malware_rules; /* --malware-rules FILE..., argv strings */
	size_t n_malware_rules;
};

/* "vuln,secret,config" -> bit set. */
static int parse_scanners(unsigned *out, const char *list)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"vuln", SCANNER_VULN},
	             {"secret", CUSTOMS_SCAN_SECRETS},
	             {"config", CUSTOMS_SCAN_CONFIG},
	             {"malware", CUSTOMS_SCAN_MALWARE}};
	unsigned bits = 0;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p), i;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && strncmp(p, names[i].name, n) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -1;
		bits |= names[i].bit;
		p += n + (comma ? 1 : 0);
	}
	if (bits == 0)
		return -1;
	*out = bits;
	return 0;
}

/* Every id in list must name a check, so that a typo does not silently
 * leave a check on. */
static int check_skip_list(const char *list)
{
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p), i;
		const char *id;
		for (i = 0; (id = customs_misconfig_check_id(i)); i++)
			if (strlen(id) == n && strncmp(p, id, n) == 0)
				break;
		if (!id)
			return -1;
		p += n + (comma ? 1 : 0);
	}
	return 0;
}

/* "LOW,MEDIUM,HIGH" -> bit set. */
static int parse_severity_list(unsigned *out, const char *list)
{
	unsigned bits = 0;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char name[32];
		customs_severity s;
		if (n == 0 || n >= sizeof(name))
			return -1;
		memcpy(name, p, n);
		name[n] = '\0';
		if (customs_severity_parse(&s, name))
			return -1;
		bits |= 1u << s;
		p += n + (comma ? 1 : 0);
	}
	if (bits == 0)
		return -1;
	*out = bits;
	return 0;
}

/* Opens the DB; a missing DB is downloaded first unless --offline. */
static int open_db(customs_vulndb **db, const struct scan_cli *sc, bool quiet)
{
	customs_error err = {0};
	char *path = NULL;
	int rc = EXIT_OK;
	if (customs_vulndb_default_path(&path, sc->db, &err)) {
		cli_print_error(&err);
		return EXIT_RUNTIME;
	}
	int r = customs_vulndb_open(db, path, &err);
	if (r == CUSTOMS_ENOTFOUND && !sc->offline) {
		if (!quiet)
			fprintf(stderr,
			        "customs: no vulnerability DB at %s: downloading it (customs db "
			        "update)\n",
			        path);
		customs_vulndb_update_options uo = CUSTOMS_VULNDB_UPDATE_OPTIONS_INIT;
		if (customs_vulndb_update(path, &uo, NULL, &err) == 0)
			r = customs_vulndb_open(db, path, &err);
		else
			r = err.code ? err.code : CUSTOMS_EIO;
	}
	if (r == CUSTOMS_ENOTFOUND) {
		rc = cli_fail(EXIT_RUNTIME,
		              "no vulnerability DB at %s: run `customs db update`, or "
		              "`customs db import FEED...` offline",
		              path);
	} else if (r) {
		cli_print_error(&err);
		rc = EXIT_RUNTIME;
	}
	free(path);
	return rc;
}

/* A byte count or level for a malware limit: a whole decimal number > 0. */
static int parse_limit(uint64_t *out, const char *opt, const char *arg, uint64_t max)
{
	if (parse_u64_str(out, arg, max) || *out == 0)
		return cli_fail(EXIT_USAGE, "%s takes a number from 1 to %llu", opt,
		                (unsigned long long)max);
	return 0;
}

static int add_rule_file(struct scan_cli *sc, const char *path)
{
	const char **v = realloc(sc->malware_rules, (sc->n_malware_rules + 1) * sizeof(*v));
	if (!v)
		return cli_fail(EXIT_RUNTIME, "out of memory");
	v[sc->n_malware_rules++] = path;
	sc->malware_rules = v;
	return 0;
}

/* Loads the malware engine before the scan (the scan then reuses it). With
 * the default scanners, no signatures at all or no libclamav only drops
 * malware scanning, said once; asked for by name, it is an error. */
static int prepare_malware(struct scan_cli *sc, struct image_cli *ic)
{
	customs_error err = {0};
	if (!(sc->scanners & CUSTOMS_SCAN_MALWARE))
		return EXIT_OK;
	if (!ic->scan.malware_db_dir)
		ic->scan.malware_db_dir = getenv("CUSTOMS_CLAMAV_DB");
	ic->scan.malware_rules = sc->malware_rules;
	ic->scan.n_malware_rules = sc->n_malware_rules;
	int r = customs_malware_load(&ic->scan, NULL, &err);
	if ((r == CUSTOMS_ENOTFOUND || r == CUSTOMS_EUNSUPPORTED) && !sc->scanners_given) {
		if (!ic->quiet)
			fprintf(stderr, "customs: malware scanning skipped: %s%s\n", err.message,
			        r == CUSTOMS_ENOTFOUND
			            ? " (run freshclam, or give --malware-rules FILE)"
			            : "");
		sc->scanners &= ~CUSTOMS_SCAN_MALWARE;
		return EXIT_OK;
	}
	if (r) {
		cli_print_error(&err);
		return r == CUSTOMS_ENOMEM || r == CUSTOMS_EUNSUPPORTED ? EXIT_RUNTIME : EXIT_USAGE;
	}
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	struct image_cli ic;
	struct scan_cli sc = {.format = "table", .fail_on = -1};
	enum findings_format fmt;
	struct option longopts[48];
	size_t k = 0;
	int rc = EXIT_OK;
	customs_inventory *inv = NULL;
	customs_vulndb *db = NULL;
	customs_findings *findings = NULL;
	customs_error err = {0};

	image_cli_init(&ic);
	sc.scanners =
	    SCANNER_VULN | CUSTOMS_SCAN_SECRETS | CUSTOMS_SCAN_CONFIG | CUSTOMS_SCAN_MALWARE;
	longopts[k++] = (struct option){"format", required_argument, NULL, OPT_FORMAT};
	longopts[k++] = (struct option){"output", required_argument, NULL, OPT_OUTPUT};
	longopts[k++] = (struct option){"help", no_argument, NULL, OPT_HELP};
	longopts[k++] = (struct option){"severity", required_argument, NULL, OPT_SEVERITY};
	longopts[k++] = (struct option){"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED};
	longopts[k++] = (struct option){"fail-on", required_argument, NULL, OPT_FAIL_ON};
	longopts[k++] = (struct option){"db", required_argument, NULL, OPT_DB};
	longopts[k++] = (struct option){"offline", no_argument, NULL, OPT_OFFLINE};
	longopts[k++] = (struct option){"scanners", required_argument, NULL, OPT_SCANNERS};
	longopts[k++] = (struct option){"skip-checks", required_argument, NULL, OPT_SKIP_CHECKS};
	longopts[k++] =
	    (struct option){"secret-config", required_argument, NULL, OPT_SECRET_CONFIG};
	longopts[k++] = (struct option){"clamav-db", required_argument, NULL, OPT_CLAMAV_DB};
	longopts[k++] =
	    (struct option){"malware-rules", required_argument, NULL, OPT_MALWARE_RULES};
	longopts[k++] =
	    (struct option){"malware-max-file-size", required_argument, NULL, OPT_MALWARE_MAX_FILE};
	longopts[k++] =
	    (struct option){"malware-max-scan-size", required_argument, NULL, OPT_MALWARE_MAX_SCAN};
	longopts[k++] = (struct option){"malware-max-recursion", required_argument, NULL,
	                                OPT_MALWARE_MAX_RECURSION};
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
		customs_severity s;
		uint64_t num;
		switch (opt) {
		case 'f':
		case OPT_FORMAT:
			sc.format = optarg;
			break;
		case 'o':
		case OPT_OUTPUT:
			sc.output = optarg;
			break;
		case OPT_SEVERITY:
			if (parse_severity_list(&sc.severities, optarg)) {
				rc = cli_fail(
				    EXIT_USAGE,
				    "--severity takes a list like LOW,MEDIUM,HIGH,CRITICAL");
				goto out;
			}
			break;
		case OPT_IGNORE_UNFIXED:
			sc.ignore_unfixed = 1;
			break;
		case OPT_FAIL_ON:
			if (customs_severity_parse(&s, optarg)) {
				rc = cli_fail(
				    EXIT_USAGE,
				    "--fail-on takes a severity: LOW, MEDIUM, HIGH or CRITICAL");
				goto out;
			}
			sc.fail_on = (int)s;
			break;
		case OPT_DB:
			sc.db = optarg;
			break;
		case OPT_OFFLINE:
			sc.offline = 1;
			break;
		case OPT_SCANNERS:
			if (parse_scanners(&sc.scanners, optarg)) {
				rc = cli_fail(
				    EXIT_USAGE,
				    "--scanners takes a list of vuln, secret, config, malware");
				goto out;
			}
			sc.scanners_given = 1;
			break;
		case OPT_SKIP_CHECKS:
			if (check_skip_list(optarg)) {
				rc = cli_fail(EXIT_USAGE, "--skip-checks: unknown check id in %s",
				              optarg);
				goto out;
			}
			sc.skip_checks = optarg;
			break;
		case OPT_SECRET_CONFIG:
			sc.secret_config = optarg;
			break;
		case OPT_CLAMAV_DB:
			ic.scan.malware_db_dir = optarg;
			break;
		case OPT_MALWARE_RULES:
			if ((rc = add_rule_file(&sc, optarg)))
				goto out;
			break;
		case OPT_MALWARE_MAX_FILE:
		case OPT_MALWARE_MAX_SCAN:
			if ((rc = parse_limit(&num,
			                      opt == OPT_MALWARE_MAX_FILE
			                          ? "--malware-max-file-size"
			                          : "--malware-max-scan-size",
			                      optarg, LIMIT_MALWARE_FILE_BYTES_MAX)))
				goto out;
			if (opt == OPT_MALWARE_MAX_FILE)
				ic.scan.malware_max_file_size = num;
			else
				ic.scan.malware_max_scan_size = num;
			break;
		case OPT_MALWARE_MAX_RECURSION:
			if ((rc = parse_limit(&num, "--malware-max-recursion", optarg,
			                      LIMIT_MALWARE_RECURSION_MAX)))
				goto out;
			ic.scan.malware_max_recursion = (unsigned)num;
			break;
		case 'h':
		case OPT_HELP:
			cli_print_command_help(stdout, &cli_cmd_scan);
			goto out;
		default:
			rc = cli_fail(EXIT_USAGE, "see customs help scan");
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = cli_fail(EXIT_USAGE, "scan takes one image reference (see customs help scan)");
		goto out;
	}
	if (findings_format_parse(&fmt, sc.format)) {
		rc = cli_fail(EXIT_USAGE, "unknown format %s: use table or json", sc.format);
		goto out;
	}
	if (image_cli_finish(&ic)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = prepare_malware(&sc, &ic)))
		goto out;
	if ((sc.scanners & SCANNER_VULN) && (rc = open_db(&db, &sc, ic.quiet)))
		goto out;
	ic.scan.scanners =
	    sc.scanners & (CUSTOMS_SCAN_SECRETS | CUSTOMS_SCAN_CONFIG | CUSTOMS_SCAN_MALWARE);
	ic.scan.secret_config = sc.secret_config;
	struct progress *bars = progress_start(&ic.scan, ic.quiet);
	int r = customs_inventory_scan(&inv, argv[optind], &ic.scan, &err);
	progress_end(bars);
	if (r) {
		cli_print_error(&err);
		rc = cli_exit_for_image_error(r);
		goto out;
	}
	image_cli_print_warnings(&ic, inv);
	customs_match_options mo = CUSTOMS_MATCH_OPTIONS_INIT;
	mo.ignore_unfixed = sc.ignore_unfixed;
	if (db && customs_match(&findings, db, inv, &mo, &err)) {
		cli_print_error(&err);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if (!ic.quiet && findings)
		for (size_t i = 0; i < customs_findings_warning_count(findings); i++)
			fprintf(stderr, "customs: warning: %s\n",
			        customs_findings_warning(findings, i));

	struct findings_view view = {.inv = inv,
	                             .findings = findings,
	                             .severities = sc.severities,
	                             .color = 0,
	                             .scanners = sc.scanners,
	                             .skip_checks = sc.skip_checks};
	FILE *f = cli_open_output(sc.output);
	if (!f) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	view.color = f == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (findings_write(f, &view, fmt, &err)) {
		cli_print_error(&err);
		if (f != stdout)
			fclose(f);
		rc = EXIT_RUNTIME;
		goto out;
	}
	if ((rc = cli_close_output(f, sc.output)))
		goto out;
	if (sc.fail_on >= 0) {
		size_t n = findings_count_at_or_above(&view, (customs_severity)sc.fail_on);
		if (n) {
			fprintf(stderr,
			        "customs: %zu finding(s) at or above %s: failing (--fail-on)\n", n,
			        customs_severity_name((customs_severity)sc.fail_on));
			rc = EXIT_POLICY;
		}
	}
out:
	customs_findings_free(findings);
	customs_vulndb_close(db);
	customs_inventory_free(inv);
	image_cli_free(&ic);
	free(sc.malware_rules);
	return rc;
}

const struct cli_command cli_cmd_scan = {
    .name = "scan",
    .summary = "report an image's known vulnerabilities, malware, leaked secrets and "
               "misconfigurations",
    .usage = "Usage: customs scan [OPTIONS] IMAGE\n\n"
             "Options:\n"
             "  -f, --format FORMAT           table or json (default: table)\n"
             "  -o, --output FILE             write to FILE instead of standard output\n"
             "  --severity LIST               only these severities, e.g. HIGH,CRITICAL\n"
             "  --ignore-unfixed              leave out vulnerabilities with no fixed version\n"
             "  --fail-on SEVERITY            exit 1 when a finding at or above SEVERITY remains\n"
             "  --db PATH                     vulnerability DB (default: $CUSTOMS_DB, then\n"
             "                                $XDG_CACHE_HOME/customs/db.sqlite)\n"
             "  --offline                     never touch the network: no DB download\n"
             "  --scanners LIST               vuln, secret, config, malware (default: all;\n"
             "                                malware only when signatures exist)\n"
             "  --skip-checks IDS             misconfiguration checks to leave out, e.g.\n"
             "                                CUS-CFG-002,CUS-CFG-008\n"
             "  --secret-config FILE          YAML: extra secret rules, allow rules (paths,\n"
             "                                rule ids, regexes), max-file-size\n"
             "  --clamav-db DIR               ClamAV database folder (default:\n"
             "                                $CUSTOMS_CLAMAV_DB, then /var/lib/clamav)\n"
             "  --malware-rules FILE          own signatures (.hdb .hsb .ndb .ldb ...) or\n"
             "                                YARA rules (.yar .yara); repeatable\n"
             "  --malware-max-file-size BYTES larger files are not scanned (default 100 MiB)\n"
             "  --malware-max-scan-size BYTES data scanned per file, archives included\n"
             "                                (default 400 MiB)\n"
             "  --malware-max-recursion N     nested archives opened (default 17)\n" IMAGE_CLI_HELP
             "\nMalware findings are CRITICAL: any --fail-on fails on them. --scanners\n"
             "malware with no signatures at all is a usage error (exit 2).\n"
             "\nExit codes: 0 ok, 1 a finding at or above --fail-on, 2 usage error, 3 image\n"
             "unreadable or failed an integrity check, 4 other runtime error.\n",
    .run = run,
};
