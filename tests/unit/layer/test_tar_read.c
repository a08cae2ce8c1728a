/* Unit tests for src/layer/tar_read.c: archives written by GNU tar itself in
 * every format it has (gnu, oldgnu, ustar, posix, v7) and every sparse
 * format (old GNU, pax 0.0, 0.1, 1.0), read back in pieces of every size;
 * hand-made hostile headers must fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fixture.h"
#include "raw_header.h"

#include "layer/layer_internal.h"
#include "util/limits.h"

/* ---------- a source handing out a buffer in fixed steps ---------- */

struct mem {
	const uint8_t *p;
	size_t n, pos, step;
};

static int mem_source(void *ctx, const uint8_t **data, size_t *len, customs_error *err)
{
	struct mem *m = ctx;
	if (m->pos == m->n)
		return 0;
	size_t k = m->n - m->pos < m->step ? m->n - m->pos : m->step;
	*data = m->p + m->pos;
	*len = k;
	m->pos += k;
	return 1;
}

/* One entry read back, its data laid out at its logical offsets. */
struct got {
	char name[4200], link[1024];
	enum tar_kind kind;
	uint32_t mode;
	int64_t size, uid, gid;
	uint8_t *data;
};

static void free_got(struct got *g, int n)
{
	for (int i = 0; i < n; i++)
		free(g[i].data);
}

/* Reads every entry (data of files up to 64 MiB); returns the count, or the
 * reader's error code. */
static int read_all(const uint8_t *p, size_t n, size_t step, struct got *out, size_t max,
                    customs_error *err)
{
	struct mem m = {p, n, 0, step};
	struct tar_reader *t = NULL;
	struct tar_entry e;
	int rc, count = 0;
	assert_int_equal(tar_reader_new(&t, mem_source, &m, err), 0);
	while ((rc = tar_next(t, &e, err)) > 0) {
		assert_true((size_t)count < max);
		struct got *g = &out[count++];
		memset(g, 0, sizeof(*g));
		snprintf(g->name, sizeof(g->name), "%s", e.name);
		snprintf(g->link, sizeof(g->link), "%s", e.linkname);
		g->kind = e.kind;
		g->mode = e.mode;
		g->size = e.size;
		g->uid = e.uid;
		g->gid = e.gid;
		if (e.kind != TAR_FILE || e.size > (64 << 20))
			continue;
		g->data = calloc(1, (size_t)e.size + 1);
		const uint8_t *d;
		size_t len;
		int64_t off, pos = 0;
		while ((rc = tar_read_data(t, &d, &len, &off, err)) > 0) {
			assert_true(off >= pos && off + (int64_t)len <= e.size);
			memcpy(g->data + off, d, len);
			pos = off + (int64_t)len;
		}
		if (rc < 0)
			break;
	}
	tar_reader_free(t);
	if (rc < 0) {
		free_got(out, count);
		return rc;
	}
	return count;
}

static const size_t steps[] = {1, 7, 511, 512, 513, 4096, 65536, SIZE_MAX};

static struct got *find(struct got *g, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(g[i].name, name) == 0)
			return &g[i];
	return NULL;
}

static char tmpdir[] = "/tmp/customs-tar-read-XXXXXX";

static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static uint8_t *slurp(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	uint8_t *p = file_read(path, n);
	assert_non_null(p);
	return p;
}

/* ---------- GNU tar's formats ---------- */

static const char long_dir[] = "a-directory-name-of-sixty-characters-to-need-the-prefix-xxxx";
static const char long_file[] = "a-file-name-of-ninety-nine-characters-so-that-directory-and-file-"
                                "need-ustar-prefix-or-more.txt";

static int setup(void **state)
{
	assert_non_null(mkdtemp(tmpdir));
	sh("mkdir -p %s/src/%s && cd %s/src && printf 'hello\\n' > %s/%s && "
	   "ln -s %s/%s link && ln %s/%s hard && mkdir -p empty && ln -s rand.bin short && "
	   "head -c 100000 /dev/urandom > rand.bin && chmod 4755 rand.bin",
	   tmpdir, long_dir, tmpdir, long_dir, long_file, long_dir, long_file, long_dir, long_file);
	/* A 5 MiB file with 30 data regions (more than an old GNU header holds)
	 * and a hole at its end. */
	sh("cd %s && truncate -s 5M sparse && for i in $(seq 0 29); do "
	   "printf 'region %%02d' $i | dd of=sparse bs=1 seek=$((i * 150000 + 4096 * (i %% 3))) "
	   "conv=notrunc status=none; done",
	   tmpdir);
	return 0;
}

static int teardown(void **state)
{
	sh("rm -rf %s", tmpdir);
	return 0;
}

static void test_gnu_tar_formats(void **state)
{
	static const char *const formats[] = {"gnu", "oldgnu", "ustar", "posix", "v7"};
	char want_name[256];
	snprintf(want_name, sizeof(want_name), "./%s/%s", long_dir, long_file);
	size_t rand_n;
	uint8_t *rand = slurp("src/rand.bin", &rand_n);
	for (size_t f = 0; f < sizeof(formats) / sizeof(*formats); f++) {
		/* v7 has no room for long names: only the short ones there. */
		/* v7 has no room for long names; ustar has its prefix, but no
		 * long link names. */
		bool v7 = strcmp(formats[f], "v7") == 0, ustar = strcmp(formats[f], "ustar") == 0;
		char list[256] = ".";
		if (v7 || ustar)
			snprintf(list, sizeof(list), "./rand.bin ./empty ./short %s",
			         ustar ? long_dir : "");
		/* Above 2097151 a uid needs base-256 (gnu) or a pax record; ustar
		 * and v7 have only octal. */
		int uid = v7 ? 1000 : strcmp(formats[f], "ustar") == 0 ? 2000000 : 3000000;
		sh("cd %s/src && tar --format=%s --owner=u:%d --group=g:%d -cf ../%s.tar %s",
		   tmpdir, formats[f], uid, 42, formats[f], list);
		char file[64];
		snprintf(file, sizeof(file), "%s.tar", formats[f]);
		size_t n;
		uint8_t *tar = slurp(file, &n);
		for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
			struct got g[16];
			customs_error err = {0};
			int count = read_all(tar, n, steps[s], g, 16, &err);
			assert_int_equal(count, v7 ? 3 : ustar ? 5 : 8);
			struct got *r = find(g, count, "./rand.bin");
			assert_non_null(r);
			assert_int_equal(r->kind, TAR_FILE);
			assert_int_equal(r->mode, S_IFREG | 04755);
			assert_int_equal(r->size, (int64_t)rand_n);
			assert_memory_equal(r->data, rand, rand_n);
			assert_int_equal(r->uid, uid);
			assert_int_equal(r->gid, 42);
			struct got *l = find(g, count, "./short");
			assert_non_null(l);
			assert_int_equal(l->kind, TAR_SYMLINK);
			assert_int_equal(l->size, 0);
			assert_string_equal(l->link, "rand.bin");
			if (!v7) {
				struct got *h = find(g, count, ustar ? want_name + 2 : want_name);
				assert_non_null(h);
				assert_int_equal(h->kind, TAR_FILE);
				assert_string_equal((char *)h->data, "hello\n");
			}
			if (!v7 && !ustar) {
				l = find(g, count, "./link");
				assert_non_null(l);
				assert_int_equal(l->kind, TAR_SYMLINK);
				assert_string_equal(l->link, want_name + 2);
				struct got *h = find(g, count, "./hard");
				assert_non_null(h);
				assert_int_equal(h->kind, TAR_HARDLINK);
				assert_string_equal(h->link, want_name);
			}
			struct got *d = find(g, count, "./empty/");
			assert_non_null(d);
			assert_int_equal(d->kind, TAR_DIR);
			assert_int_equal(d->mode & S_IFMT, S_IFDIR);
			free_got(g, count);
		}
		free(tar);
	}
	free(rand);
}

/* Every sparse format GNU tar writes reads back as the original bytes. */
static void test_sparse_formats(void **state)
{
	static const char *const opts[] = {
	    "--format=gnu",
	    "--format=posix --sparse-version=0.0",
	    "--format=posix --sparse-version=0.1",
	    "--format=posix --sparse-version=1.0",
	};
	size_t want_n;
	uint8_t *want = slurp("sparse", &want_n);
	assert_int_equal(want_n, 5 << 20);
	for (size_t o = 0; o < sizeof(opts) / sizeof(*opts); o++) {
		sh("cd %s && tar %s --sparse -cf sparse.tar sparse", tmpdir, opts[o]);
		size_t n;
		uint8_t *tar = slurp("sparse.tar", &n);
		/* Sparse: far smaller than the file. */
		assert_true(n < (1 << 20));
		for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
			struct got g[2];
			customs_error err = {0};
			int count = read_all(tar, n, steps[s], g, 2, &err);
			assert_int_equal(count, 1);
			assert_string_equal(g[0].name, "sparse");
			assert_int_equal(g[0].size, 5 << 20);
			assert_memory_equal(g[0].data, want, want_n);
			free_got(g, count);
		}
		free(tar);
	}
	free(want);
}

/* ---------- hand-made headers ---------- */

struct bytes {
	uint8_t p[1 << 16];
	size_t n;
};

/* Appends a ustar header (and size bytes of data 'd', padded). */
static uint8_t *add(struct bytes *b, const char *name, char type, const char *size_octal,
                    const void *data, size_t n)
{
	uint8_t *h = b->p + b->n;
	raw_header(h, name, size_octal, type);
	b->n += 512;
	if (n) {
		memcpy(b->p + b->n, data, n);
		memset(b->p + b->n + n, 0, (512 - n % 512) % 512);
		b->n += (n + 511) / 512 * 512;
	}
	return h;
}

/* Appends one "<len> key=value\n" record to out (its length counts itself). */
static void pax_rec(char *out, size_t cap, const char *key, const char *val)
{
	size_t body = 1 + strlen(key) + 1 + strlen(val) + 1, len = body + 1;
	while ((size_t)snprintf(NULL, 0, "%zu", len) + body != len)
		len++;
	size_t used = strlen(out);
	snprintf(out + used, cap - used, "%zu %s=%s\n", len, key, val);
}

static void add_pax(struct bytes *b, const char *records)
{
	char size[16];
	snprintf(size, sizeof(size), "%011o", (unsigned)strlen(records));
	add(b, "PaxHeader", 'x', size, records, strlen(records));
}

static void end(struct bytes *b)
{
	memset(b->p + b->n, 0, 1024);
	b->n += 1024;
}

/* Reads b in every step size; all must agree on the count or the error. */
static int read_steps(const struct bytes *b, struct got *g, size_t max, char *msg, size_t msg_len)
{
	int first = 0;
	for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
		customs_error err = {0};
		int rc = read_all(b->p, b->n, steps[s], g, max, &err);
		if (s == 0) {
			first = rc;
			snprintf(msg, msg_len, "%s", err.message);
		}
		assert_int_equal(rc, first);
		if (rc > 0 && s + 1 < sizeof(steps) / sizeof(*steps))
			free_got(g, rc);
	}
	return first;
}

static void expect_error(const struct bytes *b, const char *needle)
{
	struct got g[8];
	char msg[1024];
	int rc = read_steps(b, g, 8, msg, sizeof(msg));
	if (rc >= 0 || !strstr(msg, needle))
		fail_msg("want an error with \"%s\", got %d \"%s\"", needle, rc, msg);
	assert_int_equal(rc, CUSTOMS_EINVAL);
}

static void test_ends(void **state)
{
	struct got g[8];
	char msg[1024];
	struct bytes *b = calloc(1, sizeof(*b));
	/* Empty stream; an archive without its zero blocks; one zero block. */
	assert_int_equal(read_steps(b, g, 8, msg, sizeof(msg)), 0);
	add(b, "a.txt", '0', "5", "hello", 5);
	assert_int_equal(read_steps(b, g, 8, msg, sizeof(msg)), 1);
	free_got(g, 1);
	memset(b->p + b->n, 0, 512);
	b->n += 512;
	assert_int_equal(read_steps(b, g, 8, msg, sizeof(msg)), 1);
	free_got(g, 1);
	/* A pax header with nothing after it: the end, as in Go. */
	b->n -= 512;
	add_pax(b, "10 path=x\n");
	assert_int_equal(read_steps(b, g, 8, msg, sizeof(msg)), 1);
	free_got(g, 1);
	/* Bytes after the two zero blocks are not read. */
	b->n = 0;
	add(b, "a.txt", '0', "5", "hello", 5);
	end(b);
	memset(b->p + b->n, 'x', 100);
	b->n += 100;
	assert_int_equal(read_steps(b, g, 8, msg, sizeof(msg)), 1);
	free_got(g, 1);
	free(b);
}

static void test_overrides(void **state)
{
	struct got g[8];
	char msg[1024];
	struct bytes *b = calloc(1, sizeof(*b));
	/* pax path, size and uid win over the header; a GNU long name wins
	 * over pax (Go's order); a global header changes nothing. */
	char rec[256] = "";
	pax_rec(rec, sizeof(rec), "path", "pax/name");
	pax_rec(rec, sizeof(rec), "size", "3");
	pax_rec(rec, sizeof(rec), "uid", "12345");
	add_pax(b, rec);
	add(b, "header-name", '0', "7", "abc", 3);
	add(b, "PaxGlobal", 'g', "24", "20 path=global/name\n", 20);
	add_pax(b, "17 path=pax/name\n");
	add(b, "././@LongLink", 'L', "14", "gnu/longname", 12);
	add(b, "short", '0', "1", "z", 1);
	/* A trailing slash on an old-style regular entry makes a folder. */
	add(b, "olddir/", '\0', "0", NULL, 0);
	/* A symlink's size field does not make it carry data. */
	add(b, "sym", '2', "0", NULL, 0);
	end(b);
	int n = read_steps(b, g, 8, msg, sizeof(msg));
	assert_int_equal(n, 4);
	assert_string_equal(g[0].name, "pax/name");
	assert_int_equal(g[0].size, 3);
	assert_int_equal(g[0].uid, 12345);
	assert_string_equal((char *)g[0].data, "abc");
	assert_string_equal(g[1].name, "gnu/longname");
	assert_string_equal((char *)g[1].data, "z");
	assert_int_equal(g[2].kind, TAR_DIR);
	assert_int_equal(g[3].kind, TAR_SYMLINK);
	free_got(g, n);
	free(b);
}

static void test_hostile(void **state)
{
	struct bytes *b = calloc(1, sizeof(*b));
	uint8_t *h;

	add(b, "a.txt", '0', "5", "hello", 5);
	b->p[3] ^= 1; /* checksum no longer matches */
	end(b);
	expect_error(b, "checksum");

	b->n = 0;
	memset(b->p, 0, 512);
	b->n = 512;
	add(b, "a.txt", '0', "5", "hello", 5);
	expect_error(b, "zero block followed by a header");

	b->n = 0;
	add(b, "a.txt", '0', "9", "hello", 5); /* 9 is not octal */
	expect_error(b, "bad number");

	b->n = 0;
	h = add(b, "neg.txt", '0', "", NULL, 0);
	memset(h + 124, 0xff, 12); /* base-256 -1 */
	raw_header_checksum(h);
	end(b);
	expect_error(b, "negative size");

	b->n = 0;
	add(b, "a.txt", '0', "2000", "hello", 5); /* 1024 bytes declared, 512 there */
	expect_error(b, "truncated");

	b->n = 0;
	add(b, "a.txt", '0', "5", "hello", 5);
	b->n = 300; /* part of a header */
	expect_error(b, "truncated");

	static const char *const bad_pax[] = {
	    "11 path=x\n",                    /* longer than what is there */
	    "9 path=xy\n",                    /* no newline where the length ends */
	    "x path=x\n",                     /* no number */
	    "5 =x\n",                         /* empty key */
	    "10 pathxx\n",                    /* no '=' */
	    "12 size=12a\n",                  /* not a number */
	    "29 size=99999999999999999999\n", /* overflow */
	    "25 GNU.sparse.numbytes=1\n",     /* numbytes before offset */
	};
	for (size_t i = 0; i < sizeof(bad_pax) / sizeof(*bad_pax); i++) {
		b->n = 0;
		add_pax(b, bad_pax[i]);
		add(b, "a.txt", '0', "0", NULL, 0);
		end(b);
		expect_error(b, "pax");
	}
	b->n = 0;
	add(b, "PaxHeader", 'x', "14", "12 path=x\0y\n", 12); /* NUL in a path */
	add(b, "a.txt", '0', "0", NULL, 0);
	end(b);
	expect_error(b, "NUL");

	/* A pax header over 1 MiB, declared: refused before it is read. */
	b->n = 0;
	add(b, "PaxHeader", 'x', "10000000", NULL, 0);
	expect_error(b, "over 1 MiB");

	/* Sparse maps: overlapping regions, regions past the size, a map
	 * that does not add up to the stored bytes. */
	static const char *const bad_maps[] = {
	    "0,4,2,4",   /* overlap */
	    "0,4,100,4", /* past the size (50) */
	    "0,4",       /* stores 8 bytes, maps 4 */
	    "0,4,",      /* dangling comma */
	};
	for (size_t i = 0; i < sizeof(bad_maps) / sizeof(*bad_maps); i++) {
		char rec[256] = "";
		b->n = 0;
		pax_rec(rec, sizeof(rec), "GNU.sparse.major", "0");
		pax_rec(rec, sizeof(rec), "GNU.sparse.minor", "1");
		pax_rec(rec, sizeof(rec), "GNU.sparse.size", "50");
		pax_rec(rec, sizeof(rec), "GNU.sparse.map", bad_maps[i]);
		add_pax(b, rec);
		add(b, "s.bin", '0', "10", "abcdefgh", 8);
		end(b);
		expect_error(b, "sparse");
	}
	/* Old GNU sparse type under a ustar magic. */
	b->n = 0;
	add(b, "s.bin", 'S', "0", NULL, 0);
	end(b);
	expect_error(b, "GNU sparse");
	free(b);
}

/* A sparse 1.0 map declaring a million regions but giving no data. */
static void test_sparse_map_runs_out(void **state)
{
	struct bytes *b = calloc(1, sizeof(*b));
	char rec[256] = "", map[513] = "1000000\n";
	pax_rec(rec, sizeof(rec), "GNU.sparse.major", "1");
	pax_rec(rec, sizeof(rec), "GNU.sparse.minor", "0");
	pax_rec(rec, sizeof(rec), "GNU.sparse.realsize", "9999");
	add_pax(b, rec);
	while (strlen(map) < 512)
		strcat(map, "0\n1\n");
	add(b, "s.bin", '0', "1000", map, 512);
	end(b);
	expect_error(b, "sparse map runs past the data");
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gnu_tar_formats),
	    cmocka_unit_test(test_sparse_formats),
	    cmocka_unit_test(test_ends),
	    cmocka_unit_test(test_overrides),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_sparse_map_runs_out),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
