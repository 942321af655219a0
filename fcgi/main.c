/*
 * rolesd: the service and its admin commands in one binary (usage text below). `--help` anywhere prints
 * the usage of what came before it on stdout and exits 0; a usage error prints it on stderr, exit 2.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../db/admin.h"
#include "auth.h"
#include "config.h"
#include "health.h"
#include "supervisor.h"

#define MAX_HOSTS 32

#ifndef RD_VERSION
#define RD_VERSION "unknown"
#endif

struct command {
	const char *name;
	const char *usage;
};

static const struct command commands[] = {
	{"serve", "rolesd serve\n"
		  "    FastCGI server: a supervisor and ROLESD_WORKERS pre-forked workers on ROLESD_LISTEN.\n"
		  "    SIGTERM drains and exits; SIGHUP replaces the workers.\n"},
	{"migrate", "rolesd migrate\n"
		    "    Applies migrations/ (schema files, then function sources) over ROLESD_ADMIN_DATABASE_URL.\n"},
	{"health", "rolesd health [--listen ADDR]\n"
		   "    Asks a running server for GET /readyz over FastCGI (default ROLESD_LISTEN); exit 0 when\n"
		   "    ready, 1 otherwise (a container HEALTHCHECK).\n"},
	{"tenant", "rolesd tenant create --host HOST [--host HOST ...] --name NAME [--admin-name NAME]\n"
		   "rolesd tenant list\n"
		   "rolesd tenant set --host HOST [--feature NAME=STATE ...] [--setting NAME=VALUE ...]\n"
		   "                  [--audit-retention-days N]\n"
		   "    Creates a tenant (prints its ids and the admin token once), lists tenants, or sets a\n"
		   "    tenant's feature flags, settings and audit retention.\n"},
	{"token", "rolesd token create --host HOST --user ID [--expires-at ISO8601]\n"
		  "rolesd token revoke --host HOST --token-id ID\n"
		  "    Creates a token for a user (printed once) or revokes one.\n"},
	{NULL, NULL},
};

/*
 * One command's usage: its synopsis lines (every line before the first description line, which is indented
 * by four spaces) under `lead` for the first and as many spaces for the others, so that they align; the
 * description as it is.
 */
static void print_usage(FILE *f, const char *lead, const char *text)
{
	const char *line = text, *end;
	int synopsis = 1, first = 1;

	while (*line != '\0') {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (strncmp(line, "    ", 4) == 0 && line[4] != ' ')
			synopsis = 0;
		if (synopsis)
			fprintf(f, "%s", first ? lead : "");
		if (synopsis && !first)
			fprintf(f, "%*s", (int)strlen(lead), "");
		fwrite(line, 1, (size_t)(end - line), f);
		first = 0;
		line = end;
	}
}

/* Usage of one command (cmd) or of all (NULL). Returns 0 on stdout (help asked), 2 on stderr (misuse). */
static int usage_of(const char *cmd, int asked)
{
	FILE *f = asked ? stdout : stderr;
	const struct command *c;

	if (cmd != NULL) {
		for (c = commands; c->name != NULL; c++) {
			if (strcmp(c->name, cmd) == 0) {
				print_usage(f, "usage: ", c->usage);
				return asked ? 0 : 2;
			}
		}
	}
	fprintf(f, "usage: rolesd COMMAND [ARGS]\n       rolesd --help | --version\n\ncommands:\n");
	for (c = commands; c->name != NULL; c++)
		print_usage(f, "  ", c->usage);
	fprintf(f, "\nConfiguration is read from the environment (README \"Configuration\").\n");
	return asked ? 0 : 2;
}

static int usage(const char *cmd)
{
	return usage_of(cmd, 0);
}

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
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

/*
 * Values checked before anything is sent to the database; a bad one is a usage error (stderr, exit 2)
 * naming the option, never a PostgreSQL message. What needs the database (an unknown host, user or token,
 * a host already taken) is exit 1.
 */
static int bad_value(const char *cmd, const char *opt, const char *value, const char *expected)
{
	fprintf(stderr, "rolesd: %s: expected %s, got '%s'\n", opt, expected, value);
	return usage(cmd);
}

/* A number of 1 to 18 digits (a bigint id, a count). */
static int is_number(const char *v)
{
	size_t n = strspn(v, "0123456789");

	return n > 0 && n <= 18 && v[n] == '\0';
}

/* A host as nginx's $host can carry it: letters, digits, '.', '-', '_', or a bracketed IPv6 address. */
static int is_host(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 253)
		return 0;
	if (v[0] == '[')
		return n > 2 && v[n - 1] == ']' && strspn(v + 1, "0123456789abcdefABCDEF:.") == n - 2;
	return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

/* The API's token[expires_at] shape: an ISO-8601 date or time, optionally with a zone. */
static int is_iso8601(const char *v)
{
	regex_t re;
	int ok;

	if (regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?"
			 "(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$", REG_EXTENDED | REG_NOSUB) != 0)
		abort();
	ok = regexec(&re, v, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* rolesd tenant set: the conditions and the audit retention of the tenant of --host (one transaction). */
static int cmd_tenant_set(const struct rd_config *cfg, int argc, char **argv)
{
	struct opts o;
	char *features = NULL, *settings = NULL;
	int rc;

	if (parse_opts(argc, argv, &o) != 0 || o.nhosts != 1) { /* no option: prints the tenant's as they are */
		json_decref(o.features);
		json_decref(o.settings);
		return usage("tenant");
	}
	if (o.retention != NULL && (!is_number(o.retention) || strlen(o.retention) > 5 || atoi(o.retention) < 1 ||
				    atoi(o.retention) > 36500)) {
		json_decref(o.features);
		json_decref(o.settings);
		return bad_value("tenant", "--audit-retention-days", o.retention, "a number of days from 1 to 36500");
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
	int i, j;

	if (argc >= 1 && strcmp(argv[0], "list") == 0 && argc == 1)
		return rd_admin_tenant_list(cfg->admin_database_url);
	if (argc >= 1 && strcmp(argv[0], "set") == 0)
		return cmd_tenant_set(cfg, argc - 1, argv + 1);
	if (argc < 1 || strcmp(argv[0], "create") != 0 || parse_opts(argc - 1, argv + 1, &o) != 0 ||
	    o.nhosts == 0 || o.name == NULL || o.name[0] == '\0')
		return usage("tenant");
	if (o.name[strspn(o.name, " \t\r\n")] == '\0')
		return bad_value("tenant", "--name", o.name, "a name that is not blank");
	if (o.admin_name != NULL && o.admin_name[strspn(o.admin_name, " \t\r\n")] == '\0')
		return bad_value("tenant", "--admin-name", o.admin_name, "a name that is not blank");
	for (i = 0; i < o.nhosts; i++) {
		if (!is_host(o.hosts[i]))
			return bad_value("tenant", "--host", o.hosts[i], "a host name");
		for (j = 0; j < i; j++)
			if (strcasecmp(o.hosts[i], o.hosts[j]) == 0)
				return bad_value("tenant", "--host", o.hosts[i], "each host once");
	}
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
		return usage("token");
	if (strcmp(argv[0], "create") == 0 && o.user != NULL) {
		if (!is_number(o.user))
			return bad_value("token", "--user", o.user, "a user id (a number)");
		if (o.expires_at != NULL && o.expires_at[0] == '\0')
			o.expires_at = NULL; /* empty: never, as the API's token[expires_at] */
		if (o.expires_at != NULL && !is_iso8601(o.expires_at))
			return bad_value("token", "--expires-at", o.expires_at, "an ISO-8601 time such as 2030-01-01T00:00:00Z");
		if (rd_auth_token_new(token, hash, hint) != 0) {
			fprintf(stderr, "rolesd: no randomness available\n");
			return 1;
		}
		return rd_admin_token_create(cfg->admin_database_url, o.hosts[0], o.user, o.expires_at, &tok);
	}
	if (strcmp(argv[0], "revoke") == 0 && o.token_id != NULL) {
		if (!is_number(o.token_id))
			return bad_value("token", "--token-id", o.token_id, "a token id (a number)");
		return rd_admin_token_revoke(cfg->admin_database_url, o.hosts[0], o.token_id);
	}
	return usage("token");
}

static int cmd_health(const struct rd_config *cfg, int argc, char **argv)
{
	const char *listen = cfg->listen;
	int status;

	if (argc == 2 && strcmp(argv[0], "--listen") == 0)
		listen = argv[1];
	else if (argc != 0)
		return usage("health");
	status = rd_health_probe(listen, 5000);
	printf("%s /readyz: %d\n", listen, status);
	return status == 200 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct rd_config cfg;

	if (argc < 2)
		return usage(NULL);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("rolesd %s\n", RD_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
		return usage_of(argc > 2 ? argv[2] : NULL, 1);
	if (wants_help(argc - 2, argv + 2))
		return usage_of(argv[1], 1);
	rd_config_load(&cfg);
	if (strcmp(argv[1], "serve") == 0)
		return argc == 2 ? rd_supervisor_run(&cfg) : usage("serve");
	if (strcmp(argv[1], "migrate") == 0)
		return argc == 2 ? rd_admin_migrate(cfg.admin_database_url, cfg.migrations_dir) : usage("migrate");
	if (strcmp(argv[1], "health") == 0)
		return cmd_health(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "tenant") == 0)
		return cmd_tenant(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "token") == 0)
		return cmd_token(&cfg, argc - 2, argv + 2);
	return usage(NULL);
}
