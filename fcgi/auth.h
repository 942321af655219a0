/*
 * Access tokens: extraction from a request, hashing, and generation.
 *
 * Tokens are 256 random bits from the kernel's CSPRNG, written as 64 hex characters, shown once and
 * stored only as their SHA-256 (db compares hashes; an index lookup on the hash is not a timing oracle
 * for the token itself, since an attacker cannot choose hash prefixes).
 */
#ifndef RD_AUTH_H
#define RD_AUTH_H

#include <stddef.h>

#define RD_TOKEN_LEN 64
#define RD_TOKEN_HINT_LEN 5

struct rd_req;

/* Hex SHA-256 of data into out (65 bytes incl. NUL). */
void rd_auth_sha256_hex(const void *data, size_t len, char out[65]);

/*
 * Finds the presented token: "Authorization: Bearer <t>" (scheme compared case-sensitively), else the
 * access_token parameter. Writes its hash into req->token_hash ("" when none). Returns 0, or -1 when a
 * token is present but empty/oversized, or an access_token parameter is not a string (answered as an
 * invalid token). Removes access_token from req->params: nothing after this sees the credential itself.
 */
int rd_auth_from_request(struct rd_req *req, const char *authorization);

/* New random token (RD_TOKEN_LEN hex chars + NUL), its hash and its hint. Returns 0, -1 if no entropy. */
int rd_auth_token_new(char token[RD_TOKEN_LEN + 1], char hash[65], char hint[RD_TOKEN_HINT_LEN + 1])
	__attribute__((warn_unused_result));

#endif
