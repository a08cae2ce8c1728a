/* Huge-page-backed buffers: mmap, aligned to 2 MiB by hand (older kernels do
 * not align anonymous maps), with MADV_HUGEPAGE for the "madvise" THP mode
 * that Debian's kernels default to. */
#include "util/bigbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

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

static size_t mapped_size(size_t size)
{
	return (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
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
	size_t head = (HUGE_PAGE - ((uintptr_t)p & (HUGE_PAGE - 1))) & (HUGE_PAGE - 1);
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
