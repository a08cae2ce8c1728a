/* Every limit on input the tool does not control, in one place, each with
 * the reason for its value. Exceeding one gives CUSTOMS_ETOOLARGE or a warning. */
#ifndef UTIL_LIMITS_H
#define UTIL_LIMITS_H

#include <stdint.h>

/* Manifests, indexes and configs are kilobytes; 4 MiB is far above any real
 * one (a config with thousands of history entries is ~1 MiB). */
#define LIMIT_MANIFEST_BYTES (4u << 20)
#define LIMIT_CONFIG_BYTES (8u << 20)

/* Layers per image: Docker caps at 127; OCI has no cap, real images stay < 200. */
#define LIMIT_LAYERS 1024
/* Entries in one index (platforms, tags). */
#define LIMIT_INDEX_ENTRIES 4096

/* Decompressed bytes per layer: the biggest real layers (CUDA, ML) are ~20 GiB;
 * past 64 GiB we assume a decompression bomb. */
#define LIMIT_LAYER_UNCOMPRESSED_BYTES (64ull << 30)
/* Ratio of decompressed to compressed bytes past which a stream is a bomb
 * (checked once more than LIMIT_BOMB_MIN_BYTES came out). Real layers are < 20x. */
#define LIMIT_BOMB_RATIO 1000ull
#define LIMIT_BOMB_MIN_BYTES (256ull << 20)
/* Tar entries per layer: a full distro with docs is ~200k files. */
#define LIMIT_TAR_ENTRIES 4000000
/* Path length of an entry; Linux PATH_MAX. */
#define LIMIT_PATH_BYTES 4096
/* Whiteouts per layer. */
#define LIMIT_WHITEOUTS 1000000

/* A file captured whole for a text analyzer (status files, manifests): the
 * largest real dpkg status files are ~10 MiB. */
#define LIMIT_CAPTURE_BYTES (64u << 20)
/* rpm databases are captured whole; CentOS 7's Packages with a full install is
 * ~150 MiB. */
#define LIMIT_RPMDB_BYTES (512u << 20)

/* Packages in one database file, and in one image. */
#define LIMIT_PACKAGES_PER_FILE 200000
#define LIMIT_PACKAGES 2000000

/* Symlink hops followed when resolving a path inside a rootfs. */
#define LIMIT_SYMLINK_HOPS 40
/* Directory depth when walking a rootfs:DIR. */
#define LIMIT_DIR_DEPTH 256

/* One line of a text database (dpkg status, apk installed). */
#define LIMIT_LINE_BYTES (1u << 20)

/* Warnings kept per scan; more are counted, not stored. */
#define LIMIT_WARNINGS 1000

/* Threads for layer reading. */
#define LIMIT_PARALLEL 64

#endif
