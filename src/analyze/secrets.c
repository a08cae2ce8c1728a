/* The secret scanner: one pass of a bigram keyword filter over the bytes; only
 * the bounded context around a keyword goes through its rule's regex. */
#include <pthread.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/secrets.h"
#include "util/error.h"
#include "util/limits.h"

struct keyword {
	const char *s;
	size_t len;
	size_t rule;
	uint16_t bigram;
};

/* Rules compiled for scanning: their regexes, and every keyword indexed by
 * its first two bytes so that one pass over the bytes finds them all. */
struct secret_ruleset {
	const struct secret_rule **rules;
	size_t n;
	regex_t *re;
	size_t n_re; /* compiled so far, for cleanup */
	struct keyword *kw;
	size_t n_kw;
	size_t max_kw;
	uint8_t bigram[65536 / 8];
};

static uint16_t bigram_of(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static void ruleset_free(struct secret_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n_re; i++)
		regfree(&rs->re[i]);
	free(rs->re);
	free(rs->kw);
	free(rs->rules);
	free(rs);
}

/* Builds a ruleset over rules (borrowed: they must outlive it). */
static int ruleset_new(struct secret_ruleset **out, const struct secret_rule *const *rules,
                       size_t n, customs_error *err)
{
	size_t n_kw = 0;
	struct secret_ruleset *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t r = 0; r < n; r++)
		for (size_t k = 0; k < 11 && rules[r]->keywords[k]; k++)
			n_kw++;
	rs->rules = calloc(n ? n : 1, sizeof(*rs->rules));
	rs->re = calloc(n ? n : 1, sizeof(*rs->re));
	rs->kw = calloc(n_kw ? n_kw : 1, sizeof(*rs->kw));
	if (!rs->rules || !rs->re || !rs->kw) {
		ruleset_free(rs);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	for (size_t r = 0; r < n; r++) {
		const struct secret_rule *rule = rules[r];
		int flags = REG_EXTENDED | (rule->icase ? REG_ICASE : 0);
		int rc = regcomp(&rs->re[r], rule->regex, flags);
		if (rc) {
			char m[128];
			regerror(rc, &rs->re[r], m, sizeof(m));
			ruleset_free(rs);
			return err_set(err, CUSTOMS_EINVAL, "secret rule %s: bad regex: %s",
			               rule->id, m);
		}
		rs->n_re++;
		rs->rules[rs->n++] = rule;
		for (size_t k = 0; k < 11 && rule->keywords[k]; k++) {
			struct keyword *kw = &rs->kw[rs->n_kw];
			kw->s = rule->keywords[k];
			kw->len = strlen(kw->s);
			/* The bigram filter needs two bytes; shorter keywords are useless. */
			if (kw->len < 2)
				continue;
			kw->rule = r;
			kw->bigram = bigram_of((const uint8_t *)kw->s);
			rs->bigram[kw->bigram >> 3] |= (uint8_t)(1u << (kw->bigram & 7));
			if (kw->len > rs->max_kw)
				rs->max_kw = kw->len;
			rs->n_kw++;
		}
	}
	*out = rs;
	return 0;
}

/* The built-in rules, compiled once per process: the table never changes. */
static struct {
	struct secret_ruleset *rs;
	customs_error err;
} G;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void compile_builtin(void)
{
	const struct secret_rule **v = calloc(secret_rules_count, sizeof(*v));
	if (!v) {
		err_set(&G.err, CUSTOMS_ENOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i < secret_rules_count; i++)
		v[i] = &secret_rules[i];
	ruleset_new(&G.rs, v, secret_rules_count, &G.err);
	free(v);
}

static int builtin_rules(const struct secret_ruleset **out, customs_error *err)
{
	pthread_once(&once, compile_builtin);
	if (!G.rs) {
		err_copy(err, &G.err);
		return G.err.code ? G.err.code : CUSTOMS_ENOMEM;
	}
	*out = G.rs;
	return 0;
}

struct secret_scanner {
	const struct secret_ruleset *rs;
	const struct secret_config *cfg; /* allow rules, or NULL */
	uint8_t *win;                    /* carried context + the newest bytes */
	size_t win_len, win_cap;
	size_t scan_from;  /* first window offset not yet checked for keywords */
	uint64_t win_abs;  /* stream offset of win[0] */
	uint64_t win_line; /* newlines before win[0] */
	uint64_t total;
	int binary;
	uint64_t *rule_end; /* per rule: stream offset where its last match ended */
	struct secret_hit *hits;
	size_t n_hits, cap_hits;
};

void secret_hits_free(struct secret_hit *hits, size_t n)
{
	for (size_t i = 0; hits && i < n; i++)
		free(hits[i].masked);
	free(hits);
}

char *secret_mask(const char *s, size_t len)
{
	size_t show = len >= 20 ? 4 : len >= 10 ? 2 : 0;
	char *m = malloc(2 * show + 5);
	if (!m)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < show; i++)
		m[o++] = s[i] >= 0x21 && s[i] < 0x7f ? s[i] : '?';
	memcpy(m + o, "****", 4);
	o += 4;
	for (size_t i = len - show; i < len; i++)
		m[o++] = s[i] >= 0x21 && s[i] < 0x7f ? s[i] : '?';
	m[o] = '\0';
	return m;
}

void secret_scanner_free(struct secret_scanner *s)
{
	if (!s)
		return;
	free(s->win);
	free(s->rule_end);
	secret_hits_free(s->hits, s->n_hits);
	free(s);
}

int secret_scanner_new(struct secret_scanner **out, const struct secret_config *cfg,
                       customs_error *err)
{
	const struct secret_ruleset *rs = cfg ? cfg->set : NULL;
	int rc = rs ? 0 : builtin_rules(&rs, err);
	if (rc)
		return rc;
	struct secret_scanner *s = calloc(1, sizeof(*s));
	if (s) {
		s->rs = rs;
		s->cfg = cfg;
	}
	if (!s || !(s->rule_end = calloc(rs->n ? rs->n : 1, sizeof(*s->rule_end)))) {
		secret_scanner_free(s);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

int secret_scanner_is_binary(const struct secret_scanner *s)
{
	return s->binary;
}

static uint64_t count_newlines(const uint8_t *p, size_t n)
{
	uint64_t c = 0;
	const uint8_t *end = p + n;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		c++;
		p++;
	}
	return c;
}

static int add_hit(struct secret_scanner *s, size_t rule, const uint8_t *val, size_t len, size_t at)
{
	if (s->n_hits >= LIMIT_SECRET_HITS_PER_FILE)
		return 0;
	if (s->n_hits == s->cap_hits) {
		/* Grown before the allow check so that a failure cannot lose a hit. */
		size_t cap = s->cap_hits ? 2 * s->cap_hits : 4;
		struct secret_hit *h = realloc(s->hits, cap * sizeof(*h));
		if (!h)
			return CUSTOMS_ENOMEM;
		s->hits = h;
		s->cap_hits = cap;
	}
	const struct secret_rule *r = s->rs->rules[rule];
	if (s->cfg && secret_config_allows(s->cfg, r->id, (const char *)val, len))
		return 0;
	struct secret_hit *h = &s->hits[s->n_hits];
	h->masked = secret_mask((const char *)val, len);
	if (!h->masked)
		return CUSTOMS_ENOMEM;
	h->rule_id = r->id;
	h->title = r->title;
	h->severity = r->severity;
	h->line = s->win_line + count_newlines(s->win, at) + 1;
	s->n_hits++;
	return 0;
}

/* Runs rule r's regex over win[from, end). */
static int run_rule(struct secret_scanner *s, size_t r, size_t from, size_t end)
{
	const struct secret_rule *rule = s->rs->rules[r];
	s->win[s->win_len] = '\0';
	while (from < end) {
		regmatch_t m[10];
		m[0].rm_so = (regoff_t)from;
		m[0].rm_eo = (regoff_t)end;
		if (regexec(&s->rs->re[r], (const char *)s->win, 10, m, REG_STARTEND) != 0)
			return 0;
		const regmatch_t *g = &m[rule->group];
		if (g->rm_so < 0 || m[0].rm_eo <= m[0].rm_so)
			return 0;
		/* The boundary group after a token may have eaten a byte that starts
		 * the next match: resume right after the token. */
		size_t next = (size_t)g->rm_eo > from ? (size_t)g->rm_eo : from + 1;
		s->rule_end[r] = s->win_abs + next;
		const uint8_t *val = s->win + g->rm_so;
		size_t len = (size_t)(g->rm_eo - g->rm_so);
		if (!rule->placeholder || !rule->placeholder((const char *)val, len)) {
			int rc = add_hit(s, r, val, len, (size_t)g->rm_so);
			if (rc)
				return rc;
		}
		from = next;
	}
	return 0;
}

/* The regex context for a keyword at i: back to the line start and on to the
 * line end, each at most LIMIT_SECRET_CONTEXT_BYTES away. *end may pass the
 * window's end: the caller then waits for more bytes. */
static void context_of(const struct secret_scanner *s, size_t i, const struct secret_rule *rule,
                       size_t *start, size_t *end)
{
	size_t lo = i > LIMIT_SECRET_CONTEXT_BYTES ? i - LIMIT_SECRET_CONTEXT_BYTES : 0;
	const uint8_t *nl = i > lo ? memrchr(s->win + lo, '\n', i - lo) : NULL;
	*start = nl ? (size_t)(nl - s->win) + 1 : lo;
	*end = i + LIMIT_SECRET_CONTEXT_BYTES;
	if (!rule->multiline) {
		size_t avail = s->win_len - i;
		size_t look =
		    avail < LIMIT_SECRET_CONTEXT_BYTES ? avail : LIMIT_SECRET_CONTEXT_BYTES;
		const uint8_t *e = memchr(s->win + i, '\n', look);
		if (e)
			*end = (size_t)(e - s->win);
	}
}

/* Checks keywords from scan_from on. Returns the offset where checking stopped
 * (a keyword whose context is not all in yet, or the last position whose
 * longest keyword fits), or a negative code. */
static int64_t process(struct secret_scanner *s, bool final)
{
	const struct secret_ruleset *rs = s->rs;
	size_t n = s->win_len;
	size_t limit = final ? n : (n >= rs->max_kw ? n - rs->max_kw + 1 : 0);
	const uint8_t *w = s->win;
	size_t i;
	for (i = s->scan_from; i < limit && i + 1 < n; i++) {
		uint16_t bg = bigram_of(w + i);
		if (!(rs->bigram[bg >> 3] & (1u << (bg & 7))))
			continue;
		for (size_t k = 0; k < rs->n_kw; k++) {
			const struct keyword *kw = &rs->kw[k];
			if (kw->bigram != bg || i + kw->len > n || memcmp(w + i, kw->s, kw->len))
				continue;
			size_t start, end;
			context_of(s, i, rs->rules[kw->rule], &start, &end);
			if (end > n) {
				if (!final)
					return (int64_t)i;
				end = n;
			}
			uint64_t done = s->rule_end[kw->rule];
			if (done > s->win_abs + start)
				start = done - s->win_abs < end ? (size_t)(done - s->win_abs) : end;
			int rc = run_rule(s, kw->rule, start, end);
			if (rc)
				return rc;
		}
	}
	return (int64_t)(i > s->scan_from ? i : s->scan_from);
}

/* Drops the bytes no later keyword can need: all but the context before the
 * first unchecked position. */
static void slide(struct secret_scanner *s)
{
	size_t keep_from = s->scan_from > LIMIT_SECRET_CONTEXT_BYTES
	                       ? s->scan_from - LIMIT_SECRET_CONTEXT_BYTES
	                       : 0;
	if (keep_from == 0)
		return;
	s->win_line += count_newlines(s->win, keep_from);
	memmove(s->win, s->win + keep_from, s->win_len - keep_from);
	s->win_len -= keep_from;
	s->win_abs += keep_from;
	s->scan_from -= keep_from;
}

static int sniff(struct secret_scanner *s, const uint8_t *data, size_t len)
{
	if (s->total >= LIMIT_SECRET_SNIFF_BYTES)
		return 0;
	size_t look = LIMIT_SECRET_SNIFF_BYTES - (size_t)s->total;
	if (look > len)
		look = len;
	return memchr(data, 0, look) != NULL;
}

int secret_scanner_feed(struct secret_scanner *s, const uint8_t *data, size_t len,
                        customs_error *err)
{
	if (s->binary || len == 0)
		return 0;
	if (sniff(s, data, len)) {
		s->binary = 1;
		free(s->win);
		s->win = NULL;
		s->win_len = s->win_cap = 0;
		return 0;
	}
	s->total += len;
	/* Feed big buffers in pieces so that the window stays small. */
	while (len > 0) {
		size_t piece = len < (256u << 10) ? len : (256u << 10);
		size_t need;
		if (__builtin_add_overflow(s->win_len, piece, &need))
			return err_set(err, CUSTOMS_ETOOLARGE, "secret scan window overflow");
		/* One more byte for a NUL: REG_STARTEND bounds the match, but
		 * sanitizers' regexec interceptors still look for a terminator. */
		if (need >= s->win_cap) {
			uint8_t *p = realloc(s->win, need + 1);
			if (!p)
				return err_set(err, CUSTOMS_ENOMEM, "out of memory");
			s->win = p;
			s->win_cap = need + 1;
		}
		memcpy(s->win + s->win_len, data, piece);
		s->win_len += piece;
		data += piece;
		len -= piece;
		int64_t at = process(s, false);
		if (at < 0)
			return err_set(err, (int)at, "out of memory");
		s->scan_from = (size_t)at;
		slide(s);
	}
	return 0;
}

int secret_scanner_finish(struct secret_scanner *s, struct secret_hit **out, size_t *n_out,
                          customs_error *err)
{
	int rc = 0;
	if (!s->binary) {
		int64_t at = process(s, true);
		if (at < 0) {
			rc = err_set(err, (int)at, "out of memory");
			goto out;
		}
	}
	*out = s->hits;
	*n_out = s->n_hits;
	s->hits = NULL;
	s->n_hits = 0;
out:
	secret_scanner_free(s);
	return rc;
}

int secrets_scan_buffer(struct secret_hit **out, size_t *n_out, const char *data, size_t len,
                        const struct secret_config *cfg, customs_error *err)
{
	struct secret_scanner *s = NULL;
	int rc = secret_scanner_new(&s, cfg, err);
	if (rc == 0 && (rc = secret_scanner_feed(s, (const uint8_t *)data, len, err)) != 0) {
		secret_scanner_free(s);
		return rc;
	}
	return rc ? rc : secret_scanner_finish(s, out, n_out, err);
}

int secret_config_compile(struct secret_config *c, customs_error *err)
{
	size_t n = secret_rules_count + c->n_rules;
	const struct secret_rule **v = calloc(n, sizeof(*v));
	if (!v)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < secret_rules_count; i++)
		v[i] = &secret_rules[i];
	for (size_t i = 0; i < c->n_rules; i++)
		v[secret_rules_count + i] = &c->rules[i];
	struct secret_ruleset *rs = NULL;
	int rc = ruleset_new(&rs, v, n, err);
	free(v);
	if (rc)
		return rc;
	secret_ruleset_free(c->set);
	c->set = rs;
	return 0;
}

void secret_ruleset_free(struct secret_ruleset *rs)
{
	ruleset_free(rs);
}

/* ---- the analyzer ---- */

static int stream_open_ctx(void **state, const void *ctx, const char *path, int64_t size,
                           customs_error *err)
{
	const struct secret_config *cfg = ctx;
	uint64_t max = cfg && cfg->max_file_bytes ? cfg->max_file_bytes : LIMIT_SECRET_FILE_BYTES;
	if (size > 0 && (uint64_t)size > max)
		return err_set(err, CUSTOMS_ETOOLARGE,
		               "%lld bytes, over the secret scanner's %llu-byte limit: not scanned",
		               (long long)size, (unsigned long long)max);
	int rc = secret_scanner_new((struct secret_scanner **)state, cfg, err);
	/* An allowed path is read past like a binary: no keyword is looked for. */
	if (rc == 0 && cfg && secret_config_allows_path(cfg, path))
		((struct secret_scanner *)*state)->binary = 1;
	return rc;
}

static int stream_open(void **state, const char *path, int64_t size, customs_error *err)
{
	return stream_open_ctx(state, NULL, path, size, err);
}

static int stream_chunk(void *state, const uint8_t *data, size_t len, customs_error *err)
{
	return secret_scanner_feed(state, data, len, err);
}

static int stream_close(void *state, struct file_result *out, struct warn_list *warnings,
                        customs_error *err)
{
	(void)warnings;
	return secret_scanner_finish(state, &out->secrets, &out->n_secrets, err);
}

static void stream_abort(void *state)
{
	secret_scanner_free(state);
}

static const struct analyzer_stream_ops secrets_stream = {
    .open = stream_open,
    .chunk = stream_chunk,
    .close = stream_close,
    .abort = stream_abort,
    .open_ctx = stream_open_ctx,
};
static const struct path_rule secrets_rules_all[] = {{PATH_ALL_FILES, NULL}};

const struct analyzer analyzer_secrets = {
    .name = "secrets",
    .rules = secrets_rules_all,
    .n_rules = 1,
    .stream = &secrets_stream,
};
