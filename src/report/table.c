/* The human report: image header, one row per package with columns sized to
 * their content, and a summary line. Safe to print hostile names to a terminal. */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/buf.h"
#include "util/error.h"

/* Widest a column may get: a hostile 1 MiB name must not make every row of
 * the table that wide. Longer values end in "...". Header values (reference,
 * digest) get more room: a digest alone is 71 characters. */
#define MAX_COLUMN       60
#define MAX_HEADER_VALUE 200
/* Package types listed in the summary; the rest are counted as "other". */
#define MAX_SUMMARY_TYPES 8

enum { COL_NAME, COL_VERSION, COL_TYPE, COL_SOURCE, COL_LAYER, NCOLS };
static const char *const headers[NCOLS] = {"NAME", "VERSION", "TYPE", "SOURCE", "LAYER"};

struct cell {
	char *text;
	size_t width; /* code points, the display width for all but wide characters */
};

/* Code points that would let a name rewrite the terminal or reorder the text
 * around it: C0 and C1 controls, DEL, and the bidirectional overrides. */
static bool unsafe_cp(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static unsigned decode(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0];
	unsigned cp = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

static int make_cell(struct cell *out, const char *s, size_t max)
{
	size_t len = 0, w = 0;
	char *clean = report_utf8_sanitize(s ? s : "", s ? strlen(s) : 0, &len);
	struct buf b;
	if (!clean)
		return CUSTOMS_ENOMEM;
	buf_init(&b, max * 4 + 8);
	int rc = buf_append(&b, "", 0);
	for (size_t i = 0; i < len && !rc;) {
		const unsigned char *p = (const unsigned char *)clean + i;
		size_t n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		if (w == max - 3 && len - i > 3) {
			rc = buf_append_str(&b, "...");
			w += 3;
			break;
		}
		rc = unsafe_cp(decode(p, n)) ? buf_append(&b, "?", 1) : buf_append(&b, p, n);
		w++;
		i += n;
	}
	free(clean);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	out->width = w;
	out->text = buf_take(&b);
	return CUSTOMS_OK;
}

/* The first 12 hex digits of a digest, like docker's short ids. */
static const char *short_digest(const char *d, char out[13])
{
	if (!d)
		return "";
	const char *colon = strchr(d, ':');
	const char *hex = colon ? colon + 1 : d;
	snprintf(out, 13, "%s", hex);
	return out;
}

static int row_cells(struct cell *row, const customs_package *p)
{
	char digest[13], *version = NULL, *source = NULL;
	bool nomem = false;
	int rc = CUSTOMS_ENOMEM;
	version = report_full_version(p, &nomem);
	if (nomem || report_source_text(&source, p))
		goto out;
	const char *texts[NCOLS] = {p->name, version, p->type, source,
	                            short_digest(p->layer, digest)};
	for (size_t c = 0; c < NCOLS; c++) {
		if (make_cell(&row[c], texts[c], MAX_COLUMN))
			goto out;
	}
	rc = CUSTOMS_OK;
out:
	free(version);
	free(source);
	return rc;
}

static void free_rows(struct cell *cells, size_t n)
{
	if (!cells)
		return;
	for (size_t i = 0; i < n; i++)
		free(cells[i].text);
	free(cells);
}

static void print_header_line(FILE *f, const char *label, const char *value)
{
	struct cell c = {0};
	if (!value || make_cell(&c, value, MAX_HEADER_VALUE))
		return;
	fprintf(f, "%-9s %s\n", label, c.text);
	free(c.text);
}

static void print_image(FILE *f, const customs_image_info *img)
{
	char os[512] = "";
	print_header_line(f, "Image:", img->reference);
	print_header_line(f, "Digest:", img->manifest_digest);
	if (img->os_name)
		snprintf(os, sizeof(os), "%s", img->os_name);
	else if (img->os_family)
		snprintf(os, sizeof(os), "%s%s%s", img->os_family, img->os_version ? " " : "",
		         img->os_version ? img->os_version : "");
	print_header_line(f, "OS:", *os ? os : NULL);
	if (img->architecture) {
		char platform[256];
		snprintf(platform, sizeof(platform), "%s/%s%s%s", img->os ? img->os : "linux",
		         img->architecture, img->variant ? "/" : "",
		         img->variant ? img->variant : "");
		print_header_line(f, "Platform:", platform);
	}
}

static int print_summary(FILE *f, const struct report_ctx *c)
{
	json_t *counts = json_object();
	if (!counts)
		return CUSTOMS_ENOMEM;
	size_t other = 0;
	for (size_t i = 0; i < c->npkgs; i++) {
		const customs_package *p = customs_inventory_package(c->inv, i);
		struct cell t = {0};
		if (make_cell(&t, p->type ? p->type : "unknown", MAX_COLUMN)) {
			json_decref(counts);
			return CUSTOMS_ENOMEM;
		}
		json_t *n = json_object_get(counts, t.text);
		if (n)
			json_integer_set(n, json_integer_value(n) + 1);
		else if (json_object_size(counts) < MAX_SUMMARY_TYPES)
			json_object_set_new_nocheck(counts, t.text, json_integer(1));
		else
			other++;
		free(t.text);
	}
	fprintf(f, "\n%zu package%s", c->npkgs, c->npkgs == 1 ? "" : "s");
	const char *key;
	json_t *v;
	const char *sep = " (";
	json_object_foreach(counts, key, v)
	{
		fprintf(f, "%s%lld %s", sep, (long long)json_integer_value(v), key);
		sep = ", ";
	}
	if (other)
		fprintf(f, "%s%zu other", sep, other);
	if (json_object_size(counts))
		fputc(')', f);
	size_t nw = customs_inventory_warning_count(c->inv);
	fprintf(f, ", %zu layer%s, %zu warning%s\n", c->img->layer_count,
	        c->img->layer_count == 1 ? "" : "s", nw, nw == 1 ? "" : "s");
	json_decref(counts);
	return CUSTOMS_OK;
}

int report_table_write(FILE *f, const struct report_ctx *c, customs_error *err)
{
	int rc = CUSTOMS_ENOMEM;
	size_t widths[NCOLS], ncells;
	struct cell *cells = NULL;
	const char *bold = c->color ? "\033[1m" : "", *reset = c->color ? "\033[0m" : "";
	if (__builtin_mul_overflow(c->npkgs, (size_t)NCOLS, &ncells) ||
	    !(cells = calloc(ncells ? ncells : 1, sizeof(*cells))))
		goto out;
	for (size_t col = 0; col < NCOLS; col++)
		widths[col] = strlen(headers[col]);
	for (size_t i = 0; i < c->npkgs; i++) {
		struct cell *row = &cells[i * NCOLS];
		if (row_cells(row, customs_inventory_package(c->inv, i)))
			goto out;
		for (size_t col = 0; col < NCOLS; col++)
			if (row[col].width > widths[col])
				widths[col] = row[col].width;
	}
	print_image(f, c->img);
	if (!c->npkgs) {
		fprintf(f, "\nNo packages found.\n");
	} else {
		fputc('\n', f);
		for (size_t col = 0; col < NCOLS; col++)
			fprintf(f, "%s%s%-*s%s", col ? "  " : "", bold,
			        col + 1 < NCOLS ? (int)widths[col] : 0, headers[col], reset);
		fputc('\n', f);
		for (size_t i = 0; i < c->npkgs; i++) {
			const struct cell *row = &cells[i * NCOLS];
			for (size_t col = 0; col < NCOLS; col++) {
				size_t pad = col + 1 < NCOLS ? widths[col] - row[col].width : 0;
				fprintf(f, "%s%s%*s", col ? "  " : "", row[col].text, (int)pad, "");
			}
			fputc('\n', f);
		}
	}
	if ((rc = print_summary(f, c)))
		goto out;
	rc = fflush(f) || ferror(f) ? CUSTOMS_EIO : CUSTOMS_OK;
	if (rc)
		err_set(err, rc, "report: writing the table failed");
out:
	if (rc == CUSTOMS_ENOMEM)
		err_set(err, rc, "out of memory building the table");
	free_rows(cells, ncells);
	return rc;
}
