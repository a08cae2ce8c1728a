/* Huge-page-backed buffers: mmap, aligned to 2 MiB by hand (older kernels do
 * not align anonymous maps), with MADV_HUGEPAGE for the "madvise" THP mode
 * that Debian's kernels default to. */
#include "util/bigbuf.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE (2u << 20)
/* Below this, malloc: a huge page would be mostly unused. */
#define BIG_MIN (1u << 20)

#if defined(__SANITIZE_ADDRESS__)
#define USE_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_MALLOC 1
#endif
#endif

/* x rounded up to a whole number of huge pages (sizes and addresses). */
static uintptr_t round_up(uintptr_t x)
{
	return (x + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
}

static size_t mapped_size(size_t size)
{
	return round_up(size);
}

static int from_malloc(size_t size)
{
#ifdef USE_MALLOC
	(void)size;
	return 1;
#else
	return size < BIG_MIN || size > SIZE_MAX - 2 * HUGE_PAGE;
#endif
}

void *bigbuf_alloc(size_t size)
{
	if (from_malloc(size))
		return malloc(size ? size : 1);
	size_t n = mapped_size(size);
	uint8_t *p =
	    mmap(NULL, n + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Trim to a 2 MiB-aligned range of n bytes. */
	size_t head = round_up((uintptr_t)p) - (uintptr_t)p;
	if (head)
		munmap(p, head);
	if (HUGE_PAGE - head)
		munmap(p + head + n, HUGE_PAGE - head);
	p += head;
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}

void bigbuf_free(void *p, size_t size)
{
	if (!p)
		return;
	if (from_malloc(size))
		free(p);
	else
		munmap(p, mapped_size(size));
}

void bigbuf_heap_setup(size_t reserve)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
#ifndef USE_MALLOC
	mallopt(M_ARENA_MAX, 1);
	malloc_trim(0); /* free room at the top would take the request below */
	uint8_t *before = sbrk(0);
	/* The next growth of the heap takes reserve more than it needs; freed,
	 * it stays (the trim threshold is above it). */
	mallopt(M_TOP_PAD, (int)reserve);
	void *volatile grow = malloc(HUGE_PAGE); /* volatile: the pair must not be optimised away */
	free(grow);
	mallopt(M_TOP_PAD, 128 << 10);
	uint8_t *after = sbrk(0);
	if (before == (void *)-1 || after <= before)
		return;
	uintptr_t from = round_up((uintptr_t)before);
	uintptr_t to = (uintptr_t)after & ~(uintptr_t)(HUGE_PAGE - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
	(void)reserve;
#endif
}
