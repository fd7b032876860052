/* check_store_ready.c - the ready screen's queries: today's figures, follow-ups due, newest call.
 */
#include "poise/store_ready.h"

#include "store_fixture.h"
#include "main/suite.h"

static struct playbook pb;

static void setup(void)
{
	fx_setup();
	pb = fx_pb("ready", "ab", "id: ready\n");
}

/* A call of agent started at `start`, closed at `end` with outcome (0/NULL: left open). */
static void call(struct store *st, char id[37], const char *agent, int64_t start, int64_t end,
		 const char *outcome)
{
	id[0] = '\0';
	fx_call(st, id, agent, "cust", start, &pb);
	fx_append(st, id, EV_START, start, 0, 0, 0, pb.hash);
	if (!end)
		return;
	fx_append(st, id, EV_WRAPUP, end - 1, 0, 0, 0, NULL);
	fx_append(st, id, EV_OUTCOME, end - 1, 0, 0, 0, outcome);
	fx_append(st, id, EV_END, end, 0, 0, 0, NULL);
}

START_TEST(figures_count_one_agent_in_the_window)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct ready_figures f;
	struct poise_error err = {0};
	char id[37];

	call(st, id, "ana", 500, 90000, "resolved"); /* before the window */
	call(st, id, "ana", 1000, 61000, "resolved");
	call(st, id, "ana", 2000, 32000, "escalated");
	call(st, id, "ana", 3000, 0, NULL);	      /* still open */
	call(st, id, "bob", 4000, 9000, "resolved");  /* someone else */
	call(st, id, "ana", 100000, 110000, "abuse"); /* after the window */
	ck_assert_int_eq(store_ready_figures(st, "ana", 1000, 100000, &f, &err), POISE_OK);
	ck_assert_int_eq(f.calls, 3);
	ck_assert_int_eq(f.closed, 2);
	ck_assert_int_eq(f.outcomes[OUTCOME_RESOLVED], 1);
	ck_assert_int_eq(f.outcomes[OUTCOME_ESCALATED], 1);
	ck_assert_int_eq(f.outcomes[OUTCOME_ABUSE], 0);
	ck_assert_int_eq(f.handle_ms, 60000 + 30000);
	ck_assert_int_eq(store_ready_figures(st, "ana", 1000, 0, &f, &err), POISE_OK);
	ck_assert_int_eq(f.calls, 4); /* until 0 = unbounded */
	ck_assert_int_eq(f.outcomes[OUTCOME_ABUSE], 1);
	ck_assert_int_eq(store_ready_figures(st, "nobody", 0, 0, &f, &err), POISE_OK);
	ck_assert_int_eq(f.calls, 0);
	store_close(st);
}
END_TEST

struct fus {
	int n;
	struct ready_followup f[8];
};

static int collect_fu(void *ctx, const struct ready_followup *f)
{
	struct fus *c = ctx;

	ck_assert_int_lt(c->n, 8);
	c->f[c->n++] = *f;
	return 0;
}

START_TEST(followups_due_oldest_first_for_the_agent)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct poise_error err = {0};
	struct fus c = {0};
	char id[37], other[37];

	call(st, id, "ana", 1000, 0, NULL);
	fx_append(st, id, EV_WRAPUP, 2000, 0, 0, 0, NULL);
	fx_append(st, id, EV_FOLLOWUP, 2001, 0, 0, 0, "2025-03-01\tphone\tlater one");
	fx_append(st, id, EV_FOLLOWUP, 2002, 0, 0, 0, "2025-01-02\temail\tcredit note");
	fx_append(st, id, EV_FOLLOWUP, 2003, 0, 0, 0, "2025-06-01\tphone\tnot yet due");
	call(st, other, "bob", 1000, 0, NULL);
	fx_append(st, other, EV_WRAPUP, 2000, 0, 0, 0, NULL);
	fx_append(st, other, EV_FOLLOWUP, 2001, 0, 0, 0, "2025-01-01\tphone\tbob's");
	ck_assert_int_eq(store_ready_followups(st, "ana", "2025-03-01", 10, collect_fu, &c, &err),
			 POISE_OK);
	ck_assert_int_eq(c.n, 2);
	ck_assert_str_eq(c.f[0].due, "2025-01-02");
	ck_assert_str_eq(c.f[0].channel, "email");
	ck_assert_str_eq(c.f[0].promise, "credit note");
	ck_assert_str_eq(c.f[0].call_id, id);
	ck_assert_str_eq(c.f[0].customer, "cust");
	ck_assert_str_eq(c.f[1].due, "2025-03-01");
	c.n = 0;
	ck_assert_int_eq(store_ready_followups(st, "ana", "2025-12-31", 1, collect_fu, &c, &err),
			 POISE_OK);
	ck_assert_int_eq(c.n, 1); /* max */
	store_close(st);
}
END_TEST

START_TEST(last_call_is_the_newest_start)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct poise_error err = {0};
	char a[37], b[37], got[37];

	ck_assert_int_eq(store_ready_last_call(st, "ana", got, &err), POISE_NOT_FOUND);
	call(st, a, "ana", 5000, 0, NULL);
	call(st, b, "ana", 1000, 2000, "resolved");
	ck_assert_int_eq(store_ready_last_call(st, "ana", got, &err), POISE_OK);
	ck_assert_str_eq(got, a);
	ck_assert_int_eq(store_ready_last_call(st, "bob", got, &err), POISE_NOT_FOUND);
	store_close(st);
}
END_TEST

Suite *store_ready_suite(void)
{
	Suite *s = suite_create("store_ready");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, figures_count_one_agent_in_the_window);
	tcase_add_test(tc, followups_due_oldest_first_for_the_agent);
	tcase_add_test(tc, last_call_is_the_newest_start);
	suite_add_tcase(s, tc);
	return s;
}
