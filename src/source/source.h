/* Image sources: one file per transport (oci, oci-archive, docker-archive,
 * rootfs, docker). Each resolves a reference to a struct image and opens the
 * blobs of its layers as streams. Adding a transport is one more file plus
 * one line in source.c's table. */
#ifndef SOURCE_SOURCE_H
#define SOURCE_SOURCE_H

#include "customs/customs.h"
#include "image/image.h"
#include "source/blob.h"

struct source;

struct source_ops {
	const char *transport; /* "oci", the prefix before ':' */
	/* Opens the source; spec is the reference after "transport:". */
	int (*open)(struct source **out, const char *spec, const customs_scan_options *opts,
	            customs_error *err);
	/* Chooses the manifest (tag, platform), loads and checks the config, and
	 * builds *out (owned by the caller, freed with image_free). */
	int (*resolve)(struct source *s, struct image **out, customs_error *err);
	/* Opens layer i's blob (compressed bytes as stored). The caller closes it.
	 * Thread-safe: layers are opened from worker threads. */
	int (*layer_open)(struct source *s, const struct image *img, size_t i, struct blob **out,
	                  customs_error *err);
	void (*close)(struct source *s);
};

struct source {
	const struct source_ops *ops;
};

/* Finds the transport from the reference prefix and opens it. A reference
 * with no known transport prefix is a registry reference ("docker"). */
int source_open(struct source **out, const char *ref, const customs_scan_options *opts,
                customs_error *err);
void source_close(struct source *s);

#endif
