/* libyara through dlopen: see yara_lazy.h for why. */
#include "util/yara_lazy.h"
#include "util/error.h"
#include "util/lazy_lib.h"

/* The soname below is the ABI of YARA 4.2 (Debian 12's libyara9); rule and
 * scan structures change between minor versions, so a build against other
 * headers must check which soname they go with (dpkg -L libyaraN). */
#if YR_MAJOR_VERSION != 4 || YR_MINOR_VERSION != 2
#error "libyara headers are not YARA 4.2: update the soname in yara_lazy.c"
#endif

struct yara_lazy yara_lazy;

#define YARA_LAZY_SYM(name) {"yr_" #name, offsetof(struct yara_lazy, name)},
static const struct lazy_sym syms[] = {YARA_LAZY_FUNCTIONS(YARA_LAZY_SYM)};
#undef YARA_LAZY_SYM

static int init(customs_error *err)
{
	if (yr_initialize() != ERROR_SUCCESS)
		return err_set(err, CUSTOMS_ENOMEM, "libyara initialisation failed");
	return 0;
}

static struct lazy_lib lib = {
    .name = "libyara",
    .soname = "libyara.so.9",
    .needed_for = "YARA rules need the libyara9 package",
    .init = init,
    LAZY_LIB_TABLE(yara_lazy, syms),
};

int yara_lazy_load(customs_error *err)
{
	return lazy_lib_load(&lib, err);
}
