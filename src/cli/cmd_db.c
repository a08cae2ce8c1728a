/* `customs db update|import|status`: maintain the vulnerability database
 * (download feeds, import files offline, show what is in it and how old). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "customs/vulndb.h"
#include "util/strutil.h"
#include "vulndb/update.h"

extern const struct cli_command cli_cmd_db;

static void print_warning(void *user, const char *msg)
{
	size_t *n = user;
	(*n)++;
	fprintf(stderr, "customs: warning: %s\n", msg);
}

static void print_stats(const char *what, const customs_vulndb_import_stats *st, const char *db)
{
	printf("%s %zu feed file(s): %zu records imported, %zu malformed skipped -> %s\n", what,
	       st->files, st->records, st->skipped, db);
}

static void format_age(char *out, size_t n, int64_t seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 3600)
		snprintf(out, n, "%lldm", (long long)(seconds / 60));
	else if (seconds < 86400 * 2)
		snprintf(out, n, "%lldh", (long long)(seconds / 3600));
	else
		snprintf(out, n, "%lldd", (long long)(seconds / 86400));
}

static int status(const char *path, const char *config, long max_age_hours)
{
	customs_error err = {0};
	customs_vulndb *db = NULL;
	if (max_age_hours < 0) {
		struct vulndb_config cfg;
		max_age_hours = 24 * 7;
		if (vulndb_config_load(&cfg, config, &err) == 0) {
			max_age_hours = cfg.max_age_hours;
			vulndb_config_free(&cfg);
		}
	}
	if (customs_vulndb_open(&db, path, &err)) {
		cli_print_error(&err);
		return EXIT_RUNTIME;
	}
	time_t now = time(NULL);
	size_t stale = 0;
	printf("database %s (schema %d)\n", path, customs_vulndb_schema_version(db));
	printf("%-16s %10s %8s  %-20s %6s  %s\n", "SOURCE", "RECORDS", "SKIPPED", "UPDATED (UTC)",
	       "AGE", "FEED DATE");
	for (size_t i = 0; i < customs_vulndb_source_count(db); i++) {
		const customs_vulndb_source *s = customs_vulndb_source_get(db, i);
		char when[32] = "-", age[32];
		time_t t = (time_t)s->imported_at;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		format_age(age, sizeof(age), (int64_t)(now - t));
		char *name = str_sanitize(s->name, strlen(s->name));
		char *date = s->feed_date ? str_sanitize(s->feed_date, strlen(s->feed_date)) : NULL;
		printf("%-16s %10lld %8lld  %-20s %6s  %s\n", name ? name : "?",
		       (long long)s->records, (long long)s->skipped, when, age, date ? date : "-");
		if (now - t > (time_t)max_age_hours * 3600) {
			fprintf(stderr,
			        "customs: warning: %s is older than %ld hours: run `customs db "
			        "update`\n",
			        name ? name : "?", max_age_hours);
			stale++;
		}
		free(name);
		free(date);
	}
	if (customs_vulndb_source_count(db) == 0)
		fprintf(stderr, "customs: warning: the database holds no data source\n");
	customs_vulndb_close(db);
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},      {"config", required_argument, NULL, 'c'},
	    {"timeout", required_argument, NULL, 't'}, {"retries", required_argument, NULL, 'r'},
	    {"max-age", required_argument, NULL, 'm'}, {"ca-file", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	const char *db_opt = NULL, *config = NULL, *ca = NULL;
	uint64_t timeout = 0, retries = 2;
	long max_age = -1;
	customs_error err = {0};
	char *path = NULL;
	int rc = EXIT_OK, c;
	if (argc < 2)
		return cli_fail(EXIT_USAGE,
		                "db: expected update, import or status (see customs help db)");
	const char *sub = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "d:c:h", longopts, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case 'd':
			db_opt = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'a':
			ca = optarg;
			break;
		case 't':
			if (parse_u64_str(&timeout, optarg, 86400))
				return cli_fail(EXIT_USAGE, "--timeout needs seconds");
			break;
		case 'r':
			if (parse_u64_str(&retries, optarg, 10))
				return cli_fail(EXIT_USAGE,
				                "--retries needs a number from 0 to 10");
			break;
		case 'm':
			if (parse_u64_str(&v, optarg, 24 * 365 * 10))
				return cli_fail(EXIT_USAGE, "--max-age needs hours");
			max_age = (long)v;
			break;
		case 'h':
			cli_print_command_help(stdout, &cli_cmd_db);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	int first = optind + 1; /* index into argv of the first operand */
	if (customs_vulndb_default_path(&path, db_opt, &err)) {
		cli_print_error(&err);
		return EXIT_USAGE;
	}
	size_t warnings = 0;
	customs_vulndb_import_stats st = {0};
	if (strcmp(sub, "import") == 0) {
		if (first >= argc) {
			rc = cli_fail(EXIT_USAGE,
			              "db import: give one or more feed files or folders");
			goto out;
		}
		if (customs_vulndb_import(path, (const char *const *)argv + first,
		                          (size_t)(argc - first), print_warning, &warnings, &st,
		                          &err)) {
			cli_print_error(&err);
			rc = EXIT_RUNTIME;
			goto out;
		}
		print_stats("imported", &st, path);
	} else if (strcmp(sub, "update") == 0) {
		customs_vulndb_update_options o = CUSTOMS_VULNDB_UPDATE_OPTIONS_INIT;
		o.config_path = config;
		o.timeout_seconds = (unsigned)timeout;
		o.retries = (unsigned)retries;
		o.ca_file = ca;
		o.warn = print_warning;
		o.warn_user = &warnings;
		if (first < argc) {
			rc = cli_fail(EXIT_USAGE,
			              "db update takes no operands (feeds are in --config)");
			goto out;
		}
		if (customs_vulndb_update(path, &o, &st, &err)) {
			cli_print_error(&err);
			fprintf(stderr, "customs: the previous database (if any) is unchanged\n");
			rc = EXIT_RUNTIME;
			goto out;
		}
		print_stats("updated from", &st, path);
	} else if (strcmp(sub, "status") == 0) {
		rc = status(path, config, max_age);
	} else {
		rc =
		    cli_fail(EXIT_USAGE, "db: unknown subcommand %s (update, import, status)", sub);
	}
out:
	free(path);
	return rc;
}

const struct cli_command cli_cmd_db = {
    .name = "db",
    .summary = "update, import or inspect the vulnerability database",
    .usage =
        "Usage: customs db update [--db PATH] [--config FILE] [--timeout S] [--retries N]\n"
        "       customs db import [--db PATH] FEED...\n"
        "       customs db status [--db PATH] [--max-age HOURS] [--config FILE]\n"
        "\n"
        "  update   download the configured feeds (conditional requests) and rebuild the DB;\n"
        "           a failed update leaves the previous DB unchanged\n"
        "  import   import feed files or folders offline: OSV records (folder, .json, .zip),\n"
        "           Alpine secdb JSON, Debian security tracker JSON, NVD CVE API 2.0 JSON,\n"
        "           CISA KEV JSON, EPSS CSV (.csv or .csv.gz); the format is sniffed\n"
        "  status   each data source: records, last update, age; warns past --max-age\n"
        "\n"
        "Options:\n"
        "  --db PATH        the DB file (default: $CUSTOMS_DB, else\n"
        "                   $XDG_CACHE_HOME/customs/db.sqlite, else ~/.cache/customs/db.sqlite)\n"
        "  --config FILE    feed list (default: $XDG_CONFIG_HOME/customs/feeds.conf when it\n"
        "                   exists, else the publishers' URLs); lines `feed URL`, `max-age-hours "
        "N`\n"
        "  --timeout S      per-download time limit (default 600)\n"
        "  --retries N      extra attempts after a network error or 5xx/429 (default 2)\n"
        "  --ca-file FILE   extra CA bundle for the downloads\n"
        "  --max-age HOURS  status: warn when a source is older (default: config, else 168)\n",
    .run = run,
};
