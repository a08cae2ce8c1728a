/* Reads rpm's own "ndb" package database (SUSE: usr/lib/sysimage/rpm/Packages.db)
 * from memory: slot pages naming blobs, each blob framed and adler32-checked. */
#include <stdlib.h>
#include <string.h>

#include "analyze/rpm.h"
#include "util/error.h"

/* Layout facts of the format (all integers little-endian), from rpm's
 * lib/backend/ndb/rpmpkg.c. */
enum {
	NDB_HEADER_SIZE = 32, /* magic, version, generation, slot pages, next index */
	NDB_PAGE = 4096,
	NDB_SLOT = 16, /* magic, package index, block offset, block count */
	NDB_BLK = 16,
	BLOB_HEAD = 16, /* magic, package index, timestamp, length */
	BLOB_TAIL = 12, /* adler32, length, magic */
};

#define MAGIC(a, b, c, d)                                                                          \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define PKGDB_MAGIC    MAGIC('R', 'p', 'm', 'P')
#define SLOT_MAGIC     MAGIC('S', 'l', 'o', 't')
#define BLOBHEAD_MAGIC MAGIC('B', 'l', 'b', 'S')
#define BLOBTAIL_MAGIC MAGIC('B', 'l', 'b', 'E')

struct slot {
	uint32_t pkgidx, blkoff, blkcnt;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;
	while (n) {
		/* 5552 is the most bytes before b can overflow 32 bits (RFC 1950). */
		size_t k = n < 5552 ? n : 5552;
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static int by_blkoff(const void *x, const void *y)
{
	const struct slot *a = x, *b = y;
	return a->blkoff < b->blkoff ? -1 : a->blkoff > b->blkoff;
}

/* The header blob inside the blob framing at slot s, or a reason it is bad. */
static const char *blob_of(const uint8_t **blob, uint32_t *bloblen, const uint8_t *data,
                           const struct slot *s)
{
	const uint8_t *p = data + (size_t)s->blkoff * NDB_BLK;
	size_t total = (size_t)s->blkcnt * NDB_BLK;
	if (total < BLOB_HEAD + BLOB_TAIL)
		return "blob too small";
	if (le32(p) != BLOBHEAD_MAGIC)
		return "no blob magic";
	if (le32(p + 4) != s->pkgidx)
		return "blob belongs to another package";
	uint32_t n = le32(p + 12);
	if (((uint64_t)BLOB_HEAD + n + BLOB_TAIL + NDB_BLK - 1) / NDB_BLK != s->blkcnt)
		return "blob length does not match its slot";
	const uint8_t *tail = p + total - BLOB_TAIL;
	if (le32(tail + 8) != BLOBTAIL_MAGIC || le32(tail + 4) != n)
		return "bad blob trailer";
	if (le32(tail) != adler32(p, total - BLOB_TAIL))
		return "blob checksum mismatch";
	*blob = p + BLOB_HEAD;
	*bloblen = n;
	return NULL;
}

int rpmdb_ndb_read(const uint8_t *data, size_t len, const char *path, rpm_blob_fn fn, void *ctx,
                   struct warn_list *warnings, customs_error *err)
{
	struct slot *slots = NULL;
	size_t n = 0;
	int rc = 0;

	if (len < NDB_HEADER_SIZE || le32(data) != PKGDB_MAGIC)
		return err_set(err, CUSTOMS_EINVAL, "not an rpm ndb database");
	if (le32(data + 4) != 0)
		return err_set(err, CUSTOMS_EUNSUPPORTED, "rpm ndb version %u", le32(data + 4));
	uint32_t npages = le32(data + 12);
	if (npages == 0 || npages > len / NDB_PAGE)
		return err_set(err, CUSTOMS_EINVAL, "rpm ndb truncated: %u slot pages in %zu bytes",
		               npages, len);
	uint64_t fileblks = len / NDB_BLK;
	uint64_t minblk = (uint64_t)npages * (NDB_PAGE / NDB_BLK);
	size_t max = (size_t)npages * (NDB_PAGE / NDB_SLOT);
	slots = calloc(max, sizeof(*slots));
	if (!slots)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");

	for (size_t o = NDB_HEADER_SIZE; o < (size_t)npages * NDB_PAGE; o += NDB_SLOT) {
		const uint8_t *sp = data + o;
		if (le32(sp) != SLOT_MAGIC) {
			rc = err_set(err, CUSTOMS_EINVAL, "rpm ndb: bad slot at offset %zu", o);
			goto out;
		}
		struct slot s = {le32(sp + 4), le32(sp + 8), le32(sp + 12)};
		if (s.blkoff == 0)
			continue; /* a free slot */
		if (!s.pkgidx || !s.blkcnt || s.blkoff < minblk ||
		    (uint64_t)s.blkoff + s.blkcnt > fileblks) {
			warn_add(warnings, "%s: rpm ndb slot at offset %zu points outside the data",
			         path, o);
			continue;
		}
		slots[n++] = s;
	}
	/* rpm lists packages in the order of their blobs in the file. */
	qsort(slots, n, sizeof(*slots), by_blkoff);
	uint64_t end = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *blob = NULL;
		uint32_t bloblen = 0;
		/* Blobs never overlap; refusing overlaps also keeps hostile slots
		 * from checksumming the same bytes over and over. */
		if (slots[i].blkoff < end) {
			warn_add(warnings, "%s: rpm ndb package %u overlaps the previous one", path,
			         slots[i].pkgidx);
			continue;
		}
		end = (uint64_t)slots[i].blkoff + slots[i].blkcnt;
		const char *why = blob_of(&blob, &bloblen, data, &slots[i]);
		if (why) {
			warn_add(warnings, "%s: rpm ndb package %u: %s", path, slots[i].pkgidx,
			         why);
			continue;
		}
		rc = fn(ctx, blob, bloblen, err);
		if (rc)
			goto out;
	}
out:
	free(slots);
	return rc;
}
