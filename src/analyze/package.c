/* Package lists owned by analyzer results. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/package.h"
#include "util/limits.h"

int package_list_reserve(struct package_list *l, size_t n)
{
	size_t cap;
	if (__builtin_add_overflow(l->n, n, &cap) || cap > SIZE_MAX / sizeof(*l->items))
		return CUSTOMS_ENOMEM;
	if (cap <= l->cap)
		return 0;
	customs_package *p = realloc(l->items, cap * sizeof(*p));
	if (!p)
		return CUSTOMS_ENOMEM;
	l->items = p;
	l->cap = cap;
	return 0;
}

customs_package *package_list_add(struct package_list *l)
{
	size_t max = l->max ? l->max : LIMIT_PACKAGES_PER_FILE;
	if (l->n >= max)
		return NULL;
	/* Full: room for as many again (16 at first). */
	if (l->n == l->cap && package_list_reserve(l, l->cap ? l->cap : 16))
		return NULL;
	customs_package *p = &l->items[l->n++];
	memset(p, 0, sizeof(*p));
	p->installed_size = -1;
	return p;
}

void package_list_pop(struct package_list *l)
{
	if (l->n) {
		package_clear(&l->items[l->n - 1]);
		l->n--;
	}
}

void package_clear(customs_package *p)
{
	const char **fields[] = {&p->type,       &p->name,     &p->epoch,       &p->version,
	                         &p->arch,       &p->src_name, &p->src_version, &p->license,
	                         &p->maintainer, &p->purl,     &p->path,        &p->layer};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free((char *)*fields[i]);
	memset(p, 0, sizeof(*p));
	p->installed_size = -1;
}

void package_list_free(struct package_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		package_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

static int dup_field(const char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : CUSTOMS_ENOMEM;
}

int package_copy(customs_package *dst, const customs_package *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->installed_size = src->installed_size;
	int rc = 0;
	rc |= dup_field(&dst->type, src->type);
	rc |= dup_field(&dst->name, src->name);
	rc |= dup_field(&dst->epoch, src->epoch);
	rc |= dup_field(&dst->version, src->version);
	rc |= dup_field(&dst->arch, src->arch);
	rc |= dup_field(&dst->src_name, src->src_name);
	rc |= dup_field(&dst->src_version, src->src_version);
	rc |= dup_field(&dst->license, src->license);
	rc |= dup_field(&dst->maintainer, src->maintainer);
	rc |= dup_field(&dst->purl, src->purl);
	rc |= dup_field(&dst->path, src->path);
	rc |= dup_field(&dst->layer, src->layer);
	if (rc) {
		package_clear(dst);
		return CUSTOMS_ENOMEM;
	}
	return 0;
}

char *package_full_version(const customs_package *p)
{
	char *s = NULL;
	const char *v = p->version ? p->version : "";
	if (p->epoch && *p->epoch) {
		if (asprintf(&s, "%s:%s", p->epoch, v) < 0)
			return NULL;
		return s;
	}
	return strdup(v);
}

void os_info_free(struct os_info *os)
{
	if (!os)
		return;
	free(os->family);
	free(os->version);
	free(os->codename);
	free(os->name);
	free(os);
}
