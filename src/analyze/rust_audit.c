/* Rust binaries built with cargo-auditable: the ELF section .dep-v0 holds the
 * crate list as zlib-compressed JSON. ELF files are captured whole (capped). */
#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/limits.h"

#define SECTION ".dep-v0"

struct elf {
	const uint8_t *d;
	size_t len;
	bool is64, be;
};

static uint64_t rd(const struct elf *e, size_t off, size_t w)
{
	uint64_t v = 0;
	for (size_t i = 0; i < w; i++) {
		size_t k = e->be ? i : w - 1 - i;
		v = v << 8 | e->d[off + k];
	}
	return v;
}

/* The file range [*off, *off + *size) of the section named SECTION.
 * CUSTOMS_ENOTFOUND when the binary has none. */
static int find_section(uint64_t *off, uint64_t *size, const struct elf *e, const char *path,
                        customs_error *err)
{
	size_t ehsize = e->is64 ? 64 : 52, w = e->is64 ? 8 : 4;
	if (e->len < ehsize)
		return err_set(err, CUSTOMS_EINVAL, "%s: ELF header cut short", path);
	uint64_t shoff = rd(e, e->is64 ? 40 : 32, w);
	uint64_t shentsize = rd(e, e->is64 ? 58 : 46, 2);
	uint64_t shnum = rd(e, e->is64 ? 60 : 48, 2);
	uint64_t shstrndx = rd(e, e->is64 ? 62 : 50, 2);
	uint64_t want = e->is64 ? 64 : 40, end;
	if (shoff == 0)
		return err_set(err, CUSTOMS_ENOTFOUND, "%s: no section headers", path);
	if (shentsize < want || shoff > e->len || e->len - shoff < shentsize)
		return err_set(err, CUSTOMS_EINVAL, "%s: section headers outside the file", path);
	/* Past 0xff00 sections, the counts move into section header 0. */
	if (shnum == 0)
		shnum = rd(e, (size_t)shoff + (e->is64 ? 32 : 20), w);
	if (shstrndx == 0xffff)
		shstrndx = rd(e, (size_t)shoff + (e->is64 ? 44 : 28), 4);
	if (__builtin_mul_overflow(shnum, shentsize, &end) ||
	    __builtin_add_overflow(end, shoff, &end) || end > e->len || shstrndx >= shnum)
		return err_set(err, CUSTOMS_EINVAL, "%s: section headers outside the file", path);
	/* sh_name (4), sh_offset and sh_size, in both layouts. */
	size_t o_off = e->is64 ? 24 : 16, o_size = e->is64 ? 32 : 20;
	size_t str = (size_t)(shoff + shstrndx * shentsize);
	uint64_t soff = rd(e, str + o_off, w), ssize = rd(e, str + o_size, w);
	if (soff > e->len || ssize > e->len - soff)
		return err_set(err, CUSTOMS_EINVAL, "%s: section names outside the file", path);
	const char *names = (const char *)e->d + soff;
	for (uint64_t i = 0; i < shnum; i++) {
		size_t h = (size_t)(shoff + i * shentsize);
		uint64_t name = rd(e, h, 4);
		if (name >= ssize || ssize - name < sizeof(SECTION) ||
		    memcmp(names + name, SECTION, sizeof(SECTION)) != 0)
			continue;
		uint64_t o = rd(e, h + o_off, w), n = rd(e, h + o_size, w);
		if (o > e->len || n > e->len - o)
			return err_set(err, CUSTOMS_EINVAL, "%s: " SECTION " outside the file",
			               path);
		*off = o;
		*size = n;
		return 0;
	}
	return err_set(err, CUSTOMS_ENOTFOUND, "%s: no " SECTION " section", path);
}

/* zlib inflate into a buffer capped at LIMIT_RUST_AUDIT_JSON_BYTES. */
static int inflate_capped(uint8_t **out, size_t *out_n, const uint8_t *in, size_t len,
                          const char *path, customs_error *err)
{
	struct inflate_state st;
	size_t cap = 0, n = 0;
	uint8_t *buf = NULL;
	int rc = 0;
	if (len > UINT32_MAX)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: " SECTION " of %zu bytes", path, len);
	isal_inflate_init(&st);
	st.crc_flag = ISAL_ZLIB;
	st.next_in = (uint8_t *)in;
	st.avail_in = (uint32_t)len;
	for (;;) {
		if (n == cap) {
			if (cap >= LIMIT_RUST_AUDIT_JSON_BYTES) {
				rc = err_set(err, CUSTOMS_ETOOLARGE,
				             "%s: " SECTION " inflates past %u bytes: cut off",
				             path, (unsigned)LIMIT_RUST_AUDIT_JSON_BYTES);
				goto out;
			}
			size_t nc = cap ? cap * 2 : 65536;
			if (nc > LIMIT_RUST_AUDIT_JSON_BYTES)
				nc = LIMIT_RUST_AUDIT_JSON_BYTES;
			uint8_t *p = realloc(buf, nc);
			if (!p) {
				rc = err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
				goto out;
			}
			buf = p;
			cap = nc;
		}
		st.next_out = buf + n;
		st.avail_out = (uint32_t)(cap - n);
		int r = isal_inflate(&st);
		n = cap - st.avail_out;
		if (r != ISAL_DECOMP_OK) {
			rc = err_set(err, CUSTOMS_EINVAL,
			             "%s: " SECTION " is not valid zlib data (%d)", path, r);
			goto out;
		}
		if (st.block_state == ISAL_BLOCK_FINISH)
			break;
		if (st.avail_in == 0 && st.avail_out > 0) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s: " SECTION " is cut short", path);
			goto out;
		}
	}
out:
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_n = n;
	return 0;
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

int cargo_audit_binary_parse(struct package_list *out, const char *path, const uint8_t *data,
                             size_t len, struct warn_list *warnings, customs_error *err)
{
	if (len < 16 || memcmp(data, "\177ELF", 4) != 0 || (data[4] != 1 && data[4] != 2) ||
	    (data[5] != 1 && data[5] != 2))
		return err_set(err, CUSTOMS_ENOTFOUND, "%s: not an ELF file", path);
	struct elf e = {data, len, data[4] == 2, data[5] == 2};
	uint64_t off = 0, size = 0;
	uint8_t *json = NULL;
	size_t jn = 0;
	int rc = find_section(&off, &size, &e, path, err);
	if (!rc)
		rc = inflate_capped(&json, &jn, data + off, (size_t)size, path, err);
	if (!rc)
		rc = cargo_audit_json_parse(out, path, json, jn, warnings, err);
	free(json);
	return rc;
}

/* --- streaming: ELF files are captured whole, up to the cap --- */

struct audit_stream {
	char *path;
	uint8_t *d;
	size_t n, cap;
	bool skip;
};

static int audit_open(void **state, const char *path, int64_t size, customs_error *err)
{
	struct audit_stream *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	}
	/* Too small for an ELF header with sections, or past the cap. */
	s->skip = size < 64 || (uint64_t)size > LIMIT_ELF_CAPTURE_BYTES;
	s->cap = s->skip ? 0 : (size_t)size;
	*state = s;
	return 0;
}

static int audit_chunk(void *state, const uint8_t *d, size_t n, customs_error *err)
{
	struct audit_stream *s = state;
	if (s->skip)
		return 0;
	if (s->n == 0 && (n < 4 || memcmp(d, "\177ELF", 4) != 0)) {
		s->skip = true;
		return 0;
	}
	if (!s->d && !(s->d = malloc(s->cap))) {
		s->skip = true;
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", s->path);
	}
	/* A file that grew past its header's size is not the one announced. */
	if (n > s->cap - s->n) {
		s->skip = true;
		return 0;
	}
	memcpy(s->d + s->n, d, n);
	s->n += n;
	return 0;
}

static void audit_abort(void *state)
{
	struct audit_stream *s = state;
	if (!s)
		return;
	free(s->d);
	free(s->path);
	free(s);
}

static int audit_close(void *state, struct file_result *out, struct warn_list *warnings,
                       customs_error *err)
{
	struct audit_stream *s = state;
	int rc = 0;
	if (!s->skip && s->d) {
		customs_error e2 = {0};
		rc = cargo_audit_binary_parse(&out->pkgs, s->path, s->d, s->n, warnings, &e2);
		/* Most ELF files are not Rust binaries: only a broken .dep-v0 is news. */
		if (rc == CUSTOMS_ENOTFOUND || (rc && !strstr(e2.message, SECTION)))
			rc = 0;
		else if (rc)
			err_copy(err, &e2);
	}
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
};
