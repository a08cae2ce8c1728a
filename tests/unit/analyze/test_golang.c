/* Tests for the Go build-info reader on Debian's Go programs (umoci, skopeo,
 * docker-registry), checked against `go version -m`, streamed and truncated. */
#include "analyze/elf_map.h"
#include "lang_test.h"
#include "util/warn.h"

static const char *const bins[] = {"/usr/bin/umoci", "/usr/bin/skopeo", "/usr/bin/docker-registry"};

/* cmd/go's sentinels around the module list. */
static const uint8_t start_sentinel[16] = {0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
                                           0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
static const uint8_t end_sentinel[16] = {0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
                                         0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};

/* The packages `go version -m` lists, as "name@version" lines in the order
 * our list holds them after sorting: built from its output, applying "=>"
 * lines and skipping "(devel)" like the reader. NULL without a Go toolchain. */
static char **go_version_m(const char *bin, size_t *n)
{
	char cmd[256], line[4096];
	snprintf(cmd, sizeof(cmd), "go version -m '%s' 2>/dev/null", bin);
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	char **v = calloc(4096, sizeof(*v));
	assert_non_null(v);
	size_t k = 0;
	bool last_dep = false;
	while (fgets(line, sizeof(line), f) && k < 4096) {
		line[strcspn(line, "\n")] = 0;
		char *save = NULL, *tag, *path, *ver;
		if (k == 0 && strchr(line, ':')) {
			/* "/usr/bin/umoci: go1.19.8" */
			char *go = strstr(line, ": go");
			assert_non_null(go);
			if (asprintf(&v[k++], "stdlib@v%s", go + 4) < 0)
				fail();
			continue;
		}
		tag = strtok_r(line, "\t", &save);
		path = tag ? strtok_r(NULL, "\t", &save) : NULL;
		ver = path ? strtok_r(NULL, "\t", &save) : NULL;
		if (!tag || !path)
			continue;
		if (!strcmp(tag, "=>")) {
			if (last_dep) {
				free(v[--k]);
				v[k] = NULL;
				if (ver && asprintf(&v[k++], "%s@%s", path, ver) < 0)
					fail();
			}
			last_dep = false;
			continue;
		}
		last_dep = false;
		if ((strcmp(tag, "mod") && strcmp(tag, "dep")) || !ver || !strcmp(ver, "(devel)"))
			continue;
		if (asprintf(&v[k++], "%s@%s", path, ver) < 0)
			fail();
		last_dep = !strcmp(tag, "dep");
	}
	int st = pclose(f);
	if (st != 0 || k == 0) {
		for (size_t i = 0; i < k; i++)
			free(v[i]);
		free(v);
		return NULL;
	}
	*n = k;
	return v;
}

static void check_against_go(const struct package_list *l, const char *bin)
{
	size_t n = 0;
	char **exp = go_version_m(bin, &n);
	if (!exp)
		return; /* no Go toolchain: the counts below still hold */
	for (size_t i = 0; i < n; i++) {
		char *at = strrchr(exp[i], '@');
		*at = 0;
		if (!lang_find(l, exp[i], at + 1))
			fail_msg("%s: %s@%s missing", bin, exp[i], at + 1);
		free(exp[i]);
	}
	free(exp);
	assert_int_equal(l->n, n);
}

static void test_binaries(void **state)
{
	(void)state;
	for (size_t b = 0; b < sizeof(bins) / sizeof(bins[0]); b++) {
		size_t len = 0;
		unsigned char *d = file_read(bins[b], &len);
		if (!d)
			continue;
		struct package_list l = {0};
		customs_error err = {0};
		assert_int_equal(go_binary_parse(&l, bins[b] + 1, d, len, NULL, &err), 0);
		/* Each is a real Go program; Debian builds them in GOPATH mode, so
		 * the build info names the toolchain and no modules. */
		const customs_package *std = lang_find(&l, "stdlib", NULL);
		assert_non_null(std);
		assert_true(str_has_prefix(std->version, "v1."));
		assert_true(l.n >= 1);
		for (size_t i = 0; i < l.n; i++) {
			assert_string_equal(l.items[i].type, "golang");
			assert_string_equal(l.items[i].path, bins[b] + 1);
		}
		check_against_go(&l, bins[b]);
		package_list_free(&l);
		free(d);
	}
}

/* Streams a file through the analyzer in chunks of `step` bytes (even the
 * ELF magic may come split). */
static int stream(struct file_result *fr, const unsigned char *d, size_t len, size_t step,
                  struct warn_list *w)
{
	const struct analyzer_stream_ops *ops = analyzer_golang.stream;
	void *st = NULL;
	customs_error err = {0};
	assert_int_equal(ops->open(&st, "usr/bin/x", (int64_t)len, &err), 0);
	for (size_t off = 0, n; off < len; off += n) {
		n = len - off < step ? len - off : step;
		assert_int_equal(ops->chunk(st, d + off, n, &err), 0);
	}
	return ops->close(st, fr, w, &err);
}

static void test_stream(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = file_read("/usr/bin/umoci", &len);
	if (!d)
		skip();
	assert_true(analyzer_wants(&analyzer_golang, "usr/bin/umoci"));
	struct package_list whole = {0};
	customs_error err = {0};
	assert_int_equal(go_binary_parse(&whole, "usr/bin/x", d, len, NULL, &err), 0);
	/* The ELF magic split over the first chunks (1, 2, then the rest). */
	{
		struct file_result fr = {0};
		const struct analyzer_stream_ops *ops = analyzer_golang.stream;
		void *st = NULL;
		assert_int_equal(ops->open(&st, "usr/bin/x", (int64_t)len, &err), 0);
		assert_int_equal(ops->chunk(st, d, 1, &err), 0);
		assert_int_equal(ops->chunk(st, d + 1, 2, &err), 0);
		assert_int_equal(ops->chunk(st, d + 3, len - 3, &err), 0);
		assert_int_equal(ops->close(st, &fr, NULL, &err), 0);
		assert_int_equal(fr.pkgs.n, whole.n);
		file_result_clear(&fr);
	}
	/* Odd chunk sizes put the magic across chunk boundaries. */
	static const size_t steps[] = {1 << 20, 65536, 4093, 7, 13};
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		if (steps[s] < 100) {
			/* Tiny steps only around the build info, to stay fast. */
			const uint8_t *hit = memmem(d, len, "\xff Go buildinf:", 14);
			size_t from = (size_t)(hit - d) & ~(size_t)4095;
			struct file_result fr = {0};
			const struct analyzer_stream_ops *ops = analyzer_golang.stream;
			void *st = NULL;
			assert_int_equal(ops->open(&st, "usr/bin/x", (int64_t)len, &err), 0);
			assert_int_equal(ops->chunk(st, d, from, &err), 0);
			for (size_t off = from; off < len; off += steps[s]) {
				size_t n = len - off < steps[s] ? len - off : steps[s];
				assert_int_equal(ops->chunk(st, d + off, n, &err), 0);
			}
			assert_int_equal(ops->close(st, &fr, NULL, &err), 0);
			assert_int_equal(fr.pkgs.n, whole.n);
			file_result_clear(&fr);
			continue;
		}
		struct file_result fr = {0};
		assert_int_equal(stream(&fr, d, len, steps[s], NULL), 0);
		assert_int_equal(fr.pkgs.n, whole.n);
		for (size_t i = 0; i < whole.n; i++) {
			assert_string_equal(fr.pkgs.items[i].name, whole.items[i].name);
			assert_string_equal(fr.pkgs.items[i].version, whole.items[i].version);
		}
		file_result_clear(&fr);
	}
	/* A file that is not ELF is not read further; no packages. */
	struct file_result fr = {0};
	assert_int_equal(stream(&fr, (const unsigned char *)"#!/bin/sh\n", 10, 10, NULL), 0);
	assert_int_equal(fr.pkgs.n, 0);
	file_result_clear(&fr);
	package_list_free(&whole);
	free(d);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = file_read("/usr/bin/umoci", &len);
	if (!d)
		skip();
	const uint8_t *hit = memmem(d, len, "\xff Go buildinf:", 14);
	assert_non_null(hit);
	size_t at = (size_t)(hit - d);
	struct package_list l = {0};
	customs_error err = {0};
	/* Cut before or inside the magic: not a Go binary as far as we can tell. */
	assert_int_equal(go_binary_parse(&l, "b", d, at, NULL, &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(go_binary_parse(&l, "b", d, at + 10, NULL, &err), CUSTOMS_ENOTFOUND);
	/* Cut inside the header, the version, the module list: an error, and
	 * through the stream a failed close, never a crash. */
	static const size_t cuts[] = {20, 33, 40, 50};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		assert_int_equal(go_binary_parse(&l, "b", d, at + cuts[i], NULL, &err),
		                 CUSTOMS_EINVAL);
		struct file_result fr = {0};
		assert_true(stream(&fr, d, at + cuts[i], 65536, NULL) < 0);
		file_result_clear(&fr);
	}
	assert_int_equal(l.n, 0);
	/* A pre-1.18 header (flags without inline strings): a warning. */
	uint8_t old[64] = "\xff Go buildinf:";
	old[14] = 8;
	old[15] = 0;
	struct warn_list w;
	warn_list_init(&w);
	assert_int_equal(go_buildinfo_parse(&l, "b", old, sizeof(old), &w, &err), 0);
	assert_int_equal(w.n, 1);
	warn_list_free(&w);
	free(d);
}

static void test_synthetic(void **state)
{
	(void)state;
	/* A header with inline strings as Go >= 1.18 writes them, sentinels and
	 * a replaced and a locally replaced dependency. */
	const char *mod = "0123456789abcdef"
	                  "path\texample.com/cmd\n"
	                  "mod\texample.com/cmd\t(devel)\t\n"
	                  "dep\tgithub.com/a/b\tv1.0.0\th1:x=\n"
	                  "=>\tgithub.com/fork/b\tv1.0.1\th1:y=\n"
	                  "dep\tgolang.org/x/sys\tv0.1.0\th1:z=\n"
	                  "dep\texample.com/local\tv0.0.0\n"
	                  "=>\t../local\t\t\n"
	                  "build\tCGO_ENABLED=0\n"
	                  "0123456789abcdef";
	uint8_t buf[1024] = "\xff Go buildinf:";
	buf[14] = 8;
	buf[15] = 2;
	size_t n = 32;
	buf[n++] = 8;
	memcpy(buf + n, "go1.21.5", 8);
	n += 8;
	size_t ml = strlen(mod);
	buf[n++] = (uint8_t)(0x80 | (ml & 0x7f));
	buf[n++] = (uint8_t)(ml >> 7);
	memcpy(buf + n, mod, ml);
	n += ml;
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(go_buildinfo_parse(&l, "b", buf, n, NULL, &err), 0);
	assert_int_equal(l.n, 3);
	lang_expect_purl(&l, "stdlib", "v1.21.5", "pkg:golang/stdlib@v1.21.5");
	lang_expect_purl(&l, "github.com/fork/b", "v1.0.1", "pkg:golang/github.com/fork/b@v1.0.1");
	assert_non_null(lang_find(&l, "golang.org/x/sys", "v0.1.0"));
	package_list_free(&l);
}

/* Before Go 1.18 the header holds pointers, and the module list (between
 * its sentinels, as cmd/go writes it) sits in .rodata before the header: its
 * modules are read; without ELF program headers the Go version is not (a
 * warning says so). The layout is made by hand: ELF magic, filler, the
 * list, filler, a 16-byte aligned header. */
static void test_old_format(void **state)
{
	(void)state;
	const char *mod = "path\texample.com/old\n"
	                  "mod\texample.com/old\t(devel)\t\n"
	                  "dep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n"
	                  "dep\tgolang.org/x/text\tv0.3.6\th1:y=\n";
	size_t len = 3 * 4096;
	uint8_t *bin = calloc(1, len);
	assert_non_null(bin);
	memcpy(bin,
	       "\x7f"
	       "ELF",
	       4);
	size_t at = 1000;
	memcpy(bin + at, start_sentinel, 16);
	memcpy(bin + at + 16, mod, strlen(mod));
	memcpy(bin + at + 16 + strlen(mod), end_sentinel, 16);
	uint8_t *hdr = bin + 2 * 4096; /* aligned: pointer format, 8-byte pointers */
	memcpy(hdr, "\xff Go buildinf:", 14);
	hdr[14] = 8;
	hdr[15] = 0;
	struct package_list l = {0};
	customs_error err = {0};
	struct warn_list w;
	warn_list_init(&w);
	assert_int_equal(go_binary_parse(&l, "usr/bin/old", bin, len, &w, &err), 0);
	assert_int_equal(l.n, 2);
	assert_non_null(lang_find(&l, "github.com/pkg/errors", "v0.9.1"));
	assert_non_null(lang_find(&l, "golang.org/x/text", "v0.3.6"));
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.items[0], "Go version unknown (not an ELF file"));
	package_list_free(&l);
	/* Streamed, with chunk boundaries inside both sentinels. */
	static const size_t steps[] = {7, 13, 1005, 4096};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct file_result fr = {0};
		assert_int_equal(stream(&fr, bin, len, steps[i], &w), 0);
		assert_int_equal(fr.pkgs.n, 2);
		assert_non_null(lang_find(&fr.pkgs, "golang.org/x/text", "v0.3.6"));
		file_result_clear(&fr);
	}
	/* Without the end sentinel: no modules, the old warning. */
	memset(bin + at + 16 + strlen(mod), 0, 16);
	assert_int_equal(go_binary_parse(&l, "usr/bin/old", bin, len, &w, &err), 0);
	assert_int_equal(l.n, 0);
	warn_list_free(&w);
	free(bin);
}

/* --- Go older than 1.18: the version through the ELF program headers ---
 *
 * No such toolchain or binary is here (Debian's Go is 1.19), so the layout
 * is made by hand as Go's linker writes it: an ELF header, two PT_LOAD
 * segments, .rodata holding the version string (not NUL-terminated, other
 * string data follows) next to a decoy and the module list in its
 * sentinels, .data holding the string headers (pointer, length), and the
 * 16-byte aligned build info header pointing at one. The file offset of a
 * byte is its address minus RO_VA in the first segment, RW_VA in the second. */
#define RO_VA    0x400000u /* file [0, 0x2000) */
#define RW_VA    0x600000u /* file [0x2000, 0x3000) */
#define OLD_LEN  0x3000u
#define DECOY_AT 0x1000u /* "go1.13" */
#define VER_AT   0x1010u /* "go1.16.15" */
#define MOD_AT   0x1100u
#define VER_TEXT "go1.16.15internal/cpu."
#define EXP_TEXT "go1.16.15 X:regabi,fieldtrackinternal/cpu."

struct old_layout {
	bool is64, be;
	bool data_first;    /* .data before the header (an external linker's order) */
	uint64_t ptr;       /* the header's pointer; 0: the string header's address */
	uint64_t str, len;  /* the string header; 0: the version string's */
	const char *text;   /* the version and the string data after it; NULL: VER_TEXT */
	uint16_t phnum;     /* 0: 2 */
	uint16_t phentsize; /* 0: the class's */
};

static void put(uint8_t *p, uint64_t v, size_t w, bool be)
{
	for (size_t i = 0; i < w; i++)
		p[be ? w - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

/* The binary (OLD_LEN bytes) and, in *hdr, the header's file offset. */
static uint8_t *old_binary(const struct old_layout *o, size_t *hdr)
{
	uint8_t *b = calloc(1, OLD_LEN);
	assert_non_null(b);
	size_t w = o->is64 ? 8 : 4, ph = o->is64 ? 64 : 52;
	size_t ent = o->phentsize ? o->phentsize : (o->is64 ? 56 : 32);
	memcpy(b,
	       "\x7f"
	       "ELF",
	       4);
	b[4] = o->is64 ? 2 : 1;                                          /* EI_CLASS */
	b[5] = o->be ? 2 : 1;                                            /* EI_DATA */
	b[6] = 1;                                                        /* EI_VERSION */
	put(b + 16, 2, 2, o->be);                                        /* e_type: ET_EXEC */
	put(b + (o->is64 ? 32 : 28), ph, w, o->be);                      /* e_phoff */
	put(b + (o->is64 ? 54 : 42), ent, 2, o->be);                     /* e_phentsize */
	put(b + (o->is64 ? 56 : 44), o->phnum ? o->phnum : 2, 2, o->be); /* e_phnum */
	static const uint64_t seg[2][3] = {{0, RO_VA, 0x2000}, {0x2000, RW_VA + 0x2000, 0x1000}};
	for (size_t i = 0; i < 2; i++) {
		uint8_t *e = b + ph + i * ent;
		put(e, 1, 4, o->be);                               /* PT_LOAD */
		put(e + (o->is64 ? 4 : 24), i ? 6 : 5, 4, o->be);  /* RX, then RW */
		put(e + (o->is64 ? 8 : 4), seg[i][0], w, o->be);   /* p_offset */
		put(e + (o->is64 ? 16 : 8), seg[i][1], w, o->be);  /* p_vaddr */
		put(e + (o->is64 ? 32 : 16), seg[i][2], w, o->be); /* p_filesz */
		put(e + (o->is64 ? 40 : 20), seg[i][2], w, o->be); /* p_memsz */
	}
	memcpy(b + DECOY_AT, "go1.13", 7);
	const char *text = o->text ? o->text : VER_TEXT;
	memcpy(b + VER_AT, text, strlen(text));
	const char *mod = "path\texample.com/old\n"
	                  "mod\texample.com/old\t(devel)\t\n"
	                  "dep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n"
	                  "dep\tgolang.org/x/text\tv0.3.6\th1:y=\n";
	memcpy(b + MOD_AT, start_sentinel, 16);
	memcpy(b + MOD_AT + 16, mod, strlen(mod));
	memcpy(b + MOD_AT + 16 + strlen(mod), end_sentinel, 16);
	size_t data = o->data_first ? 0x2000 : 0x2400;
	*hdr = o->data_first ? 0x2800 : 0x2000;
	/* The decoy's string header first, then the version's. */
	put(b + data + 0x20, RO_VA + DECOY_AT, w, o->be);
	put(b + data + 0x20 + w, 6, w, o->be);
	put(b + data + 0x40, o->str ? o->str : RO_VA + VER_AT, w, o->be);
	put(b + data + 0x40 + w, o->len ? o->len : 9, w, o->be);
	uint8_t *h = b + *hdr;
	memcpy(h, "\xff Go buildinf:", 14);
	h[14] = (uint8_t)w;
	h[15] = o->be ? 1 : 0;
	put(h + 16, o->ptr ? o->ptr : RW_VA + data + 0x40, w, o->be);
	return b;
}

/* Chunk sizes: every one up to 600 (past the longest pattern kept across
 * chunks, at every alignment), then powers of two to 65536; the last entry
 * 0 stands for the whole buffer through go_binary_parse. */
static size_t old_step(size_t i)
{
	return i < 600 ? i + 1 : i < 607 ? (size_t)1024 << (i - 600) : 0;
}
#define OLD_STEPS 608

/* Reads b[0..len) whole and streamed in every chunk size: the stdlib
 * `version` (NULL: none) and the two modules, and one warning holding
 * `warn` (NULL: none). */
static void check_old(const uint8_t *b, size_t len, const char *version, const char *warn)
{
	for (size_t i = 0; i < OLD_STEPS; i++) {
		struct file_result fr = {0};
		customs_error err = {0};
		struct warn_list w;
		warn_list_init(&w);
		if (old_step(i))
			assert_int_equal(stream(&fr, b, len, old_step(i), &w), 0);
		else
			assert_int_equal(go_binary_parse(&fr.pkgs, "x", b, len, &w, &err), 0);
		if (fr.pkgs.n != (version ? 3u : 2u))
			fail_msg("step %zu: %zu packages", old_step(i), fr.pkgs.n);
		if (version)
			assert_non_null(lang_find(&fr.pkgs, "stdlib", version));
		else
			assert_null(lang_find(&fr.pkgs, "stdlib", NULL));
		assert_non_null(lang_find(&fr.pkgs, "github.com/pkg/errors", "v0.9.1"));
		assert_non_null(lang_find(&fr.pkgs, "golang.org/x/text", "v0.3.6"));
		assert_int_equal(w.n, warn ? 1 : 0);
		if (warn && !(strstr(w.items[0], "version unknown") && strstr(w.items[0], warn)))
			fail_msg("step %zu: %s", old_step(i), w.items[0]);
		warn_list_free(&w);
		file_result_clear(&fr);
	}
}

static void test_old_version(void **state)
{
	(void)state;
	/* ELF64 little-endian and ELF32 big-endian, .data after the header (Go's
	 * linker) and before (an external one): the version the header points
	 * at, never the decoy before it. */
	static const struct old_layout ok[] = {
	    {.is64 = true},
	    {.is64 = true, .data_first = true},
	    {.be = true},
	    {.be = true, .data_first = true},
	    /* A toolchain built with GOEXPERIMENT: the suffix is part of the
	     * string the header measures. */
	    {.is64 = true, .text = EXP_TEXT, .len = 29},
	    {.be = true, .data_first = true, .text = EXP_TEXT, .len = 29},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t hdr;
		uint8_t *b = old_binary(&ok[i], &hdr);
		check_old(b, OLD_LEN, "v1.16.15", NULL);
		/* Cut right after the header: found when .data came before it,
		 * else a warning that says the file ends too soon. */
		if (ok[i].data_first)
			check_old(b, hdr + 32, "v1.16.15", NULL);
		else
			check_old(b, hdr + 32, NULL, "file ends before");
		free(b);
	}
	/* What cannot be resolved gives the old warning and no stdlib, never a
	 * guess from another candidate. */
	static const struct {
		struct old_layout o;
		const char *warn;
	} bad[] = {
	    /* The header points outside every PT_LOAD, or past its end. */
	    {{.is64 = true, .ptr = 0x900000}, "outside the file's loaded segments"},
	    {{.is64 = true, .ptr = RW_VA + 0x2ff8}, "outside the file's loaded segments"},
	    {{.is64 = true, .ptr = UINT64_MAX}, "outside the file's loaded segments"},
	    {{.is64 = true, .ptr = RO_VA - 8}, "outside the file's loaded segments"},
	    /* At a string header of the wrong length, or not at the string. */
	    {{.is64 = true, .len = 8}, "no Go version string"},
	    {{.is64 = true, .len = 10}, "no Go version string"},
	    {{.is64 = true, .len = UINT64_MAX}, "no Go version string"},
	    {{.is64 = true, .str = RO_VA + VER_AT + 1, .len = 8}, "no Go version string"},
	    {{.is64 = true, .str = UINT64_MAX}, "no Go version string"},
	    /* A suffix that is no GOEXPERIMENT list, or runs into other data. */
	    {{.is64 = true, .text = "go1.16.15 Y:regabiinternal/cpu.", .len = 18},
	     "no Go version string"},
	    {{.is64 = true, .text = EXP_TEXT, .len = 38}, "no Go version string"},
	    /* At a byte that is no string header's start. */
	    {{.is64 = true, .data_first = true, .ptr = RW_VA + 0x2000 + 0x44},
	     "no Go version string"},
	    /* Program headers missing, too short, too many. */
	    {{.is64 = true, .phnum = 0xffff}, "no ELF program headers"},
	    {{.is64 = true, .phentsize = 55}, "too short"},
	    {{.is64 = true, .phnum = 2000}, "too large"},
	    {{.be = true, .phentsize = 31}, "too short"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t hdr;
		uint8_t *b = old_binary(&bad[i].o, &hdr);
		check_old(b, OLD_LEN, NULL, bad[i].warn);
		free(b);
	}
	/* Build info and ELF class disagree on the pointer size. */
	size_t hdr;
	uint8_t *b = old_binary(&(struct old_layout){.is64 = true}, &hdr);
	b[hdr + 14] = 4;
	check_old(b, OLD_LEN, NULL, "pointer size or byte order");
	free(b);
}

/* A real binary in the pre-1.18 layout: umoci (Go 1.19, linked by the
 * system linker, so .data comes before .go.buildinfo) with its header made
 * to point, as before Go 1.18, at runtime.buildVersion's string header (the
 * one pointer-aligned (address, length) pair in the file pointing at its
 * version string) and its inline strings wiped. */
static void test_old_version_real(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = file_read("/usr/bin/umoci", &len);
	if (!d)
		skip();
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(go_binary_parse(&l, "b", d, len, NULL, &err), 0);
	const customs_package *std = lang_find(&l, "stdlib", NULL);
	assert_non_null(std);
	char want[32];
	snprintf(want, sizeof(want), "go%s", std->version + 1); /* v1.19.8 -> go1.19.8 */
	size_t wn = strlen(want);
	struct elf_map m = {0};
	assert_int_equal(elf_map_feed(&m, d, len, 0), 0);
	assert_true(m.ready && m.is64 && !m.be);
	uint8_t *hdr = d;
	while ((hdr = memmem(hdr, len - (size_t)(hdr - d), "\xff Go buildinf:", 14)) &&
	       (hdr - d) % 16)
		hdr++;
	assert_non_null(hdr);
	uint64_t pair_va = 0;
	size_t pairs = 0;
	for (const uint8_t *p = d; (p = memmem(p, len - (size_t)(p - d), want, wn)); p++) {
		uint64_t va;
		uint8_t pat[16];
		if (!elf_map_vaddr(&m, (uint64_t)(p - d), wn, &va))
			continue;
		put(pat, va, 8, false);
		put(pat + 8, wn, 8, false);
		for (const uint8_t *q = d; (q = memmem(q, len - (size_t)(q - d), pat, 16)); q++) {
			if ((q - d) % 8)
				continue;
			/* .data before the header: the case a stream must remember. */
			assert_true(q < hdr);
			assert_true(elf_map_vaddr(&m, (uint64_t)(q - d), 16, &pair_va));
			pairs++;
		}
	}
	assert_int_equal(pairs, 1);
	hdr[15] = 0;
	put(hdr + 16, pair_va, 8, false);
	put(hdr + 24, 0, 8, false);
	const uint8_t *end = memmem(hdr, 4096, end_sentinel, 16);
	assert_non_null(end);
	memset(hdr + 32, 0, (size_t)(end + 16 - (hdr + 32)));
	/* The stdlib package as before, and no warning. */
	static const size_t steps[] = {0, 4093, 65536, 1 << 20};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct file_result fr = {0};
		struct warn_list w;
		warn_list_init(&w);
		if (steps[i])
			assert_int_equal(stream(&fr, d, len, steps[i], &w), 0);
		else
			assert_int_equal(go_binary_parse(&fr.pkgs, "b", d, len, &w, &err), 0);
		assert_int_equal(fr.pkgs.n, 1);
		assert_string_equal(fr.pkgs.items[0].name, "stdlib");
		assert_string_equal(fr.pkgs.items[0].version, std->version);
		assert_int_equal(w.n, 0);
		warn_list_free(&w);
		file_result_clear(&fr);
	}
	elf_map_free(&m);
	package_list_free(&l);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_binaries),         cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_truncated),        cmocka_unit_test(test_synthetic),
	    cmocka_unit_test(test_old_format),       cmocka_unit_test(test_old_version),
	    cmocka_unit_test(test_old_version_real),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
