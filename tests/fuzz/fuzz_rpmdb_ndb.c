/* libFuzzer target for the ndb reader (SUSE Packages.db): slot pages, blob
 * framing and checksums, then the header parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/rpm.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Mutations almost never keep a blob's adler32 right, which would stop every
 * input at the checksum; so half the inputs get their checksums repaired
 * first, letting the fuzzer reach the framing checks behind it. */
static void fix_checksums(uint8_t *d, size_t n)
{
	if (n < 32)
		return;
	uint64_t pages = le32(d + 12);
	if (pages == 0 || pages > n / 4096)
		return;
	uint64_t budget = 4 * (uint64_t)n; /* overlapping slots must not make it quadratic */
	for (size_t o = 32; o < pages * 4096; o += 16) {
		uint64_t off = (uint64_t)le32(d + o + 8) * 16,
		         len = (uint64_t)le32(d + o + 12) * 16;
		if (off == 0 || len < 28 || off + len > n || len > budget)
			continue;
		budget -= len;
		uint32_t a = 1, b = 0;
		for (uint64_t i = off; i < off + len - 12; i++) {
			a = (a + d[i]) % 65521;
			b = (b + a) % 65521;
		}
		uint32_t v = b << 16 | a;
		memcpy(d + off + len - 12,
		       (uint8_t[4]){(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
		                    (uint8_t)(v >> 24)},
		       4);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l;
	struct warn_list w;
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size && (data[size - 1] & 1))
		fix_checksums(copy, size);
	memset(&l, 0, sizeof(l));
	warn_list_init(&w);
	rpmdb_parse(&l, copy, size, "usr/lib/sysimage/rpm/Packages.db", &w, NULL);
	package_list_free(&l);
	warn_list_free(&w);
	free(copy);
	return 0;
}
