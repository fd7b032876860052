/*
 * bench_fold.c - folding a typical 40-event call with call_apply.
 *
 * Resume, replay, export and reports all fold stored events, so a fold
 * costs per event. The floor copies the same 40 events in a plain loop:
 * the least any fold must do is read each event once. The ratio is only
 * informative (a copy does no work); ns per event is the figure to watch.
 */
#include <string.h>

#include "bench.h"
#include "poise/call.h"

/* clang-format off */
#define S(name) STAGE_##name
#define E(kind, stage, a, b, text) {0, 0, EV_##kind, S(stage), a, b, text}

/* Every main key of a difficult call once or twice, through all eight stages. */
static struct event events[] = {
	E(START, CALM, 0, 0, NULL),
	E(MOOD, CALM, 4, 0, NULL),
	E(SAID, CALM, SECTION_SAY, 0, NULL),
	E(CHECK, CALM, 0, 1, NULL),
	E(NOTE, CALM, 0, 0, "invoice doubled in March"),
	E(STAGE, LISTEN, 0, 0, NULL),
	E(SAID, LISTEN, SECTION_SAY, 0, NULL),
	E(CHECK, LISTEN, 0, 1, NULL),
	E(HOLD_START, LISTEN, 0, 0, NULL),
	E(HOLD_END, LISTEN, 0, 0, NULL),
	E(STAGE, EMPATHIZE, 0, 0, NULL),
	E(SAID, EMPATHIZE, SECTION_SAY, 1, NULL),
	E(MOOD, EMPATHIZE, 3, 0, NULL),
	E(CHECK, EMPATHIZE, 0, 1, NULL),
	E(STAGE, CLARIFY, 0, 0, NULL),
	E(SAID, CLARIFY, SECTION_ASK, 0, NULL),
	E(NOTE, CLARIFY, 0, 0, "account 4471, two invoices"),
	E(CHECK, CLARIFY, 0, 1, NULL),
	E(STAGE, INFORM, 0, 0, NULL),
	E(SAID, INFORM, SECTION_SAY, 0, NULL),
	E(CHECK, INFORM, 0, 1, NULL),
	E(MOOD, INFORM, 5, 0, NULL),
	E(PROMPT, INFORM, 0, 0, "supervisor-early"),
	E(BREATHE, INFORM, 0, 0, NULL),
	E(STAGE, SOLVE, 0, 0, NULL),
	E(SKIP, SOLVE, SECTION_SAY, 0, "didnt-fit"),
	E(ESCALATE, SOLVE, 0, 0, "billing team"),
	E(STAGE, BOUNDARY, 0, 0, NULL),
	E(WARNING, BOUNDARY, 1, 0, NULL),
	E(MANAGER, BOUNDARY, 0, 0, NULL),
	E(WARNING, BOUNDARY, 2, 0, NULL),
	E(MOOD, BOUNDARY, 2, 0, NULL),
	E(STAGE, FOLLOW_UP, 0, 0, NULL),
	E(CHECK, FOLLOW_UP, 0, 1, NULL),
	E(NOTE, FOLLOW_UP, 0, 0, "refund promised by Friday"),
	E(WRAPUP, FOLLOW_UP, 0, 0, NULL),
	E(OUTCOME, FOLLOW_UP, 0, 0, "resolved"),
	E(CAUSE, FOLLOW_UP, 0, 0, "billing"),
	E(FOLLOWUP, FOLLOW_UP, 0, 0, "2026-01-09\tphone\tconfirm the refund"),
	E(END, FOLLOW_UP, 0, 0, NULL),
};
/* clang-format on */

#define NEVENTS (sizeof(events) / sizeof(events[0]))

static struct playbook *pb;
static struct event copy[NEVENTS];

static void fold_poise(void *ctx)
{
	struct call_state cs;

	(void)ctx;
	if (call_init(&cs, pb) != POISE_OK)
		bench_die("call_init", "out of memory");
	for (size_t i = 0; i < NEVENTS; i++)
		if (call_apply(&cs, &events[i]) != POISE_OK)
			bench_die("call_apply", event_kind_key(events[i].kind));
	call_free(&cs);
}

static void fold_floor(void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < NEVENTS; i++)
		copy[i] = events[i];
	/* Tell the compiler the copy is read, so the loop stays. */
	__asm__ volatile("" : : "r"(copy) : "memory");
}

/* Times 15 s apart; every event checked, so the bench folds a valid call. */
static void prepare(void)
{
	struct call_state cs;

	events[0].text = pb->hash;
	for (size_t i = 0; i < NEVENTS; i++)
		events[i].t = 1767225600000 + 15000 * (int64_t)i;
	if (call_init(&cs, pb) != POISE_OK)
		bench_die("call_init", "out of memory");
	for (size_t i = 0; i < NEVENTS; i++) {
		events[i].seq = (int64_t)i + 1;
		if (call_check(&cs, &events[i]) != POISE_OK ||
		    call_apply(&cs, &events[i]) != POISE_OK)
			bench_die("invalid event in the bench call",
				  event_kind_key(events[i].kind));
	}
	if (cs.phase != CALL_DONE)
		bench_die("the bench call", "does not end");
	call_free(&cs);
}

int main(void)
{
	struct poise_error err;
	double poise, floor;
	char what[64];

	if (playbook_load_default(&pb, &err) != POISE_OK)
		bench_die("playbook_load_default", err.msg);
	prepare();
	bench_clock = CLOCK_THREAD_CPUTIME_ID; /* computation only: CPU time */
	bench_pair(fold_poise, fold_floor, NULL, 50, 500, &poise, &floor);
	snprintf(what, sizeof(what), "fold, per event (%zu-event call)", NEVENTS);
	bench_row(what, poise / NEVENTS, floor / NEVENTS, 1, "ns");
	playbook_free(pb);
	return 0;
}
