/* JSON input helpers over jansson. */
#include "util/json.h"
#include "util/error.h"

int json_parse(json_t **out, const void *data, size_t len, size_t max, const char *what,
               customs_error *err)
{
	if (len > max)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: %zu bytes is over the %zu byte limit",
		               what, len, max);
	json_error_t jerr;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!j)
		return err_set(err, CUSTOMS_EINVAL, "%s: invalid JSON at line %d column %d: %s",
		               what, jerr.line, jerr.column, jerr.text);
	*out = j;
	return CUSTOMS_OK;
}

const char *json_get_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int json_get_i64(const json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		return CUSTOMS_EINVAL;
	*out = (int64_t)json_integer_value(v);
	return CUSTOMS_OK;
}
