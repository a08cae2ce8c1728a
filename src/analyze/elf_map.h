/* The PT_LOAD segments of an ELF file, read from its program headers as the
 * file streams past: virtual addresses mapped to file offsets and back. */
#ifndef ANALYZE_ELF_MAP_H
#define ANALYZE_ELF_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zero-initialised before the first elf_map_feed; elf_map_free releases it. */
struct elf_map {
	uint8_t hdr[64]; /* the ELF header, as it arrives */
	size_t hdr_n;
	uint8_t *ph; /* the program header table, as it arrives */
	uint64_t ph_off;
	size_t ph_len, ph_n, ph_ent;
	bool is64, be;
	bool ready;      /* the table is in */
	const char *why; /* when set: the map is unusable, and why */
};

/* A PT_LOAD segment: the file bytes [off, off + size) at address va. */
struct elf_seg {
	uint64_t off, va, size;
	bool writable;
};

/* Feeds the file bytes d[0..n) at file offset off; chunks come in order
 * from offset 0. Returns 0 or CUSTOMS_ENOMEM (the table is kept in memory,
 * at most LIMIT_ELF_PHDR_TABLE_BYTES); a malformed header sets m->why. */
int elf_map_feed(struct elf_map *m, const uint8_t *d, size_t n, uint64_t off);
/* The number of program headers, and *out for header i when it is a
 * PT_LOAD segment (false for another type or before the table is in). */
size_t elf_map_count(const struct elf_map *m);
bool elf_map_segment(const struct elf_map *m, size_t i, struct elf_seg *out);
/* The file offset *out of the n bytes at virtual address va, when one
 * PT_LOAD segment holds all of them in the file (the first such segment). */
bool elf_map_offset(const struct elf_map *m, uint64_t va, uint64_t n, uint64_t *out);
/* The reverse: the virtual address *out of the n bytes at file offset off. */
bool elf_map_vaddr(const struct elf_map *m, uint64_t off, uint64_t n, uint64_t *out);
/* The w-byte (1, 2, 4 or 8) unsigned integer at p, in byte order be. */
uint64_t elf_word(const uint8_t *p, size_t w, bool be);
void elf_map_free(struct elf_map *m);

#endif
