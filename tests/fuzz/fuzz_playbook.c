/*
 * fuzz_playbook.c - libFuzzer target for the playbook loader.
 *
 * Any input must either load or fail with a located error: no crash, no
 * leak, no hang, no huge allocation. On success the result is freed; on
 * failure *out must be NULL. An input that `extends:` another playbook is
 * resolved against the built-in default only: no file is ever read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "poise/playbook.h"
#include "poise/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct playbook *pb = NULL;
	struct scenario *sc = NULL;
	struct poise_error err, *all = NULL;
	size_t n = 0;

	if (playbook_load_text((const char *)data, size, "fuzz.yaml", &pb, &err) == POISE_OK) {
		/* a resolved playbook keeps its resolved text, not the input */
		if (!pb || (!pb->extends && pb->text_len != size) || pb->overlay)
			abort();
		playbook_free(pb);
	} else if (pb || !err.msg[0]) {
		abort();
	}
	/* lint's walk, which goes on after each error: every error located, in file order */
	if (playbook_errors_text((const char *)data, size, "fuzz.yaml", &all, &n) == POISE_OK) {
		for (size_t i = 0; i < n; i++)
			if (!all[i].msg[0] || (i && all[i].line < all[i - 1].line))
				abort();
		free(all);
	}
	/* the same bytes as a rehearsal scenario */
	if (scenario_load_text((const char *)data, size, "fuzz.yaml", &sc, &err) == POISE_OK)
		scenario_free(sc);
	else if (sc || !err.msg[0])
		abort();
	return 0;
}
