/* layer_merge: replays the layers in order over one path map, applying
 * whiteouts and opaque dirs, and finds the layer that introduced each package. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "layer/layer_internal.h"
#include "util/error.h"

/* A small open-addressing map from borrowed byte strings to indexes, hashed
 * with layer_path_hash (it takes any bytes). Slots
 * are never deleted: the merge marks entries dead instead, which keeps
 * lookups simple and lets a path that comes back reuse its slot. */
struct strmap {
	struct slot {
		const char *key;
		size_t len;
		uint64_t hash;
		size_t value;
	} * slots;
	size_t cap, n; /* cap is a power of two */
};

static void strmap_free(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct slot *strmap_find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct slot *s = &m->slots[i];
		if (!s->key)
			return s;
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

static int strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return CUSTOMS_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		struct slot *s = &m->slots[i];
		if (!s->key)
			continue;
		size_t j = s->hash & (cap - 1);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

/* Looks key up; *found says whether it was there. Inserts it with value
 * when it was not. Returns the slot, NULL when out of memory. */
static struct slot *strmap_upsert(struct strmap *m, const char *key, size_t len, size_t value,
                                  bool *found)
{
	uint64_t h = layer_path_hash(key, len);
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) < 0)
		return NULL;
	struct slot *s = strmap_find(m, key, len, h);
	*found = s->key != NULL;
	if (!*found) {
		*s = (struct slot){key, len, h, value};
		m->n++;
	}
	return s;
}

static bool strmap_get(const struct strmap *m, const char *key, size_t len, size_t *value)
{
	struct slot *s = strmap_find(m, key, len, layer_path_hash(key, len));
	if (!s || !s->key)
		return false;
	*value = s->value;
	return true;
}

struct entry {
	const struct file_result *res;
	size_t layer;
	size_t *pkg_layer;
	size_t next; /* next entry with the same path (another analyzer), or NONE */
	bool live;
};

#define NONE          ((size_t)-1)
#define MARK_WHITEOUT 1u
#define MARK_OPAQUE   2u

struct merge {
	struct entry *e;
	size_t n, cap;
	struct strmap paths; /* path -> first entry */
};

static void kill_entry(struct entry *e)
{
	e->live = false;
	free(e->pkg_layer);
	e->pkg_layer = NULL;
}

/* Drops every live entry the layer's whiteouts or opaque dirs hide. One
 * pass over the entries with a lookup per ancestor, instead of a scan of
 * all entries per whiteout. */
static int apply_whiteouts(struct merge *m, const struct layer_result *l)
{
	struct strmap marks = {0};
	bool found, hide_all = false;
	for (size_t i = 0; i < l->n_whiteouts; i++) {
		const char *p = l->whiteouts[i];
		struct slot *s = strmap_upsert(&marks, p, strlen(p), 0, &found);
		if (!s)
			goto nomem;
		s->value |= MARK_WHITEOUT;
	}
	for (size_t i = 0; i < l->n_opaque; i++) {
		const char *p = l->opaque_dirs[i];
		if (!*p)
			hide_all = true;
		struct slot *s = strmap_upsert(&marks, p, strlen(p), 0, &found);
		if (!s)
			goto nomem;
		s->value |= MARK_OPAQUE;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct entry *e = &m->e[i];
		if (!e->live)
			continue;
		const char *p = e->res->path;
		size_t len = strlen(p), v;
		bool hide = hide_all || (strmap_get(&marks, p, len, &v) && (v & MARK_WHITEOUT));
		for (size_t j = 0; !hide && j < len; j++)
			if (p[j] == '/' && strmap_get(&marks, p, j, &v))
				hide = true;
		if (hide)
			kill_entry(e);
	}
	strmap_free(&marks);
	return 0;
nomem:
	strmap_free(&marks);
	return CUSTOMS_ENOMEM;
}

/* One key per package identity: presence flag + bytes for each field, so
 * that NULL and "" differ and no separator can be forged. */
static char *pkg_key(const customs_package *p, size_t *len)
{
	const char *f[] = {p->name, p->epoch, p->version, p->arch};
	size_t n = 0;
	for (size_t i = 0; i < 4; i++)
		n += 2 + (f[i] ? strlen(f[i]) : 0);
	char *k = malloc(n ? n : 1), *o = k;
	if (!k)
		return NULL;
	for (size_t i = 0; i < 4; i++) {
		size_t l = f[i] ? strlen(f[i]) : 0;
		*o++ = f[i] ? 1 : 0;
		memcpy(o, f[i] ? f[i] : "", l);
		o += l;
		*o++ = '\0';
	}
	*len = n;
	return k;
}

/* pkg_layer for res arriving at layer k where old (with old_layers) was. */
static int attribute(size_t **out, const struct file_result *res, size_t k,
                     const struct file_result *old, const size_t *old_layers)
{
	int rc = 0;
	size_t n = res->pkgs.n, on = old ? old->pkgs.n : 0;
	size_t *pl = NULL;
	char **keys = NULL;
	struct strmap map = {0};
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	pl = malloc(n * sizeof(*pl));
	if (!pl)
		return CUSTOMS_ENOMEM;
	for (size_t i = 0; i < n; i++)
		pl[i] = k;
	if (on && old_layers) {
		keys = calloc(on, sizeof(*keys));
		if (!keys)
			goto nomem;
		for (size_t i = 0; i < on; i++) {
			size_t len;
			bool found;
			if (!(keys[i] = pkg_key(&old->pkgs.items[i], &len)) ||
			    !strmap_upsert(&map, keys[i], len, i, &found))
				goto nomem;
		}
		for (size_t i = 0; i < n; i++) {
			size_t len, j;
			char *key = pkg_key(&res->pkgs.items[i], &len);
			if (!key)
				goto nomem;
			if (strmap_get(&map, key, len, &j))
				pl[i] = old_layers[j];
			free(key);
		}
	}
	goto out;
nomem:
	rc = CUSTOMS_ENOMEM;
out:
	if (keys)
		for (size_t i = 0; i < on; i++)
			free(keys[i]);
	free(keys);
	strmap_free(&map);
	if (rc < 0)
		free(pl);
	else
		*out = pl;
	return rc;
}

static int add_result(struct merge *m, const struct file_result *r, size_t k)
{
	bool found;
	size_t len = strlen(r->path);
	struct slot *s = strmap_upsert(&m->paths, r->path, len, m->n, &found);
	if (!s)
		return CUSTOMS_ENOMEM;
	if (found) {
		for (size_t i = s->value; i != NONE; i = m->e[i].next) {
			struct entry *e = &m->e[i];
			if (strcmp(e->res->analyzer, r->analyzer) != 0)
				continue;
			size_t *pl = NULL;
			int rc = attribute(&pl, r, k, e->live ? e->res : NULL, e->pkg_layer);
			if (rc < 0)
				return rc;
			free(e->pkg_layer);
			*e = (struct entry){r, k, pl, e->next, true};
			return 0;
		}
	}
	if (layer_grow(&m->e, &m->cap, m->n, sizeof(*m->e), 256) < 0)
		return CUSTOMS_ENOMEM;
	size_t *pl = NULL;
	if (attribute(&pl, r, k, NULL, NULL) < 0)
		return CUSTOMS_ENOMEM;
	/* A new analyzer for a known path goes at the head of its chain. */
	size_t next = found ? s->value : NONE;
	m->e[m->n] = (struct entry){r, k, pl, next, true};
	s->value = m->n++;
	return 0;
}

/* Kills the lower layers' entries whose file layer k replaced without a
 * result of the same analyzer (see layer_result.path_hashes). */
static void apply_replacements(struct merge *m, const struct layer_result *l, size_t k)
{
	if (!l->n_path_hashes)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct entry *e = &m->e[i];
		if (e->live && e->layer < k && layer_replaces(l, e->res->path))
			kill_entry(e);
	}
}

static int cmp_merged(const void *a, const void *b)
{
	const struct merged_file *x = a, *y = b;
	int c = strcmp(x->result->path, y->result->path);
	return c ? c : strcmp(x->result->analyzer, y->result->analyzer);
}

int layer_merge(struct merged_fs *out, struct layer_result *const *layers, size_t n,
                customs_error *err)
{
	struct merge m = {0};
	struct merged_fs fs = {0};
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		const struct layer_result *l = layers[k];
		if (l->n_whiteouts || l->n_opaque)
			rc = apply_whiteouts(&m, l);
		for (size_t i = 0; i < l->n_files && rc == 0; i++)
			rc = add_result(&m, &l->files[i], k);
		if (rc == 0)
			apply_replacements(&m, l, k);
	}
	if (rc < 0)
		goto out;
	size_t live = 0;
	for (size_t i = 0; i < m.n; i++)
		live += m.e[i].live;
	if (live) {
		fs.files = calloc(live, sizeof(*fs.files));
		if (!fs.files) {
			rc = CUSTOMS_ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < m.n; i++) {
		struct entry *e = &m.e[i];
		if (!e->live)
			continue;
		fs.files[fs.n_files++] = (struct merged_file){e->res, e->layer, e->pkg_layer};
		e->pkg_layer = NULL;
	}
	if (fs.n_files > 1)
		qsort(fs.files, fs.n_files, sizeof(*fs.files), cmp_merged);
out:
	for (size_t i = 0; i < m.n; i++)
		free(m.e[i].pkg_layer);
	free(m.e);
	strmap_free(&m.paths);
	if (rc < 0) {
		merged_fs_clear(&fs);
		return err_set(err, rc, "out of memory merging layers");
	}
	*out = fs;
	return 0;
}

void merged_fs_clear(struct merged_fs *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_files; i++)
		free(m->files[i].pkg_layer);
	free(m->files);
	memset(m, 0, sizeof(*m));
}
