/* Error objects: set, prefix and copy messages, and name error codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

int err_set(customs_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int err_prefix(customs_error *err, const char *fmt, ...)
{
	if (!err)
		return CUSTOMS_OK;
	char prefix[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Shift the old message right (truncating its end) and put the prefix in front. */
	size_t p = strnlen(prefix, sizeof(prefix) - 1) + 2;
	size_t old = strnlen(err->message, sizeof(err->message) - 1);
	if (p + old > sizeof(err->message) - 1)
		old = sizeof(err->message) - 1 - p;
	memmove(err->message + p, err->message, old);
	err->message[p + old] = '\0';
	memcpy(err->message, prefix, p - 2);
	memcpy(err->message + p - 2, ": ", 2);
	return err->code;
}

void err_copy(customs_error *dst, const customs_error *src)
{
	if (dst && src && dst != src)
		*dst = *src;
}

const char *customs_strerror(int code)
{
	switch (code) {
	case CUSTOMS_OK:
		return "success";
	case CUSTOMS_EINVAL:
		return "invalid input";
	case CUSTOMS_ENOMEM:
		return "out of memory";
	case CUSTOMS_EIO:
		return "input/output error";
	case CUSTOMS_ENOTFOUND:
		return "not found";
	case CUSTOMS_ETOOLARGE:
		return "limit exceeded";
	case CUSTOMS_EINTEGRITY:
		return "integrity error";
	case CUSTOMS_EAUTH:
		return "authentication failed";
	case CUSTOMS_EUNSUPPORTED:
		return "unsupported";
	case CUSTOMS_ENETWORK:
		return "network error";
	case CUSTOMS_EUSAGE:
		return "usage error";
	case CUSTOMS_EAMBIGUOUS:
		return "ambiguous";
	default:
		return "unknown error";
	}
}
