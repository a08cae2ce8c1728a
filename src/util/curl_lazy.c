/* libcurl through dlopen: see curl_lazy.h for why. */
#include "util/curl_lazy.h"
#include "util/error.h"
#include "util/lazy_lib.h"

struct curl_lazy curl_lazy;

#define CURL_LAZY_SYM(ret, name, params) {"curl_" #name, offsetof(struct curl_lazy, name)},
static const struct lazy_sym syms[] = {CURL_LAZY_FUNCTIONS(CURL_LAZY_SYM)};
#undef CURL_LAZY_SYM

static int init(customs_error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(err, CUSTOMS_ENOMEM, "libcurl initialisation failed");
	return 0;
}

/* The soname Debian's libcurl4 (and every distribution since 2006) ships. */
static struct lazy_lib lib = {
    .name = "libcurl",
    .soname = "libcurl.so.4",
    .needed_for = "registries and feed downloads need the libcurl4 package",
    .init = init,
    LAZY_LIB_TABLE(curl_lazy, syms),
};

int curl_lazy_load(customs_error *err)
{
	return lazy_lib_load(&lib, err);
}
