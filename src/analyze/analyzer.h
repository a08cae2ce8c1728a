/* The analyzer interface. An analyzer names the paths it wants; the layer
 * reader hands it each matching file, whole (small files) or as a chunked
 * stream, and the analyzer records what it found in a file_result. Adding an
 * analyzer is one file plus one line in analyzers.c. */
#ifndef ANALYZE_ANALYZER_H
#define ANALYZE_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/package.h"
#include "customs/customs.h"
#include "util/warn.h"

/* Paths are as in the image, normalised: relative to the root, no leading
 * "/" or "./", no "." or ".." components, e.g. "var/lib/dpkg/status". */
enum path_rule_kind {
	PATH_EXACT,     /* the whole path equals pattern */
	PATH_SUFFIX,    /* the path ends with pattern ("/METADATA", ".jar") */
	PATH_GLOB,      /* fnmatch(pattern, path, FNM_PATHNAME) */
	PATH_ALL_FILES, /* every regular file (malware, secrets); pattern unused */
};

struct secret_hit;
struct malware_hit;

struct path_rule {
	enum path_rule_kind kind;
	const char *pattern;
};

/* What one analyzed file yielded. Owned by the layer result it belongs to. */
struct file_result {
	char *path;           /* normalised path of the file */
	const char *analyzer; /* the analyzer's name (static) */
	struct package_list pkgs;
	struct os_info *os;         /* set by release-file analyzers, else NULL */
	struct secret_hit *secrets; /* set by the secrets analyzer (analyze/secrets.h) */
	size_t n_secrets;
	uint32_t mode;      /* tar header mode, set by on_entry analyzers */
	char **owned_files; /* paths an OS package DB says it installed (analyze/owned.h) */
	size_t n_owned_files;
	struct malware_hit *malware; /* set by the malware analyzer (analyze/malware.h) */
	size_t n_malware;
	int malware_skipped; /* over the malware engine's file size limit: not scanned */
};

void file_result_clear(struct file_result *r);
/* True when r holds nothing found (no packages, facts or hits). */
bool file_result_empty(const struct file_result *r);

/* Called with the whole file for files up to max_file_size bytes. Return 0,
 * or a negative code with err set: the file is then skipped with a warning
 * naming it, and the scan goes on. data is not NUL-terminated. */
typedef int (*analyzer_file_fn)(struct file_result *out, const char *path, const uint8_t *data,
                                size_t len, struct warn_list *warnings, customs_error *err);

/* The same with the analyzer's ctx (per-scan settings, see struct analyzer). */
typedef int (*analyzer_file_ctx_fn)(struct file_result *out, const void *ctx, const char *path,
                                    const uint8_t *data, size_t len, struct warn_list *warnings,
                                    customs_error *err);

/* Streaming analyzers, for files of any size: open returns per-file state,
 * chunk is called with consecutive pieces, close finishes and frees. */
struct analyzer_stream_ops {
	int (*open)(void **state, const char *path, int64_t size, customs_error *err);
	int (*chunk)(void *state, const uint8_t *data, size_t len, customs_error *err);
	int (*close)(void *state, struct file_result *out, struct warn_list *warnings,
	             customs_error *err);
	void (*abort)(void *state); /* on a broken stream; frees state */
	/* Optional, used instead of open when set: also gets the analyzer's ctx. */
	int (*open_ctx)(void **state, const void *ctx, const char *path, int64_t size,
	                customs_error *err);
};

struct analyzer {
	const char *name;
	const struct path_rule *rules;
	size_t n_rules;
	size_t max_file_size;          /* whole-file delivery cap; bigger files get a warning */
	analyzer_file_fn analyze_file; /* whole-file mode, or NULL */
	const struct analyzer_stream_ops *stream; /* streaming mode, or NULL */
	/* Optional: sees every entry's header (files and folders, whatever the
	 * rules say) before its data; returns 1 to record out for path, 0 not
	 * to. Keep it cheap: it runs for every entry of every layer. */
	int (*on_entry)(struct file_result *out, const char *path, uint32_t mode, int64_t size,
	                int64_t uid, int64_t gid);
	const void *ctx;                       /* per-scan settings for open_ctx, or NULL */
	analyzer_file_ctx_fn analyze_file_ctx; /* whole-file mode with ctx, or NULL */
	/* Optional, for streaming analyzers: only files whose bytes start with
	 * magic[0..magic_len) are opened (a file whose first block is shorter
	 * is opened anyway). Spares the open and close of every other file. */
	const char *magic;
	size_t magic_len;
};

/* True when path matches one of the analyzer's rules. */
int analyzer_wants(const struct analyzer *a, const char *path);
/* True when the analyzer wants every regular file (a PATH_ALL_FILES rule). */
bool analyzer_reads_every_file(const struct analyzer *a);
/* Runs a's whole-file mode (with its ctx when it has one) on data[0..len). */
int analyzer_analyze_file(const struct analyzer *a, struct file_result *out, const char *path,
                          const uint8_t *data, size_t len, struct warn_list *warnings,
                          customs_error *err);

/* The built-in analyzers, NULL-terminated (analyzers.c). */
extern const struct analyzer *const analyzer_table[];
/* The same table through a function, for callers that prefer not to name the
 * array; every entry up to the terminating NULL is a real analyzer. */
const struct analyzer *const *analyzer_table_get(void);

#endif
