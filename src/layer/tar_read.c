/* The tar entries of a layer, read the way container runtimes read them (Go's
 * archive/tar, under containerd and moby): ustar, GNU and pax headers, long
 * names, base-256 numbers, the GNU sparse formats. What a runtime refuses we
 * refuse; what it would unpack is what the analyzers see. Entry data is
 * handed out in place, straight from the decompressed stream's buffers. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "layer/layer_internal.h"
#include "util/error.h"
#include "util/limits.h"

#define BLOCK 512

struct tbuf {
	char *p;
	size_t n, cap;
};

struct region {
	uint64_t off, len; /* logical offset and length of stored data */
};

/* What 'x', 'L' and 'K' headers say about the entry that follows. */
struct pending {
	struct tbuf path, linkpath, long_name, long_link, sparse_name, sparse_map;
	bool has_size, has_uid, has_gid, has_sparse_size;
	int64_t size, uid, gid, sparse_size;
	char sparse_major[4], sparse_minor[4];
	size_t sparse_map_items; /* GNU.sparse.offset/numbytes records (format 0.0) */
};

struct tar_reader {
	tar_source_fn source;
	void *ctx;
	const uint8_t *p; /* the current piece of the stream: p[pos..n) unread */
	size_t n, pos;
	bool end;
	uint64_t consumed;    /* tar bytes taken, for messages */
	uint8_t block[BLOCK]; /* a header that straddled two pieces */
	struct tbuf name, link, special;
	struct pending pend;
	/* The current entry's stored data and padding, not yet taken. */
	uint64_t data_left, pad;
	uint64_t data_pos; /* logical offset of the next byte (plain entries) */
	bool sparse;
	struct region *regions;
	size_t n_regions, regions_cap, region_i;
	uint64_t region_done;
};

/* Room for n bytes and a NUL; the bytes held are kept. */
static int tbuf_reserve(struct tbuf *b, size_t n, customs_error *err)
{
	if (n + 1 <= b->cap)
		return 0;
	size_t cap = n + 1 < 256 ? 256 : n + 1;
	char *q = realloc(b->p, cap);
	if (!q)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	b->p = q;
	b->cap = cap;
	return 0;
}

static int tbuf_set(struct tbuf *b, const void *p, size_t n, customs_error *err)
{
	int rc = tbuf_reserve(b, n, err);
	if (rc < 0)
		return rc;
	memcpy(b->p, p, n);
	b->p[n] = '\0';
	b->n = n;
	return 0;
}

static void tbuf_free(struct tbuf *b)
{
	free(b->p);
}

static int bad(struct tar_reader *t, customs_error *err, const char *what)
{
	return err_set(err, CUSTOMS_EINVAL, "tar header near byte %llu: %s",
	               (unsigned long long)t->consumed, what);
}

static int truncated(struct tar_reader *t, customs_error *err)
{
	return err_set(err, CUSTOMS_EINVAL, "tar stream truncated after %llu bytes",
	               (unsigned long long)t->consumed);
}

int tar_reader_new(struct tar_reader **out, tar_source_fn source, void *ctx, customs_error *err)
{
	struct tar_reader *t = calloc(1, sizeof(*t));
	if (!t)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	t->source = source;
	t->ctx = ctx;
	*out = t;
	return 0;
}

/* What an 'x' header says; a new one replaces it whole, as in Go. */
static void pax_clear(struct pending *p)
{
	p->path.n = p->linkpath.n = p->sparse_name.n = p->sparse_map.n = 0;
	p->has_size = p->has_uid = p->has_gid = p->has_sparse_size = false;
	p->sparse_major[0] = p->sparse_minor[0] = '\0';
	p->sparse_map_items = 0;
}

static void pending_clear(struct pending *p)
{
	pax_clear(p);
	p->long_name.n = p->long_link.n = 0;
}

void tar_reader_free(struct tar_reader *t)
{
	if (!t)
		return;
	struct pending *p = &t->pend;
	struct tbuf *bufs[] = {&t->name,      &t->link,        &t->special,
	                       &p->path,      &p->linkpath,    &p->long_name,
	                       &p->long_link, &p->sparse_name, &p->sparse_map};
	for (size_t i = 0; i < sizeof(bufs) / sizeof(*bufs); i++)
		tbuf_free(bufs[i]);
	free(t->regions);
	free(t);
}

/* ---------- bytes from the stream ---------- */

/* Unread bytes at hand: 1, 0 at the end of the stream, or a code. */
static int fill(struct tar_reader *t, customs_error *err)
{
	while (t->pos == t->n) {
		if (t->end)
			return 0;
		const uint8_t *p = NULL;
		size_t n = 0;
		int rc = t->source(t->ctx, &p, &n, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			t->end = true;
			return 0;
		}
		t->p = p;
		t->n = n;
		t->pos = 0;
	}
	return 1;
}

/* The next len bytes into dst (or dropped, dst NULL): 1, 0 when the stream
 * ended before the first of them, or a code (it ended in the middle). */
static int take(struct tar_reader *t, uint8_t *dst, uint64_t len, customs_error *err)
{
	uint64_t got = 0;
	while (got < len) {
		int rc = fill(t, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return got == 0 ? 0 : truncated(t, err);
		size_t k = t->n - t->pos;
		if (k > len - got)
			k = (size_t)(len - got);
		if (dst)
			memcpy(dst + got, t->p + t->pos, k);
		t->pos += k;
		t->consumed += k;
		got += k;
	}
	return 1;
}

/* take, where the stream ending first is truncation: 0 or a code. */
static int take_all(struct tar_reader *t, uint8_t *dst, uint64_t len, customs_error *err)
{
	int rc = take(t, dst, len, err);
	return rc == 0 ? truncated(t, err) : rc < 0 ? rc : 0;
}

/* Bytes of padding after n bytes of entry data. */
static uint64_t padding(uint64_t n)
{
	return (BLOCK - n % BLOCK) % BLOCK;
}

/* The next 512-byte block, in place when the piece holds it whole. */
static int next_block(struct tar_reader *t, const uint8_t **blk, customs_error *err)
{
	int rc = fill(t, err);
	if (rc <= 0)
		return rc;
	if (t->n - t->pos >= BLOCK) {
		*blk = t->p + t->pos;
		t->pos += BLOCK;
		t->consumed += BLOCK;
		return 1;
	}
	if ((rc = take(t, t->block, BLOCK, err)) <= 0)
		return rc;
	*blk = t->block;
	return 1;
}

/* ---------- header fields ---------- */

static bool all_zero(const uint8_t *b)
{
	static const uint8_t zero[BLOCK];
	return memcmp(b, zero, BLOCK) == 0;
}

/* Length up to the first NUL. */
static size_t field_len(const uint8_t *b, size_t len)
{
	const uint8_t *z = memchr(b, 0, len);
	return z ? (size_t)(z - b) : len;
}

/* Octal, padded with spaces and NULs on either side, as Go reads it. */
static bool parse_octal(const uint8_t *b, size_t len, int64_t *out)
{
	while (len && (b[0] == ' ' || b[0] == 0))
		b++, len--;
	while (len && (b[len - 1] == ' ' || b[len - 1] == 0))
		len--;
	len = field_len(b, len);
	uint64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (b[i] < '0' || b[i] > '7' || x >> 61)
			return false;
		x = x << 3 | (uint64_t)(b[i] - '0');
	}
	*out = (int64_t)x;
	return true;
}

/* GNU base-256 (high bit set; next bit is the sign), else octal. */
static bool parse_numeric(const uint8_t *b, size_t len, int64_t *out)
{
	if (!len || !(b[0] & 0x80))
		return parse_octal(b, len, out);
	uint8_t inv = (b[0] & 0x40) ? 0xff : 0;
	uint64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = b[i] ^ inv;
		if (i == 0)
			c &= 0x7f;
		if (x >> 56)
			return false;
		x = x << 8 | c;
	}
	if (x >> 63)
		return false;
	*out = inv ? ~(int64_t)x : (int64_t)x;
	return true;
}

/* Decimal as in pax records and sparse maps: digits only, no overflow. */
static bool parse_decimal(const char *s, size_t len, int64_t *out)
{
	uint64_t x = 0;
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || x > (uint64_t)INT64_MAX / 10)
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
		if (x > (uint64_t)INT64_MAX)
			return false;
	}
	*out = (int64_t)x;
	return true;
}

static bool checksum_ok(const uint8_t *b)
{
	int64_t want;
	if (!parse_octal(b + 148, 8, &want))
		return false;
	/* Sums of the whole block (plain loops: they vectorise), then the
	 * checksum field counted as spaces. */
	uint32_t u = 0;
	int32_t s = 0;
	for (size_t i = 0; i < BLOCK; i++)
		u += b[i];
	for (size_t i = 0; i < BLOCK; i++)
		s += (int8_t)b[i];
	for (size_t i = 148; i < 156; i++) {
		u += (uint32_t)' ' - b[i];
		s += ' ' - (int8_t)b[i];
	}
	return want == (int64_t)u || want == s;
}

enum format { FORMAT_V7, FORMAT_USTAR, FORMAT_STAR, FORMAT_GNU };

static enum format header_format(const uint8_t *b)
{
	if (memcmp(b + 257, "ustar\0", 6) == 0)
		return memcmp(b + 508, "tar\0", 4) == 0 ? FORMAT_STAR : FORMAT_USTAR;
	if (memcmp(b + 257, "ustar ", 6) == 0 && memcmp(b + 263, " \0", 2) == 0)
		return FORMAT_GNU;
	return FORMAT_V7;
}

/* Types with no data, whatever their size field says. */
static bool header_only(char type)
{
	return type >= '1' && type <= '6';
}

/* ---------- pax records ---------- */

static int pax_record(struct tar_reader *t, const char *k, size_t kn, const char *v, size_t vn,
                      customs_error *err)
{
	struct pending *p = &t->pend;
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
	bool has_nul = memchr(v, 0, vn) != NULL;
	if (KEY("path") || KEY("linkpath")) {
		if (has_nul)
			return bad(t, err, "NUL in a pax path");
		return tbuf_set(KEY("path") ? &p->path : &p->linkpath, v, vn, err);
	}
	if (KEY("GNU.sparse.offset") || KEY("GNU.sparse.numbytes")) {
		/* Format 0.0: offset and numbytes records alternate. */
		bool want_offset = p->sparse_map_items % 2 == 0;
		if (want_offset != KEY("GNU.sparse.offset") || memchr(v, ',', vn) || has_nul)
			return bad(t, err, "bad GNU sparse pax record");
		if (p->sparse_map_items++ == 0)
			p->sparse_map.n = 0;
		struct tbuf *m = &p->sparse_map;
		int rc = tbuf_reserve(m, m->n + 1 + vn, err);
		if (rc < 0)
			return rc;
		if (m->n)
			m->p[m->n++] = ',';
		memcpy(m->p + m->n, v, vn);
		m->n += vn;
		m->p[m->n] = '\0';
		return 0;
	}
	if (vn == 0)
		return 0; /* an empty value keeps the header's own */
	if (KEY("GNU.sparse.map") && p->sparse_map_items == 0)
		return tbuf_set(&p->sparse_map, v, vn, err);
	if (KEY("GNU.sparse.name"))
		return tbuf_set(&p->sparse_name, v, vn, err);
	if (KEY("GNU.sparse.major") || KEY("GNU.sparse.minor")) {
		char *dst = KEY("GNU.sparse.major") ? p->sparse_major : p->sparse_minor;
		size_t n = vn < sizeof(p->sparse_major) - 1 ? vn : sizeof(p->sparse_major) - 1;
		memcpy(dst, v, n);
		dst[n] = '\0';
		return 0;
	}
	int64_t x;
	bool *has = NULL;
	int64_t *dst = NULL;
	if (KEY("size"))
		has = &p->has_size, dst = &p->size;
	else if (KEY("uid"))
		has = &p->has_uid, dst = &p->uid;
	else if (KEY("gid"))
		has = &p->has_gid, dst = &p->gid;
	else if (KEY("GNU.sparse.size") || (KEY("GNU.sparse.realsize") && !p->has_sparse_size))
		has = &p->has_sparse_size, dst = &p->sparse_size;
	else
		return 0; /* times, names of owners, xattrs: not ours to check */
#undef KEY
	if (!parse_decimal(v, vn, &x))
		return bad(t, err, "bad number in a pax record");
	*has = true;
	*dst = x;
	return 0;
}

/* "<len> <key>=<value>\n" records, each len bytes long. */
static int pax_parse(struct tar_reader *t, const char *s, size_t n, customs_error *err)
{
	pax_clear(&t->pend);
	while (n > 0) {
		const char *sp = memchr(s, ' ', n < 20 ? n : 20);
		int64_t len;
		if (!sp || !parse_decimal(s, (size_t)(sp - s), &len) || len < 5 ||
		    (uint64_t)len > n)
			return bad(t, err, "bad pax record length");
		size_t rec = (size_t)len, head = (size_t)(sp - s) + 1;
		if (rec <= head || s[rec - 1] != '\n')
			return bad(t, err, "bad pax record");
		const char *kv = s + head, *eq = memchr(kv, '=', rec - head - 1);
		if (!eq || eq == kv || memchr(kv, 0, (size_t)(eq - kv)))
			return bad(t, err, "bad pax record");
		int rc = pax_record(t, kv, (size_t)(eq - kv), eq + 1,
		                    (size_t)(s + rec - 1 - eq - 1), err);
		if (rc < 0)
			return rc;
		s += rec;
		n -= rec;
	}
	return 0;
}

/* A special entry's data ('x', 'L', 'K') into t->special. */
static int read_special(struct tar_reader *t, int64_t size, customs_error *err)
{
	if (size > (int64_t)LIMIT_TAR_SPECIAL_BYTES)
		return bad(t, err, "pax header or long name over 1 MiB");
	int rc = tbuf_reserve(&t->special, (size_t)size, err);
	if (rc < 0 || (rc = take_all(t, (uint8_t *)t->special.p, (uint64_t)size, err)) < 0)
		return rc;
	t->special.p[size] = '\0';
	t->special.n = (size_t)size;
	return take_all(t, NULL, padding((uint64_t)size), err);
}

/* ---------- sparse files ---------- */

static int region_add(struct tar_reader *t, int64_t off, int64_t len, customs_error *err)
{
	if (t->n_regions >= LIMIT_SPARSE_REGIONS)
		return bad(t, err, "too many sparse regions");
	if (t->n_regions == t->regions_cap) {
		size_t cap = t->regions_cap ? t->regions_cap * 2 : 16;
		struct region *r = realloc(t->regions, cap * sizeof(*r));
		if (!r)
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		t->regions = r;
		t->regions_cap = cap;
	}
	if (off < 0 || len < 0)
		return bad(t, err, "negative sparse region");
	t->regions[t->n_regions++] = (struct region){(uint64_t)off, (uint64_t)len};
	return 0;
}

/* Old GNU sparse ('S'): n entries of offset[12] numbytes[12] at b; an entry
 * starting with NUL ends the list. */
static int old_sparse_entries(struct tar_reader *t, const uint8_t *b, size_t n, customs_error *err)
{
	for (size_t i = 0; i < n; i++, b += 24) {
		int64_t off, len;
		if (b[0] == 0)
			break;
		if (!parse_numeric(b, 12, &off) || !parse_numeric(b + 12, 12, &len))
			return bad(t, err, "bad GNU sparse entry");
		int rc = region_add(t, off, len, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The extension blocks of an old GNU sparse header, after the header itself. */
static int old_sparse_extensions(struct tar_reader *t, bool extended, customs_error *err)
{
	while (extended) {
		const uint8_t *b;
		int rc = next_block(t, &b, err);
		if (rc == 0)
			rc = truncated(t, err);
		if (rc < 0)
			return rc;
		extended = b[504] != 0;
		if ((rc = old_sparse_entries(t, b, 21, err)) < 0)
			return rc;
	}
	return 0;
}

/* Format 0.0 / 0.1: "offset,numbytes,offset,numbytes..." */
static int sparse_map_01(struct tar_reader *t, customs_error *err)
{
	const char *s = t->pend.sparse_map.p;
	size_t n = t->pend.sparse_map.n;
	int64_t v[2];
	int k = 0;
	while (n > 0) {
		const char *c = memchr(s, ',', n);
		size_t len = c ? (size_t)(c - s) : n;
		if (!parse_decimal(s, len, &v[k]))
			return bad(t, err, "bad GNU sparse map");
		if (++k == 2) {
			int rc = region_add(t, v[0], v[1], err);
			if (rc < 0)
				return rc;
			k = 0;
		}
		if (!c)
			break;
		s = c + 1;
		n -= len + 1;
		if (n == 0)
			return bad(t, err, "bad GNU sparse map");
	}
	return k == 0 ? 0 : bad(t, err, "odd GNU sparse map");
}

/* Format 1.0: the map is at the start of the data, as decimal lines padded
 * to whole blocks; they come out of the entry's stored size. */
static int sparse_map_10(struct tar_reader *t, customs_error *err)
{
	int64_t count = -1, pair[2], num = 0;
	size_t digits = 0;
	int k = 0;
	uint8_t b[BLOCK];
	while (count < 0 || t->n_regions < (uint64_t)count) {
		if (t->data_left < BLOCK)
			return bad(t, err, "GNU sparse map runs past the data");
		int rc = take_all(t, b, BLOCK, err);
		if (rc < 0)
			return rc;
		t->data_left -= BLOCK;
		for (size_t i = 0; i < BLOCK && (count < 0 || t->n_regions < (uint64_t)count);
		     i++) {
			if (b[i] != '\n') {
				if (b[i] < '0' || b[i] > '9' || num > (INT64_MAX - 9) / 10)
					return bad(t, err, "bad GNU sparse map");
				num = num * 10 + (b[i] - '0');
				digits++;
				continue;
			}
			if (!digits)
				return bad(t, err, "bad GNU sparse map");
			if (count < 0) {
				if (num > LIMIT_SPARSE_REGIONS)
					return bad(t, err, "too many sparse regions");
				count = num;
			} else {
				pair[k++] = num;
				if (k == 2 && (rc = region_add(t, pair[0], pair[1], err)) < 0)
					return rc;
				k %= 2;
			}
			num = 0;
			digits = 0;
		}
	}
	return 0;
}

/* Regions in order, inside the file, not overlapping, and covering exactly
 * the stored bytes. */
static int sparse_check(struct tar_reader *t, int64_t size, customs_error *err)
{
	uint64_t end = 0, stored = 0;
	if (size < 0)
		return bad(t, err, "negative sparse file size");
	for (size_t i = 0; i < t->n_regions; i++) {
		const struct region *r = &t->regions[i];
		if (r->off > (uint64_t)size || r->len > (uint64_t)size - r->off || r->off < end)
			return bad(t, err, "bad GNU sparse map");
		end = r->off + r->len;
		stored += r->len;
	}
	if (stored != t->data_left)
		return bad(t, err, "GNU sparse map does not match the stored data");
	return 0;
}

/* ---------- entries ---------- */

static enum tar_kind kind_of(char type, const struct tbuf *name)
{
	switch (type) {
	case '\0':
		/* Old archives mark folders by a trailing slash alone. */
		return name->n && name->p[name->n - 1] == '/' ? TAR_DIR : TAR_FILE;
	case '1':
		return TAR_HARDLINK;
	case '2':
		return TAR_SYMLINK;
	case '3':
	case '4':
	case '6':
		return TAR_OTHER;
	case '5':
	case 'D': /* GNU dump dir: its data is a listing */
		return TAR_DIR;
	case 'V': /* GNU volume label, multi-volume continuation, old long names */
	case 'M':
	case 'N':
		return TAR_OTHER;
	default:
		/* '0', '7', 'S' and, as POSIX says, unknown types. */
		return TAR_FILE;
	}
}

/* Names from the header: ustar's prefix joins the name; STAR has a shorter
 * prefix; GNU and v7 none. */
static int header_names(struct tar_reader *t, const uint8_t *b, enum format f, customs_error *err)
{
	size_t nl = field_len(b, 100), pl = 0;
	const uint8_t *prefix = b + 345;
	if (f == FORMAT_USTAR)
		pl = field_len(prefix, 155);
	else if (f == FORMAT_STAR)
		pl = field_len(prefix, 131);
	int rc;
	if (pl) {
		char joined[155 + 1 + 100];
		memcpy(joined, prefix, pl);
		joined[pl] = '/';
		memcpy(joined + pl + 1, b, nl);
		rc = tbuf_set(&t->name, joined, pl + 1 + nl, err);
	} else {
		rc = tbuf_set(&t->name, b, nl, err);
	}
	if (rc < 0)
		return rc;
	return tbuf_set(&t->link, b + 157, field_len(b + 157, 100), err);
}

/* pax and GNU overrides, in Go's order: pax, then GNU long names, then the
 * sparse name. */
static int apply_pending(struct tar_reader *t, customs_error *err)
{
	struct pending *p = &t->pend;
	int rc = 0;
	if (p->path.n)
		rc = tbuf_set(&t->name, p->path.p, p->path.n, err);
	if (!rc && p->long_name.n)
		rc = tbuf_set(&t->name, p->long_name.p, p->long_name.n, err);
	if (!rc && p->linkpath.n)
		rc = tbuf_set(&t->link, p->linkpath.p, p->linkpath.n, err);
	if (!rc && p->long_link.n)
		rc = tbuf_set(&t->link, p->long_link.p, p->long_link.n, err);
	return rc;
}

/* Sets up the sparse regions of a file entry, if it is sparse: *size becomes
 * the logical size. */
static int setup_sparse(struct tar_reader *t, const uint8_t *b, char type, int64_t *size,
                        customs_error *err)
{
	struct pending *p = &t->pend;
	t->n_regions = 0;
	if (type == 'S') {
		int64_t real;
		if (header_format(b) != FORMAT_GNU)
			return bad(t, err, "GNU sparse entry in a non-GNU header");
		if (!parse_numeric(b + 483, 12, &real))
			return bad(t, err, "bad GNU sparse size");
		bool extended = b[482] != 0;
		/* b may point into the stream's piece: read it before the
		 * extension blocks move on. */
		int rc = old_sparse_entries(t, b + 386, 4, err);
		if (rc < 0 || (rc = old_sparse_extensions(t, extended, err)) < 0)
			return rc;
		*size = real;
	} else {
		bool v10;
		const char *maj = p->sparse_major, *min = p->sparse_minor;
		if (strcmp(maj, "0") == 0 && (strcmp(min, "0") == 0 || strcmp(min, "1") == 0))
			v10 = false;
		else if (strcmp(maj, "1") == 0 && strcmp(min, "0") == 0)
			v10 = true;
		else if (maj[0] || min[0])
			return 0; /* an unknown sparse version: Go reads it as stored */
		else if (p->sparse_map.n)
			v10 = false;
		else
			return 0;
		if (header_only(type))
			return bad(t, err, "sparse map on an entry without data");
		if (p->sparse_name.n) {
			int rc = tbuf_set(&t->name, p->sparse_name.p, p->sparse_name.n, err);
			if (rc < 0)
				return rc;
		}
		if (p->has_sparse_size)
			*size = p->sparse_size;
		int rc = v10 ? sparse_map_10(t, err) : sparse_map_01(t, err);
		if (rc < 0)
			return rc;
	}
	int rc = sparse_check(t, *size, err);
	if (rc < 0)
		return rc;
	t->sparse = true;
	t->region_i = 0;
	t->region_done = 0;
	return 0;
}

int tar_next(struct tar_reader *t, struct tar_entry *e, customs_error *err)
{
	int rc;
	/* What the last entry left unread, and its padding. */
	if ((rc = take_all(t, NULL, t->data_left + t->pad, err)) < 0)
		return rc;
	t->data_left = t->pad = t->data_pos = 0;
	t->sparse = false;
	pending_clear(&t->pend);
	for (;;) {
		const uint8_t *b;
		if ((rc = next_block(t, &b, err)) <= 0)
			return rc; /* the stream may end without the zero blocks */
		if (all_zero(b)) {
			/* Two zero blocks end the archive; one at the very end too. */
			if ((rc = next_block(t, &b, err)) <= 0)
				return rc;
			if (all_zero(b))
				return 0;
			return bad(t, err, "a zero block followed by a header");
		}
		if (!checksum_ok(b))
			return bad(t, err, "checksum mismatch (not a tar header)");
		enum format f = header_format(b);
		int64_t mode, uid, gid, size, mtime;
		if (!parse_numeric(b + 100, 8, &mode) || !parse_numeric(b + 108, 8, &uid) ||
		    !parse_numeric(b + 116, 8, &gid) || !parse_numeric(b + 124, 12, &size) ||
		    !parse_numeric(b + 136, 12, &mtime))
			return bad(t, err, "bad number");
		char type = (char)b[156];
		if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
			if (size < 0)
				return bad(t, err, "negative size");
			if (type == 'g') {
				/* Runtimes ignore global headers. */
				uint64_t n = (uint64_t)size + padding((uint64_t)size);
				if ((rc = take_all(t, NULL, n, err)) < 0)
					return rc;
				continue;
			}
			if ((rc = read_special(t, size, err)) < 0)
				return rc;
			const char *s = t->special.p;
			size_t n = t->special.n;
			if (type == 'x')
				rc = pax_parse(t, s, n, err);
			else
				rc = tbuf_set(type == 'L' ? &t->pend.long_name : &t->pend.long_link,
				              s, strnlen(s, n), err);
			if (rc < 0)
				return rc;
			continue;
		}
		if ((rc = header_names(t, b, f, err)) < 0 || (rc = apply_pending(t, err)) < 0)
			return rc;
		if (t->pend.has_size)
			size = t->pend.size;
		if (t->pend.has_uid)
			uid = t->pend.uid;
		if (t->pend.has_gid)
			gid = t->pend.gid;
		if (size < 0)
			return bad(t, err, "negative size");
		t->data_left = header_only(type) ? 0 : (uint64_t)size;
		t->pad = padding(t->data_left);
		int64_t logical = size;
		if (!header_only(type) && (type == 'S' || t->pend.sparse_major[0] ||
		                           t->pend.sparse_minor[0] || t->pend.sparse_map.n)) {
			if ((rc = setup_sparse(t, b, type, &logical, err)) < 0)
				return rc;
		}
		e->kind = kind_of(type, &t->name);
		e->name = t->name.p;
		e->linkname = t->link.p;
		e->mode = (uint32_t)(mode & 07777);
		if (e->kind == TAR_FILE)
			e->mode |= S_IFREG;
		else if (e->kind == TAR_DIR)
			e->mode |= S_IFDIR;
		e->size = header_only(type) ? 0 : logical;
		e->uid = uid;
		e->gid = gid;
		return 1;
	}
}

int tar_read_data(void *reader, const uint8_t **data, size_t *len, int64_t *offset,
                  customs_error *err)
{
	struct tar_reader *t = reader;
	uint64_t want = t->data_left, at = t->data_pos;
	if (t->sparse) {
		while (t->region_i < t->n_regions &&
		       t->region_done == t->regions[t->region_i].len) {
			t->region_i++;
			t->region_done = 0;
		}
		if (t->region_i == t->n_regions)
			return 0;
		const struct region *r = &t->regions[t->region_i];
		want = r->len - t->region_done;
		at = r->off + t->region_done;
	}
	if (want == 0)
		return 0;
	int rc = fill(t, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return truncated(t, err);
	size_t k = t->n - t->pos;
	if (k > want)
		k = (size_t)want;
	*data = t->p + t->pos;
	*len = k;
	*offset = (int64_t)at;
	t->pos += k;
	t->consumed += k;
	t->data_left -= k;
	if (t->sparse)
		t->region_done += k;
	else
		t->data_pos += k;
	return 1;
}
