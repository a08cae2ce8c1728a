/* A jansson value as the text json_dumps(JSON_INDENT(2)) gives, shifted right
 * by a number of levels, appended to a buffer. Our own walk of the tree:
 * jansson's dumper, fed through a callback that re-indented its lines, was
 * half of the time a report took after the layers were read. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/error.h"

static int put(struct buf *o, const char *s, size_t n)
{
	return buf_append(o, s, n);
}

static int newline(struct buf *o, size_t level)
{
	static const char spaces[] = "                                ";
	int rc = put(o, "\n", 1);
	for (size_t n = 2 * level; !rc && n;) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		rc = put(o, spaces, chunk);
		n -= chunk;
	}
	return rc;
}

/* jansson's escaping without JSON_ENSURE_ASCII: quote, backslash and control
 * characters; everything else (valid UTF-8, as every report string is) as is. */
static int put_string(struct buf *o, const char *s, size_t n)
{
	int rc = put(o, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if ((rc = put(o, s + run, i - run)))
			break;
		run = i + 1;
		char esc[8];
		switch (c) {
		case '"':
			rc = put(o, "\\\"", 2);
			break;
		case '\\':
			rc = put(o, "\\\\", 2);
			break;
		case '\b':
			rc = put(o, "\\b", 2);
			break;
		case '\f':
			rc = put(o, "\\f", 2);
			break;
		case '\n':
			rc = put(o, "\\n", 2);
			break;
		case '\r':
			rc = put(o, "\\r", 2);
			break;
		case '\t':
			rc = put(o, "\\t", 2);
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", c);
			rc = put(o, esc, 6);
		}
	}
	if (!rc)
		rc = put(o, s + run, n - run);
	return rc ? rc : put(o, "\"", 1);
}

/* Numbers other than integers keep jansson's own formatting. */
static int put_by_jansson(struct buf *o, const json_t *v)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY);
	if (!text)
		return CUSTOMS_ENOMEM;
	int rc = put(o, text, strlen(text));
	free(text);
	return rc;
}

int report_json_text(struct buf *o, const json_t *v, size_t level)
{
	int rc = 0;
	char num[32];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (json_object_size(v) == 0)
			return put(o, "{}", 2);
		rc = put(o, "{", 1);
		const char *key;
		json_t *member;
		bool first = true;
		/* jansson keeps insertion order, as JSON_PRESERVE_ORDER asked. */
		json_object_foreach((json_t *)v, key, member)
		{
			if (rc || (!first && (rc = put(o, ",", 1))) ||
			    (rc = newline(o, level + 1)) ||
			    (rc = put_string(o, key, strlen(key))) || (rc = put(o, ": ", 2)) ||
			    (rc = report_json_text(o, member, level + 1)))
				return rc;
			first = false;
		}
		return rc ? rc : (rc = newline(o, level)) ? rc : put(o, "}", 1);
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		if (n == 0)
			return put(o, "[]", 2);
		rc = put(o, "[", 1);
		for (size_t i = 0; !rc && i < n; i++)
			if ((i && (rc = put(o, ",", 1))) || (rc = newline(o, level + 1)) ||
			    (rc = report_json_text(o, json_array_get(v, i), level + 1)))
				return rc;
		return rc ? rc : (rc = newline(o, level)) ? rc : put(o, "]", 1);
	}
	case JSON_STRING:
		return put_string(o, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return put(o, num, strlen(num));
	case JSON_TRUE:
		return put(o, "true", 4);
	case JSON_FALSE:
		return put(o, "false", 5);
	case JSON_NULL:
		return put(o, "null", 4);
	default:
		return put_by_jansson(o, v);
	}
}
