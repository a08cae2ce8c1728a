/* libFuzzer target: the JSON scanner against jansson on arbitrary bytes.
 * No crash or leak, and every text jansson reads the scanner reads too,
 * with the same top-level strings. Aside: jansson's deeper nesting limit,
 * and its taking a NUL byte for the end of the text. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_want w[] = {{.key = "name"}, {.key = "version"}};
	customs_error err = {0};
	bool is_object;
	int rc = json_scan_top(data, size, w, 2, &is_object, "fuzz", &err);
	json_t *j = json_loadb((const char *)data, size,
	                       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	if (j && memchr(data, 0, size)) {
		json_decref(j);
		j = NULL;
	}
	if (j && rc && !strstr(err.message, "nested too deep"))
		abort();
	for (size_t k = 0; rc == 0 && k < 2; k++) {
		size_t n = 0;
		bool oom = false;
		char *s =
		    w[k].value ? json_scan_string(w[k].value, w[k].value_len, &n, &oom) : NULL;
		if (w[k].value && w[k].value[0] == '"' && !s && !oom)
			abort();
		json_t *v = j && json_is_object(j) ? json_object_get(j, w[k].key) : NULL;
		if (json_is_string(v) &&
		    (!s || n != json_string_length(v) || memcmp(s, json_string_value(v), n) != 0))
			abort();
		free(s);
	}
	json_decref(j);
	return 0;
}
