/* The PT_LOAD segments of an ELF file, read from its program headers as the
 * file streams past: virtual addresses mapped to file offsets and back. */
#include <elf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/elf_map.h"
#include "util/error.h"
#include "util/limits.h"

/* Field f of an ELF header or program header p, in the map's class. */
#define FIELD(m, p, T, f)                                                                          \
	elf_word((p) + ((m)->is64 ? offsetof(Elf64_##T, f) : offsetof(Elf32_##T, f)),              \
	         (m)->is64 ? sizeof(((Elf64_##T *)0)->f) : sizeof(((Elf32_##T *)0)->f), (m)->be)

uint64_t elf_word(const uint8_t *p, size_t w, bool be)
{
	uint64_t v = 0;
	for (size_t i = 0; i < w; i++)
		v = v << 8 | p[be ? i : w - 1 - i];
	return v;
}

/* Reads e_phoff, e_phentsize and e_phnum once the header is in, and
 * allocates the table (m->ph; NULL with m->why unset: out of memory). */
static void header(struct elf_map *m)
{
	const uint8_t *h = m->hdr;
	if (memcmp(h, ELFMAG, SELFMAG) != 0 ||
	    (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64) ||
	    (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)) {
		m->why = "not an ELF file";
		return;
	}
	m->is64 = h[EI_CLASS] == ELFCLASS64;
	m->be = h[EI_DATA] == ELFDATA2MSB;
	uint64_t phoff = FIELD(m, h, Ehdr, e_phoff), ent = FIELD(m, h, Ehdr, e_phentsize),
	         num = FIELD(m, h, Ehdr, e_phnum);
	/* PN_XNUM: the count moved to section header 0; only core files. */
	if (num == 0 || num == PN_XNUM)
		m->why = "no ELF program headers";
	else if (ent < (m->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		m->why = "ELF program header entries too short";
	else if (ent * num > LIMIT_ELF_PHDR_TABLE_BYTES)
		m->why = "ELF program header table too large";
	/* A table over the header would be read or not depending on chunking. */
	else if (phoff < (m->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		m->why = "ELF program headers overlap the ELF header";
	if (m->why || !(m->ph = malloc((size_t)(ent * num))))
		return;
	m->ph_off = phoff;
	m->ph_ent = (size_t)ent;
	m->ph_len = (size_t)(ent * num);
}

int elf_map_feed(struct elf_map *m, const uint8_t *d, size_t n, uint64_t off)
{
	if (m->ready || m->why)
		return 0;
	if (!m->ph) {
		size_t room = off < sizeof(m->hdr) ? sizeof(m->hdr) - (size_t)off : 0;
		size_t k = room < n ? room : n;
		memcpy(m->hdr + m->hdr_n, d, k);
		m->hdr_n += k;
		/* The class says how long the header is. */
		if (m->hdr_n <= EI_CLASS ||
		    m->hdr_n <
		        (m->hdr[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr)))
			return 0;
		header(m);
		if (m->why)
			return 0;
		if (!m->ph)
			return CUSTOMS_ENOMEM;
	}
	/* The part of [ph_off + ph_n, ph_off + ph_len) in this chunk. */
	uint64_t want = m->ph_off + m->ph_n, end = off + n;
	if (want < off) {
		m->why = "ELF program headers out of order";
		return 0;
	}
	if (want < end) {
		size_t k = m->ph_len - m->ph_n;
		if (end - want < k)
			k = (size_t)(end - want);
		memcpy(m->ph + m->ph_n, d + (want - off), k);
		m->ph_n += k;
	}
	m->ready = m->ph_n == m->ph_len;
	return 0;
}

size_t elf_map_count(const struct elf_map *m)
{
	return m->ready ? m->ph_len / m->ph_ent : 0;
}

bool elf_map_segment(const struct elf_map *m, size_t i, struct elf_seg *out)
{
	if (i >= elf_map_count(m))
		return false;
	const uint8_t *e = m->ph + i * m->ph_ent;
	if (FIELD(m, e, Phdr, p_type) != PT_LOAD)
		return false;
	*out = (struct elf_seg){
	    .off = FIELD(m, e, Phdr, p_offset),
	    .va = FIELD(m, e, Phdr, p_vaddr),
	    .size = FIELD(m, e, Phdr, p_filesz),
	    .writable = FIELD(m, e, Phdr, p_flags) & PF_W,
	};
	return true;
}

/* Maps the n bytes at x from one side of segments to the other: from
 * virtual addresses to file offsets when to_file, else back. */
static bool map(const struct elf_map *m, uint64_t x, uint64_t n, bool to_file, uint64_t *out)
{
	struct elf_seg g;
	for (size_t i = 0; i < elf_map_count(m); i++) {
		uint64_t from, to, d, r, end;
		if (!elf_map_segment(m, i, &g))
			continue;
		from = to_file ? g.va : g.off;
		to = to_file ? g.off : g.va;
		if (x < from || (d = x - from) > g.size || n > g.size - d)
			continue;
		/* Hostile segments may wrap around: the result must not. */
		if (__builtin_add_overflow(to, d, &r) || __builtin_add_overflow(r, n, &end))
			continue;
		*out = r;
		return true;
	}
	return false;
}

bool elf_map_offset(const struct elf_map *m, uint64_t va, uint64_t n, uint64_t *out)
{
	return map(m, va, n, true, out);
}

bool elf_map_vaddr(const struct elf_map *m, uint64_t off, uint64_t n, uint64_t *out)
{
	return map(m, off, n, false, out);
}

void elf_map_free(struct elf_map *m)
{
	if (m)
		free(m->ph);
}
