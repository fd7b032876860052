/*
 * fuzz_sidelog.c - libFuzzer target for the side log reader.
 *
 * `<db>.pending` is a file on disk that a crash may have torn and anyone
 * could have edited, so its reader (sidelog_scan, the walk that a replay
 * also takes) is a parser of outside input: any bytes must be taken or
 * refused as damaged, never read past the buffer, overflow a number or
 * cut a field. What it takes must be what the format allows.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store st;
	struct poise_error err;
	enum poise_status ps;
	char *buf = malloc(size + 1);
	size_t lines = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i < size && data[i]; i++)
		lines += data[i] == '\n';
	memset(&st, 0, sizeof(st));
	st.path = (char *)"fuzz.db";
	st.pending_path = (char *)"fuzz.db.pending";
	st.flags = STORE_READONLY;
	poise_error_clear(&err);
	ps = sidelog_scan(&st, buf, &err);
	if (ps == POISE_OK) {
		/* Every entry counted, every call's next seq past what it holds. */
		if (st.pending != lines && !(size && memchr(data, '\0', size)))
			abort();
		for (size_t i = 0; i < st.nseqs; i++)
			if (st.seqs[i].next < 1 || strlen(st.seqs[i].call_id) != FIELD_CALL_ID_LEN)
				abort();
	} else if (ps != POISE_DB && ps != POISE_NOMEM) {
		abort();
	}
	free(st.seqs);
	free(buf);
	return 0;
}
