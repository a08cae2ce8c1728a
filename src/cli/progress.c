/* Per-layer progress bars: the scan's worker threads report bytes read, the
 * bars are redrawn in place on the terminal at most ten times a second. */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"
#include "util/limits.h"

#define REDRAW_MS    100
#define SHORT_DIGEST 12
#define LINE_BYTES   128

struct bar {
	char digest[SHORT_DIGEST + 1];
	uint64_t done, total;
	bool started;
};

struct progress {
	pthread_mutex_t mu;
	int fd;
	struct bar *bars;
	size_t n_bars;
	size_t drawn; /* lines on screen from the last redraw */
	long long last_ms;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Bytes as "12.3 MiB": the unit keeps the line the same width as it grows. */
static void human(char *out, size_t cap, uint64_t n)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, cap, "%llu B", (unsigned long long)n);
	else
		snprintf(out, cap, "%.1f %s", v, units[u]);
}

/* Appends to out[*len..cap), cutting what does not fit. */
static void add(char *out, size_t *len, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (*len >= cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(out + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < cap - *len ? (size_t)n : cap - *len - 1;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return; /* a closed terminal is no reason to stop the scan */
		p += w;
		n -= (size_t)w;
	}
}

/* Redraws every started bar over the previous drawing (under mu). */
static void redraw(struct progress *p)
{
	size_t cap = (p->n_bars + 1) * LINE_BYTES, len = 0;
	char *out = malloc(cap);
	if (!out)
		return;
	/* Back to the first line of the previous drawing. */
	if (p->drawn)
		add(out, &len, cap, "\033[%zuA", p->drawn);
	size_t lines = 0;
	for (size_t i = 0; i < p->n_bars; i++) {
		const struct bar *b = &p->bars[i];
		char done[24], total[24];
		if (!b->started)
			continue;
		human(done, sizeof(done), b->done);
		add(out, &len, cap, "\r\033[Klayer %zu/%zu %s  %s", i + 1, p->n_bars, b->digest,
		    done);
		if (b->total) {
			uint64_t pct = b->done >= b->total ? 100 : b->done * 100 / b->total;
			human(total, sizeof(total), b->total);
			add(out, &len, cap, " / %s  %3llu%%", total, (unsigned long long)pct);
		}
		add(out, &len, cap, "\n");
		lines++;
	}
	write_all(p->fd, out, len);
	free(out);
	p->drawn = lines;
	p->last_ms = now_ms();
}

static void on_layer(void *user, size_t layer, size_t n_layers, const char *digest, int64_t size)
{
	struct progress *p = user;
	pthread_mutex_lock(&p->mu);
	if (!p->bars && n_layers > 0 && n_layers <= LIMIT_LAYERS) {
		p->bars = calloc(n_layers, sizeof(*p->bars));
		p->n_bars = p->bars ? n_layers : 0;
	}
	if (layer < p->n_bars) {
		struct bar *b = &p->bars[layer];
		const char *hex = digest ? strchr(digest, ':') : NULL;
		hex = hex ? hex + 1 : digest;
		snprintf(b->digest, sizeof(b->digest), "%s", hex ? hex : "-");
		b->total = size > 0 ? (uint64_t)size : 0;
		b->started = true;
		redraw(p);
	}
	pthread_mutex_unlock(&p->mu);
}

static void on_progress(void *user, size_t layer, uint64_t done, uint64_t total)
{
	struct progress *p = user;
	pthread_mutex_lock(&p->mu);
	if (layer < p->n_bars && p->bars[layer].started) {
		struct bar *b = &p->bars[layer];
		bool finished = total && done >= total && b->done < total;
		b->done = done;
		if (total)
			b->total = total;
		/* A layer reaching its end is drawn at once: it happens once per layer. */
		if (finished || now_ms() - p->last_ms >= REDRAW_MS)
			redraw(p);
	}
	pthread_mutex_unlock(&p->mu);
}

struct progress *progress_start(customs_scan_options *opts, bool quiet)
{
	if (quiet || !isatty(STDERR_FILENO))
		return NULL;
	struct progress *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return NULL;
	}
	p->fd = STDERR_FILENO;
	opts->progress = on_progress;
	opts->progress_layer = on_layer;
	opts->progress_user = p;
	return p;
}

void progress_end(struct progress *p)
{
	if (!p)
		return;
	if (p->drawn)
		redraw(p);
	pthread_mutex_destroy(&p->mu);
	free(p->bars);
	free(p);
}
