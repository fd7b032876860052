/*
 * fuzz_figures.c - libFuzzer target for a call's kept report figures.
 *
 * The packed figures in call_figures come back from a database file that
 * anyone could have edited, so call_figs_unpack() is a parser of outside
 * input: any bytes must unpack or be refused, never read or index past
 * what they and the playbook hold. A packing that unpacks must pack back
 * to the same bytes (there is one way to write each figure set).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/report/report_int.h"
#include "poise/playbook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct playbook *pb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct call_figs f, g;
	struct poise_error err;
	unsigned char *again = NULL;
	size_t len = 0;
	int rc;

	if (!pb && playbook_load_default(&pb, &err) != POISE_OK)
		abort();
	memset(&f, 0, sizeof(f));
	rc = call_figs_unpack(&f, pb, data, size);
	if (rc == 1) {
		if (!call_figs_pack(&f, &again, &len))
			abort();
		/* Varints may be padded in the input; the figures must agree. */
		memset(&g, 0, sizeof(g));
		if (call_figs_unpack(&g, pb, again, len) != 1 || g.nlev != f.nlev ||
		    g.nfu != f.nfu || memcmp(&g.one, &f.one, sizeof(f.one)) != 0 ||
		    strcmp(g.cause, f.cause) != 0)
			abort();
		call_figs_free(&g);
		free(again);
	} else if (rc != 0) {
		abort();
	}
	call_figs_free(&f);
	return 0;
}
