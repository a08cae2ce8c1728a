/* Go binaries: the build info the linker embeds ("\xff Go buildinf:" then
 * the Go version and module list), found while streaming any ELF file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Before Go 1.18 the header points at the strings (in .rodata, which a
 * stream has passed by then): the module list is still found by its
 * sentinels (mod, the bytes between them, or NULL), the Go version is not. */
static int old_format(struct package_list *out, const char *path, const uint8_t *mod, size_t mn,
                      struct warn_list *warnings, customs_error *err)
{
	size_t n0 = out->n;
	if (!mod) {
		warn_add(warnings,
		         "%s: Go build info of a Go older than 1.18 without a module list", path);
		return 0;
	}
	warn_add(warnings, "%s: Go older than 1.18: modules read, Go version unknown (no stdlib)",
	         path);
	return lang_finish(out, n0, modinfo(out, (const char *)mod, mn, path, err));
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

/* go_buildinfo_parse, with mod[0..mn) the module list found elsewhere in
 * the binary (for the pre-1.18 format), or NULL. */
static int parse_info(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                      const uint8_t *mod, size_t mod_n, struct warn_list *warnings,
                      customs_error *err)
{
	const uint8_t *v = NULL, *m = NULL;
	size_t vn = 0, mn = 0, n0 = out->n;
	int rc = split(data, len, &v, &vn, &m, &mn);
	if (rc == CUSTOMS_EUNSUPPORTED)
		return old_format(out, path, mod, mod_n, warnings, err);
	if (rc == 0)
		return err_set(err, CUSTOMS_EINVAL, "%s: Go build info is truncated", path);
	if (rc < 0)
		return err_set(err, rc, "%s: malformed Go build info", path);
	rc = add_stdlib(out, (const char *)v, vn, path, err);
	if (!rc && mn >= 2 * SENTINEL_LEN + 1 && m[mn - SENTINEL_LEN - 1] == '\n')
		rc = modinfo(out, (const char *)m + SENTINEL_LEN, mn - 2 * SENTINEL_LEN, path, err);
	else if (!rc && mn)
		rc = modinfo(out, (const char *)m, mn, path, err);
	return lang_finish(out, n0, rc);
}

int go_buildinfo_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err)
{
	return parse_info(out, path, data, len, NULL, 0, warnings, err);
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
	size_t mn = 0;
	const uint8_t *mod = find_modinfo(data, len, &mn);
	return parse_info(out, path, hit, len - (size_t)(hit - data), mod, mn, warnings, err);
}

/* --- streaming: any ELF file, scanned in order, the info captured --- */

struct go_stream {
	char *path;
	uint64_t off; /* file offset of the next chunk */
	bool not_elf, done;
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

static int go_chunk(void *state, const uint8_t *d, size_t n, customs_error *err)
{
	struct go_stream *s = state;
	int rc = 0;
	if (s->not_elf || (s->done && s->cap))
		return 0;
	if (s->off == 0 && (n < 4 || memcmp(d,
	                                    "\x7f"
	                                    "ELF",
	                                    4) != 0)) {
		/* Chunks are at least 4 bytes unless the file is shorter. */
		s->not_elf = true;
		return 0;
	}
	if ((rc = mod_scan(&s->mod, d, n, s->path, err)))
		return rc;
	if (s->cap) {
		rc = capture(s, d, n, err);
	} else {
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
	}
	s->off += n;
	return rc;
}

static void go_abort(void *state)
{
	struct go_stream *s = state;
	if (!s)
		return;
	free(s->cap);
	free(s->mod.d);
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
		rc = parse_info(&out->pkgs, s->path, s->cap, s->cap_n, mod, mn, warnings, err);
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
};
