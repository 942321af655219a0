#define _GNU_SOURCE
#include "health.h"

#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FCGI_BEGIN_REQUEST 1
#define FCGI_END_REQUEST 3
#define FCGI_PARAMS 4
#define FCGI_STDIN 5
#define FCGI_STDOUT 6

static int connect_to(const char *listen)
{
	char host[256], port[32], *colon;
	struct addrinfo hints, *ai = NULL, *a;
	int fd = -1;

	if (strncmp(listen, "unix:", 5) == 0 || listen[0] == '/') { /* unix:/path or /path, as serve reads it */
		const char *path = listen[0] == '/' ? listen : listen + 5;
		struct sockaddr_un su;
		memset(&su, 0, sizeof su);
		su.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof su.sun_path)
			return -1;
		strcpy(su.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&su, sizeof su) != 0) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	snprintf(host, sizeof host, "%s", listen);
	colon = strrchr(host, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	/* the port is copied out before the host is rewritten: "127.0.0.1" is longer than "0.0.0.0" or "" and
	 * would run over it */
	snprintf(port, sizeof port, "%s", colon + 1);
	/* a server listening on every address is asked on the loopback one */
	if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0)
		strcpy(host, "127.0.0.1");
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	for (a = ai; a != NULL && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

static size_t record(unsigned char *out, int type, const unsigned char *content, size_t len)
{
	out[0] = 1;
	out[1] = (unsigned char)type;
	out[2] = 0;
	out[3] = 1; /* request id 1 */
	out[4] = (unsigned char)(len >> 8);
	out[5] = (unsigned char)len;
	out[6] = 0;
	out[7] = 0;
	if (len > 0)
		memcpy(out + 8, content, len);
	return 8 + len;
}

static size_t pair(unsigned char *out, const char *name, const char *value)
{
	size_t n = strlen(name), v = strlen(value);

	out[0] = (unsigned char)n; /* names and values here are all shorter than 128 bytes */
	out[1] = (unsigned char)v;
	memcpy(out + 2, name, n);
	memcpy(out + 2 + n, value, v);
	return 2 + n + v;
}

int rd_health_probe(const char *listen, int timeout_ms)
{
	static const unsigned char begin[8] = {0, 1, 0, 0, 0, 0, 0, 0}; /* role responder, no keep-alive */
	unsigned char params[256], msg[512], in[8192];
	size_t np = 0, n = 0, got = 0;
	struct pollfd p;
	char *status;
	int fd, code = -1;

	fd = connect_to(listen);
	if (fd < 0)
		return -1;
	np += pair(params + np, "REQUEST_METHOD", "GET");
	np += pair(params + np, "REQUEST_URI", "/readyz");
	np += pair(params + np, "HTTP_HOST", "localhost");
	np += pair(params + np, "REQUEST_ID", "health-probe");
	n += record(msg + n, FCGI_BEGIN_REQUEST, begin, sizeof begin);
	n += record(msg + n, FCGI_PARAMS, params, np);
	n += record(msg + n, FCGI_PARAMS, NULL, 0);
	n += record(msg + n, FCGI_STDIN, NULL, 0);
	if (write(fd, msg, n) != (ssize_t)n)
		goto out;
	p.fd = fd;
	p.events = POLLIN;
	while (got < sizeof in - 1 && poll(&p, 1, timeout_ms) > 0) {
		ssize_t r = read(fd, in + got, sizeof in - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	/* the first STDOUT record starts with the CGI headers: "Status: 200 OK" */
	if (got < 8 || in[1] != FCGI_STDOUT)
		goto out;
	in[got] = '\0';
	status = strstr((char *)in + 8, "Status: ");
	if (status != NULL)
		code = atoi(status + 8);
out:
	close(fd);
	return code;
}
