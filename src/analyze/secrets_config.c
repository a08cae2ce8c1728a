/* The user's secret settings from YAML (--secret-config FILE): extra rules,
 * allow rules by path glob, rule id or regex, and the file size limit. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "analyze/secrets.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void rule_clear(struct secret_rule *r)
{
	free((char *)r->id);
	free((char *)r->title);
	free((char *)r->regex);
	for (size_t k = 0; k < 12; k++)
		free((char *)r->keywords[k]);
}

static void regexes_free(regex_t *re, size_t n)
{
	for (size_t i = 0; i < n; i++)
		regfree(&re[i]);
	free(re);
}

void secret_config_free(struct secret_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_rules; i++)
		rule_clear(&c->rules[i]);
	free(c->rules);
	strv_free(c->allow_paths, c->n_allow_paths);
	strv_free(c->allow_rules, c->n_allow_rules);
	regexes_free(c->allow_re, c->n_allow_re);
	secret_ruleset_free(c->set);
	free(c);
}

int secret_config_allows(const struct secret_config *c, const char *rule_id, const char *val,
                         size_t len)
{
	for (size_t i = 0; i < c->n_allow_rules; i++)
		if (strcmp(c->allow_rules[i], rule_id) == 0)
			return 1;
	for (size_t i = 0; i < c->n_allow_re; i++) {
		regmatch_t m[1] = {{0, (regoff_t)len}};
		char *z = xstrndup(val, len); /* regexec wants a terminator */
		int hit = z && regexec(&c->allow_re[i], z, 1, m, REG_STARTEND) == 0;
		free(z);
		if (hit)
			return 1;
	}
	return 0;
}

int secret_config_allows_path(const struct secret_config *c, const char *path)
{
	for (size_t i = 0; i < c->n_allow_paths; i++)
		if (fnmatch(c->allow_paths[i], path, 0) == 0)
			return 1;
	return 0;
}

/* ---- YAML ---- */

struct parse {
	yaml_document_t doc;
	struct secret_config *c;
	customs_error *err;
};

static const char *scalar(const struct parse *p, yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The string items of a sequence node, copied into *out. */
static int string_list(struct parse *p, yaml_node_t *n, const char *what, char ***out,
                       size_t *n_out)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return err_set(p->err, CUSTOMS_EINVAL, "secret config: %s must be a list", what);
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > LIMIT_SECRET_CONFIG_ENTRIES)
		return err_set(p->err, CUSTOMS_ETOOLARGE, "secret config: %s has over %u entries",
		               what, LIMIT_SECRET_CONFIG_ENTRIES);
	char **v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		return err_set(p->err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		const char *s =
		    scalar(p, yaml_document_get_node(&p->doc, n->data.sequence.items.start[i]));
		if (!s || !(v[i] = strdup(s))) {
			strv_free(v, cnt);
			return s ? err_set(p->err, CUSTOMS_ENOMEM, "out of memory")
			         : err_set(p->err, CUSTOMS_EINVAL,
			                   "secret config: %s: items must be strings", what);
		}
	}
	strv_free(*out, *n_out);
	*out = v;
	*n_out = cnt;
	return 0;
}

static int parse_rule(struct parse *p, yaml_node_t *n, struct secret_rule *r)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return err_set(p->err, CUSTOMS_EINVAL,
		               "secret config: each rule must be a mapping");
	r->severity = CUSTOMS_SEVERITY_HIGH;
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		const char *k = scalar(p, yaml_document_get_node(&p->doc, pr->key));
		yaml_node_t *vn = yaml_document_get_node(&p->doc, pr->value);
		const char *v = scalar(p, vn);
		const char **field = NULL;
		if (!k)
			continue;
		if (strcmp(k, "id") == 0)
			field = &r->id;
		else if (strcmp(k, "title") == 0)
			field = &r->title;
		else if (strcmp(k, "regex") == 0)
			field = &r->regex;
		if (field) {
			if (!v)
				return err_set(p->err, CUSTOMS_EINVAL,
				               "secret config: rule %s must be a string", k);
			free((char *)*field);
			if (!(*field = strdup(v)))
				return err_set(p->err, CUSTOMS_ENOMEM, "out of memory");
		} else if (strcmp(k, "severity") == 0) {
			if (!v || customs_severity_parse(&r->severity, v))
				return err_set(p->err, CUSTOMS_EINVAL,
				               "secret config: bad severity");
		} else if (strcmp(k, "group") == 0) {
			uint64_t g;
			if (!v || parse_u64_str(&g, v, 9))
				return err_set(p->err, CUSTOMS_EINVAL,
				               "secret config: group is 0 to 9");
			r->group = (int)g;
		} else if (strcmp(k, "keywords") == 0) {
			char **kw = NULL;
			size_t nk = 0;
			int rc = string_list(p, vn, "keywords", &kw, &nk);
			if (rc)
				return rc;
			if (nk > 11) {
				strv_free(kw, nk);
				return err_set(p->err, CUSTOMS_EINVAL,
				               "secret config: at most 11 keywords");
			}
			/* A repeated keywords key replaces the earlier list. */
			for (size_t i = 0; r->keywords[i]; i++) {
				free((char *)r->keywords[i]);
				r->keywords[i] = NULL;
			}
			for (size_t i = 0; i < nk; i++)
				r->keywords[i] = kw[i];
			free(kw);
		} else {
			return err_set(p->err, CUSTOMS_EINVAL, "secret config: unknown rule key %s",
			               k);
		}
	}
	if (!r->id || !r->regex || !r->keywords[0])
		return err_set(p->err, CUSTOMS_EINVAL,
		               "secret config: a rule needs id, regex and keywords");
	if (!r->title && !(r->title = strdup(r->id)))
		return err_set(p->err, CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int parse_rules(struct parse *p, yaml_node_t *n)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return err_set(p->err, CUSTOMS_EINVAL, "secret config: rules must be a list");
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > LIMIT_SECRET_CONFIG_ENTRIES)
		return err_set(p->err, CUSTOMS_ETOOLARGE, "secret config: over %u rules",
		               LIMIT_SECRET_CONFIG_ENTRIES);
	p->c->rules = calloc(cnt ? cnt : 1, sizeof(*p->c->rules));
	if (!p->c->rules)
		return err_set(p->err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		p->c->n_rules++;
		int rc =
		    parse_rule(p, yaml_document_get_node(&p->doc, n->data.sequence.items.start[i]),
		               &p->c->rules[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* allow.regexes, compiled. A repeated key replaces the earlier list, as
 * string_list does for the others: appending to the count while the array
 * was replaced freed past its end. */
static int allow_regexes(struct parse *p, yaml_node_t *vn)
{
	struct secret_config *c = p->c;
	char **v = NULL;
	size_t nv = 0, n_re = 0;
	regex_t *re = NULL;
	int rc = string_list(p, vn, "allow.regexes", &v, &nv);
	if (rc == 0 && !(re = calloc(nv ? nv : 1, sizeof(*re))))
		rc = err_set(p->err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < nv; i++) {
		if (regcomp(&re[i], v[i], REG_EXTENDED | REG_NOSUB))
			rc = err_set(p->err, CUSTOMS_EINVAL, "secret config: bad allow regex");
		else
			n_re++;
	}
	strv_free(v, nv);
	if (rc) {
		regexes_free(re, n_re);
		return rc;
	}
	regexes_free(c->allow_re, c->n_allow_re);
	c->allow_re = re;
	c->n_allow_re = n_re;
	return 0;
}

static int parse_allow(struct parse *p, yaml_node_t *n)
{
	struct secret_config *c = p->c;
	if (!n || n->type != YAML_MAPPING_NODE)
		return err_set(p->err, CUSTOMS_EINVAL, "secret config: allow must be a mapping");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		const char *k = scalar(p, yaml_document_get_node(&p->doc, pr->key));
		yaml_node_t *vn = yaml_document_get_node(&p->doc, pr->value);
		int rc;
		if (k && strcmp(k, "paths") == 0) {
			rc = string_list(p, vn, "allow.paths", &c->allow_paths, &c->n_allow_paths);
		} else if (k && strcmp(k, "rules") == 0) {
			rc = string_list(p, vn, "allow.rules", &c->allow_rules, &c->n_allow_rules);
		} else if (k && strcmp(k, "regexes") == 0) {
			rc = allow_regexes(p, vn);
		} else {
			rc = err_set(p->err, CUSTOMS_EINVAL, "secret config: unknown allow key %s",
			             k ? k : "?");
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_root(struct parse *p)
{
	yaml_node_t *root = yaml_document_get_root_node(&p->doc);
	if (!root)
		return 0; /* an empty file: no settings */
	if (root->type != YAML_MAPPING_NODE)
		return err_set(p->err, CUSTOMS_EINVAL,
		               "secret config: the top level must be a mapping");
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		const char *k = scalar(p, yaml_document_get_node(&p->doc, pr->key));
		yaml_node_t *vn = yaml_document_get_node(&p->doc, pr->value);
		int rc;
		if (k && strcmp(k, "rules") == 0 && !p->c->rules) {
			rc = parse_rules(p, vn);
		} else if (k && strcmp(k, "allow") == 0) {
			rc = parse_allow(p, vn);
		} else if (k && strcmp(k, "max-file-size") == 0) {
			const char *v = scalar(p, vn);
			rc = v && parse_u64_str(&p->c->max_file_bytes, v, UINT64_MAX / 2) == 0
			         ? 0
			         : err_set(p->err, CUSTOMS_EINVAL,
			                   "secret config: max-file-size is a number of bytes");
		} else {
			rc = err_set(p->err, CUSTOMS_EINVAL, "secret config: unknown key %s",
			             k ? k : "?");
		}
		if (rc)
			return rc;
	}
	return 0;
}

int secret_config_parse(struct secret_config **out, const char *data, size_t len,
                        customs_error *err)
{
	yaml_parser_t parser;
	struct parse p = {.err = err};
	int rc = 0, have_doc = 0;
	if (len > LIMIT_SECRET_CONFIG_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "secret config over %u bytes",
		               LIMIT_SECRET_CONFIG_BYTES);
	if (!(p.c = calloc(1, sizeof(*p.c))))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	if (!yaml_parser_initialize(&parser)) {
		free(p.c);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &p.doc)) {
		rc = err_set(err, CUSTOMS_EINVAL, "secret config: YAML error at line %zu: %s",
		             parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
		goto out;
	}
	have_doc = 1;
	if ((rc = parse_root(&p)) || (rc = secret_config_compile(p.c, err)))
		goto out;
	*out = p.c;
	p.c = NULL;
out:
	if (have_doc)
		yaml_document_delete(&p.doc);
	yaml_parser_delete(&parser);
	secret_config_free(p.c);
	return rc;
}

int secret_config_load(struct secret_config **out, const char *path, customs_error *err)
{
	int rc;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return err_set(err, CUSTOMS_ENOTFOUND, "cannot open secret config %s", path);
	buf = malloc(LIMIT_SECRET_CONFIG_BYTES + 1);
	if (!buf) {
		fclose(f);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	len = fread(buf, 1, LIMIT_SECRET_CONFIG_BYTES + 1, f);
	if (ferror(f))
		rc = err_set(err, CUSTOMS_EIO, "reading secret config %s failed", path);
	else
		rc = secret_config_parse(out, buf, len, err);
	fclose(f);
	free(buf);
	if (rc)
		err_prefix(err, "%s", path);
	return rc;
}
