/* The rpm header blob parser shared by the three database readers: bounds-
 * checks the index and data store and turns the package tags into a record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/owned.h"
#include "analyze/rpm.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

enum {
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_SIZE = 1009,
	TAG_VENDOR = 1011,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_SOURCERPM = 1044,
	TAG_LONGSIZE = 5009,
};

enum {
	TYPE_NULL = 0,
	TYPE_CHAR = 1,
	TYPE_INT8 = 2,
	TYPE_INT16 = 3,
	TYPE_INT32 = 4,
	TYPE_INT64 = 5,
	TYPE_STRING = 6,
	TYPE_BIN = 7,
	TYPE_STRING_ARRAY = 8,
	TYPE_I18NSTRING = 9,
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct entry {
	uint32_t type, offset, count;
};

/* Byte alignment rpm requires of each type inside the data store. */
static uint32_t type_align(uint32_t type)
{
	switch (type) {
	case TYPE_INT16:
		return 2;
	case TYPE_INT32:
		return 4;
	case TYPE_INT64:
		return 8;
	default:
		return 1;
	}
}

static int get_string(const char **out, const struct entry *e, const uint8_t *store, uint32_t dl,
                      uint32_t tag, customs_error *err)
{
	if (!e->count)
		return 0;
	if (e->type != TYPE_STRING && e->type != TYPE_I18NSTRING && e->type != TYPE_STRING_ARRAY)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: tag %u has type %u, not a string",
		               tag, e->type);
	/* Every string must end inside the store, or a reader would run off it. */
	if (!memchr(store + e->offset, '\0', dl - e->offset))
		return err_set(err, CUSTOMS_EINVAL, "rpm header: tag %u string is not terminated",
		               tag);
	*out = (const char *)store + e->offset;
	return 0;
}

static int get_int(uint64_t *out, const struct entry *e, const uint8_t *store, uint32_t dl,
                   uint32_t tag, uint32_t type, customs_error *err)
{
	uint32_t w = type == TYPE_INT64 ? 8 : 4;
	if (e->type != type || e->count < 1)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: tag %u has type %u count %u", tag,
		               e->type, e->count);
	if (dl - e->offset < w)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: tag %u value past the data", tag);
	const uint8_t *p = store + e->offset;
	*out = w == 8 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
	return 0;
}

int rpm_header_parse(struct rpm_header *out, const uint8_t *blob, size_t len, customs_error *err)
{
	static const uint32_t wanted[] = {TAG_NAME,      TAG_VERSION, TAG_RELEASE, TAG_EPOCH,
	                                  TAG_SIZE,      TAG_VENDOR,  TAG_LICENSE, TAG_ARCH,
	                                  TAG_SOURCERPM, TAG_LONGSIZE};
	enum { N_WANTED = sizeof(wanted) / sizeof(wanted[0]) };
	struct entry found[N_WANTED];
	struct rpm_header h = {.size = -1};
	int rc = 0;

	memset(found, 0, sizeof(found));
	if (!blob || len < 8)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: %zu bytes, shorter than its intro",
		               len);
	uint32_t il = be32(blob), dl = be32(blob + 4);
	if (il == 0)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: no index entries");
	if (il > LIMIT_RPM_HEADER_TAGS || dl > LIMIT_RPM_HEADER_DATA)
		return err_set(err, CUSTOMS_ETOOLARGE, "rpm header: %u entries, %u data bytes", il,
		               dl);
	size_t need;
	if (__builtin_mul_overflow((size_t)il, 16, &need) ||
	    __builtin_add_overflow(need, 8, &need) ||
	    __builtin_add_overflow(need, (size_t)dl, &need) || need > len)
		return err_set(err, CUSTOMS_EINVAL,
		               "rpm header: claims %u entries and %u data bytes, "
		               "blob has %zu bytes",
		               il, dl, len);
	const uint8_t *index = blob + 8;
	const uint8_t *store = index + (size_t)il * 16;

	for (uint32_t i = 0; i < il; i++) {
		const uint8_t *ep = index + (size_t)i * 16;
		uint32_t tag = be32(ep);
		struct entry e = {be32(ep + 4), be32(ep + 8), be32(ep + 12)};
		if (e.type > TYPE_I18NSTRING)
			return err_set(err, CUSTOMS_EINVAL, "rpm header: entry %u has type %u", i,
			               e.type);
		/* An offset equal to dl suits only an empty value, which no tag we
		 * read may have; those are refused below. */
		if (e.offset > dl || e.offset % type_align(e.type))
			return err_set(err, CUSTOMS_EINVAL,
			               "rpm header: entry %u offset %u (data %u)", i, e.offset, dl);
		for (size_t k = 0; k < N_WANTED; k++) {
			/* The last of duplicate entries wins: rpm appends changed tags
			 * after the immutable region, and those replace the originals. */
			if (tag == wanted[k]) {
				if (e.offset == dl)
					return err_set(
					    err, CUSTOMS_EINVAL,
					    "rpm header: tag %u points at the end of the data",
					    tag);
				if (!e.count)
					return err_set(err, CUSTOMS_EINVAL,
					               "rpm header: tag %u is empty", tag);
				found[k] = e;
			}
		}
	}

	const char **strs[] = {&h.name,   &h.version, &h.release, NULL,         NULL,
	                       &h.vendor, &h.license, &h.arch,    &h.sourcerpm, NULL};
	for (size_t k = 0; k < N_WANTED; k++) {
		if (!found[k].count)
			continue;
		uint64_t v = 0;
		if (strs[k]) {
			rc = get_string(strs[k], &found[k], store, dl, wanted[k], err);
		} else if (wanted[k] == TAG_EPOCH) {
			rc = get_int(&v, &found[k], store, dl, wanted[k], TYPE_INT32, err);
			h.has_epoch = 1;
			h.epoch = (uint32_t)v;
		} else if (wanted[k] == TAG_SIZE) {
			rc = get_int(&v, &found[k], store, dl, wanted[k], TYPE_INT32, err);
			if (h.size < 0)
				h.size = (int64_t)v;
		} else {
			rc = get_int(&v, &found[k], store, dl, wanted[k], TYPE_INT64, err);
			/* LONGSIZE exists for packages past 4 GiB, where SIZE is absent. */
			h.size = v > INT64_MAX ? INT64_MAX : (int64_t)v;
		}
		if (rc)
			return rc;
	}
	if (!h.name || !*h.name)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: no NAME");
	if (!h.version || !*h.version)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: package %.200s has no VERSION",
		               h.name);
	*out = h;
	return 0;
}

static int set_str(const char **dst, const char *s, size_t n)
{
	*dst = xstrndup(s, n);
	return *dst ? 0 : CUSTOMS_ENOMEM;
}

/* "curl-7.76.0-6.cm2.src.rpm": the last two '-'-separated fields of the name
 * without its suffix are the version and the release. */
static int set_source(customs_package *p, const struct rpm_header *h)
{
	const char *s = h->sourcerpm;
	size_t n = strlen(s);
	if (str_has_suffix(s, ".src.rpm"))
		n -= strlen(".src.rpm");
	else if (str_has_suffix(s, ".nosrc.rpm"))
		n -= strlen(".nosrc.rpm");
	else
		return 0;
	const char *rel = memrchr(s, '-', n);
	if (!rel || rel == s)
		return 0;
	const char *ver = memrchr(s, '-', (size_t)(rel - s));
	if (!ver || ver == s || ver + 1 == rel || rel + 1 == s + n)
		return 0;
	if (set_str(&p->src_name, s, (size_t)(ver - s)))
		return CUSTOMS_ENOMEM;
	char *v = NULL;
	int vl = (int)(n - (size_t)(ver + 1 - s));
	/* The SRPM file name carries no epoch; rpm builds the binary packages
	 * with the source's epoch, so the binary's epoch is the source's. */
	int r = h->has_epoch ? asprintf(&v, "%u:%.*s", h->epoch, vl, ver + 1)
	                     : asprintf(&v, "%.*s", vl, ver + 1);
	if (r < 0)
		return CUSTOMS_ENOMEM;
	p->src_version = v;
	return 0;
}

int rpm_header_to_package(customs_package *p, const struct rpm_header *h, customs_error *err)
{
	int rc = 0;
	char *s = NULL;

	p->installed_size = h->size;
	if (set_str(&p->type, "rpm", 3) || set_str(&p->name, h->name, strlen(h->name)))
		goto nomem;
	if (h->release && *h->release ? asprintf(&s, "%s-%s", h->version, h->release) < 0
	                              : (s = strdup(h->version)) == NULL)
		goto nomem;
	p->version = s;
	s = NULL;
	if (h->has_epoch && asprintf(&s, "%u", h->epoch) < 0)
		goto nomem;
	p->epoch = s;
	s = NULL;
	if ((h->arch && set_str(&p->arch, h->arch, strlen(h->arch))) ||
	    (h->license && set_str(&p->license, h->license, strlen(h->license))) ||
	    (h->vendor && set_str(&p->maintainer, h->vendor, strlen(h->vendor))) ||
	    (h->sourcerpm && set_source(p, h)))
		goto nomem;
	return 0;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "rpm header: out of memory");
	package_clear(p);
	return rc;
}

enum {
	TAG_OLDFILENAMES = 1027,
	TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117,
	TAG_DIRNAMES = 1118,
};

/* The strings of a STRING_ARRAY entry: count NUL-terminated strings from
 * offset, each inside the store. Fills ptrs (count entries). */
static int string_array(const char **ptrs, const struct entry *e, const uint8_t *store, uint32_t dl,
                        uint32_t tag, customs_error *err)
{
	if (e->type != TYPE_STRING_ARRAY)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: tag %u has type %u, not strings",
		               tag, e->type);
	size_t off = e->offset;
	for (uint32_t i = 0; i < e->count; i++) {
		const uint8_t *z = off < dl ? memchr(store + off, '\0', dl - off) : NULL;
		if (!z)
			return err_set(err, CUSTOMS_EINVAL,
			               "rpm header: tag %u string %u runs past the data", tag, i);
		ptrs[i] = (const char *)store + off;
		off = (size_t)(z - store) + 1;
	}
	return 0;
}

static int add_joined(struct owned_list *out, const char *dir, const char *base)
{
	size_t dn = strlen(dir), bn = strlen(base), n;
	char buf[LIMIT_PATH_BYTES + 1];
	if (__builtin_add_overflow(dn, bn, &n) || n > LIMIT_PATH_BYTES)
		return 0; /* no real path is that long: nothing a package could own */
	memcpy(buf, dir, dn);
	memcpy(buf + dn, base, bn);
	return owned_list_add(out, buf, n);
}

int rpm_header_files(struct owned_list *out, const uint8_t *blob, size_t len, customs_error *err)
{
	struct entry base = {0}, dirs = {0}, idx = {0}, old = {0};
	const char **bases = NULL, **dirnames = NULL;
	size_t n0 = out->n;
	int rc = 0;
	if (!blob || len < 8)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: %zu bytes, shorter than its intro",
		               len);
	uint32_t il = be32(blob), dl = be32(blob + 4);
	size_t need;
	if (il > LIMIT_RPM_HEADER_TAGS || dl > LIMIT_RPM_HEADER_DATA ||
	    __builtin_mul_overflow((size_t)il, 16, &need) ||
	    __builtin_add_overflow(need, 8 + (size_t)dl, &need) || need > len)
		return err_set(err, CUSTOMS_EINVAL,
		               "rpm header: %u entries, %u data bytes, %zu bytes", il, dl, len);
	const uint8_t *index = blob + 8, *store = index + (size_t)il * 16;
	for (uint32_t i = 0; i < il; i++) {
		const uint8_t *ep = index + (size_t)i * 16;
		uint32_t tag = be32(ep);
		struct entry e = {be32(ep + 4), be32(ep + 8), be32(ep + 12)};
		if (e.offset >= dl)
			continue;
		if (tag == TAG_BASENAMES)
			base = e;
		else if (tag == TAG_DIRNAMES)
			dirs = e;
		else if (tag == TAG_DIRINDEXES)
			idx = e;
		else if (tag == TAG_OLDFILENAMES)
			old = e;
	}
	/* Every string takes at least its NUL byte: a count past dl is a lie. */
	if (base.count > dl - base.offset || dirs.count > dl - dirs.offset ||
	    old.count > dl - old.offset)
		return err_set(err, CUSTOMS_EINVAL, "rpm header: more file names than data bytes");
	if (!base.count && old.count) {
		/* rpm before 4.0 kept whole paths in OLDFILENAMES. */
		if (!(bases = calloc(old.count, sizeof(*bases)))) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		rc = string_array(bases, &old, store, dl, TAG_OLDFILENAMES, err);
		for (uint32_t i = 0; !rc && i < old.count; i++)
			if ((rc = owned_list_add(out, bases[i], strlen(bases[i]))))
				err_set(err, rc, "rpm header: cannot keep the file list");
		goto out;
	}
	if (!base.count)
		goto out;
	if (idx.type != TYPE_INT32 || idx.count != base.count || idx.offset % 4 ||
	    (size_t)dl - idx.offset < (size_t)idx.count * 4 || !dirs.count) {
		rc = err_set(err, CUSTOMS_EINVAL, "rpm header: file list without matching folders");
		goto out;
	}
	bases = calloc(base.count, sizeof(*bases));
	dirnames = calloc(dirs.count, sizeof(*dirnames));
	if (!bases || !dirnames) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = string_array(bases, &base, store, dl, TAG_BASENAMES, err)) ||
	    (rc = string_array(dirnames, &dirs, store, dl, TAG_DIRNAMES, err)))
		goto out;
	for (uint32_t i = 0; i < base.count; i++) {
		uint32_t d = be32(store + idx.offset + (size_t)i * 4);
		if (d >= dirs.count) {
			rc = err_set(err, CUSTOMS_EINVAL, "rpm header: file %u in folder %u of %u",
			             i, d, dirs.count);
			goto out;
		}
		if ((rc = add_joined(out, dirnames[d], bases[i]))) {
			err_set(err, rc, "rpm header: cannot keep the file list");
			goto out;
		}
	}
out:
	while (rc && out->n > n0)
		free(out->paths[--out->n]);
	free(bases);
	free(dirnames);
	return rc;
}
