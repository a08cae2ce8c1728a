/* A jansson value as the text json_dumps(JSON_INDENT(2)) gives, shifted right
 * by a number of levels, appended to a buffer. Our own walk of the tree:
 * jansson's dumper, fed through a callback that re-indented its lines, was
 * half of the time a report took after the layers were read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/error.h"

static int newline(struct buf *o, size_t level)
{
	static const char spaces[] = "                                ";
	int rc = buf_append(o, "\n", 1);
	for (size_t n = 2 * level; !rc && n;) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		rc = buf_append(o, spaces, chunk);
		n -= chunk;
	}
	return rc;
}

/* jansson's escaping without JSON_ENSURE_ASCII: quote, backslash and control
 * characters; everything else (valid UTF-8, as every report string is) as is. */
static int put_string(struct buf *o, const char *s, size_t n)
{
	static const char plain[] = "\"\\\b\f\n\r\t", letter[] = "\"\\bfnrt";
	int rc = buf_append(o, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if ((rc = buf_append(o, s + run, i - run)))
			break;
		run = i + 1;
		const char *k = memchr(plain, c, sizeof(plain) - 1);
		rc = k ? buf_printf(o, "\\%c", letter[k - plain]) : buf_printf(o, "\\u%04X", c);
	}
	if (!rc)
		rc = buf_append(o, s + run, n - run);
	return rc ? rc : buf_append(o, "\"", 1);
}

/* Numbers other than integers keep jansson's own formatting. */
static int put_by_jansson(struct buf *o, const json_t *v)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY);
	if (!text)
		return CUSTOMS_ENOMEM;
	int rc = buf_append_str(o, text);
	free(text);
	return rc;
}

/* The line break and bracket that close a container with members. */
static int close_at(struct buf *o, size_t level, const char *bracket)
{
	int rc = newline(o, level);
	return rc ? rc : buf_append(o, bracket, 1);
}

int report_json_text(struct buf *o, const json_t *v, size_t level)
{
	int rc = 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (json_object_size(v) == 0)
			return buf_append_str(o, "{}");
		const char *key;
		json_t *member;
		bool first = true;
		if ((rc = buf_append(o, "{", 1)))
			return rc;
		/* jansson keeps insertion order, as JSON_PRESERVE_ORDER asked. */
		json_object_foreach((json_t *)v, key, member)
		{
			if ((!first && (rc = buf_append(o, ",", 1))) ||
			    (rc = newline(o, level + 1)) ||
			    (rc = put_string(o, key, strlen(key))) ||
			    (rc = buf_append(o, ": ", 2)) ||
			    (rc = report_json_text(o, member, level + 1)))
				return rc;
			first = false;
		}
		return close_at(o, level, "}");
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		if (n == 0)
			return buf_append_str(o, "[]");
		if ((rc = buf_append(o, "[", 1)))
			return rc;
		for (size_t i = 0; i < n; i++)
			if ((i && (rc = buf_append(o, ",", 1))) || (rc = newline(o, level + 1)) ||
			    (rc = report_json_text(o, json_array_get(v, i), level + 1)))
				return rc;
		return close_at(o, level, "]");
	}
	case JSON_STRING:
		return put_string(o, json_string_value(v), json_string_length(v));
	case JSON_INTEGER: {
		/* Not buf_printf, which formats twice: every package has some. */
		char num[32];
		int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf_append(o, num, (size_t)n);
	}
	case JSON_TRUE:
		return buf_append_str(o, "true");
	case JSON_FALSE:
		return buf_append_str(o, "false");
	case JSON_NULL:
		return buf_append_str(o, "null");
	default:
		return put_by_jansson(o, v);
	}
}
