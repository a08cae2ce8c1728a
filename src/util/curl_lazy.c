/* libcurl through dlopen: see curl_lazy.h for why. */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "util/curl_lazy.h"
#include "util/error.h"

struct curl_lazy curl_lazy;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static customs_error load_err;
static int load_rc;

/* The soname Debian's libcurl4 (and every distribution since 2006) ships. */
#define LIBCURL "libcurl.so.4"

static void load(void)
{
	void *h = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		load_rc = err_set(&load_err, CUSTOMS_EUNSUPPORTED,
		                  "%s is needed for registries and feed downloads: %s", LIBCURL,
		                  dlerror());
		return;
	}
	struct curl_lazy api;
#define CURL_LAZY_RESOLVE(ret, name, params)                                                       \
	*(void **)&api.name = dlsym(h, "curl_" #name);                                             \
	if (!api.name) {                                                                           \
		load_rc =                                                                          \
		    err_set(&load_err, CUSTOMS_EUNSUPPORTED, "%s has no curl_%s", LIBCURL, #name); \
		return;                                                                            \
	}
	CURL_LAZY_FUNCTIONS(CURL_LAZY_RESOLVE)
#undef CURL_LAZY_RESOLVE
	if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		load_rc = err_set(&load_err, CUSTOMS_ENOMEM, "libcurl initialisation failed");
		return;
	}
	curl_lazy = api;
}

int curl_lazy_load(customs_error *err)
{
	pthread_once(&once, load);
	if (load_rc)
		err_copy(err, &load_err);
	return load_rc;
}
