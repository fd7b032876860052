/* check_followup.c - follow-ups due and overdue across agents, and closing one. */
#include "store_fixture.h"

#include "poise/followup.h"
#include "main/suite.h"

static struct store *st;
static const char pb_text[] = "id: test\n";

struct seen {
	int n;
	int64_t id[8];
	char line[8][1024];
};

static int seen_fn(void *ctx, const struct followup *f)
{
	struct seen *s = ctx;

	ck_assert_int_lt(s->n, 8);
	s->id[s->n] = f->id;
	snprintf(s->line[s->n], sizeof(s->line[0]), "%s|%s|%s|%s|%s|", f->due, f->channel,
		 f->promise, f->customer, f->agent);
	s->n++;
	return 0;
}

/* Two agents, four follow-ups: overdue, today, later, undated. */
static void seed(void)
{
	struct playbook pb = fx_pb("test", "ab", pb_text);
	char a[37] = "", b[37] = "";

	fx_setup();
	st = fx_open(fx_path(0, "f.db"));
	fx_call(st, a, "ana", "Zoë", 1000, &pb);
	fx_append(st, a, EV_START, 1000, 0, 0, 0, pb.hash);
	fx_append(st, a, EV_WRAPUP, 2000, 0, 0, 0, NULL);
	fx_append(st, a, EV_FOLLOWUP, 3000, 0, 0, 0, "2024-05-03\temail\tsend the invoice");
	fx_append(st, a, EV_FOLLOWUP, 3100, 0, 0, 0, "\tphone\tno date given");
	fx_call(st, b, "bo", "Max", 5000, &pb);
	fx_append(st, b, EV_START, 5000, 0, 0, 0, pb.hash);
	fx_append(st, b, EV_FOLLOWUP, 6000, 0, 0, 0, "2024-05-01\tphone\tcall back");
	fx_append(st, b, EV_FOLLOWUP, 6100, 0, 0, 0, "2024-05-02\tphone\tconfirm refund");
}

static void unseed(void)
{
	store_close(st);
	fx_teardown();
}

static struct seen list(const char *today, int all)
{
	struct seen s = {0};
	struct poise_error err = {0};

	ck_assert_msg(followup_each(st, today, all, seen_fn, &s, &err) == POISE_OK, "%s", err.msg);
	return s;
}

START_TEST(test_due_by_date_across_agents)
{
	struct seen s = list("2024-05-02", 0);

	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.line[0], "2024-05-01|phone|call back|Max|bo|");
	ck_assert_str_eq(s.line[1], "2024-05-02|phone|confirm refund|Max|bo|");
	s = list("2024-04-30", 0);
	ck_assert_int_eq(s.n, 0);
	s = list("2024-05-03", 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert_str_eq(s.line[2], "2024-05-03|email|send the invoice|Zoë|ana|");
}
END_TEST

START_TEST(test_all_lists_undated_last)
{
	struct seen s = list("2000-01-01", 1);

	ck_assert_int_eq(s.n, 4);
	ck_assert_str_eq(s.line[0], "2024-05-01|phone|call back|Max|bo|");
	ck_assert_str_eq(s.line[3], "|phone|no date given|Zoë|ana|");
}
END_TEST

START_TEST(test_done_once_then_already)
{
	struct poise_error err = {0};
	struct seen s = list("2024-05-02", 0);
	int64_t first = s.id[0], at = -1;

	ck_assert_int_eq(followup_done(st, first, 777000, &at, &err), POISE_OK);
	ck_assert_int_eq(at, 777000);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "f.db"), "SELECT count(*) FROM followups "
							"WHERE done_at = 777000"),
			 1);
	s = list("2024-05-02", 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_str_eq(s.line[0], "2024-05-02|phone|confirm refund|Max|bo|");
	/* Again: the first time stays. */
	ck_assert_int_eq(followup_done(st, first, 999000, &at, &err), POISE_OK);
	ck_assert_int_eq(at, 777000);
	ck_assert_int_eq(followup_done(st, 4242, 999000, &at, &err), POISE_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "no follow-up 4242"));
}
END_TEST

Suite *followup_suite(void)
{
	Suite *s = suite_create("followup");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, seed, unseed);
	tcase_add_test(tc, test_due_by_date_across_agents);
	tcase_add_test(tc, test_all_lists_undated_last);
	tcase_add_test(tc, test_done_once_then_already);
	suite_add_tcase(s, tc);
	return s;
}
