/*
 * rolesd: the service and its admin commands in one binary.
 *
 *   rolesd serve
 *   rolesd migrate
 *   rolesd tenant create --host HOST [--host HOST2 ...] --name NAME [--admin-name NAME]
 *   rolesd tenant list
 *   rolesd tenant set --host HOST [--feature NAME=STATE ...] [--setting NAME=VALUE ...] [--audit-retention-days N]
 *   rolesd token create --host HOST --user ID [--expires-at ISO8601]
 *   rolesd token revoke --host HOST --token-id ID
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/admin.h"
#include "auth.h"
#include "config.h"
#include "supervisor.h"

#define MAX_HOSTS 32

static int usage(void)
{
	fprintf(stderr,
		"usage: rolesd serve\n"
		"       rolesd migrate\n"
		"       rolesd tenant create --host HOST [--host HOST ...] --name NAME [--admin-name NAME]\n"
		"       rolesd tenant list\n"
		"       rolesd tenant set --host HOST [--feature NAME=STATE ...] [--setting NAME=VALUE ...]\n"
		"                         [--audit-retention-days N]\n"
		"       rolesd token create --host HOST --user ID [--expires-at ISO8601]\n"
		"       rolesd token revoke --host HOST --token-id ID\n"
		"Configuration is read from the environment (see README).\n");
	return 2;
}

/* --name VALUE pairs after the subcommand. Returns 0, or -1 on an unknown or incomplete option. */
struct opts {
	const char *hosts[MAX_HOSTS];
	int nhosts;
	const char *name, *admin_name, *user, *expires_at, *token_id, *retention;
	json_t *features, *settings; /* NAME=VALUE options as objects; NULL when none */
};

/* Adds NAME=VALUE to *obj (created on first use). -1 without '='. */
static int add_pair(json_t **obj, const char *pair)
{
	const char *eq = strchr(pair, '=');
	char *name;

	if (eq == NULL || eq == pair)
		return -1;
	if (*obj == NULL)
		*obj = json_object();
	name = strndup(pair, (size_t)(eq - pair));
	if (name == NULL || *obj == NULL)
		abort();
	json_object_set_new(*obj, name, json_string(eq + 1));
	free(name);
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	for (i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			return -1;
		if (strcmp(k, "--host") == 0) {
			if (o->nhosts == MAX_HOSTS)
				return -1;
			o->hosts[o->nhosts++] = v;
		} else if (strcmp(k, "--name") == 0) {
			o->name = v;
		} else if (strcmp(k, "--admin-name") == 0) {
			o->admin_name = v;
		} else if (strcmp(k, "--user") == 0) {
			o->user = v;
		} else if (strcmp(k, "--expires-at") == 0) {
			o->expires_at = v;
		} else if (strcmp(k, "--token-id") == 0) {
			o->token_id = v;
		} else if (strcmp(k, "--feature") == 0) {
			if (add_pair(&o->features, v) != 0)
				return -1;
		} else if (strcmp(k, "--setting") == 0) {
			if (add_pair(&o->settings, v) != 0)
				return -1;
		} else if (strcmp(k, "--audit-retention-days") == 0) {
			o->retention = v;
		} else {
			return -1;
		}
		i++;
	}
	return 0;
}

/* rolesd tenant set: the conditions and the audit retention of the tenant of --host (one transaction). */
static int cmd_tenant_set(const struct rd_config *cfg, int argc, char **argv)
{
	struct opts o;
	char *features = NULL, *settings = NULL;
	int rc;

	if (parse_opts(argc, argv, &o) != 0 || o.nhosts != 1 ||
	    (o.features == NULL && o.settings == NULL && o.retention == NULL)) {
		json_decref(o.features);
		json_decref(o.settings);
		return usage();
	}
	if (o.features != NULL)
		features = json_dumps(o.features, JSON_COMPACT);
	if (o.settings != NULL)
		settings = json_dumps(o.settings, JSON_COMPACT);
	rc = rd_admin_tenant_set(cfg->admin_database_url, o.hosts[0], features, settings, o.retention);
	free(features);
	free(settings);
	json_decref(o.features);
	json_decref(o.settings);
	return rc;
}

static int cmd_tenant(const struct rd_config *cfg, int argc, char **argv)
{
	char token[RD_TOKEN_LEN + 1], hash[65], hint[RD_TOKEN_HINT_LEN + 1];
	struct rd_admin_token tok = {token, hash, hint};
	struct opts o;

	if (argc >= 1 && strcmp(argv[0], "list") == 0 && argc == 1)
		return rd_admin_tenant_list(cfg->admin_database_url);
	if (argc >= 1 && strcmp(argv[0], "set") == 0)
		return cmd_tenant_set(cfg, argc - 1, argv + 1);
	if (argc < 1 || strcmp(argv[0], "create") != 0 || parse_opts(argc - 1, argv + 1, &o) != 0 ||
	    o.nhosts == 0 || o.name == NULL || o.name[0] == '\0')
		return usage();
	if (rd_auth_token_new(token, hash, hint) != 0) {
		fprintf(stderr, "rolesd: no randomness available\n");
		return 1;
	}
	return rd_admin_tenant_create(cfg->admin_database_url, o.name, o.hosts, o.nhosts,
				      o.admin_name ? o.admin_name : "Admin", &tok);
}

static int cmd_token(const struct rd_config *cfg, int argc, char **argv)
{
	char token[RD_TOKEN_LEN + 1], hash[65], hint[RD_TOKEN_HINT_LEN + 1];
	struct rd_admin_token tok = {token, hash, hint};
	struct opts o;

	if (argc < 1 || parse_opts(argc - 1, argv + 1, &o) != 0 || o.nhosts != 1)
		return usage();
	if (strcmp(argv[0], "create") == 0 && o.user != NULL) {
		if (rd_auth_token_new(token, hash, hint) != 0) {
			fprintf(stderr, "rolesd: no randomness available\n");
			return 1;
		}
		return rd_admin_token_create(cfg->admin_database_url, o.hosts[0], o.user, o.expires_at, &tok);
	}
	if (strcmp(argv[0], "revoke") == 0 && o.token_id != NULL)
		return rd_admin_token_revoke(cfg->admin_database_url, o.hosts[0], o.token_id);
	return usage();
}

int main(int argc, char **argv)
{
	struct rd_config cfg;

	rd_config_load(&cfg);
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "serve") == 0 && argc == 2)
		return rd_supervisor_run(&cfg);
	if (strcmp(argv[1], "migrate") == 0 && argc == 2)
		return rd_admin_migrate(cfg.admin_database_url, cfg.migrations_dir);
	if (strcmp(argv[1], "tenant") == 0)
		return cmd_tenant(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "token") == 0)
		return cmd_token(&cfg, argc - 2, argv + 2);
	return usage();
}
