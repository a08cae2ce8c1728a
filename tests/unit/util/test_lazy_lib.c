/* Unit tests for src/util/lazy_lib.c and the libraries loaded through it:
 * missing library, missing symbol, failing init, one load across threads,
 * and the real libclamav, libyara and libcurl of this machine. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/clamav_lazy.h"
#include "util/curl_lazy.h"
#include "util/error.h"
#include "util/lazy_lib.h"
#include "util/yara_lazy.h"

/* A table of two libc functions, the second one possibly not there. */
struct table {
	size_t (*strlen)(const char *);
	void *(*second)(void);
};

static int n_init;

static int count_init(customs_error *err)
{
	__atomic_add_fetch(&n_init, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int refuse_init(customs_error *err)
{
	__atomic_add_fetch(&n_init, 1, __ATOMIC_SEQ_CST);
	return err_set(err, CUSTOMS_ENOMEM, "init said no");
}

static struct lazy_lib libc_with(struct table *t, const struct lazy_sym *syms, size_t n,
                                 int (*init)(customs_error *))
{
	n_init = 0;
	memset(t, 0, sizeof(*t));
	return (struct lazy_lib){.name = "libc",
	                         .soname = "libc.so.6",
	                         .needed_for = "tests need libc",
	                         .syms = syms,
	                         .n_syms = n,
	                         .table = t,
	                         .table_len = sizeof(*t),
	                         .init = init,
	                         .lock = PTHREAD_MUTEX_INITIALIZER};
}

static void test_missing_library(void **state)
{
	struct table t;
	static const struct lazy_sym syms[] = {{"strlen", offsetof(struct table, strlen)}};
	struct lazy_lib l = libc_with(&t, syms, 1, count_init);
	customs_error err = {0}, again = {0};
	l.name = "libnone";
	l.soname = "libcustoms-test-none.so.0";
	l.needed_for = "nothing needs it";
	assert_int_equal(lazy_lib_load(&l, &err), CUSTOMS_EUNSUPPORTED);
	assert_int_equal(err.code, CUSTOMS_EUNSUPPORTED);
	assert_true(strncmp(err.message, "libnone is not installed: nothing needs it (", 44) == 0);
	assert_non_null(strstr(err.message, "libcustoms-test-none.so.0"));
	/* Said again, not tried again. */
	assert_int_equal(lazy_lib_load(&l, &again), CUSTOMS_EUNSUPPORTED);
	assert_string_equal(again.message, err.message);
	assert_int_equal(n_init, 0);
	assert_null(t.strlen);
}

static void test_missing_symbol(void **state)
{
	struct table t;
	static const struct lazy_sym syms[] = {
	    {"strlen", offsetof(struct table, strlen)},
	    {"customs_no_such_function", offsetof(struct table, second)}};
	struct lazy_lib l = libc_with(&t, syms, 2, count_init);
	customs_error err = {0};
	assert_int_equal(lazy_lib_load(&l, &err), CUSTOMS_EUNSUPPORTED);
	assert_string_equal(err.message,
	                    "libc.so.6 has no customs_no_such_function: tests need libc");
	/* All or nothing: strlen, found first, is not left behind. */
	assert_null(t.strlen);
	assert_int_equal(n_init, 0);
}

static void test_init_fails(void **state)
{
	struct table t;
	static const struct lazy_sym syms[] = {{"strlen", offsetof(struct table, strlen)}};
	struct lazy_lib l = libc_with(&t, syms, 1, refuse_init);
	customs_error err = {0};
	assert_int_equal(lazy_lib_load(&l, &err), CUSTOMS_ENOMEM);
	assert_string_equal(err.message, "init said no");
	assert_null(t.strlen);
	assert_int_equal(lazy_lib_load(&l, &err), CUSTOMS_ENOMEM);
	assert_int_equal(n_init, 1);
}

#define N_THREADS 8

static void *load_in_thread(void *arg)
{
	customs_error err = {0};
	return (void *)(intptr_t)lazy_lib_load(arg, &err);
}

static void test_once_across_threads(void **state)
{
	struct table t;
	static const struct lazy_sym syms[] = {{"strlen", offsetof(struct table, strlen)},
	                                       {"getpid", offsetof(struct table, second)}};
	struct lazy_lib l = libc_with(&t, syms, 2, count_init);
	pthread_t th[N_THREADS];
	for (int i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, load_in_thread, &l), 0);
	for (int i = 0; i < N_THREADS; i++) {
		void *rc = NULL;
		assert_int_equal(pthread_join(th[i], &rc), 0);
		assert_int_equal((intptr_t)rc, 0);
	}
	assert_int_equal(n_init, 1);
	assert_non_null(t.strlen);
	assert_int_equal(t.strlen("abcd"), 4);
	assert_non_null(t.second);
}

/* Every function of each table is in the library this machine has, under
 * the soname the headers were built for. */
static void test_real_libraries(void **state)
{
	customs_error err = {0};
	assert_int_equal(clamav_lazy_load(&err), 0);
	assert_true(cl_retver()[0] >= '0' && cl_retver()[0] <= '9');
	assert_non_null(cl_strerror(CL_CLEAN));
	assert_int_equal(yara_lazy_load(&err), 0);
	YR_COMPILER *c = NULL;
	assert_int_equal(yr_compiler_create(&c), ERROR_SUCCESS);
	yr_compiler_destroy(c);
	assert_int_equal(curl_lazy_load(&err), 0);
	assert_non_null(curl_version_info(CURLVERSION_NOW)->version);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_library), cmocka_unit_test(test_missing_symbol),
	    cmocka_unit_test(test_init_fails),      cmocka_unit_test(test_once_across_threads),
	    cmocka_unit_test(test_real_libraries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
