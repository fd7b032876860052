/*
 * sha256.h - a small SHA-256 (FIPS 180-4).
 *
 * Owns: hashing bytes to the digest and its lowercase hex form, used to
 * identify a playbook by its exact text.
 * Does not own: anything cryptographic beyond that (no HMAC, no key use);
 * it is here so poise needs no crypto library.
 */
#ifndef POISE_SHA256_H
#define POISE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN	  64 /* without the NUL */

struct sha256 {
	uint32_t state[8];
	uint64_t total; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
void sha256_final(struct sha256 *ctx, unsigned char digest[SHA256_DIGEST_LEN]);

/* One call: the lowercase hex digest of data, NUL-terminated, into hex. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif
