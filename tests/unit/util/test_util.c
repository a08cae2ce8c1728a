/* Unit tests for src/util: capped buffers, bounded number parsing, digests,
 * warning lists and the task pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/bigbuf.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/pool.h"
#include "util/radix.h"
#include "util/sha256.h"
#include "util/strutil.h"
#include "util/warn.h"

static void test_buf_cap(void **state)
{
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, "0123456789", 10), 0);
	assert_int_equal(buf_append(&b, "x", 1), CUSTOMS_ETOOLARGE);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "0123456789");
	buf_free(&b);
	buf_init(&b, 100);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(b.data, "42-x");
	assert_int_equal(buf_append(&b, "y", SIZE_MAX), CUSTOMS_ETOOLARGE);
	buf_free(&b);
	/* an unbounded buffer must still grow (max + 1 once wrapped to 0) */
	buf_init(&b, SIZE_MAX);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_append(&b, "0123456789", 10), 0);
	assert_int_equal(b.len, 1000);
	assert_int_equal(b.data[999], '9');
	buf_free(&b);
}

static void test_parse_u64_boundaries(void **state)
{
	uint64_t v = 7;
	assert_int_equal(parse_u64(&v, "", 0, UINT64_MAX), CUSTOMS_EINVAL);
	assert_int_equal(parse_u64(&v, "0", 1, UINT64_MAX), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64_str(&v, "18446744073709551615", UINT64_MAX), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64_str(&v, "18446744073709551616", UINT64_MAX), CUSTOMS_EINVAL);
	assert_int_equal(parse_u64_str(&v, "9223372036854775808", INT64_MAX), CUSTOMS_EINVAL);
	assert_int_equal(parse_u64_str(&v, "12a", UINT64_MAX), CUSTOMS_EINVAL);
	assert_int_equal(parse_u64_str(&v, "-1", UINT64_MAX), CUSTOMS_EINVAL);
	assert_int_equal(parse_u64_str(&v, " 1", UINT64_MAX), CUSTOMS_EINVAL);
	assert_int_equal(parse_u64_str(&v, "100", 99), CUSTOMS_EINVAL);
	int64_t s = 0;
	assert_int_equal(parse_i64(&s, "-9223372036854775808", 20, INT64_MIN, INT64_MAX), 0);
	assert_true(s == INT64_MIN);
	assert_int_equal(parse_i64(&s, "-9223372036854775809", 20, INT64_MIN, INT64_MAX),
	                 CUSTOMS_EINVAL);
}

static void test_sha256(void **state)
{
	char d[SHA256_DIGEST_STRING_LEN + 1];
	sha256_digest_of(d, "abc", 3);
	assert_string_equal(
	    d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	struct sha256 *h = sha256_new();
	sha256_update(h, "a", 1);
	sha256_update(h, "bc", 2);
	char d2[SHA256_DIGEST_STRING_LEN + 1];
	sha256_final_digest(h, d2);
	sha256_free(h);
	assert_true(digest_equal(d, d2));
	assert_true(digest_is_valid_sha256(d));
	assert_false(digest_is_valid_sha256(
	    "sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	assert_false(digest_is_valid_sha256("sha512:ba78"));
	assert_false(digest_is_valid_sha256("sha256:../../etc/passwd"));
}

static int add_index(void *user, size_t i)
{
	__atomic_add_fetch((size_t *)user, i + 1, __ATOMIC_SEQ_CST);
	return i == 7 ? -3 : 0;
}

static void test_pool(void **state)
{
	size_t sum = 0;
	assert_int_equal(pool_run(100, 4, add_index, &sum), -3);
	assert_int_equal(sum, 5050); /* every task ran even though one failed */
	assert_int_equal(pool_run(0, 4, add_index, &sum), 0);
}

static void test_warn_and_err(void **state)
{
	struct warn_list w;
	warn_list_init(&w);
	for (int i = 0; i < 1005; i++)
		warn_add(&w, "w%d", i);
	assert_int_equal(w.n, 1000);
	assert_int_equal(w.dropped, 5);
	assert_string_equal(w.items[3], "w3");
	warn_list_free(&w);
	customs_error e = {0};
	assert_int_equal(err_set(&e, CUSTOMS_EIO, "read %s", "x"), CUSTOMS_EIO);
	err_prefix(&e, "layer %d", 2);
	assert_string_equal(e.message, "layer 2: read x");
	assert_int_equal(err_set(NULL, CUSTOMS_EIO, "x"), CUSTOMS_EIO);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Big buffers are usable to their last byte; outside AddressSanitizer they
 * start on a huge-page boundary (else THP cannot back them). */
static void test_bigbuf(void **state)
{
	static const size_t sizes[] = {0, 1, 4096, (1u << 20) - 1, 1u << 20, 3u << 20, 5u << 20};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		uint8_t *p = bigbuf_alloc(sizes[i]);
		assert_non_null(p);
		memset(p, 0xa5, sizes[i]);
		if (sizes[i])
			assert_int_equal(p[sizes[i] - 1], 0xa5);
#ifndef UNDER_ASAN
		if (sizes[i] >= (1u << 20))
			assert_int_equal((uintptr_t)p % (2u << 20), 0);
#endif
		bigbuf_free(p, sizes[i]);
	}
	bigbuf_free(NULL, 5u << 20);
}

/* The heap grows by the reserve at once, and that memory is huge-page
 * advised: its mapping carries the "hg" flag in smaps. */
static void test_heap_setup(void **state)
{
	(void)state;
#if !defined(UNDER_ASAN) && !defined(__SANITIZE_THREAD__)
	uint8_t *before = sbrk(0);
	bigbuf_heap_setup(16u << 20);
	uint8_t *after = sbrk(0);
	assert_true(after - before >= (16 << 20));
	uintptr_t probe = ((uintptr_t)before + (6u << 20)) & ~(uintptr_t)((2u << 20) - 1);
	FILE *f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	char line[512];
	bool inside = false, advised = false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			inside = probe >= lo && probe < hi;
		else if (inside && strncmp(line, "VmFlags:", 8) == 0)
			advised = strstr(line, " hg") != NULL;
	}
	fclose(f);
	assert_true(advised);
	uint8_t *p = malloc(4u << 20);
	assert_non_null(p);
	memset(p, 1, 4u << 20);
	free(p);
#endif
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Radix sort agrees with qsort: random keys, keys sharing their high bytes
 * (skipped passes), duplicates, extremes, and the small-n path. */
static void test_radix_sort(void **state)
{
	static const size_t sizes[] = {0, 1, 2, 63, 64, 1000, 100000};
	uint64_t x = 88172645463325252ull;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		for (int kind = 0; kind < 3; kind++) {
			size_t n = sizes[s];
			uint64_t *a = malloc((n + 1) * sizeof(*a)),
			         *b = malloc((n + 1) * sizeof(*b));
			for (size_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				a[i] = kind == 0   ? x
				       : kind == 1 ? (x & 0xffff) | (7ull << 56)
				                   : x % 5;
				if (i == 3)
					a[i] = UINT64_MAX;
				if (i == 5)
					a[i] = 0;
			}
			memcpy(b, a, n * sizeof(*a));
			radix_sort_u64(a, n);
			qsort(b, n, sizeof(*b), cmp_u64);
			if (n)
				assert_memory_equal(a, b, n * sizeof(*a));
			free(a);
			free(b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_cap),      cmocka_unit_test(test_parse_u64_boundaries),
	    cmocka_unit_test(test_sha256),       cmocka_unit_test(test_pool),
	    cmocka_unit_test(test_warn_and_err), cmocka_unit_test(test_bigbuf),
	    cmocka_unit_test(test_radix_sort),   cmocka_unit_test(test_heap_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
