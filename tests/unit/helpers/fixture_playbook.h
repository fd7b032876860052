/*
 * fixture_playbook.h - a small playbook built in memory for unit tests.
 *
 * Built by hand rather than loaded, so tests of the call state and the rules
 * do not depend on the loader. Every stage has FIXTURE_TIPS tips,
 * FIXTURE_SAY say lines, FIXTURE_ASK questions, FIXTURE_AVOID things to avoid
 * and FIXTURE_CHECKLIST checklist items; only LISTEN has a timebox
 * (FIXTURE_TIMEBOX seconds). Causes: billing, product, other.
 */
#ifndef POISE_TEST_FIXTURE_PLAYBOOK_H
#define POISE_TEST_FIXTURE_PLAYBOOK_H

#include <stddef.h>

#include "poise/playbook.h"

#define FIXTURE_TIPS	  2
#define FIXTURE_SAY	  3
#define FIXTURE_ASK	  1
#define FIXTURE_AVOID	  1
#define FIXTURE_CHECKLIST 4
#define FIXTURE_TIMEBOX	  60

/*
 * A new playbook with a copy of the nrules rules given (their strings are
 * not copied: pass literals). NULL when out of memory.
 */
struct playbook *fixture_playbook_new(const struct pb_rule *rules, size_t nrules);

/* Free a playbook made by fixture_playbook_new. */
void fixture_playbook_free(struct playbook *pb);

/*
 * Load tests/data/<relpath> with the real loader (free with playbook_free);
 * NULL on failure, with the error in err.
 */
struct playbook *fixture_playbook_load(const char *relpath, struct poise_error *err);

#endif
