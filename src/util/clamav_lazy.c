/* libclamav through dlopen: see clamav_lazy.h for why. */
#include "util/clamav_lazy.h"
#include "util/error.h"
#include "util/lazy_lib.h"

/* The soname below is the ABI of these headers: a build against another
 * libclamav must say which soname it has (dpkg -L libclamavN). */
#if (LIBCLAMAV_VERSION_NUM >> 16) != 12
#error "libclamav headers are not ABI 12: update the soname in clamav_lazy.c"
#endif

struct clamav_lazy clamav_lazy;

#define CLAMAV_LAZY_SYM(name) {"cl_" #name, offsetof(struct clamav_lazy, name)},
static const struct lazy_sym syms[] = {CLAMAV_LAZY_FUNCTIONS(CLAMAV_LAZY_SYM)};
#undef CLAMAV_LAZY_SYM

static void quiet(enum cl_msg severity, const char *fullmsg, const char *msg, void *context)
{
}

static int init(customs_error *err)
{
	/* Until a caller installs its own: libclamav prints to stderr by default. */
	cl_set_clcb_msg(quiet);
	if (cl_init(CL_INIT_DEFAULT) != CL_SUCCESS)
		return err_set(err, CUSTOMS_ENOMEM, "libclamav initialisation failed");
	return 0;
}

static struct lazy_lib lib = {
    .name = "libclamav",
    .soname = "libclamav.so.12",
    .needed_for = "malware scanning needs the libclamav12 package",
    .init = init,
    LAZY_LIB_TABLE(clamav_lazy, syms),
};

int clamav_lazy_load(customs_error *err)
{
	return lazy_lib_load(&lib, err);
}
