/*
 * Benchmark baselines F and Q: the least a FastCGI worker behind the same nginx can do.
 *
 *   baseline const SOCKET WORKERS          answer {"ok":true} (baseline F)
 *   baseline query SOCKET WORKERS CONNINFO one prepared primary-key SELECT per request (baseline Q)
 *
 * Pre-forks WORKERS processes on the socket like rolesd, one database connection each, and builds the
 * same kind of answer (a short JSON object) so that the only difference to rolesd is rolesd's own work.
 */
#define _GNU_SOURCE
#include <fcgiapp.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int serve(int fd, const char *conninfo)
{
	FCGX_Request r;
	PGconn *c = NULL;
	unsigned seed = (unsigned)getpid();

	if (conninfo != NULL) {
		PGresult *p;
		c = PQconnectdb(conninfo);
		if (PQstatus(c) != CONNECTION_OK) {
			fprintf(stderr, "baseline: %s", PQerrorMessage(c));
			return 1;
		}
		p = PQprepare(c, "pk", "SELECT id, name FROM bench_kv WHERE id = $1", 1, NULL);
		if (PQresultStatus(p) != PGRES_COMMAND_OK) {
			fprintf(stderr, "baseline: %s", PQerrorMessage(c));
			return 1;
		}
		PQclear(p);
	}
	FCGX_Init();
	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		if (c == NULL) {
			FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{\"ok\":true}", r.out);
		} else {
			char id[16];
			const char *params[1] = {id};
			PGresult *res;
			snprintf(id, sizeof id, "%d", 1 + (int)(rand_r(&seed) % 1000));
			res = PQexecPrepared(c, "pk", 1, params, NULL, NULL, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
				FCGX_FPrintF(r.out, "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"
					     "{\"id\":%s,\"name\":\"%s\"}", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
			else
				FCGX_PutS("Status: 500 Internal Server Error\r\n\r\n", r.out);
			PQclear(res);
		}
		FCGX_Finish_r(&r);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd, n, i;

	if (argc < 4 || (strcmp(argv[1], "query") == 0 && argc < 5)) {
		fprintf(stderr, "usage: baseline const|query SOCKET WORKERS [CONNINFO]\n");
		return 2;
	}
	unlink(argv[2]);
	FCGX_Init();
	fd = FCGX_OpenSocket(argv[2], 1024);
	if (fd < 0)
		return 1;
	n = atoi(argv[3]);
	for (i = 0; i < n; i++)
		if (fork() == 0)
			return serve(fd, strcmp(argv[1], "query") == 0 ? argv[4] : NULL);
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	while (wait(NULL) > 0)
		;
	return 0;
}
