/* check_sha256.c - SHA-256 against the FIPS 180-2 / NIST test vectors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "poise/sha256.h"
#include "main/suite.h"

START_TEST(test_empty)
{
	char hex[SHA256_HEX_LEN + 1];

	sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(test_abc)
{
	char hex[SHA256_HEX_LEN + 1];

	sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_448_bits)
{
	const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[SHA256_HEX_LEN + 1];

	ck_assert_uint_eq(strlen(msg) * 8, 448);
	sha256_hex(msg, strlen(msg), hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_896_bits)
{
	const char *msg = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char hex[SHA256_HEX_LEN + 1];

	sha256_hex(msg, strlen(msg), hex);
	ck_assert_str_eq(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

/* A million 'a', fed in uneven pieces so the buffering across blocks is exercised. */
START_TEST(test_million_a)
{
	static const char *want =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	static const char digits[] = "0123456789abcdef";
	unsigned char digest[SHA256_DIGEST_LEN];
	char hex[SHA256_HEX_LEN + 1];
	char *buf = malloc(1000000);
	struct sha256 ctx;
	size_t off = 0, step = 1;
	int i;

	ck_assert_ptr_nonnull(buf);
	memset(buf, 'a', 1000000);
	sha256_hex(buf, 1000000, hex);
	ck_assert_str_eq(hex, want);

	sha256_init(&ctx);
	while (off < 1000000) {
		size_t n = 1000000 - off < step ? 1000000 - off : step;

		sha256_update(&ctx, buf + off, n);
		off += n;
		step = step * 7 % 131 + 1;
	}
	sha256_final(&ctx, digest);
	for (i = 0; i < SHA256_DIGEST_LEN; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xf];
	}
	hex[SHA256_HEX_LEN] = '\0';
	ck_assert_str_eq(hex, want);
	free(buf);
}
END_TEST

/* Lengths around the padding edge (55, 56, 63, 64 bytes) must differ and be stable. */
START_TEST(test_padding_edges)
{
	static const char *want[] = {
		/* 55, 56, 64 times 'a' (computed with sha256sum) */
		"9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
		"b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
		"ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
	};
	static const size_t lens[] = {55, 56, 64};
	char buf[64], hex[SHA256_HEX_LEN + 1];
	size_t i;

	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < 3; i++) {
		sha256_hex(buf, lens[i], hex);
		ck_assert_str_eq(hex, want[i]);
	}
}
END_TEST

Suite *sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("vectors");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_abc);
	tcase_add_test(tc, test_448_bits);
	tcase_add_test(tc, test_896_bits);
	tcase_add_test(tc, test_million_a);
	tcase_add_test(tc, test_padding_edges);
	suite_add_tcase(s, tc);
	return s;
}
