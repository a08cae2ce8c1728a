/* customs public API: scan a container image into an inventory of packages.
 * The CLI and the server are thin clients of exactly these calls. */
#ifndef CUSTOMS_CUSTOMS_H
#define CUSTOMS_CUSTOMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes: 0 is success, failures are negative. */
enum {
	CUSTOMS_OK = 0,
	CUSTOMS_EINVAL = -1,       /* malformed input: file, manifest, feed, record */
	CUSTOMS_ENOMEM = -2,       /* allocation failed */
	CUSTOMS_EIO = -3,          /* reading or writing failed */
	CUSTOMS_ENOTFOUND = -4,    /* image, tag, blob, file or platform missing */
	CUSTOMS_ETOOLARGE = -5,    /* a limit from src/util/limits.h was exceeded */
	CUSTOMS_EINTEGRITY = -6,   /* a digest did not match */
	CUSTOMS_EAUTH = -7,        /* authentication or authorisation failed */
	CUSTOMS_EUNSUPPORTED = -8, /* valid but not handled (media type, format) */
	CUSTOMS_ENETWORK = -9,     /* connection, TLS, timeout */
	CUSTOMS_EUSAGE = -10,      /* the caller's request is wrong (bad ref, option) */
	CUSTOMS_EAMBIGUOUS = -11,  /* several candidates and nothing to choose by */
};

/* An error raised anywhere in a scan, worker threads included, ends up here.
 * The caller owns it (usually on the stack); functions fill it on failure. */
typedef struct customs_error {
	int code;
	char message[1024];
} customs_error;

/* A static English name for an error code ("integrity error", ...). */
const char *customs_strerror(int code);

/* Library version, e.g. "0.1.0". */
const char *customs_version(void);

/* One-time process-wide initialisation (libcurl, OpenSSL). Safe to call more
 * than once; not thread-safe against itself. Returns 0 or a CUSTOMS_E* code. */
int customs_init(customs_error *err);

/* A package found in the image. All strings are owned by the inventory that
 * returned it and live as long as it; any of them may be NULL when unknown. */
typedef struct customs_package {
	const char *type; /* purl type: "deb", "apk", "rpm", "npm", "pypi", ... */
	const char *name;
	const char *epoch;   /* NULL when the version has none */
	const char *version; /* without epoch: dpkg upstream-revision, rpm version-release */
	const char *arch;
	const char *src_name;    /* source package (dpkg Source, apk origin, rpm SRPM name) */
	const char *src_version; /* source version, with epoch when it has one */
	const char *license;
	const char *maintainer; /* dpkg Maintainer, apk maintainer, rpm Vendor */
	const char *purl;
	const char *path;       /* file in the image that declared the package */
	const char *layer;      /* diff_id of the layer that introduced it */
	int64_t installed_size; /* bytes; -1 when unknown */
} customs_package;

/* What the image is. Strings are owned by the inventory. */
typedef struct customs_image_info {
	const char *reference; /* as given by the caller */
	const char *transport; /* "oci", "oci-archive", "docker-archive", "rootfs", "docker" */
	const char *manifest_digest; /* NULL where the transport has no manifest */
	const char *config_digest;
	const char *os; /* platform os, e.g. "linux" */
	const char *architecture;
	const char *variant;
	const char *os_family;   /* os-release ID: "debian", "alpine", "rhel", ... */
	const char *os_version;  /* VERSION_ID or release file version */
	const char *os_codename; /* VERSION_CODENAME, e.g. "bookworm" */
	const char *os_name;     /* PRETTY_NAME */
	size_t layer_count;
	const char *const *layer_diff_ids;
	const char *const *layer_digests;
} customs_image_info;

/* Options for a scan. Initialise with CUSTOMS_SCAN_OPTIONS_INIT so that new
 * fields added in later versions get their defaults. */
typedef struct customs_scan_options {
	unsigned int version;
	const char *platform;  /* "os/arch[/variant]"; NULL: the host's */
	unsigned int parallel; /* layers read at once; 0: number of cores */
	int tls_verify;        /* registries: 1 verify (default), 0 allow http and any cert */
	const char *username;  /* registries: explicit credentials, or NULL */
	const char *password;
	const char *ca_file;          /* registries: extra CA bundle, or NULL */
	unsigned int timeout_seconds; /* registries: overall bound; 0 = default */
	/* Called from worker threads as layers progress; may be NULL. */
	void (*progress)(void *user, size_t layer, uint64_t done, uint64_t total);
	void *progress_user;
	/* registries: client certificate and key (PEM) for mutual TLS, or NULL */
	const char *cert_file;
	const char *key_file;
	/* registries: Docker config file with credentials; NULL: $DOCKER_CONFIG or ~/.docker */
	const char *auth_file;
	/* Extra scanners, CUSTOMS_SCAN_SECRETS | CUSTOMS_SCAN_CONFIG |
	 * CUSTOMS_SCAN_MALWARE (version 3); 0 (the default): packages only. Results:
	 * include/customs/findings_extra.h. */
	unsigned int scanners;
	/* Called once per layer, from the thread reading it, before the layer's
	 * first progress call: which of n_layers it is, its blob digest (NULL
	 * when unknown) and size (-1 when unknown). May be NULL. (Version 2.) */
	void (*progress_layer)(void *user, size_t layer, size_t n_layers, const char *digest,
	                       int64_t size);
	/* CUSTOMS_SCAN_SECRETS: YAML file with extra rules, allow rules and the
	 * file size limit (see docs/scan-json.md), or NULL: built-in rules only. */
	const char *secret_config;
	/* CUSTOMS_SCAN_MALWARE (version 3). The ClamAV database folder (NULL:
	 * /var/lib/clamav, kept by freshclam); the user's own signature files
	 * (.hdb, .hsb, .ndb, .ldb, ... for ClamAV; .yar, .yara for YARA); and
	 * ClamAV's limits in bytes and levels (0: 100 MiB per file, 400 MiB
	 * scanned per file with its archives, 17 nested archives). Files over
	 * malware_max_file_size are not scanned and counted in one warning. */
	const char *malware_db_dir;
	const char *const *malware_rules;
	size_t n_malware_rules;
	uint64_t malware_max_file_size;
	uint64_t malware_max_scan_size;
	unsigned int malware_max_recursion;
} customs_scan_options;

#define CUSTOMS_SCAN_SECRETS 0x1u /* leaked credentials in files and the image config */
#define CUSTOMS_SCAN_CONFIG  0x2u /* misconfiguration checks (CIS Docker section 4) */
#define CUSTOMS_SCAN_MALWARE 0x4u /* ClamAV and YARA over every file of every layer */

#define CUSTOMS_SCAN_OPTIONS_VERSION 3
#define CUSTOMS_SCAN_OPTIONS_INIT                                                                  \
	{                                                                                          \
		CUSTOMS_SCAN_OPTIONS_VERSION, NULL, 0, 1, NULL, NULL, NULL, 0, NULL, NULL, NULL,   \
		    NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0                              \
	}

typedef struct customs_inventory customs_inventory;

/* Reads the image named by ref (e.g. "oci:DIR:TAG", "docker-archive:FILE",
 * "rootfs:DIR") and builds its inventory. On success *out owns a new
 * inventory the caller frees with customs_inventory_free. On failure *out is
 * untouched and err says why. */
int customs_inventory_scan(customs_inventory **out, const char *ref,
                           const customs_scan_options *opts, customs_error *err);

void customs_inventory_free(customs_inventory *inv);

const customs_image_info *customs_inventory_image(const customs_inventory *inv);
size_t customs_inventory_package_count(const customs_inventory *inv);
const customs_package *customs_inventory_package(const customs_inventory *inv, size_t i);

/* Non-fatal problems met while scanning (skipped entries, unreadable files). */
size_t customs_inventory_warning_count(const customs_inventory *inv);
const char *customs_inventory_warning(const customs_inventory *inv, size_t i);

#ifdef __cplusplus
}
#endif

#endif
