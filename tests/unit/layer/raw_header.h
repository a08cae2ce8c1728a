/* A ustar header made by hand, for what no honest writer produces: sizes,
 * types and checksums chosen by the test. Shared by the layer tests. */
#ifndef TESTS_UNIT_LAYER_RAW_HEADER_H
#define TESTS_UNIT_LAYER_RAW_HEADER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Recomputes the header's checksum after a test changed its bytes. */
static inline void raw_header_checksum(uint8_t h[512])
{
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

static inline void raw_header(uint8_t h[512], const char *name, const char *size_octal, char type)
{
	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	memcpy(h + 124, size_octal, strlen(size_octal));
	memcpy(h + 136, "00000000000", 12);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	raw_header_checksum(h);
}

#endif
