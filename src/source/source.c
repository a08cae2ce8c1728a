/* Transport dispatch: the reference prefix picks the source; anything without
 * a known prefix is a registry reference for the "docker" transport. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/source.h"
#include "source/source_internal.h"
#include "util/error.h"
#include "util/strutil.h"

/* The registry transport, written in src/registry/. */
extern const struct source_ops source_docker_ops;

static const struct source_ops *const transports[] = {
    &source_oci_ops,    &source_oci_archive_ops, &source_docker_archive_ops,
    &source_rootfs_ops, &source_docker_ops,
};

static const struct source_ops *transport_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		const struct source_ops *o = transports[i];
		if (o && strlen(o->transport) == len && memcmp(o->transport, name, len) == 0)
			return o;
	}
	return NULL;
}

int source_open(struct source **out, const char *ref, const customs_scan_options *opts,
                customs_error *err)
{
	const struct source_ops *ops = NULL;
	const char *spec = ref;
	if (!ref || !*ref)
		return err_set(err, CUSTOMS_EUSAGE, "empty image reference");
	if (str_has_prefix(ref, "docker://")) {
		spec = ref + strlen("docker://");
	} else {
		const char *colon = strchr(ref, ':');
		/* "docker" itself is only reachable as docker:// or a plain reference. */
		if (colon && !(colon - ref == 6 && memcmp(ref, "docker", 6) == 0) &&
		    (ops = transport_find(ref, (size_t)(colon - ref))))
			spec = colon + 1;
	}
	if (!ops && !(ops = transport_find("docker", 6)))
		return err_set(err, CUSTOMS_EUNSUPPORTED,
		               "registry references are not supported in this build");
	if (!*spec)
		return err_set(err, CUSTOMS_EUSAGE, "%s: empty reference after the transport",
		               ops->transport);
	return ops->open(out, spec, opts, err);
}

void source_close(struct source *s)
{
	if (s)
		s->ops->close(s);
}

static bool path_exists(const char *p)
{
	struct stat st;
	return *p && stat(p, &st) == 0;
}

static int split_at(char **path, char **tag, const char *spec, size_t at)
{
	char *p = xstrndup(spec, at);
	char *t = at < strlen(spec) ? strdup(spec + at + 1) : NULL;
	if (!p || (at < strlen(spec) && !t)) {
		free(p);
		free(t);
		return CUSTOMS_ENOMEM;
	}
	*path = p;
	*tag = t;
	return CUSTOMS_OK;
}

int source_split_tag(char **path, char **tag, const char *spec, customs_error *err)
{
	size_t len = strlen(spec), at = len;
	int rc;
	if (!path_exists(spec)) {
		bool found = false;
		for (size_t i = len; i-- > 0 && !found;) {
			if (spec[i] != ':' || i == 0 || i + 1 == len)
				continue;
			char *prefix = xstrndup(spec, i);
			if (!prefix)
				return err_set(err, CUSTOMS_ENOMEM, "out of memory");
			if (path_exists(prefix)) {
				at = i;
				found = true;
			}
			free(prefix);
		}
		const char *last = strrchr(spec, ':');
		if (!found && last && last != spec && last[1] && !strchr(last, '/'))
			at = (size_t)(last - spec);
	}
	if ((rc = split_at(path, tag, spec, at)))
		return err_set(err, rc, "out of memory");
	return CUSTOMS_OK;
}
