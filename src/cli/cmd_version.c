/* `customs version`: the tool's version and the versions of the libraries it
 * was built with and runs with. */
#include <isa-l.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <stdio.h>
#include <yaml.h>
#include <zstd.h>

#include "cli/cli.h"
#include "util/archive_lazy.h"
#include "util/clamav_lazy.h"
#include "util/curl_lazy.h"
#include "util/yara_lazy.h"

static int run(int argc, char **argv)
{
	printf("customs %s\n", customs_version());
	customs_error err = {0};
	/* Loaded on first use like libcurl: a missing one is said, not fatal. */
	if (archive_lazy_load(&err) == 0)
		printf("libarchive %s\n", archive_version_string());
	else
		printf("libarchive not loaded: %s\n", err.message);
	if (curl_lazy_load(&err) == 0)
		printf("libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
	else
		printf("libcurl not loaded: %s\n", err.message);
	printf("isa-l %d.%d.%d\n", ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION, ISAL_PATCH_VERSION);
	printf("zstd %s\n", ZSTD_versionString());
	printf("jansson %s\n", jansson_version_str());
	printf("libyaml %s\n", yaml_get_version_string());
	printf("sqlite %s\n", sqlite3_libversion());
	printf("openssl %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
	/* Loaded on first use like libcurl: a missing one is said, not fatal. */
	if (clamav_lazy_load(&err) == 0)
		printf("libclamav %s\n", cl_retver());
	else
		printf("libclamav not loaded: %s\n", err.message);
	/* libyara has no version call: the one of the headers, whose ABI
	 * (soname) the loaded library has. */
	if (yara_lazy_load(&err) == 0)
		printf("libyara %s\n", YR_VERSION);
	else
		printf("libyara not loaded: %s\n", err.message);
	return EXIT_OK;
}

const struct cli_command cli_cmd_version = {
    .name = "version",
    .summary = "print the version of customs and of its libraries",
    .usage = "Usage: customs version\n",
    .run = run,
};
