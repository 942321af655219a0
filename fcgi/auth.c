#define _GNU_SOURCE
#include "auth.h"

#include <openssl/evp.h>
#include <string.h>
#include <sys/random.h>

#include "params.h"
#include "request.h"

#define RD_TOKEN_MAX 512

void rd_auth_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	int i;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		memset(md, 0, sizeof md);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

int rd_auth_from_request(struct rd_req *req, const char *authorization)
{
	json_t *param = json_object_get(req->params, "access_token");
	const char *tok = NULL;
	size_t len = 0;
	int rc = 0;

	req->token_hash[0] = '\0';
	if (authorization != NULL && strncmp(authorization, "Bearer ", 7) == 0) {
		tok = authorization + 7;
		while (*tok == ' ')
			tok++;
		len = strlen(tok);
		while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
			len--;
	} else if (param != NULL) {
		/* access_token[]=... or a JSON number is a token sent wrongly, not an anonymous request; a blank
		 * one is no token (Canvas: params["access_token"].presence) */
		tok = json_is_string(param) ? json_string_value(param) : "";
		len = strlen(tok);
		if (json_is_string(param) && strspn(tok, " \t\r\n\f\v") == len)
			tok = NULL;
	}
	if (tok != NULL && (len == 0 || len > RD_TOKEN_MAX)) {
		/* a present but unusable token is still a bad token: hash something no token hashes to */
		rd_auth_sha256_hex("", 0, req->token_hash);
		rc = -1;
	} else if (tok != NULL) {
		rd_auth_sha256_hex(tok, len, req->token_hash);
	}
	/* The credential goes no further than its hash: handlers pass whole parameter trees to SQL (api2),
	 * where a statement log (log_min_duration_statement, auto_explain) would record it. */
	if (param != NULL)
		json_object_del(req->params, "access_token");
	return rc;
}

int rd_auth_token_new(char token[RD_TOKEN_LEN + 1], char hash[65], char hint[RD_TOKEN_HINT_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[RD_TOKEN_LEN / 2];
	size_t got = 0;
	int i;

	while (got < sizeof raw) {
		ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	for (i = 0; i < (int)sizeof raw; i++) {
		token[2 * i] = hex[raw[i] >> 4];
		token[2 * i + 1] = hex[raw[i] & 15];
	}
	token[RD_TOKEN_LEN] = '\0';
	rd_auth_sha256_hex(token, RD_TOKEN_LEN, hash);
	memcpy(hint, token, RD_TOKEN_HINT_LEN);
	hint[RD_TOKEN_HINT_LEN] = '\0';
	return 0;
}
