/* Go binaries: the build info the linker embeds ("\xff Go buildinf:" then
 * the Go version and module list), found while streaming any ELF file. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/elf_map.h"
#include "analyze/lang.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

static const char magic[] = "\xff Go buildinf:";
#define MAGIC_LEN  14
#define HEADER_LEN 32
/* cmd/go wraps the module info in 16-byte sentinels. */
#define SENTINEL_LEN 16
static const uint8_t info_start[SENTINEL_LEN] = {0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
                                                 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
static const uint8_t info_end[SENTINEL_LEN] = {0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
                                               0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};

/* A uvarint at d[*off..len); false when truncated or too long. */
static bool uvarint(const uint8_t *d, size_t len, size_t *off, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64 && *off < len; shift += 7) {
		uint8_t b = d[(*off)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

/* The two inline strings after the header: [*v, *vn) the Go version and
 * [*m, *mn) the module info. 1 when complete, 0 when more bytes are needed,
 * CUSTOMS_EINVAL or CUSTOMS_EUNSUPPORTED (pre-1.18 pointer format). */
static int split(const uint8_t *d, size_t len, const uint8_t **v, size_t *vn, const uint8_t **m,
                 size_t *mn)
{
	if (len < HEADER_LEN)
		return 0;
	if (memcmp(d, magic, MAGIC_LEN) != 0)
		return CUSTOMS_EINVAL;
	if (!(d[15] & 2))
		return CUSTOMS_EUNSUPPORTED;
	size_t off = HEADER_LEN;
	uint64_t n;
	if (!uvarint(d, len, &off, &n))
		return len - HEADER_LEN >= 10 ? CUSTOMS_EINVAL : 0;
	if (n > LIMIT_GO_BUILDINFO_BYTES)
		return CUSTOMS_EINVAL;
	if (len - off < n)
		return 0;
	*v = d + off;
	*vn = (size_t)n;
	off += (size_t)n;
	if (!uvarint(d, len, &off, &n))
		return len - off >= 10 ? CUSTOMS_EINVAL : 0;
	if (n > LIMIT_GO_BUILDINFO_BYTES)
		return CUSTOMS_EINVAL;
	if (len - off < n)
		return 0;
	*m = d + off;
	*mn = (size_t)n;
	return 1;
}

/* "go1.21.5 X:boringcrypto" -> "v1.21.5", the stdlib version OSV uses. */
static int add_stdlib(struct package_list *out, const char *v, size_t n, const char *path,
                      customs_error *err)
{
	const char *sp = memchr(v, ' ', n);
	if (sp)
		n = (size_t)(sp - v);
	if (n < 3 || memcmp(v, "go", 2) != 0 || !lang_usable(v + 2, n - 2))
		return 0;
	char *ver = NULL;
	if (asprintf(&ver, "v%.*s", (int)(n - 2), v + 2) < 0)
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	int rc = lang_add_str(NULL, out, "golang", "stdlib", ver, path, err);
	free(ver);
	return rc;
}

/* One "mod", "dep" or "=>" line after its tag: path TAB version [TAB sum]. */
static bool fields(const char *s, size_t n, const char **p, size_t *pn, const char **v, size_t *vn)
{
	const char *tab = memchr(s, '\t', n);
	if (!tab)
		return false;
	*p = s;
	*pn = (size_t)(tab - s);
	*v = tab + 1;
	*vn = n - *pn - 1;
	const char *tab2 = memchr(*v, '\t', *vn);
	if (tab2)
		*vn = (size_t)(tab2 - *v);
	return lang_usable(*p, *pn);
}

static int modinfo(struct package_list *out, const char *s, size_t n, const char *path,
                   customs_error *err)
{
	const char *end = s + n;
	int rc = 0;
	/* Whether the last record was a dep a "=>" line may replace. */
	bool last_dep = false;
	while (s < end && !rc) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *l = s, *e = nl ? nl : end;
		s = nl ? nl + 1 : end;
		size_t ln = (size_t)(e - l);
		const char *mp, *mv;
		size_t mpn, mvn;
		bool is_mod = mem_has_prefix(l, ln, "mod\t"),
		     is_dep = mem_has_prefix(l, ln, "dep\t");
		bool is_rep = mem_has_prefix(l, ln, "=>\t");
		if (!is_mod && !is_dep && !is_rep) {
			last_dep = false;
			continue;
		}
		size_t skip = is_rep ? 3 : 4;
		if (!fields(l + skip, ln - skip, &mp, &mpn, &mv, &mvn)) {
			last_dep = false;
			continue;
		}
		if (is_rep) {
			/* The replacement is what was built; a local folder (no version)
			 * is the program's own code, not a module from a proxy. */
			if (last_dep)
				package_list_pop(out);
			if (last_dep && lang_usable(mv, mvn))
				rc = lang_add(NULL, out, "golang", mp, mpn, mv, mvn, path, err);
			last_dep = false;
			continue;
		}
		last_dep = false;
		/* "(devel)": a main module built from a checkout has no version. */
		if (!lang_usable(mv, mvn) || (mvn == 7 && memcmp(mv, "(devel)", 7) == 0))
			continue;
		rc = lang_add(NULL, out, "golang", mp, mpn, mv, mvn, path, err);
		last_dep = is_dep && !rc;
	}
	return rc;
}

/* Keeps the last cap bytes of the stream in tail (*n used), after the
 * chunk d[0..len): a pattern of cap + 1 bytes split over chunks is then
 * found in tail joined to the next chunk's head. */
static void keep_tail(uint8_t *tail, size_t *n, size_t cap, const uint8_t *d, size_t len)
{
	size_t keep = len < cap ? len : cap;
	if (*n + keep > cap) {
		size_t drop = *n + keep - cap;
		memmove(tail, tail + drop, *n - drop);
		*n -= drop;
	}
	memcpy(tail + *n, d + len - keep, keep);
	*n += keep;
}

/* --- before Go 1.18: the Go version the header points at ---
 *
 * The header's first pointer is the address of runtime.buildVersion, a
 * string header (data pointer, length) in .data; the bytes are in .rodata.
 * A stream has passed .rodata when the header comes, and .data before or
 * after it depending on the linker (Go's own puts .go.buildinfo first in the
 * data segment; an external linker after .data). So, with the ELF program
 * headers to turn addresses into file offsets, the stream remembers the
 * strings that look like a Go release name and the string headers pointing
 * at one of them; the header then picks the string header at its pointer,
 * or none: a version is never guessed. */

/* Bytes from a "go1." on that decide its length: the longest name, then
 * "beta" and a digit that would make it longer. */
#define VER_NEED (LIMIT_GO_VERSION_BYTES + 6)

/* A release name at file offset off and virtual address va, n bytes; as a
 * string header found pointing at it, that header's file offset in at. */
struct go_str {
	uint64_t off, va, at;
	size_t n;
	char s[LIMIT_GO_VERSION_BYTES];
};

/* The newest LIMIT_GO_VERSION_CANDIDATES of them. */
struct go_ring {
	struct go_str v[LIMIT_GO_VERSION_CANDIDATES];
	size_t n, next;
};

struct go_version {
	struct elf_map map;
	struct go_ring strs, hdrs;
	/* The file offset of the string header the build info points at, once
	 * known; why, when it cannot be known. */
	uint64_t target;
	bool has_target;
	const char *why;
	/* For matches across chunks, as for the magic: a name, and a string
	 * header of two 8-byte pointers. */
	uint8_t str_tail[VER_NEED - 1], hdr_tail[2 * 8 - 1];
	size_t str_tail_n, hdr_tail_n;
};

static void remember(struct go_ring *r, const struct go_str *s)
{
	r->v[r->next] = *s;
	r->next = (r->next + 1) % LIMIT_GO_VERSION_CANDIDATES;
	if (r->n < LIMIT_GO_VERSION_CANDIDATES)
		r->n++;
}

/* The index of the first byte at or after i in p[0..n) that is no digit. */
static size_t digits(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i;
}

/* The length of the release name go1.N[.N][rcN|betaN] at p ("go1." known),
 * VER_NEED bytes in view; 0 when none or longer than a name can be. */
static size_t version_len(const uint8_t *p)
{
	static const char *const pre[] = {"rc", "beta"};
	size_t i = digits(p, VER_NEED, 4), j;
	if (i == 4)
		return 0;
	if (i < VER_NEED && p[i] == '.' && (j = digits(p, VER_NEED, i + 1)) > i + 1)
		i = j;
	for (size_t k = 0; k < 2 && i <= LIMIT_GO_VERSION_BYTES; k++) {
		size_t pl = strlen(pre[k]);
		if (memcmp(p + i, pre[k], pl) == 0 && (j = digits(p, VER_NEED, i + pl)) > i + pl) {
			i = j;
			break;
		}
	}
	return i <= LIMIT_GO_VERSION_BYTES ? i : 0;
}

/* A search of the file bytes at d (from file offset base) for matches that
 * start in d[0..end), with the scan's `need` bytes in view from each. */
typedef void (*scan_fn)(struct go_version *v, const uint8_t *d, uint64_t base, size_t end);

/* The release names: those the program headers map (read before them, so
 * the result does not depend on chunk sizes). */
static void find_strings(struct go_version *v, const uint8_t *d, uint64_t base, size_t end)
{
	/* memchr and a compare: many times faster than memmem on so short a
	 * needle, and this runs over every ELF file. */
	for (const uint8_t *p = d; (p = memchr(p, 'g', (size_t)(d + end - p))); p++) {
		struct go_str c = {.off = base + (uint64_t)(p - d)};
		uint64_t back;
		if (memcmp(p, "go1.", 4) != 0 || !(c.n = version_len(p)))
			continue;
		if (c.off >= v->map.ph_off + v->map.ph_len &&
		    elf_map_vaddr(&v->map, c.off, c.n, &c.va) &&
		    elf_map_offset(&v->map, c.va, c.n, &back) && back == c.off) {
			/* With what follows: a GOEXPERIMENT suffix, if the header's
			 * length takes it in (see with_experiments). */
			memcpy(c.s, p, sizeof(c.s));
			remember(&v->strs, &c);
		}
	}
}

/* Whether the n bytes of name c (with what followed it) are its release
 * name plus a GOEXPERIMENT suffix, as a toolchain built with experiments
 * writes its version ("go1.16.15 X:regabi,fieldtrack"). */
static bool with_experiments(const struct go_str *c, uint64_t n)
{
	if (n > sizeof(c->s) || n <= c->n + 3 || memcmp(c->s + c->n, " X:", 3) != 0)
		return false;
	for (size_t i = c->n + 3; i < n; i++)
		if (!((c->s[i] >= 'a' && c->s[i] <= 'z') || (c->s[i] >= '0' && c->s[i] <= '9') ||
		      c->s[i] == ','))
			return false;
	return true;
}

/* Pointer-aligned string headers (pointer, length) in writable segments (a
 * Go variable's) that point at a remembered name of that length, found
 * before them (so whatever the chunk sizes); once the target is known,
 * only the one there. */
static void find_headers(struct go_version *v, const uint8_t *d, uint64_t base, size_t end)
{
	size_t w = v->map.is64 ? 8 : 4;
	struct elf_seg g;
	for (size_t s = 0; s < elf_map_count(&v->map) && v->strs.n; s++) {
		if (!elf_map_segment(&v->map, s, &g) || !g.writable || g.off >= base + end ||
		    (base >= g.off && base - g.off >= g.size))
			continue;
		uint64_t at = g.off > base ? g.off : base;
		at += (w - at % w) % w;
		for (; at < base + end && at - g.off < g.size; at += w) {
			const uint8_t *p = d + (at - base);
			uint64_t len = elf_word(p + w, w, v->map.be), va;
			if (len == 0 || len > LIMIT_GO_VERSION_BYTES ||
			    (v->has_target && at != v->target))
				continue;
			va = elf_word(p, w, v->map.be);
			for (size_t k = 0; k < v->strs.n; k++) {
				const struct go_str *c = &v->strs.v[k];
				if (c->va != va || (c->n != len && !with_experiments(c, len)) ||
				    c->off + VER_NEED > at)
					continue;
				struct go_str h = *c;
				h.n = (size_t)len;
				h.at = at;
				remember(&v->hdrs, &h);
				break;
			}
		}
	}
}

/* Runs fn over the chunk d[0..n) at file offset off so that each offset
 * of the stream starts a match in one call only, once need bytes from it
 * are in view: those in the previous chunks' last need - 1 bytes (tail)
 * joined to this chunk's head, then those in the chunk. */
static void scan(struct go_version *v, scan_fn fn, size_t need, uint8_t *tail, size_t *tail_n,
                 const uint8_t *d, size_t n, uint64_t off)
{
	uint8_t join[2 * VER_NEED];
	size_t hn = n < need - 1 ? n : need - 1, jn = *tail_n + hn;
	memcpy(join, tail, *tail_n);
	memcpy(join + *tail_n, d, hn);
	if (jn >= need)
		fn(v, join, off - *tail_n, *tail_n < jn - need + 1 ? *tail_n : jn - need + 1);
	if (n >= need)
		fn(v, d, off, n - need + 1);
	keep_tail(tail, tail_n, need - 1, d, n);
}

/* Feeds the file bytes d[0..n) at offset off (in order, from 0). */
static int version_feed(struct go_version *v, const uint8_t *d, size_t n, uint64_t off)
{
	if (elf_map_feed(&v->map, d, n, off))
		return CUSTOMS_ENOMEM;
	/* Nothing before the end of the program headers can match. */
	if (!v->map.ready)
		return 0;
	scan(v, find_strings, VER_NEED, v->str_tail, &v->str_tail_n, d, n, off);
	scan(v, find_headers, v->map.is64 ? 16 : 8, v->hdr_tail, &v->hdr_tail_n, d, n, off);
	return 0;
}

/* Sets v->target from the old-format header h (HEADER_LEN bytes: pointer
 * size, byte order, then the pointer), or v->why. */
static void version_target(struct go_version *v, const uint8_t *h)
{
	size_t w = h[14];
	bool be = h[15] & 1;
	if (v->has_target || v->why)
		return;
	if (!v->map.ready)
		v->why = v->map.why ? v->map.why : "ELF program headers missing";
	else if (w != (v->map.is64 ? 8u : 4u) || be != v->map.be)
		v->why = "build info pointer size or byte order differs from the ELF file's";
	else if (!elf_map_offset(&v->map, elf_word(h + 16, w, be), 2 * w, &v->target))
		v->why = "build info points outside the file's loaded segments";
	else
		v->has_target = true;
}

/* The version the old-format header h points at, the file streamed up to
 * offset seen; NULL with *why set when it is not known. */
static const struct go_str *version_find(struct go_version *v, const uint8_t *h, uint64_t seen,
                                         const char **why)
{
	version_target(v, h);
	if (v->why) {
		*why = v->why;
		return NULL;
	}
	for (size_t k = 0; k < v->hdrs.n; k++)
		if (v->hdrs.v[k].at == v->target)
			return &v->hdrs.v[k];
	if (seen < v->target + (v->map.is64 ? 16u : 8u))
		*why = "the file ends before the version the build info points at";
	else
		*why = "no Go version string where the build info points";
	return NULL;
}

static void version_free(struct go_version *v)
{
	if (v)
		elf_map_free(&v->map);
	free(v);
}

/* Before Go 1.18 the header points at the strings: the version is the one
 * the stream found through v (NULL: only the header is known), the module
 * list is found by its sentinels (mod, the bytes between them, or NULL). */
static int old_format(struct package_list *out, const char *path, const uint8_t *hdr,
                      struct go_version *v, uint64_t seen, const uint8_t *mod, size_t mn,
                      struct warn_list *warnings, customs_error *err)
{
	size_t n0 = out->n;
	const char *why = "only the build info header was read";
	const struct go_str *ver = v ? version_find(v, hdr, seen, &why) : NULL;
	int rc = 0;
	if (ver)
		rc = add_stdlib(out, ver->s, ver->n, path, err);
	else
		warn_add(warnings, "%s: Go older than 1.18: %s, Go version unknown (%s; no stdlib)",
		         path, mod ? "modules read" : "no module list", why);
	if (!rc && mod)
		rc = modinfo(out, (const char *)mod, mn, path, err);
	return lang_finish(out, n0, rc);
}

/* The bytes between the first pair of sentinels in d[0..len), or NULL. */
static const uint8_t *find_modinfo(const uint8_t *d, size_t len, size_t *n)
{
	const uint8_t *a = memmem(d, len, info_start, SENTINEL_LEN);
	if (!a)
		return NULL;
	a += SENTINEL_LEN;
	const uint8_t *b = memmem(a, len - (size_t)(a - d), info_end, SENTINEL_LEN);
	if (!b || (size_t)(b - a) > LIMIT_GO_BUILDINFO_BYTES)
		return NULL;
	*n = (size_t)(b - a);
	return a;
}

/* go_buildinfo_parse, with what the pre-1.18 format needs from the rest of
 * the binary: v and seen for old_format, mod[0..mod_n) or NULL. */
static int parse_info(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                      struct go_version *v, uint64_t seen, const uint8_t *mod, size_t mod_n,
                      struct warn_list *warnings, customs_error *err)
{
	const uint8_t *vs = NULL, *m = NULL;
	size_t vn = 0, mn = 0, n0 = out->n;
	int rc = split(data, len, &vs, &vn, &m, &mn);
	if (rc == CUSTOMS_EUNSUPPORTED)
		return old_format(out, path, data, v, seen, mod, mod_n, warnings, err);
	if (rc == 0)
		return err_set(err, CUSTOMS_EINVAL, "%s: Go build info is truncated", path);
	if (rc < 0)
		return err_set(err, rc, "%s: malformed Go build info", path);
	rc = add_stdlib(out, (const char *)vs, vn, path, err);
	if (!rc && mn >= 2 * SENTINEL_LEN + 1 && m[mn - SENTINEL_LEN - 1] == '\n')
		rc = modinfo(out, (const char *)m + SENTINEL_LEN, mn - 2 * SENTINEL_LEN, path, err);
	else if (!rc && mn)
		rc = modinfo(out, (const char *)m, mn, path, err);
	return lang_finish(out, n0, rc);
}

int go_buildinfo_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err)
{
	return parse_info(out, path, data, len, NULL, 0, NULL, 0, warnings, err);
}

/* The header sits at a 16-byte aligned offset of the file. */
static const uint8_t *find_magic(const uint8_t *d, size_t len, uint64_t base)
{
	const uint8_t *p = d, *end = d + len;
	while (p < end) {
		const uint8_t *hit = memmem(p, (size_t)(end - p), magic, MAGIC_LEN);
		if (!hit)
			return NULL;
		if (((base + (uint64_t)(hit - d)) & 15) == 0)
			return hit;
		p = hit + 1;
	}
	return NULL;
}

int go_binary_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                    struct warn_list *warnings, customs_error *err)
{
	const uint8_t *hit = find_magic(data, len, 0);
	if (!hit)
		return err_set(err, CUSTOMS_ENOTFOUND, "%s: no Go build info", path);
	size_t mn = 0, at = (size_t)(hit - data);
	const uint8_t *mod = find_modinfo(data, len, &mn);
	struct go_version *v = NULL;
	/* The pre-1.18 format (flag bit 2 clear) needs the whole file. */
	if (len - at >= HEADER_LEN && !(hit[15] & 2) &&
	    (!(v = calloc(1, sizeof(*v))) || version_feed(v, data, len, 0))) {
		version_free(v);
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	}
	int rc = parse_info(out, path, hit, len - at, v, len, mod, mn, warnings, err);
	version_free(v);
	return rc;
}

/* --- streaming: any ELF file, scanned in order, the info captured --- */

struct go_stream {
	char *path;
	uint64_t off; /* file offset of the next chunk */
	bool not_elf, done, settled;
	uint8_t tail[MAGIC_LEN - 1]; /* the last bytes seen, for a magic across chunks */
	size_t tail_n;
	uint8_t *cap; /* from the magic on */
	size_t cap_n, cap_size;
	/* The module list between its sentinels, wherever it is: before Go
	 * 1.18 it sits in .rodata, before the header. */
	struct go_mod_capture {
		uint8_t tail[SENTINEL_LEN - 1]; /* for a start sentinel across chunks */
		size_t tail_n;
		uint8_t *d; /* from the start sentinel on */
		size_t n, size;
		bool done;
	} mod;
	struct go_version *ver; /* for the pre-1.18 format, from the ELF magic on */
};

static int go_open(void **state, const char *path, int64_t size, customs_error *err)
{
	(void)size;
	struct go_stream *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	}
	*state = s;
	return 0;
}

/* Appends d[0..n) to the growable buffer *buf (*len used of *size). */
static int append_bytes(uint8_t **buf, size_t *len, size_t *size, const uint8_t *d, size_t n)
{
	if (*len + n > *size) {
		size_t ns = *size ? *size : 16384;
		while (ns < *len + n)
			ns *= 2;
		uint8_t *p = realloc(*buf, ns);
		if (!p)
			return CUSTOMS_ENOMEM;
		*buf = p;
		*size = ns;
	}
	memcpy(*buf + *len, d, n);
	*len += n;
	return 0;
}

static int capture(struct go_stream *s, const uint8_t *d, size_t n, customs_error *err)
{
	size_t room = LIMIT_GO_BUILDINFO_BYTES - s->cap_n;
	if (n > room)
		n = room;
	if (append_bytes(&s->cap, &s->cap_n, &s->cap_size, d, n))
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", s->path);
	const uint8_t *v, *m;
	size_t vn, mn;
	/* Stop capturing as soon as both strings are in (or it is not info). */
	if (split(s->cap, s->cap_n, &v, &vn, &m, &mn) != 0 || s->cap_n == LIMIT_GO_BUILDINFO_BYTES)
		s->done = true;
	return 0;
}

/* Appends d[0..n) to the module capture, up to the limit; done at the end
 * sentinel. */
static int mod_append(struct go_mod_capture *m, const uint8_t *d, size_t n, const char *path,
                      customs_error *err)
{
	size_t room = 2 * SENTINEL_LEN + LIMIT_GO_BUILDINFO_BYTES - m->n;
	if (n >= room) {
		n = room;
		m->done = true; /* too long to be a module list: dropped at close */
	}
	size_t from = m->n > SENTINEL_LEN * 2 ? m->n - (SENTINEL_LEN - 1) : SENTINEL_LEN;
	if (append_bytes(&m->d, &m->n, &m->size, d, n))
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	/* The start sentinel itself may still be arriving in small chunks. */
	const uint8_t *end =
	    m->n > from ? memmem(m->d + from, m->n - from, info_end, SENTINEL_LEN) : NULL;
	if (end) {
		m->n = (size_t)(end - m->d) + SENTINEL_LEN;
		m->done = true;
	}
	return 0;
}

/* Looks for the module list's start sentinel, also across the boundary
 * with the previous chunk, and captures from there. */
static int mod_scan(struct go_mod_capture *m, const uint8_t *d, size_t n, const char *path,
                    customs_error *err)
{
	if (m->done)
		return 0;
	if (m->d)
		return mod_append(m, d, n, path, err);
	uint8_t join[2 * SENTINEL_LEN];
	size_t hn = n < SENTINEL_LEN ? n : SENTINEL_LEN;
	memcpy(join, m->tail, m->tail_n);
	memcpy(join + m->tail_n, d, hn);
	const uint8_t *hit = memmem(join, m->tail_n + hn, info_start, SENTINEL_LEN);
	int rc = 0;
	if (hit && hit < join + m->tail_n) {
		rc = mod_append(m, hit, (size_t)(join + m->tail_n - hit), path, err);
		return rc ? rc : mod_append(m, d, n, path, err);
	}
	if ((hit = memmem(d, n, info_start, SENTINEL_LEN)))
		return mod_append(m, hit, n - (size_t)(hit - d), path, err);
	/* Keep the last bytes for a sentinel split over two chunks. */
	keep_tail(m->tail, &m->tail_n, sizeof(m->tail), d, n);
	return rc;
}

/* Looks for the build info's magic, also across the boundary with the
 * previous chunk, and captures from there. */
static int info_scan(struct go_stream *s, const uint8_t *d, size_t n, customs_error *err)
{
	int rc = 0;
	if (s->cap)
		return capture(s, d, n, err);
	/* A magic across the chunk boundary: the tail and the head joined. */
	uint8_t join[2 * MAGIC_LEN];
	size_t hn = n < MAGIC_LEN ? n : MAGIC_LEN;
	memcpy(join, s->tail, s->tail_n);
	memcpy(join + s->tail_n, d, hn);
	const uint8_t *hit = find_magic(join, s->tail_n + hn, s->off - s->tail_n);
	if (hit && hit < join + s->tail_n) {
		size_t pre = s->tail_n - (size_t)(hit - join);
		rc = capture(s, hit, pre, err);
		rc = rc ? rc : capture(s, d, n, err);
	} else if ((hit = find_magic(d, n, s->off))) {
		rc = capture(s, hit, n - (size_t)(hit - d), err);
	} else {
		keep_tail(s->tail, &s->tail_n, sizeof(s->tail), d, n);
	}
	return rc;
}

/* Whether the rest of the file can be skipped: the build info is in and,
 * in the pre-1.18 format, the stream has passed the string header it
 * points at (or that cannot be found). */
static bool settled(struct go_stream *s)
{
	struct go_version *v = s->ver;
	if (!s->done || (s->cap[15] & 2))
		return s->done;
	if (v->map.ready || v->map.why)
		version_target(v, s->cap);
	return v->why || (v->has_target && s->off >= v->target + (v->map.is64 ? 16u : 8u));
}

static int go_chunk(void *state, const uint8_t *d, size_t n, customs_error *err)
{
	struct go_stream *s = state;
	int rc = 0;
	if (s->not_elf || s->settled)
		return 0;
	if (s->off < SELFMAG) {
		/* The magic may come split over the first chunks: a file's data
		 * can start anywhere in the decompressed stream's buffers. */
		size_t k = n < SELFMAG - s->off ? n : (size_t)(SELFMAG - s->off);
		if (memcmp(d, ELFMAG + s->off, k) != 0) {
			s->not_elf = true;
			return 0;
		}
	}
	if ((!s->ver && !(s->ver = calloc(1, sizeof(*s->ver)))) ||
	    version_feed(s->ver, d, n, s->off))
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", s->path);
	if (!s->done &&
	    ((rc = mod_scan(&s->mod, d, n, s->path, err)) || (rc = info_scan(s, d, n, err))))
		return rc;
	s->off += n;
	s->settled = settled(s);
	return rc;
}

static void go_abort(void *state)
{
	struct go_stream *s = state;
	if (!s)
		return;
	free(s->cap);
	free(s->mod.d);
	version_free(s->ver);
	free(s->path);
	free(s);
}

static int go_close(void *state, struct file_result *out, struct warn_list *warnings,
                    customs_error *err)
{
	struct go_stream *s = state;
	int rc = 0;
	if (s->cap) {
		const uint8_t *mod = NULL;
		size_t mn = 0;
		if (s->mod.d && s->mod.done)
			mod = find_modinfo(s->mod.d, s->mod.n, &mn);
		rc = parse_info(&out->pkgs, s->path, s->cap, s->cap_n, s->ver, s->off, mod, mn,
		                warnings, err);
	}
	go_abort(s);
	return rc;
}

static const struct analyzer_stream_ops go_ops = {
    .open = go_open,
    .chunk = go_chunk,
    .close = go_close,
    .abort = go_abort,
};

static const struct path_rule go_rules[] = {
    {PATH_ALL_FILES, NULL},
};

const struct analyzer analyzer_golang = {
    .name = "golang",
    .rules = go_rules,
    .n_rules = 1,
    .max_file_size = 0,
    .stream = &go_ops,
    /* Only ELF files can hold what it looks for. */
    .magic = ELFMAG,
    .magic_len = SELFMAG,
};
