/* Maven version ordering, as org.apache.maven...ComparableVersion: numbers,
 * qualifiers (alpha < beta < milestone < rc < snapshot < "" < sp), '-' nesting. */
/* Kept exactly, including where ComparableVersion is not transitive
 * (1-M3 < 1 < 1.x, yet 1-M3 > 1.x): matching must agree with Maven. */
#include <stdlib.h>

#include "customs/customs.h"
#include "util/limits.h"
#include "version/schemes.h"
#include "version/vutil.h"

enum mkind { M_INT, M_STR, M_LIST };

/* Known qualifiers; unknown ones (Q_UNKNOWN) sort after all, among
 * themselves by their text, ignoring ASCII case as Maven lowercases first. */
enum { Q_ALPHA, Q_BETA, Q_MILESTONE, Q_RC, Q_SNAPSHOT, Q_RELEASE, Q_SP, Q_UNKNOWN };

struct mitem {
	enum mkind kind;
	int qual;
	const char *s; /* M_INT: digits without leading zeros; M_STR: the text */
	size_t n;
	int first, last, prev, next; /* children of an M_LIST, siblings */
};

/* Versions up to this long parse into the tree's own array, so the common
 * case costs no allocation (the matcher compares in a hot loop). */
#define SMALL_LEN 48

struct mtree {
	struct mitem *it;
	int count;
	struct mitem small[2 * SMALL_LEN + 2];
};

static int qualifier(const char *s, size_t n, bool followed_by_digit)
{
	static const struct {
		const char *w;
		int q;
	} words[] = {{"alpha", Q_ALPHA}, {"beta", Q_BETA},     {"milestone", Q_MILESTONE},
	             {"rc", Q_RC},       {"cr", Q_RC},         {"snapshot", Q_SNAPSHOT},
	             {"ga", Q_RELEASE},  {"final", Q_RELEASE}, {"release", Q_RELEASE},
	             {"sp", Q_SP}};

	/* "a1", "b2", "m3" are short for alpha-1, beta-2, milestone-3. */
	if (followed_by_digit && n == 1) {
		switch (v_tolower((unsigned char)s[0])) {
		case 'a':
			return Q_ALPHA;
		case 'b':
			return Q_BETA;
		case 'm':
			return Q_MILESTONE;
		}
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (v_word_eq(s, n, words[i].w))
			return words[i].q;
	return Q_UNKNOWN;
}

static int add(struct mtree *t, int list, enum mkind kind, const char *s, size_t n, bool digit_next)
{
	struct mitem *it = &t->it[t->count];
	struct mitem *l = &t->it[list];

	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->first = it->last = it->prev = it->next = -1;
	if (kind == M_INT) {
		while (n > 0 && *s == '0')
			s++, n--;
	} else if (kind == M_STR) {
		it->qual = qualifier(s, n, digit_next);
	}
	it->s = s;
	it->n = n;
	it->prev = l->last;
	if (l->last >= 0)
		t->it[l->last].next = t->count;
	else
		l->first = t->count;
	l->last = t->count;
	return t->count++;
}

static bool is_null(const struct mitem *it)
{
	switch (it->kind) {
	case M_INT:
		return it->n == 0;
	case M_STR:
		return it->qual == Q_RELEASE;
	default:
		return it->first < 0;
	}
}

/* Drops trailing null items (0, "", empty lists), looking through
 * non-null sub-lists as Maven's ListItem.normalize() does. */
static void normalize(struct mtree *t, int list)
{
	struct mitem *l = &t->it[list];

	for (int i = l->last; i >= 0;) {
		struct mitem *c = &t->it[i];
		int prev = c->prev;
		if (is_null(c)) {
			if (c->prev >= 0)
				t->it[c->prev].next = c->next;
			else
				l->first = c->next;
			if (c->next >= 0)
				t->it[c->next].prev = c->prev;
			else
				l->last = c->prev;
		} else if (c->kind != M_LIST) {
			break;
		}
		i = prev;
	}
}

static int parse(struct mtree *t, const char *s, size_t len)
{
	size_t start = 0;
	int list;
	bool digit = false;

	/* Each byte adds at most an item and a list; plus the root. */
	t->count = 0;
	t->it = len <= SMALL_LEN ? t->small : malloc((2 * len + 2) * sizeof(*t->it));
	if (!t->it)
		return CUSTOMS_ENOMEM;
	t->it[0].kind = M_LIST;
	t->it[0].first = t->it[0].last = t->it[0].prev = t->it[0].next = -1;
	t->count = 1;
	list = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' || c == '-') {
			if (i == start)
				add(t, list, M_INT, s + i, 0, false);
			else
				add(t, list, digit ? M_INT : M_STR, s + start, i - start, false);
			start = i + 1;
			if (c == '-')
				list = add(t, list, M_LIST, NULL, 0, false);
		} else if (v_isdigit(c)) {
			if (!digit && i > start) {
				add(t, list, M_STR, s + start, i - start, true);
				start = i;
				list = add(t, list, M_LIST, NULL, 0, false);
			}
			digit = true;
		} else {
			if (digit && i > start) {
				add(t, list, M_INT, s + start, i - start, false);
				start = i;
				list = add(t, list, M_LIST, NULL, 0, false);
			}
			digit = false;
		}
	}
	if (len > start)
		add(t, list, digit ? M_INT : M_STR, s + start, len - start, false);
	/* Lists are created in order, each after its parent: normalizing from
	 * the last one back does children before parents, as Maven's stack. */
	for (int i = t->count - 1; i >= 0; i--)
		if (t->it[i].kind == M_LIST)
			normalize(t, i);
	return 0;
}

static int item_cmp(const struct mtree *ta, int a, const struct mtree *tb, int b);

/* An item against a missing one (the other version is shorter). */
static int null_cmp(const struct mtree *t, int a)
{
	const struct mitem *x = &t->it[a];

	switch (x->kind) {
	case M_INT:
		return x->n == 0 ? 0 : 1;
	case M_STR:
		return v_sign((long)x->qual - Q_RELEASE);
	default:
		/* MNG-6964: the whole list decides, not only its first item. */
		for (int c = x->first; c >= 0; c = t->it[c].next) {
			int r = null_cmp(t, c);
			if (r)
				return r;
		}
		return 0;
	}
}

static int item_cmp(const struct mtree *ta, int a, const struct mtree *tb, int b)
{
	const struct mitem *x = &ta->it[a], *y = &tb->it[b];

	switch (x->kind) {
	case M_INT:
		return y->kind == M_INT ? v_digits_cmp(x->s, x->n, y->s, y->n) : 1;
	case M_STR:
		if (y->kind != M_STR)
			return -1;
		if (x->qual != y->qual)
			return x->qual < y->qual ? -1 : 1;
		return x->qual == Q_UNKNOWN ? v_bytes_casecmp(x->s, x->n, y->s, y->n) : 0;
	default:
		if (y->kind != M_LIST)
			return y->kind == M_INT ? -1 : 1;
		for (int i = x->first, j = y->first; i >= 0 || j >= 0;) {
			int r;
			if (i < 0)
				r = -null_cmp(tb, j);
			else if (j < 0)
				r = null_cmp(ta, i);
			else
				r = item_cmp(ta, i, tb, j);
			if (r)
				return r;
			if (i >= 0)
				i = ta->it[i].next;
			if (j >= 0)
				j = tb->it[j].next;
		}
		return 0;
	}
}

bool version_maven_valid(const char *s, size_t len)
{
	if (len == 0 || len > LIMIT_VERSION_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

int version_maven_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	struct mtree x = {0}, y = {0};
	int rc;

	if (alen > LIMIT_VERSION_LEN || blen > LIMIT_VERSION_LEN) {
		rc = version_fallback(out, alen <= LIMIT_VERSION_LEN, blen <= LIMIT_VERSION_LEN, 0,
		                      a, alen, b, blen);
		goto out;
	}
	rc = parse(&x, a, alen);
	if (rc == 0)
		rc = parse(&y, b, blen);
	if (rc) {
		*out = v_bytes_cmp(a, alen, b, blen);
		goto out;
	}
	*out = item_cmp(&x, 0, &y, 0);
	rc = version_maven_valid(a, alen) && version_maven_valid(b, blen) ? 0 : CUSTOMS_EINVAL;
out:
	if (x.it != x.small)
		free(x.it);
	if (y.it != y.small)
		free(y.it);
	return rc;
}
