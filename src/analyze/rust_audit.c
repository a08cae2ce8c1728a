/* Rust binaries built with cargo-auditable: the ELF section .dep-v0 holds the
 * crate list as zlib-compressed JSON. The section table sits at the end of
 * the file, after the section's bytes have streamed past, so the stream is
 * searched as it goes for a zlib stream that inflates to {"packages": (a
 * two-byte header test rejects almost every offset, a short trial inflate
 * the rest); the section table, kept as it passes, then confirms that the
 * match is the .dep-v0 section. Memory per file: the section table and the
 * inflated JSON, never the binary. */
#include <elf.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/elf_map.h"
#include "analyze/lang.h"
#include "util/error.h"
#include "util/limits.h"

#define SECTION    ".dep-v0"
#define PREFIX     "{\"packages\":"
#define PREFIX_LEN (sizeof(PREFIX) - 1)
/* Input a real section needs to yield PREFIX: the zlib header, a dynamic
 * Huffman table (at most a few hundred bytes) and the first literals. */
#define TRIAL_INPUT 4096
/* Linkers put .shstrtab just before the section table: kept to read names. */
#define NAMES_WINDOW 65536
#define MAX_PENDING  16
#define ELF_HEADER   64

/* A view of the file bytes [base, base + len). */
struct elf {
	const uint8_t *d;
	uint64_t base, len;
	bool is64, be;
};

static bool in_view(const struct elf *e, uint64_t off, uint64_t n)
{
	return off >= e->base && off - e->base <= e->len && n <= e->len - (off - e->base);
}

/* Reads w bytes at file offset off; the caller checked in_view. */
static uint64_t rd(const struct elf *e, uint64_t off, size_t w)
{
	return elf_word(e->d + (off - e->base), w, e->be);
}

/* The section table fields of the ELF header. */
struct sections {
	uint64_t shoff, shentsize, shnum, shstrndx;
};

static struct sections header_sections(const struct elf *h)
{
	size_t w = h->is64 ? 8 : 4;
	return (struct sections){
	    .shoff = rd(h, h->is64 ? 40 : 32, w),
	    .shentsize = rd(h, h->is64 ? 58 : 46, 2),
	    .shnum = rd(h, h->is64 ? 60 : 48, 2),
	    .shstrndx = rd(h, h->is64 ? 62 : 50, 2),
	};
}

/* Confirms that a section starts at file offset at and is called SECTION
 * (when the names are in view); *size is its size. CUSTOMS_ENOTFOUND when
 * no such section, CUSTOMS_EINVAL when the table is broken or cut off. */
static int confirm_section(uint64_t *size, const struct elf *e, struct sections t, uint64_t at,
                           const char *path, customs_error *err)
{
	size_t w = e->is64 ? 8 : 4;
	uint64_t want = e->is64 ? 64 : 40, end;
	if (t.shoff == 0)
		return err_set(err, CUSTOMS_ENOTFOUND, "%s: no section headers", path);
	if (t.shentsize < want || !in_view(e, t.shoff, t.shentsize))
		return err_set(err, CUSTOMS_EINVAL, "%s: section headers outside the file", path);
	/* Past 0xff00 sections, the counts move into section header 0. */
	if (t.shnum == 0)
		t.shnum = rd(e, t.shoff + (e->is64 ? 32 : 20), w);
	if (t.shstrndx == 0xffff)
		t.shstrndx = rd(e, t.shoff + (e->is64 ? 44 : 28), 4);
	if (__builtin_mul_overflow(t.shnum, t.shentsize, &end) || !in_view(e, t.shoff, end) ||
	    t.shstrndx >= t.shnum)
		return err_set(err, CUSTOMS_EINVAL, "%s: section headers outside the file", path);
	/* sh_name (4), sh_offset and sh_size, in both layouts. */
	uint64_t o_off = e->is64 ? 24 : 16, o_size = e->is64 ? 32 : 20;
	uint64_t str = t.shoff + t.shstrndx * t.shentsize;
	uint64_t soff = rd(e, str + o_off, w), ssize = rd(e, str + o_size, w);
	bool names = in_view(e, soff, ssize);
	for (uint64_t i = 0; i < t.shnum; i++) {
		uint64_t h = t.shoff + i * t.shentsize, name = rd(e, h, 4);
		if (rd(e, h + o_off, w) != at)
			continue;
		if (names && (name >= ssize || ssize - name < sizeof(SECTION) ||
		              memcmp(e->d + (soff - e->base) + name, SECTION, sizeof(SECTION))))
			continue;
		*size = rd(e, h + o_size, w);
		return 0;
	}
	return err_set(err, CUSTOMS_ENOTFOUND, "%s: no " SECTION " section", path);
}

static int audit_json(struct package_list *out, const json_t *root, const char *path,
                      customs_error *err)
{
	json_t *pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs))
		return err_set(err, CUSTOMS_EINVAL, "%s: " SECTION " has no packages array", path);
	size_t i;
	json_t *p;
	json_array_foreach(pkgs, i, p)
	{
		const char *name = json_get_str(p, "name"), *version = json_get_str(p, "version");
		const char *kind = json_get_str(p, "kind");
		/* Build dependencies ran at build time; they are not in the binary. */
		if (!name || !version || (kind && strcmp(kind, "build") == 0) ||
		    !lang_usable(name, strlen(name)) || !lang_usable(version, strlen(version)))
			continue;
		int rc = lang_add_str(NULL, out, "cargo", name, version, path, err);
		if (rc)
			return rc;
	}
	return 0;
}

int cargo_audit_json_parse(struct package_list *out, const char *path, const uint8_t *data,
                           size_t len, struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	return lang_json_run(audit_json, out, path, data, len, LIMIT_RUST_AUDIT_JSON_BYTES, err);
}

/* --- the stream --- */

struct audit_stream {
	char *path;
	uint64_t size, pos; /* declared size, bytes seen */
	bool skip;          /* not ELF */
	uint8_t hdr[ELF_HEADER];
	bool is64, be, ready; /* ready: the header is read */
	struct sections table;
	/* The file bytes [win_base, win_end): the section table and the names
	 * just before it. */
	uint64_t win_base, win_end;
	uint8_t *win;
	/* Candidate offsets whose trial ran out of input, and the bytes from
	 * the first of them on. */
	struct inflate_state *trial; /* the thread's (trial_state) */
	uint64_t pending[MAX_PENDING];
	size_t n_pending;
	uint8_t tail[2 * TRIAL_INPUT];
	uint64_t tail_off;
	size_t tail_n;
	/* The match: inflated as the rest of the file streams in. */
	struct inflate_state *inf;
	uint64_t found_at, used; /* its offset, and the bytes it took */
	bool done;
	uint8_t *json;
	size_t json_n, json_cap;
	int rc;
	customs_error err;
};

/* A zlib header (deflate, 32K window, no preset dictionary), and when the
 * next byte is known, a valid deflate block type. */
static bool zlib_head(const uint8_t *d, size_t n)
{
	if (n < 2)
		return n == 1 && d[0] == 0x78;
	if (d[0] != 0x78 || (d[0] * 256 + d[1]) % 31 || (d[1] & 0x20))
		return false;
	return n < 3 || ((d[2] >> 1) & 3) != 3;
}

enum trial { NO_MATCH, MATCH, NEED_MORE };

/* Inflates the start of d[0..n) (final: no bytes follow in the file) and
 * tells whether it begins with PREFIX. */
static enum trial try_inflate(struct inflate_state *st, const uint8_t *d, size_t n, bool final)
{
	uint8_t out[PREFIX_LEN];
	size_t avail = n < TRIAL_INPUT ? n : TRIAL_INPUT;
	isal_inflate_init(st);
	st->crc_flag = ISAL_ZLIB;
	st->next_in = (uint8_t *)d;
	st->avail_in = (uint32_t)avail;
	st->next_out = out;
	st->avail_out = sizeof(out);
	int r = isal_inflate(st);
	size_t got = sizeof(out) - st->avail_out;
	if (r < 0 || r == ISAL_NEED_DICT || memcmp(out, PREFIX, got) != 0)
		return NO_MATCH;
	if (got == sizeof(out))
		return MATCH;
	if (st->block_state == ISAL_BLOCK_FINISH || final || avail < n || avail == TRIAL_INPUT)
		return NO_MATCH;
	return NEED_MORE;
}

static int json_room(struct audit_stream *s)
{
	if (s->json_n < s->json_cap)
		return 0;
	if (s->json_cap >= LIMIT_RUST_AUDIT_JSON_BYTES)
		return err_set(&s->err, CUSTOMS_ETOOLARGE,
		               "%s: " SECTION " inflates past %u bytes: cut off", s->path,
		               (unsigned)LIMIT_RUST_AUDIT_JSON_BYTES);
	size_t nc = s->json_cap ? s->json_cap * 2 : 65536;
	if (nc > LIMIT_RUST_AUDIT_JSON_BYTES)
		nc = LIMIT_RUST_AUDIT_JSON_BYTES;
	uint8_t *p = realloc(s->json, nc);
	if (!p)
		return err_set(&s->err, CUSTOMS_ENOMEM, "%s: out of memory", s->path);
	s->json = p;
	s->json_cap = nc;
	return 0;
}

/* Feeds the matched zlib stream; stops at its end or at the first error. */
static void feed_match(struct audit_stream *s, const uint8_t *d, size_t n)
{
	struct inflate_state *st = s->inf;
	st->next_in = (uint8_t *)d;
	st->avail_in = (uint32_t)n;
	while (!s->done) {
		if ((s->rc = json_room(s))) {
			s->done = true;
			break;
		}
		st->next_out = s->json + s->json_n;
		st->avail_out = (uint32_t)(s->json_cap - s->json_n);
		uint32_t before = st->avail_in;
		int r = isal_inflate(st);
		s->used += before - st->avail_in;
		s->json_n = s->json_cap - st->avail_out;
		if (r < 0 || r == ISAL_NEED_DICT) {
			s->rc = err_set(&s->err, CUSTOMS_EINVAL,
			                "%s: " SECTION " is not valid zlib data (%d)", s->path, r);
			s->done = true;
		} else if (st->block_state == ISAL_BLOCK_FINISH) {
			/* Bytes read ahead into the bit buffer are not the stream's. */
			s->used -= (uint64_t)(st->read_in_length > 0 ? st->read_in_length / 8 : 0);
			s->done = true;
		} else if (st->avail_in == 0 && st->avail_out > 0) {
			break; /* wants the next chunk */
		}
	}
}

static void start_match(struct audit_stream *s, uint64_t at, const uint8_t *d, size_t n)
{
	s->inf = malloc(sizeof(*s->inf));
	if (!s->inf) {
		s->rc = err_set(&s->err, CUSTOMS_ENOMEM, "%s: out of memory", s->path);
		s->done = true;
		return;
	}
	isal_inflate_init(s->inf);
	s->inf->crc_flag = ISAL_ZLIB;
	s->found_at = at;
	s->n_pending = 0;
	feed_match(s, d, n);
}

/* Trials of the candidates left pending by earlier chunks, on their bytes
 * followed by the start of this one. Returns true when one matched. */
static bool retry_pending(struct audit_stream *s, const uint8_t *d, size_t n, bool last)
{
	size_t old = s->tail_n, k = n < TRIAL_INPUT ? n : TRIAL_INPUT;
	memcpy(s->tail + old, d, k);
	s->tail_n += k;
	size_t kept = 0;
	bool matched = false;
	for (size_t i = 0; i < s->n_pending && !matched; i++) {
		size_t at = (size_t)(s->pending[i] - s->tail_off);
		enum trial t = try_inflate(s->trial, s->tail + at, s->tail_n - at, last && k == n);
		if (t == MATCH) {
			s->tail_n = old;
			start_match(s, s->pending[i], s->tail + at, old - at);
			if (!s->done)
				feed_match(s, d, n);
			matched = true;
		} else if (t == NEED_MORE) {
			s->pending[kept++] = s->pending[i];
		}
	}
	if (!matched)
		s->n_pending = kept;
	s->tail_n = old;
	return matched;
}

/* Keeps the bytes from the first pending candidate on for the next chunk. */
static void keep_tail(struct audit_stream *s, uint64_t off, const uint8_t *d, size_t n)
{
	if (!s->n_pending) {
		s->tail_n = 0;
		return;
	}
	uint64_t first = s->pending[0];
	if (first >= off) {
		s->tail_off = first;
		s->tail_n = (size_t)(off + n - first);
		memcpy(s->tail, d + (first - off), s->tail_n);
		return;
	}
	/* Pending trials ran out of input: the bytes from first on are fewer
	 * than TRIAL_INPUT, so old tail plus this chunk fit. */
	size_t drop = (size_t)(first - s->tail_off);
	memmove(s->tail, s->tail + drop, s->tail_n - drop);
	s->tail_n -= drop;
	s->tail_off = first;
	memcpy(s->tail + s->tail_n, d, n);
	s->tail_n += n;
}

static void search(struct audit_stream *s, uint64_t off, const uint8_t *d, size_t n)
{
	bool last = off + n >= s->size;
	if (s->n_pending && retry_pending(s, d, n, last))
		return;
	size_t p = off < ELF_HEADER ? (size_t)(ELF_HEADER - off) : 0;
	while (p < n) {
		const uint8_t *c = memchr(d + p, 0x78, n - p);
		if (!c)
			break;
		p = (size_t)(c - d);
		if (zlib_head(c, n - p)) {
			enum trial t = try_inflate(s->trial, c, n - p, last);
			if (t == MATCH) {
				start_match(s, off + p, c, n - p);
				return;
			}
			if (t == NEED_MORE && s->n_pending < MAX_PENDING)
				s->pending[s->n_pending++] = off + p;
		}
		p++;
	}
	keep_tail(s, off, d, n);
}

/* Reads the ELF header and places the window on the section table. */
static void read_header(struct audit_stream *s)
{
	const uint8_t *h = s->hdr;
	if (memcmp(h, "\177ELF", 4) != 0 || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2)) {
		s->skip = true;
		return;
	}
	s->is64 = h[4] == 2;
	s->be = h[5] == 2;
	struct elf e = {h, 0, ELF_HEADER, s->is64, s->be};
	s->table = header_sections(&e);
	uint64_t span = s->table.shnum ? s->table.shnum * s->table.shentsize
	                               : (uint64_t)LIMIT_ELF_SECTION_TABLE_BYTES;
	if (span > LIMIT_ELF_SECTION_TABLE_BYTES)
		span = LIMIT_ELF_SECTION_TABLE_BYTES;
	uint64_t at = s->table.shoff < s->size ? s->table.shoff : s->size;
	s->win_base = at > NAMES_WINDOW ? at - NAMES_WINDOW : 0;
	s->win_end = s->size - at > span ? at + span : s->size;
	s->ready = true;
}

/* Starts keeping the window once a match is found in the chunk at from:
 * most ELF files have none, and the section table and names come after
 * the section's bytes, so nothing needed has passed yet. */
static void open_window(struct audit_stream *s, uint64_t from)
{
	if (from > s->win_base)
		s->win_base = from;
	if (s->win_end > s->win_base && !(s->win = malloc((size_t)(s->win_end - s->win_base))))
		s->win_end = s->win_base; /* out of memory: confirm_section says so */
}

/* Copies the part of file bytes [off, off + n) inside the window. */
static void keep_window(struct audit_stream *s, uint64_t off, const uint8_t *d, size_t n)
{
	uint64_t lo = off > s->win_base ? off : s->win_base;
	uint64_t hi = off + n < s->win_end ? off + n : s->win_end;
	if (s->win && lo < hi)
		memcpy(s->win + (lo - s->win_base), d + (lo - off), (size_t)(hi - lo));
}

/* One trial inflate state per thread, kept: it is 87 KB, and a layer has
 * thousands of ELF files (allocating it for each showed in profiles). */
static pthread_key_t trial_key;
static pthread_once_t trial_once = PTHREAD_ONCE_INIT;
static bool trial_key_ok;

static void make_trial_key(void)
{
	trial_key_ok = pthread_key_create(&trial_key, free) == 0;
}

static struct inflate_state *trial_state(void)
{
	pthread_once(&trial_once, make_trial_key);
	if (!trial_key_ok)
		return NULL;
	struct inflate_state *st = pthread_getspecific(trial_key);
	if (!st && (st = malloc(sizeof(*st))) && pthread_setspecific(trial_key, st) != 0) {
		free(st);
		st = NULL;
	}
	return st;
}

static int audit_open(void **state, const char *path, int64_t size, customs_error *err)
{
	struct audit_stream *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	}
	s->size = size > 0 ? (uint64_t)size : 0;
	s->skip = s->size < ELF_HEADER; /* too small for a header and sections */
	*state = s;
	return 0;
}

static int audit_chunk(void *state, const uint8_t *d, size_t n, customs_error *err)
{
	(void)err;
	struct audit_stream *s = state;
	uint64_t off = s->pos;
	/* A file that grew past its header's size is not the one announced. */
	if (s->skip || n > s->size - s->pos) {
		s->skip = true;
		return 0;
	}
	s->pos += n;
	if (!s->ready) {
		if (off < ELF_HEADER) {
			size_t k = ELF_HEADER - (size_t)off < n ? ELF_HEADER - (size_t)off : n;
			memcpy(s->hdr + off, d, k);
		}
		if (s->pos < ELF_HEADER)
			return 0;
		read_header(s);
		if (s->skip)
			return 0;
	}
	if (s->inf) {
		if (!s->done)
			feed_match(s, d, n);
	} else {
		if (!s->trial && !(s->trial = trial_state())) {
			s->skip = true;
			return 0;
		}
		search(s, off, d, n);
		if (s->inf)
			open_window(s, off);
	}
	keep_window(s, off, d, n);
	return 0;
}

static void audit_abort(void *state)
{
	struct audit_stream *s = state;
	if (!s)
		return;
	free(s->inf);
	free(s->json);
	free(s->win);
	free(s->path);
	free(s);
}

/* The crates of a finished stream, or why there are none. */
static int audit_finish(struct audit_stream *s, struct package_list *out,
                        struct warn_list *warnings, customs_error *err)
{
	if (s->skip || !s->ready)
		return err_set(err, CUSTOMS_ENOTFOUND, "%s: not an ELF file", s->path);
	if (!s->inf)
		return err_set(err, CUSTOMS_ENOTFOUND, "%s: no " SECTION " section", s->path);
	if (s->rc) {
		err_copy(err, &s->err);
		return s->rc;
	}
	if (!s->done)
		return err_set(err, CUSTOMS_EINVAL, "%s: " SECTION " is cut short", s->path);
	uint64_t have = s->pos < s->win_end ? s->pos : s->win_end;
	struct elf e = {s->win, s->win_base, have > s->win_base ? have - s->win_base : 0, s->is64,
	                s->be};
	uint64_t size = 0;
	int rc = confirm_section(&size, &e, s->table, s->found_at, s->path, err);
	if (!rc && s->used > size)
		rc = err_set(err, CUSTOMS_EINVAL, "%s: " SECTION " runs past its section", s->path);
	if (!rc)
		rc = cargo_audit_json_parse(out, s->path, s->json, s->json_n, warnings, err);
	return rc;
}

int cargo_audit_binary_parse(struct package_list *out, const char *path, const uint8_t *data,
                             size_t len, struct warn_list *warnings, customs_error *err)
{
	void *st = NULL;
	int rc = audit_open(&st, path, (int64_t)len, err);
	if (rc)
		return rc;
	audit_chunk(st, data, len, err);
	rc = audit_finish(st, out, warnings, err);
	audit_abort(st);
	return rc;
}

static int audit_close(void *state, struct file_result *out, struct warn_list *warnings,
                       customs_error *err)
{
	struct audit_stream *s = state;
	customs_error e2 = {0};
	int rc = audit_finish(s, &out->pkgs, warnings, &e2);
	/* Most ELF files are not Rust binaries: only a broken .dep-v0 is news. */
	if (rc == CUSTOMS_ENOTFOUND || (rc && !strstr(e2.message, SECTION)))
		rc = 0;
	else if (rc)
		err_copy(err, &e2);
	audit_abort(s);
	return rc;
}

static const struct analyzer_stream_ops audit_ops = {
    .open = audit_open,
    .chunk = audit_chunk,
    .close = audit_close,
    .abort = audit_abort,
};

static const struct path_rule audit_rules[] = {
    {PATH_ALL_FILES, NULL},
};

const struct analyzer analyzer_rust_audit = {
    .name = "rust-audit",
    .rules = audit_rules,
    .n_rules = 1,
    .max_file_size = 0,
    .stream = &audit_ops,
    /* Only ELF files can hold what it looks for. */
    .magic = ELFMAG,
    .magic_len = SELFMAG,
};
