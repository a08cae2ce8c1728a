/* Every limit on input the tool does not control, in one place, each with
 * the reason for its value. Exceeding one gives CUSTOMS_ETOOLARGE or a warning. */
#ifndef UTIL_LIMITS_H
#define UTIL_LIMITS_H

#include <stdint.h>

/* Manifests, indexes and configs are kilobytes; 4 MiB is far above any real
 * one (a config with thousands of history entries is ~1 MiB). */
#define LIMIT_MANIFEST_BYTES (4u << 20)
#define LIMIT_CONFIG_BYTES   (8u << 20)

/* Layers per image: Docker caps at 127; OCI has no cap, real images stay < 200. */
#define LIMIT_LAYERS 1024
/* Entries in one index (platforms, tags). */
#define LIMIT_INDEX_ENTRIES 4096
/* Indexes nested inside indexes (a layout's index.json pointing to a
 * multi-platform index is depth 2); real images never go past 3. */
#define LIMIT_INDEX_DEPTH 8
/* Env entries and history entries in one image config: real configs hold tens
 * to a few hundred; the 8 MiB config cap alone would allow millions. */
#define LIMIT_CONFIG_LIST_ENTRIES 65536
/* Members of an image archive (docker save, oci-archive): about four files per
 * layer and image; 100k is far above any real archive and bounds the index. */
#define LIMIT_ARCHIVE_MEMBERS 100000
/* The oci-layout marker file is one short JSON object. */
#define LIMIT_OCI_LAYOUT_BYTES 4096

/* Decompressed bytes per layer: the biggest real layers (CUDA, ML) are ~20 GiB;
 * past 64 GiB we assume a decompression bomb. */
#define LIMIT_LAYER_UNCOMPRESSED_BYTES (64ull << 30)
/* Ratio of decompressed to compressed bytes past which a stream is a bomb
 * (checked once more than LIMIT_BOMB_MIN_BYTES came out). Real layers are < 20x. */
#define LIMIT_BOMB_RATIO     1000ull
#define LIMIT_BOMB_MIN_BYTES (256ull << 20)
/* Tar entries per layer: a full distro with docs is ~200k files. */
#define LIMIT_TAR_ENTRIES 4000000
/* Zeros fed to streaming analyzers for the holes of one sparse tar entry: a
 * sparse entry can declare exabytes at no cost to its author. */
#define LIMIT_SPARSE_HOLE_BYTES (256ull << 20)
/* Files listed in one package database (apk R: lines): a database cannot
 * meaningfully list more files than a layer may hold entries. */
#define LIMIT_DB_FILES LIMIT_TAR_ENTRIES
/* A tar entry's pax header or GNU long name/link: Go's archive/tar, which
 * container runtimes unpack layers with, refuses more than 1 MiB. */
#define LIMIT_TAR_SPECIAL_BYTES (1u << 20)
/* Data regions of one sparse tar entry (16 bytes each in memory; the map
 * costs its author at least 4 bytes of input per region). */
#define LIMIT_SPARSE_REGIONS (1u << 20)
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
/* One rpm header blob: rpm itself refuses more than 0xffff index entries and
 * 256 MiB of data (lib/header.c), so nothing real is bigger. */
#define LIMIT_RPM_HEADER_TAGS 0xffffu
#define LIMIT_RPM_HEADER_DATA (256u << 20)
/* SQLite virtual machine steps for reading one rpmdb.sqlite: a table scan costs
 * about ten per row, so 2e8 is 100x the largest real database and only stops a
 * hostile schema that makes the read loop. */
#define LIMIT_RPMDB_SQLITE_STEPS 200000000ul

/* Packages in one database file, and in one image. */
#define LIMIT_PACKAGES_PER_FILE 200000
#define LIMIT_PACKAGES          2000000

/* Symlink hops followed when resolving a path inside a rootfs. */
#define LIMIT_SYMLINK_HOPS 40
/* Directory depth when walking a rootfs:DIR. */
#define LIMIT_DIR_DEPTH 256

/* One line of a text database (dpkg status, apk installed). */
#define LIMIT_LINE_BYTES (1u << 20)

/* A release file (etc/os-release, etc/alpine-release, ...): real ones are under
 * 1 KiB; 64 KiB leaves room for comments and vendor keys without letting a
 * hostile file be captured whole. */
#define LIMIT_RELEASE_FILE_BYTES (64u << 10)

/* Malware scanning, defaults as clamscan's: a file is scanned whole from
 * memory when at most 100 MiB (one such buffer per layer being read); ClamAV
 * reads at most 400 MiB out of one file's archives, 17 levels deep. The caps
 * bound what a user may configure: ClamAV's counters are 32-bit past 4 GiB. */
#define LIMIT_MALWARE_FILE_BYTES     (100ull << 20)
#define LIMIT_MALWARE_SCAN_BYTES     (400ull << 20)
#define LIMIT_MALWARE_RECURSION      17u
#define LIMIT_MALWARE_FILE_BYTES_MAX ((4ull << 30) - 1)
#define LIMIT_MALWARE_RECURSION_MAX  64u
/* Detections kept per file (YARA can match every rule of a big set), and the
 * time YARA may spend on one file. */
#define LIMIT_MALWARE_HITS_PER_FILE 64u
#define LIMIT_MALWARE_YARA_SECONDS  60

/* Warnings kept per scan; more are counted, not stored. */
#define LIMIT_WARNINGS 1000

/* Threads for layer reading. */
#define LIMIT_PARALLEL 64

/* Registry client (src/registry/). A reference is a name of at most 255
 * bytes (the distribution grammar's cap), a 128-byte tag and a digest. */
#define LIMIT_REFERENCE_BYTES 512
/* One HTTP response header line, and a WWW-Authenticate header's parts: real
 * challenges carry one or two schemes with four parameters. */
#define LIMIT_HTTP_HEADER_BYTES (16u << 10)
#define LIMIT_AUTH_CHALLENGES   16
#define LIMIT_AUTH_PARAMS       32
/* Token server answers hold one JWT (a few KiB; cloud ones up to ~100 KiB). */
#define LIMIT_TOKEN_RESPONSE_BYTES (1u << 20)
/* ~/.docker/config.json and a credential helper's answer: both kilobytes. */
#define LIMIT_DOCKER_CONFIG_BYTES (4u << 20)
#define LIMIT_CRED_HELPER_OUTPUT  (1u << 20)
#define LIMIT_CRED_HELPER_SECONDS 60
/* Error bodies are kept only to quote them in messages. */
#define LIMIT_HTTP_ERROR_BODY (64u << 10)
/* Redirect hops per request: registries redirect blobs once, to storage. */
#define LIMIT_HTTP_REDIRECTS 5
/* Attempts per request on 429/5xx/connection errors, and the longest wait a
 * Retry-After header may impose before we give up waiting. */
#define LIMIT_HTTP_ATTEMPTS       5
#define LIMIT_RETRY_AFTER_SECONDS 60
/* Range resumptions of one interrupted blob download. */
#define LIMIT_BLOB_RESUMES 5
/* Bytes buffered between the network and the layer reader per blob: enough to
 * keep the socket busy, constant whatever the layer size. */
#define LIMIT_BLOB_BUFFER (1u << 20)
/* Catalog and tag list pages followed through Link headers, and one page's
 * size: a registry with a million repositories at n=1000 per page. */
#define LIMIT_REGISTRY_PAGES      1000
#define LIMIT_REGISTRY_PAGE_BYTES (16u << 20)
/* Overall time of a registry operation when --timeout is not given. */
#define LIMIT_REGISTRY_DEFAULT_SECONDS 3600

/* Vulnerability feeds. One JSON feed file read whole: the Debian tracker JSON is
 * ~80 MiB and an NVD API page of 2,000 CVEs ~30 MiB; 512 MiB leaves room while
 * bounding memory (jansson needs several times the text size). */
#define LIMIT_FEED_JSON_BYTES (512u << 20)
/* One OSV record: the biggest real ones (Linux kernel, long version lists) are
 * a few MiB. */
#define LIMIT_OSV_RECORD_BYTES (32u << 20)
/* Entries in one OSV zip: the all-ecosystems zip holds ~500k records. */
#define LIMIT_ZIP_ENTRIES 4000000
/* Files read from one feed folder (recursively), and its depth. */
#define LIMIT_FEED_DIR_FILES 4000000
#define LIMIT_FEED_DIR_DEPTH 16
/* A decompressed EPSS CSV: ~300k lines of ~40 bytes = ~12 MiB today. */
#define LIMIT_EPSS_BYTES (256u << 20)
/* One version string in a feed: real ones are < 100 bytes. */
#define LIMIT_VULNDB_VERSION_BYTES 256
/* Events in one range and explicit versions in one affected entry: real OSV
 * records list up to a few thousand versions (PyPI, Debian). */
#define LIMIT_VULNDB_EVENTS   1000
#define LIMIT_VULNDB_VERSIONS 20000
/* One downloaded feed: the per-ecosystem OSV zips are up to ~1 GiB. */
#define LIMIT_FEED_DOWNLOAD_BYTES (4ull << 30)
/* Feeds in the update config. */
#define LIMIT_FEEDS 256
/* Findings for one package and advisories matched per package row set. */
#define LIMIT_MATCH_ROWS_PER_PACKAGE 100000

/* Longest version string the Maven, RubyGems and Composer comparators parse
 * into allocated items (real versions are under 100 bytes); longer ones are
 * invalid and fall back to byte order, which bounds memory and recursion. */
#define LIMIT_VERSION_LEN 1024u

/* Language packages. One package's own manifest (a node_modules
 * package.json, a dist-info METADATA, a gemspec) is a few KiB, up to a few
 * hundred with a long README; 4 MiB covers the largest real ones and keeps a
 * hostile one (thousands of them per image) from being captured whole. */
#define LIMIT_PKG_MANIFEST_BYTES (4u << 20)
/* A lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml, Cargo.lock,
 * composer.lock, *.deps.json): big monorepo lockfiles reach ~30 MiB. */
#define LIMIT_LOCKFILE_BYTES (64u << 20)
/* A Java archive captured whole (fat jars of Spring Boot apps are ~100 MiB). */
#define LIMIT_JAR_BYTES (256u << 20)
/* Nesting of archives inside archives (a war holds jars, a fat jar holds
 * jars; nothing real goes deeper than 3). */
#define LIMIT_JAR_DEPTH 4
/* Entries read in one archive and bytes decompressed from all archives of
 * one file: a zip bomb is cut off here. */
#define LIMIT_JAR_ENTRIES        200000
#define LIMIT_JAR_INFLATED_BYTES (1ull << 30)
/* One archive nested in a jar, read into memory to be opened in turn:
 * Spring Boot's nested jars are up to ~30 MiB. */
#define LIMIT_JAR_NESTED_BYTES (64u << 20)
/* One metadata member read from a jar (pom.properties, MANIFEST.MF). */
#define LIMIT_JAR_MEMBER_BYTES (1u << 20)
/* Bytes of Go build info kept after the magic: real ones are a few KiB to
 * ~100 KiB (module lists of big programs). */
#define LIMIT_GO_BUILDINFO_BYTES (4u << 20)
/* Before Go 1.18 the build info points at the Go version: the longest
 * version string taken (release names such as "go1.16.15" or "go1.17rc2"
 * are under 16 bytes; a GOEXPERIMENT suffix such as " X:regabi,fieldtrack"
 * follows them in a toolchain built with experiments), and how many such strings, and string
 * headers pointing at them, are remembered while a binary streams past (a Go binary holds a few;
 * the newest are kept). */
#define LIMIT_GO_VERSION_BYTES      48u
#define LIMIT_GO_VERSION_CANDIDATES 64u
/* Nesting of YAML mappings/sequences walked in a pnpm lockfile. */
#define LIMIT_YAML_DEPTH 64

/* One value (a package with its properties) of a streamed report, serialised:
 * real ones are a few KiB; 1 GiB only stops a runaway while still printing
 * the longest strings a package database may hold. */
#define LIMIT_REPORT_VALUE_BYTES ((size_t)1 << 30)

/* Secret scanning: files larger than this are skipped with a warning (real
 * config and source files are far smaller; big files are data or logs). */
#define LIMIT_SECRET_FILE_BYTES (16u << 20)
/* A NUL byte in a file's first 8 KiB marks it binary, as git and grep do. */
#define LIMIT_SECRET_SNIFF_BYTES 8192u
/* Bytes of a line either side of a keyword handed to a rule's regex: bounds
 * the regex cost on a 10 MB single-line file and the carried overlap. */
#define LIMIT_SECRET_CONTEXT_BYTES 1024u
/* Hits kept per file: a key dump should not fill the report. */
#define LIMIT_SECRET_HITS_PER_FILE 100u
/* The user's secret config (--secret-config): a hand-written YAML file, and
 * the number of rules or allow entries in one list. */
#define LIMIT_SECRET_CONFIG_BYTES   (1u << 20)
#define LIMIT_SECRET_CONFIG_ENTRIES 1000u

/* Files one OS package database may list as installed (dpkg .list, apk F:/R:,
 * rpm BASENAMES): a full Debian or Fedora image owns 50-300k paths. */
#define LIMIT_OWNED_FILES_PER_DB 4000000
/* A dpkg .list file: the largest real ones (kernel modules, texlive) are a
 * few MB. */
#define LIMIT_DPKG_LIST_BYTES (64u << 20)
/* cargo-auditable: the ELF section table kept while a binary streams past
 * (65535 sections of 64 bytes fit). */
#define LIMIT_ELF_SECTION_TABLE_BYTES (4u << 20)
/* The ELF program header table kept while a binary streams past, to map
 * addresses to file offsets: real ones hold about ten entries of 56 bytes;
 * 64 KiB holds over a thousand. */
#define LIMIT_ELF_PHDR_TABLE_BYTES (64u << 10)
/* The inflated .dep-v0 JSON: real ones are a few hundred KB for 1000 crates;
 * anything past this is a bomb and is cut off. */
#define LIMIT_RUST_AUDIT_JSON_BYTES (8u << 20)

#endif
