/* Reads the Berkeley DB hash file rpm < 4.16 keeps its headers in
 * (var/lib/rpm/Packages), from memory, without libdb: either byte order. */
#include <stdlib.h>
#include <string.h>

#include "analyze/rpm.h"
#include "util/error.h"
#include "util/limits.h"

enum {
	HASH_MAGIC = 0x061561,
	BTREE_MAGIC = 0x053162,
	PAGE_HEADER = 26, /* lsn, pgno, prev, next, entries, hf_offset, level, type */
	P_HASH_UNSORTED = 2,
	P_OVERFLOW = 7,
	P_HASHMETA = 8,
	P_HASH = 13,
	H_KEYDATA = 1,
	H_OFFPAGE = 3,
	HOFFPAGE_SIZE = 12, /* type, 3 unused, pgno, total length */
};

struct bdb {
	const uint8_t *data;
	int be;
	uint32_t pagesize, npages;
	/* Which overflow chain first used each page: a page met twice, by one
	 * chain (a loop) or by two, is corruption, and refusing it keeps the work
	 * linear in the file size whatever the pointers say. */
	uint32_t *owner;
	uint32_t chain;
	const char *path;
	struct warn_list *warnings;
};

static uint32_t rd32(const struct bdb *b, const uint8_t *p)
{
	if (b->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const struct bdb *b, const uint8_t *p)
{
	return b->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static const uint8_t *page(const struct bdb *b, uint32_t pgno)
{
	return b->data + (size_t)pgno * b->pagesize;
}

/* Gathers an item stored on a chain of overflow pages into a new buffer. */
static int read_overflow(uint8_t **out, struct bdb *b, uint32_t pgno, uint32_t tlen,
                         customs_error *err)
{
	size_t got = 0;
	uint8_t *buf = NULL;
	int rc = 0;

	/* An item cannot be larger than the file holding it. */
	if (tlen == 0 || tlen > (size_t)b->npages * b->pagesize) {
		rc = err_set(err, CUSTOMS_EINVAL, "overflow item of %u bytes", tlen);
		goto out;
	}
	buf = malloc(tlen);
	if (!buf) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	b->chain++;
	while (got < tlen) {
		if (pgno == 0 || pgno >= b->npages) {
			rc = err_set(err, CUSTOMS_EINVAL, "overflow chain points at page %u of %u",
			             pgno, b->npages);
			goto out;
		}
		if (b->owner[pgno]) {
			rc =
			    err_set(err, CUSTOMS_EINVAL, "overflow page %u is reached twice", pgno);
			goto out;
		}
		b->owner[pgno] = b->chain;
		const uint8_t *pg = page(b, pgno);
		uint32_t n = rd16(b, pg + 22); /* bytes used on an overflow page */
		if (pg[25] != P_OVERFLOW || n > b->pagesize - PAGE_HEADER) {
			rc = err_set(err, CUSTOMS_EINVAL, "page %u is not a valid overflow page",
			             pgno);
			goto out;
		}
		if (n > tlen - got)
			n = (uint32_t)(tlen - got);
		memcpy(buf + got, pg + PAGE_HEADER, n);
		got += n;
		pgno = rd32(b, pg + 16);
	}
	if (got < tlen) {
		rc = err_set(err, CUSTOMS_EINVAL, "overflow chain ends after %zu of %u bytes", got,
		             tlen);
		goto out;
	}
	*out = buf;
	buf = NULL;
out:
	free(buf);
	return rc;
}

/* Bounds of item i on a hash page: items are packed from the page's end
 * downwards, so each one ends where the previous one starts. */
static int item(const struct bdb *b, const uint8_t *pg, uint16_t entries, uint16_t i,
                uint32_t *start, uint32_t *end)
{
	uint32_t lo = PAGE_HEADER + 2u * entries;
	uint32_t s = rd16(b, pg + PAGE_HEADER + 2u * i);
	uint32_t e = i == 0 ? b->pagesize : rd16(b, pg + PAGE_HEADER + 2u * (i - 1));
	if (s < lo || s >= e || e > b->pagesize)
		return CUSTOMS_EINVAL;
	*start = s;
	*end = e;
	return 0;
}

static int is_zero_key(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int walk_page(struct bdb *b, uint32_t pgno, rpm_blob_fn fn, void *ctx, customs_error *err)
{
	const uint8_t *pg = page(b, pgno);
	uint16_t entries = rd16(b, pg + 20);
	int rc = 0;

	if (PAGE_HEADER + 2u * entries > b->pagesize) {
		warn_add(b->warnings, "%s: rpm database page %u claims %u entries", b->path, pgno,
		         entries);
		return 0;
	}
	/* Entries alternate key, data; the key is the header number. */
	for (uint16_t i = 0; i + 1 < entries; i += 2) {
		uint32_t ks, ke, ds, de;
		if (item(b, pg, entries, i, &ks, &ke) || item(b, pg, entries, i + 1, &ds, &de)) {
			warn_add(b->warnings, "%s: rpm database page %u entry %u out of bounds",
			         b->path, pgno, i);
			continue;
		}
		/* Record 0 holds rpm's next header number, not a header. */
		if (pg[ks] == H_KEYDATA && is_zero_key(pg + ks + 1, ke - ks - 1))
			continue;
		if (pg[ds] == H_KEYDATA) {
			rc = fn(ctx, pg + ds + 1, de - ds - 1, err);
		} else if (pg[ds] == H_OFFPAGE && de - ds >= HOFFPAGE_SIZE) {
			uint8_t *blob = NULL;
			uint32_t tlen = rd32(b, pg + ds + 8);
			customs_error e2 = {0};
			int r = read_overflow(&blob, b, rd32(b, pg + ds + 4), tlen, &e2);
			if (r == CUSTOMS_ENOMEM) {
				err_copy(err, &e2);
				return r;
			}
			if (r) {
				warn_add(b->warnings, "%s: rpm database page %u entry %u: %s",
				         b->path, pgno, i, e2.message);
				continue;
			}
			rc = fn(ctx, blob, tlen, err);
			free(blob);
		} else {
			warn_add(b->warnings, "%s: rpm database page %u entry %u has item type %u",
			         b->path, pgno, i, pg[ds]);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int rpmdb_bdb_read(const uint8_t *data, size_t len, const char *path, rpm_blob_fn fn, void *ctx,
                   struct warn_list *warnings, customs_error *err)
{
	struct bdb b = {.data = data, .path = path, .warnings = warnings};
	int rc = 0;

	if (len < 512)
		return err_set(err, CUSTOMS_EINVAL, "Berkeley DB file of %zu bytes is truncated",
		               len);
	uint32_t magic_le = (uint32_t)data[15] << 24 | (uint32_t)data[14] << 16 |
	                    (uint32_t)data[13] << 8 | data[12];
	uint32_t magic_be = (uint32_t)data[12] << 24 | (uint32_t)data[13] << 16 |
	                    (uint32_t)data[14] << 8 | data[15];
	if (magic_le == BTREE_MAGIC || magic_be == BTREE_MAGIC)
		return err_set(err, CUSTOMS_EUNSUPPORTED,
		               "Berkeley DB btree, not an rpm hash database");
	if (magic_le != HASH_MAGIC && magic_be != HASH_MAGIC)
		return err_set(err, CUSTOMS_EINVAL, "not a Berkeley DB hash database");
	b.be = magic_le != HASH_MAGIC;
	b.pagesize = rd32(&b, data + 20);
	uint32_t last = rd32(&b, data + 32);
	if (data[24] != 0)
		return err_set(err, CUSTOMS_EUNSUPPORTED, "encrypted Berkeley DB");
	if (data[25] != P_HASHMETA)
		return err_set(err, CUSTOMS_EINVAL, "Berkeley DB metadata page has type %u",
		               data[25]);
	/* Berkeley DB page sizes are powers of two from 512 B to 64 KiB. */
	if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1)))
		return err_set(err, CUSTOMS_EINVAL, "Berkeley DB page size %u", b.pagesize);
	if (last == UINT32_MAX || ((uint64_t)last + 1) * b.pagesize > len)
		return err_set(err, CUSTOMS_EINVAL,
		               "Berkeley DB truncated: %u pages of %u bytes in %zu bytes", last + 1,
		               b.pagesize, len);
	b.npages = last + 1;
	b.owner = calloc(b.npages, sizeof(*b.owner));
	if (!b.owner)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (uint32_t p = 1; p < b.npages; p++) {
		uint8_t type = page(&b, p)[25];
		if (type != P_HASH && type != P_HASH_UNSORTED)
			continue;
		rc = walk_page(&b, p, fn, ctx, err);
		if (rc)
			break;
	}
	free(b.owner);
	return rc;
}
