/* Registry credentials: WWW-Authenticate parsing, the Docker config file,
 * credential helpers run without a shell, and config.json updates for login. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "registry/auth.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"

extern char **environ;

/* ---- WWW-Authenticate ---- */

static int is_tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_token68_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~+/", c) != NULL);
}

static void skip_ws(const char *s, size_t len, size_t *i)
{
	while (*i < len && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
}

static char *lower_dup(const char *s, size_t n)
{
	char *p = xstrndup(s, n);
	for (size_t i = 0; p && i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] - 'A' + 'a');
	return p;
}

/* quoted-string with backslash escapes; *i is at the opening quote. */
static int parse_quoted(char **out, const char *s, size_t len, size_t *i)
{
	struct buf b;
	size_t j = *i + 1;
	buf_init(&b, LIMIT_HTTP_HEADER_BYTES);
	if (buf_append(&b, "", 0))
		goto fail;
	while (j < len && s[j] != '"') {
		if (s[j] == '\\') {
			if (++j >= len)
				goto fail;
		}
		if ((unsigned char)s[j] < 0x20 && s[j] != '\t')
			goto fail;
		if (buf_append(&b, s + j, 1))
			goto fail;
		j++;
	}
	if (j >= len)
		goto fail;
	*i = j + 1;
	*out = buf_take(&b);
	return *out ? CUSTOMS_OK : CUSTOMS_ENOMEM;
fail:
	buf_free(&b);
	return CUSTOMS_EINVAL;
}

static int add_param(struct auth_challenge *c, char *name, char *value)
{
	struct auth_param *p;
	if (c->n_params >= LIMIT_AUTH_PARAMS)
		return CUSTOMS_ETOOLARGE;
	p = realloc(c->params, (c->n_params + 1) * sizeof(*p));
	if (!p)
		return CUSTOMS_ENOMEM;
	c->params = p;
	p[c->n_params].name = name;
	p[c->n_params].value = value;
	c->n_params++;
	return CUSTOMS_OK;
}

static void challenge_clear(struct auth_challenge *c)
{
	for (size_t i = 0; i < c->n_params; i++) {
		free(c->params[i].name);
		free(c->params[i].value);
	}
	free(c->params);
	free(c->scheme);
}

void auth_challenges_clear(struct auth_challenges *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		challenge_clear(&c->items[i]);
	free(c->items);
	c->items = NULL;
	c->n = 0;
}

/* Parses the parameters after a scheme. Stops before a token that is not
 * followed by '=' (the next challenge's scheme). */
static int parse_params(struct auth_challenge *c, const char *s, size_t len, size_t *pos)
{
	size_t i = *pos;
	int rc = CUSTOMS_OK;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		if (i >= len)
			break;
		size_t name_start = i;
		while (i < len && is_tchar(s[i]))
			i++;
		size_t name_end = i;
		if (name_end == name_start)
			return CUSTOMS_EINVAL;
		size_t k = i;
		skip_ws(s, len, &k);
		if (k >= len || s[k] != '=') {
			/* token68 ("Negotiate abc") or the next scheme. */
			if (c->n_params == 0 && k < len && s[k] != ',' && is_tchar(s[k])) {
				i = name_start;
				break;
			}
			if (c->n_params == 0 && (k >= len || s[k] == ',')) {
				/* A lone token after the scheme: keep it as token68 unless it
				 * is clearly a new scheme followed by params (handled above). */
				char *v = xstrndup(s + name_start, name_end - name_start);
				char *n = xstrndup("", 0);
				if (!v || !n || (rc = add_param(c, n, v))) {
					free(v);
					free(n);
					return rc ? rc : CUSTOMS_ENOMEM;
				}
				i = k;
				continue;
			}
			i = name_start;
			break;
		}
		/* token68 may end in '=' padding: "abc==" then ',' or end. */
		size_t e = k;
		while (e < len && s[e] == '=')
			e++;
		size_t after = e;
		skip_ws(s, len, &after);
		if (c->n_params == 0 && e > k + 1 && (after >= len || s[after] == ',')) {
			char *v = xstrndup(s + name_start, e - name_start);
			char *n = xstrndup("", 0);
			if (!v || !n || (rc = add_param(c, n, v))) {
				free(v);
				free(n);
				return rc ? rc : CUSTOMS_ENOMEM;
			}
			i = after;
			continue;
		}
		i = k + 1;
		skip_ws(s, len, &i);
		char *value = NULL;
		if (i < len && s[i] == '"') {
			rc = parse_quoted(&value, s, len, &i);
			if (rc)
				return rc;
		} else {
			size_t vs = i;
			while (i < len && (is_tchar(s[i]) || is_token68_char(s[i]) || s[i] == '='))
				i++;
			value = xstrndup(s + vs, i - vs);
			if (!value)
				return CUSTOMS_ENOMEM;
		}
		char *name = lower_dup(s + name_start, name_end - name_start);
		if (!name || (rc = add_param(c, name, value))) {
			free(name);
			free(value);
			return rc ? rc : CUSTOMS_ENOMEM;
		}
		skip_ws(s, len, &i);
		if (i < len && s[i] != ',')
			return CUSTOMS_EINVAL;
	}
	*pos = i;
	return CUSTOMS_OK;
}

int auth_challenges_parse(struct auth_challenges *out, const char *s, size_t len,
                          customs_error *err)
{
	struct auth_challenges r = {0};
	size_t i = 0;
	int rc = CUSTOMS_OK;

	if (len > LIMIT_HTTP_HEADER_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "WWW-Authenticate header over %u bytes",
		               LIMIT_HTTP_HEADER_BYTES);
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		if (i >= len)
			break;
		size_t start = i;
		while (i < len && is_tchar(s[i]))
			i++;
		if (i == start || (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != ',')) {
			rc = err_set(err, CUSTOMS_EINVAL,
			             "WWW-Authenticate: malformed challenge at byte %zu", i);
			goto out;
		}
		if (r.n >= LIMIT_AUTH_CHALLENGES) {
			rc = err_set(err, CUSTOMS_ETOOLARGE,
			             "WWW-Authenticate: more than %d challenges",
			             LIMIT_AUTH_CHALLENGES);
			goto out;
		}
		struct auth_challenge *items = realloc(r.items, (r.n + 1) * sizeof(*items));
		if (!items) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		r.items = items;
		memset(&items[r.n], 0, sizeof(items[0]));
		items[r.n].scheme = lower_dup(s + start, i - start);
		r.n++;
		if (!items[r.n - 1].scheme) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		size_t before = i;
		rc = parse_params(&items[r.n - 1], s, len, &i);
		if (rc) {
			err_set(err, rc, "WWW-Authenticate: malformed parameters after byte %zu",
			        before);
			goto out;
		}
	}
	if (r.n == 0) {
		rc = err_set(err, CUSTOMS_EINVAL, "WWW-Authenticate: no challenge");
		goto out;
	}
	*out = r;
	memset(&r, 0, sizeof(r));
out:
	auth_challenges_clear(&r);
	return rc;
}

const struct auth_challenge *auth_challenge_find(const struct auth_challenges *c,
                                                 const char *scheme)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i].scheme, scheme) == 0)
			return &c->items[i];
	return NULL;
}

const char *auth_challenge_param(const struct auth_challenge *c, const char *name)
{
	for (size_t i = 0; i < c->n_params; i++)
		if (strcmp(c->params[i].name, name) == 0)
			return c->params[i].value;
	return NULL;
}

/* ---- base64 ---- */

char *base64_encode(const void *s, size_t len)
{
	size_t n;
	if (len > (size_t)INT32_MAX / 2)
		return NULL;
	n = 4 * ((len + 2) / 3) + 1;
	char *out = malloc(n);
	if (!out)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, s, (int)len);
	return out;
}

int base64_decode(char **out, size_t *out_len, const char *s, size_t len)
{
	char *in = NULL, *res = NULL;
	size_t n = len, pad = 0;
	int rc = CUSTOMS_EINVAL;

	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1 || len > (size_t)INT32_MAX / 2)
		return CUSTOMS_EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return CUSTOMS_EINVAL;
	}
	pad = (4 - n % 4) % 4;
	in = malloc(n + pad + 1);
	res = malloc((n + pad) / 4 * 3 + 1);
	if (!in || !res) {
		rc = CUSTOMS_ENOMEM;
		goto out;
	}
	memcpy(in, s, n);
	memset(in + n, '=', pad);
	int got = EVP_DecodeBlock((unsigned char *)res, (unsigned char *)in, (int)(n + pad));
	if (got < 0 || (size_t)got < pad)
		goto out;
	*out_len = (size_t)got - pad;
	res[*out_len] = '\0';
	*out = res;
	res = NULL;
	rc = CUSTOMS_OK;
out:
	free(in);
	free(res);
	return rc;
}

/* ---- Docker config ---- */

void registry_creds_clear(struct registry_creds *c)
{
	if (!c)
		return;
	if (c->password)
		OPENSSL_cleanse(c->password, strlen(c->password));
	if (c->identity_token)
		OPENSSL_cleanse(c->identity_token, strlen(c->identity_token));
	free(c->username);
	free(c->password);
	free(c->identity_token);
	memset(c, 0, sizeof(*c));
}

char *docker_config_path(const char *given)
{
	struct buf b;
	const char *dir = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	if (given)
		return xstrdup_or_null(given);
	buf_init(&b, LIMIT_PATH_BYTES);
	if (dir && dir[0]) {
		if (buf_printf(&b, "%s/config.json", dir))
			goto fail;
	} else if (home && home[0]) {
		if (buf_printf(&b, "%s/.docker/config.json", home))
			goto fail;
	} else {
		goto fail;
	}
	return buf_take(&b);
fail:
	buf_free(&b);
	return NULL;
}

const char *docker_config_server_key(const char *domain)
{
	return strcmp(domain, "docker.io") == 0 ? "https://index.docker.io/v1/" : domain;
}

/* The host part of a config key, as docker's convertToHostname does it. */
static int key_matches(const char *key, const char *domain)
{
	const char *h = key;
	size_t n;
	if (str_has_prefix(h, "https://"))
		h += 8;
	else if (str_has_prefix(h, "http://"))
		h += 7;
	n = strcspn(h, "/");
	if (strlen(domain) == n && memcmp(h, domain, n) == 0)
		return 1;
	if (strcmp(domain, "docker.io") == 0) {
		static const char *const hub[] = {"index.docker.io", "registry-1.docker.io"};
		for (size_t i = 0; i < 2; i++)
			if (strlen(hub[i]) == n && memcmp(h, hub[i], n) == 0)
				return 1;
	}
	return 0;
}

static json_t *find_entry(json_t *obj, const char *domain)
{
	const char *key;
	json_t *v;
	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, docker_config_server_key(domain));
	if (v)
		return v;
	json_object_foreach(obj, key, v)
	{
		if (key_matches(key, domain))
			return v;
	}
	return NULL;
}

static int helper_name_valid(const char *s)
{
	if (!s[0] || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int docker_config_parse_creds(struct registry_creds *out, char **out_helper, const void *data,
                              size_t len, const char *domain, customs_error *err)
{
	struct registry_creds c = {0};
	json_t *root = NULL, *entry;
	char *helper = NULL, *dec = NULL;
	size_t dec_len = 0;
	int rc = json_parse(&root, data, len, LIMIT_DOCKER_CONFIG_BYTES, "docker config", err);
	if (rc)
		return rc;
	if (!json_is_object(root)) {
		rc = err_set(err, CUSTOMS_EINVAL, "docker config: not a JSON object");
		goto out;
	}
	entry = find_entry(json_object_get(root, "auths"), domain);
	if (json_is_object(entry)) {
		const char *auth = json_get_str(entry, "auth");
		const char *tok = json_get_str(entry, "identitytoken");
		if (auth && auth[0]) {
			char *colon;
			rc = base64_decode(&dec, &dec_len, auth, strlen(auth));
			if (rc == CUSTOMS_OK &&
			    (memchr(dec, '\0', dec_len) || !(colon = memchr(dec, ':', dec_len))))
				rc = CUSTOMS_EINVAL;
			if (rc) {
				err_set(err, rc,
				        "docker config: the \"auth\" entry for %s is not base64 of "
				        "user:password",
				        domain);
				goto out;
			}
			c.username = xstrndup(dec, (size_t)(colon - dec));
			c.password = xstrndup(colon + 1, dec_len - (size_t)(colon - dec) - 1);
			if (!c.username || !c.password)
				goto nomem;
		}
		if (tok && tok[0]) {
			c.identity_token = xstrdup_or_null(tok);
			if (!c.identity_token)
				goto nomem;
		}
	}
	json_t *h = find_entry(json_object_get(root, "credHelpers"), domain);
	const char *hname =
	    json_is_string(h) ? json_string_value(h) : json_get_str(root, "credsStore");
	if (hname && hname[0] && !c.username && !c.identity_token) {
		if (!helper_name_valid(hname)) {
			rc = err_set(err, CUSTOMS_EINVAL,
			             "docker config: bad credential helper name");
			goto out;
		}
		helper = xstrdup_or_null(hname);
		if (!helper)
			goto nomem;
	}
	*out = c;
	memset(&c, 0, sizeof(c));
	if (out_helper) {
		*out_helper = helper;
		helper = NULL;
	}
	rc = CUSTOMS_OK;
	goto out;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
out:
	if (dec) {
		OPENSSL_cleanse(dec, dec_len);
		free(dec);
	}
	free(helper);
	registry_creds_clear(&c);
	json_decref(root);
	return rc;
}

static int read_file_capped(struct buf *b, const char *path, int *missing, customs_error *err)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT) {
			*missing = 1;
			return CUSTOMS_OK;
		}
		return err_set(err, CUSTOMS_EIO, "cannot read %s: %s", path, strerror(errno));
	}
	int rc = CUSTOMS_OK;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if ((rc = buf_append(b, chunk, n))) {
			err_set(err, rc, "%s: larger than %zu bytes", path, b->max);
			break;
		}
	}
	if (!rc && ferror(f))
		rc = err_set(err, CUSTOMS_EIO, "cannot read %s", path);
	fclose(f);
	return rc;
}

int docker_config_creds(struct registry_creds *out, const char *config_path, const char *domain,
                        customs_error *err)
{
	struct registry_creds c = {0};
	struct buf b;
	char *path = docker_config_path(config_path), *helper = NULL;
	int missing = 0, rc;

	buf_init(&b, LIMIT_DOCKER_CONFIG_BYTES);
	if (!path) {
		memset(out, 0, sizeof(*out));
		return CUSTOMS_OK;
	}
	rc = read_file_capped(&b, path, &missing, err);
	if (rc || missing)
		goto done;
	rc = docker_config_parse_creds(&c, &helper, b.data ? b.data : "", b.len, domain, err);
	if (rc) {
		err_prefix(err, "%s: ", path);
		goto done;
	}
	if (helper) {
		registry_creds_clear(&c);
		rc = cred_helper_get(&c, helper, docker_config_server_key(domain), err);
		if (rc)
			goto done;
	}
done:
	if (!rc) {
		*out = c;
		memset(&c, 0, sizeof(c));
	}
	registry_creds_clear(&c);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	buf_free(&b);
	free(path);
	free(helper);
	return rc;
}

/* ---- credential helpers ---- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes the server URL to the helper and collects its output, both bounded
 * in time; returns CUSTOMS_ENETWORK on timeout (the helper is then killed). */
static int helper_exchange(struct buf *outb, int in_fd, int out_fd, const char *input)
{
	size_t in_len = strlen(input), in_off = 0;
	long long deadline = now_ms() + (long long)LIMIT_CRED_HELPER_SECONDS * 1000;
	char chunk[4096];
	int rc = CUSTOMS_OK;

	fcntl(in_fd, F_SETFL, O_NONBLOCK);
	while (out_fd >= 0) {
		struct pollfd p[2] = {{out_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
		long long left = deadline - now_ms();
		if (left <= 0)
			return CUSTOMS_ENETWORK;
		int np = in_fd >= 0 ? 2 : 1;
		if (poll(p, (nfds_t)np, (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
			return CUSTOMS_EIO;
		}
		if (in_fd >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in_fd, input + in_off, in_len - in_off);
			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				in_off =
				    in_len; /* the helper closed stdin: fine, read its answer */
			if (in_off >= in_len) {
				close(in_fd);
				in_fd = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = read(out_fd, chunk, sizeof(chunk));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			if ((rc = buf_append(outb, chunk, (size_t)r)))
				break;
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	return rc;
}

int cred_helper_get(struct registry_creds *out, const char *helper, const char *server_url,
                    customs_error *err)
{
	struct registry_creds c = {0};
	struct buf prog, outb;
	int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, devnull = -1;
	posix_spawn_file_actions_t fa;
	int fa_ok = 0, rc, status = 0;
	pid_t pid = -1;
	json_t *j = NULL;

	buf_init(&prog, 256);
	buf_init(&outb, LIMIT_CRED_HELPER_OUTPUT);
	if (!helper_name_valid(helper))
		return err_set(err, CUSTOMS_EINVAL, "bad credential helper name");
	if (buf_printf(&prog, "docker-credential-%s", helper)) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) ||
	    (devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		rc = err_set(err, CUSTOMS_EIO, "credential helper: %s", strerror(errno));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa)) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	fa_ok = 1;
	posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, devnull, 2);
	char *argv[] = {prog.data, "get", NULL};
	int e = posix_spawnp(&pid, prog.data, &fa, NULL, argv, environ);
	if (e) {
		pid = -1;
		rc = err_set(err, CUSTOMS_EAUTH, "cannot run credential helper %s: %s", prog.data,
		             strerror(e));
		goto out;
	}
	close(in_pipe[0]);
	close(out_pipe[1]);
	in_pipe[0] = out_pipe[1] = -1;
	char url_line[LIMIT_REFERENCE_BYTES + 2];
	snprintf(url_line, sizeof(url_line), "%s\n", server_url);
	rc = helper_exchange(&outb, in_pipe[1], out_pipe[0], url_line);
	in_pipe[1] = -1;
	if (rc == CUSTOMS_ENETWORK) {
		kill(pid, SIGKILL);
		err_set(err, CUSTOMS_EAUTH, "credential helper %s: no answer within %d seconds",
		        prog.data, LIMIT_CRED_HELPER_SECONDS);
		rc = CUSTOMS_EAUTH;
	} else if (rc) {
		kill(pid, SIGKILL);
		err_set(err, rc, "credential helper %s: output over %u bytes", prog.data,
		        LIMIT_CRED_HELPER_OUTPUT);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (rc)
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* Docker's helpers print this when they hold nothing for the server. */
		if (outb.data && strstr(outb.data, "credentials not found")) {
			rc = CUSTOMS_OK;
			goto done;
		}
		char *msg =
		    str_sanitize(outb.data ? outb.data : "", outb.len > 200 ? 200 : outb.len);
		rc = err_set(err, CUSTOMS_EAUTH, "credential helper %s failed: %s", prog.data,
		             msg ? msg : "");
		free(msg);
		goto out;
	}
	rc = json_parse(&j, outb.data ? outb.data : "", outb.len, LIMIT_CRED_HELPER_OUTPUT,
	                "credential helper output", err);
	if (rc)
		goto out;
	const char *user = json_get_str(j, "Username"), *secret = json_get_str(j, "Secret");
	if (!secret) {
		rc = err_set(err, CUSTOMS_EAUTH, "credential helper %s: no Secret in its answer",
		             prog.data);
		goto out;
	}
	/* Docker's convention: user "<token>" means the secret is an identity token. */
	if (user && strcmp(user, "<token>") == 0) {
		c.identity_token = xstrdup_or_null(secret);
	} else {
		c.username = xstrdup_or_null(user ? user : "");
		c.password = xstrdup_or_null(secret);
	}
	if ((!c.identity_token && !c.password) || (!c.identity_token && !c.username)) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
done:
	*out = c;
	memset(&c, 0, sizeof(c));
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0)
			close(in_pipe[i]);
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
	}
	if (devnull >= 0)
		close(devnull);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	json_decref(j);
	if (outb.data)
		OPENSSL_cleanse(outb.data, outb.len);
	buf_free(&outb);
	buf_free(&prog);
	registry_creds_clear(&c);
	return rc;
}

/* ---- login ---- */

static int mkdir_parent(const char *path)
{
	char *dir = xstrdup_or_null(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	int rc = 0;
	if (!dir)
		return -1;
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			rc = -1;
	}
	free(dir);
	return rc;
}

int docker_config_login(const char *config_path, const char *domain, const char *username,
                        const char *password, customs_error *err)
{
	struct buf b, cred, tmp;
	char *path = docker_config_path(config_path), *enc = NULL, *text = NULL;
	json_t *root = NULL, *auths, *entry = NULL;
	int missing = 0, rc, fd = -1;

	buf_init(&b, LIMIT_DOCKER_CONFIG_BYTES);
	buf_init(&cred, 8192);
	buf_init(&tmp, LIMIT_PATH_BYTES);
	if (!path) {
		rc = err_set(err, CUSTOMS_EUSAGE,
		             "no Docker config path: set HOME or DOCKER_CONFIG");
		goto out;
	}
	rc = read_file_capped(&b, path, &missing, err);
	if (rc)
		goto out;
	if (missing || b.len == 0) {
		root = json_object();
	} else {
		rc = json_parse(&root, b.data, b.len, LIMIT_DOCKER_CONFIG_BYTES, path, err);
		if (rc)
			goto out;
		if (!json_is_object(root)) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s: not a JSON object", path);
			goto out;
		}
	}
	if (strchr(username, ':')) {
		rc = err_set(err, CUSTOMS_EUSAGE, "user names may not contain ':'");
		goto out;
	}
	if (buf_printf(&cred, "%s:%s", username, password) ||
	    !(enc = base64_encode(cred.data, cred.len)))
		goto nomem;
	auths = json_object_get(root, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		if (!auths || json_object_set_new(root, "auths", auths))
			goto nomem;
	}
	entry = json_pack("{s:s}", "auth", enc);
	if (!entry || json_object_set_new(auths, docker_config_server_key(domain), entry))
		goto nomem;
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text || buf_printf(&tmp, "%s.tmp-XXXXXX", path))
		goto nomem;
	if (mkdir_parent(path)) {
		rc = err_set(err, CUSTOMS_EIO, "cannot create the folder of %s: %s", path,
		             strerror(errno));
		goto out;
	}
	fd = mkostemp(tmp.data, O_CLOEXEC);
	if (fd < 0) {
		rc = err_set(err, CUSTOMS_EIO, "cannot create %s: %s", tmp.data, strerror(errno));
		goto out;
	}
	size_t len = strlen(text), off = 0;
	int bad = fchmod(fd, 0600) != 0;
	while (!bad && off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bad = 1;
		else
			off += (size_t)w;
	}
	if (!bad && (write(fd, "\n", 1) != 1 || fsync(fd) != 0))
		bad = 1;
	if (close(fd) != 0)
		bad = 1;
	fd = -1;
	if (bad || rename(tmp.data, path) != 0) {
		rc = err_set(err, CUSTOMS_EIO, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	rc = CUSTOMS_OK;
	goto out;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp.data);
	}
	if (cred.data)
		OPENSSL_cleanse(cred.data, cred.len);
	if (text)
		OPENSSL_cleanse(text, strlen(text));
	free(text);
	free(enc);
	json_decref(root);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	buf_free(&b);
	buf_free(&cred);
	buf_free(&tmp);
	free(path);
	return rc;
}
