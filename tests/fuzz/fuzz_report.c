/* libFuzzer target for the report writers: hostile image and package strings
 * must always give well-formed, valid UTF-8 JSON and a control-free table. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/report_int.h"
#include "scan/inventory.h"

#define MAX_FIELDS 512

/* Input: NUL-separated strings. The first four describe the image (reference,
 * manifest digest, os family, layer diff_id); then 12 per package. An empty
 * string means NULL, so unknown fields are fuzzed too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *fields[MAX_FIELDS];
	size_t n = 0;
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; n < MAX_FIELDS && p <= copy + size; p += strlen(p) + 1)
		fields[n++] = *p ? p : NULL;
	for (size_t i = n; i < MAX_FIELDS; i++)
		fields[i] = NULL;

	customs_inventory *inv = NULL;
	if (inventory_new(&inv))
		goto out;
	inventory_set(inv, &inv->info.reference, fields[0]);
	inventory_set(inv, &inv->info.manifest_digest, fields[1]);
	inventory_set(inv, &inv->info.os_family, fields[2]);
	const char *layers[] = {fields[3]};
	inventory_set_layers(inv, layers, NULL, 1);
	for (size_t i = 4; i + 12 <= n; i += 12) {
		const char **f = (const char **)&fields[i];
		customs_package p = {f[0], f[1], f[2], f[3],  f[4],  f[5],          f[6],
		                     f[7], f[8], f[9], f[10], f[11], (int64_t)i - 8};
		inventory_add_package(inv, &p);
		report_license_classify(f[7], i & 1, NULL);
	}
	for (int fmt = REPORT_TABLE; fmt <= REPORT_SPDX; fmt++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		if (!f)
			continue;
		struct report_options o = REPORT_OPTIONS_INIT;
		o.timestamp = 0;
		o.uuid_seed = "fuzz";
		o.color = 0;
		customs_error err;
		int rc = report_inventory_write(f, inv, (enum report_format)fmt, &o, &err);
		fclose(f);
		if (!rc && fmt != REPORT_TABLE) {
			json_error_t jerr;
			json_t *j = json_loadb(out, len, JSON_REJECT_DUPLICATES, &jerr);
			if (!j)
				__builtin_trap(); /* the writer produced invalid JSON */
			json_decref(j);
		}
		if (!rc && fmt == REPORT_TABLE) {
			for (size_t i = 0; i < len; i++)
				if (((unsigned char)out[i] < 0x20 && out[i] != '\n') ||
				    out[i] == 0x7f)
					__builtin_trap(); /* a control byte reached the terminal */
		}
		free(out);
	}
out:
	customs_inventory_free(inv);
	free(copy);
	return 0;
}
