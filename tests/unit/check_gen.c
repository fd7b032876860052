/* check_gen.c - generated calls: deterministic, folding, and the batch path equal to the live one. */
#include "store_fixture.h"

#include "poise/call.h"
#include "poise/export.h"
#include "poise/gen.h"
#include "poise/report.h"
#include "poise/store_batch.h"
#include "main/suite.h"

static struct playbook *pb;
static const struct gen_opts opts = {.seed = 7, .agents = 5, .days = 30,
				     .end = INT64_C(1700006400000), .refs = 50};

static void setup(void)
{
	struct poise_error err = {0};

	fx_setup();
	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%s", err.msg);
}

static void teardown(void)
{
	playbook_free(pb);
	fx_teardown();
}

static void make(const struct gen_opts *o, uint64_t i, struct gen_call *c)
{
	struct poise_error err = {0};

	ck_assert_msg(gen_call(o, pb, i, c, &err) == POISE_OK, "%s", err.msg);
}

static int same_call(const struct gen_call *a, const struct gen_call *b)
{
	if (memcmp(&a->meta, &b->meta, sizeof(a->meta)) != 0 || a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct event *x = &a->ev[i], *y = &b->ev[i];

		if (x->t != y->t || x->kind != y->kind || x->stage != y->stage || x->a != y->a ||
		    x->b != y->b || !x->text != !y->text || (x->text && strcmp(x->text, y->text)))
			return 0;
	}
	return 1;
}

START_TEST(test_deterministic_for_a_seed)
{
	static struct gen_call a, b;
	struct gen_opts other = opts;
	int differ = 0;

	other.seed = 8;
	for (uint64_t i = 0; i < 50; i++) {
		make(&opts, i, &a);
		make(&opts, i, &b);
		ck_assert_msg(same_call(&a, &b), "call %llu differs between runs",
			      (unsigned long long)i);
		make(&other, i, &b);
		differ += !same_call(&a, &b);
	}
	ck_assert_int_eq(differ, 50);
	make(&opts, 0, &a);
	make(&opts, 1, &b);
	ck_assert_str_ne(a.meta.id, b.meta.id);
}
END_TEST

/* Every generated call folds from scratch, is closed, and lies in the time span. */
START_TEST(test_calls_fold_and_look_real)
{
	static struct gen_call c;
	int kinds[EV_COUNT] = {0}, agents_seen = 0;
	unsigned agents = 0;

	for (uint64_t i = 0; i < 400; i++) {
		struct call_state cs;

		make(&opts, i, &c);
		ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
		for (size_t k = 0; k < c.n; k++) {
			ck_assert_msg(call_apply(&cs, &c.ev[k]) == POISE_OK,
				      "call %llu event %zu (%s) does not fold",
				      (unsigned long long)i, k, event_kind_key(c.ev[k].kind));
			kinds[c.ev[k].kind]++;
		}
		ck_assert_int_eq(cs.phase, CALL_DONE);
		ck_assert_int_eq(c.ev[0].kind, EV_START);
		ck_assert_int_eq(c.ev[c.n - 1].kind, EV_END);
		ck_assert_int_ge(c.meta.started, opts.end - 30 * INT64_C(86400000));
		ck_assert_int_lt(c.meta.started, opts.end);
		agents |= 1u << (c.meta.agent[6] - '0');
		call_free(&cs);
	}
	for (int k = 0; k < EV_COUNT; k++)
		ck_assert_msg(kinds[k] > 0, "no '%s' event in 400 calls", event_kind_key(k));
	for (int a = 1; a <= 5; a++)
		agents_seen += (agents >> a) & 1;
	ck_assert_int_eq(agents_seen, 5);
}
END_TEST

/*
 * Only the closing kinds may use the room kept for the wrap-up, whatever
 * their place in the kind list (breathe-end and undo come after wrapup).
 */
START_TEST(test_room_kept_for_closing_kinds_only)
{
	int closing = 0;

	for (int k = 0; k < EV_COUNT; k++) {
		int want = k == EV_WRAPUP || k == EV_OUTCOME || k == EV_CAUSE || k == EV_FOLLOWUP ||
			   k == EV_REFLECTION || k == EV_END || k == EV_INTERRUPTED ||
			   k == EV_RESUME;

		ck_assert_msg(gen_closing(k) == want, "'%s' %s the wrap-up's room",
			      event_kind_key(k), want ? "should use" : "must not use");
		closing += want;
	}
	/* The most one close can emit fits the room. */
	ck_assert_int_le(closing, GEN_CLOSING_ROOM);
	ck_assert_int_eq(gen_closing(EV_COUNT), 0);
}
END_TEST

/* Knowing the run's size, calls come day by day over the whole span. */
START_TEST(test_calls_in_time_order_when_the_count_is_known)
{
	static struct gen_call c;
	struct gen_opts o = opts;
	int64_t day, prev = -1, days_seen = 0;

	o.calls = 300;
	for (uint64_t i = 0; i < o.calls; i++) {
		make(&o, i, &c);
		day = (c.meta.started - (o.end - o.days * INT64_C(86400000))) / INT64_C(86400000);
		ck_assert_int_ge(day, prev);
		ck_assert_int_lt(day, o.days);
		days_seen += day != prev;
		prev = day;
	}
	ck_assert_int_eq(days_seen, o.days);
}
END_TEST

/* Every kept figures row, in id order, as text. */
#define FIGURES_SQL                                                                                \
	"SELECT group_concat(call_id || ':' || fold || ':' || last_seq || ':' || hex(figures), "   \
	"' ') FROM (SELECT * FROM call_figures ORDER BY call_id)"

/*
 * The same calls through store_call_begin + store_append (and, when each
 * ends, report_keep_call as live_record does) and through gen_write.
 */
START_TEST(test_batch_rows_equal_live_rows)
{
	static struct gen_call c;
	struct poise_error err = {0};
	struct store *live = fx_open(fx_path(0, "live.db"));
	struct store *batch = fx_open(fx_path(1, "batch.db"));
	char *a, *b;
	static const char *const tables[] = {"followups", "reflections", "skips", "playbook_texts"};

	for (uint64_t i = 0; i < 60; i++) {
		make(&opts, i, &c);
		ck_assert_msg(store_call_begin(live, &c.meta, pb, &err) == POISE_OK, "%s", err.msg);
		for (size_t k = 0; k < c.n; k++) {
			int deferred = 0;

			ck_assert_msg(store_append(live, c.meta.id, &c.ev[k], &deferred, &err) ==
					      POISE_OK,
				      "%s", err.msg);
		}
		ck_assert_msg(report_keep_call(live, c.meta.id, &err) == POISE_OK, "%s", err.msg);
	}
	ck_assert_msg(gen_write(batch, pb, &opts, 0, 60, NULL, NULL, &err) == POISE_OK, "%s",
		      err.msg);
	a = fx_export(live, EXPORT_CSV);
	b = fx_export(batch, EXPORT_CSV);
	ck_assert_uint_gt(strlen(a), 1000);
	ck_assert_str_eq(a, b);
	store_close(live);
	store_close(batch);
	/* The rows the export does not show: summaries and helper tables. */
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[t]);
		ck_assert_int_eq(fx_sql_int(fx_path(0, "live.db"), sql),
				 fx_sql_int(fx_path(1, "batch.db"), sql));
	}
	ck_assert_int_eq(fx_sql_int(fx_path(0, "live.db"),
				    "SELECT total(mood_start * 7 + mood_end * 3 + wrapup_at % 1000 + "
				    "last_seq) FROM calls"),
			 fx_sql_int(fx_path(1, "batch.db"),
				    "SELECT total(mood_start * 7 + mood_end * 3 + wrapup_at % 1000 + "
				    "last_seq) FROM calls"));
	ck_assert_int_gt(fx_sql_int(fx_path(1, "batch.db"), "SELECT count(*) FROM followups"), 0);
	free(a);
	free(b);
	/* Each call's kept report figures, byte for byte. */
	ck_assert_int_eq(fx_sql_int(fx_path(1, "batch.db"), "SELECT count(*) FROM call_figures"),
			 60);
	a = fx_sql_text(fx_path(0, "live.db"), FIGURES_SQL);
	b = fx_sql_text(fx_path(1, "batch.db"), FIGURES_SQL);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

static char *report_text(struct store *st, int refold, int lines)
{
	struct report_query q = {.repeat_days = 7, .now = opts.end, .utc = 1, .refold = refold};
	struct poise_error err = {0};
	struct report *r = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_msg(report_run(st, &q, &r, &err) == POISE_OK, "%s", err.msg);
	if (lines)
		ck_assert_int_eq(report_write_lines(r, f, REPORT_JSON, &err), POISE_OK);
	else
		ck_assert_int_eq(report_write(r, f, REPORT_JSON, &err), POISE_OK);
	fclose(f);
	report_free(r);
	return buf;
}

/* A generated month reports the same from its kept figures as from its events. */
START_TEST(test_kept_figures_report_as_the_events_do)
{
	struct poise_error err = {0};
	struct store *st = fx_open(fx_path(0, "g.db"));
	char *kept, *folded;

	ck_assert_msg(gen_write(st, pb, &opts, 0, 400, NULL, NULL, &err) == POISE_OK, "%s",
		      err.msg);
	for (int lines = 0; lines < 2; lines++) {
		kept = report_text(st, 0, lines);
		folded = report_text(st, 1, lines);
		ck_assert_uint_gt(strlen(kept), 500);
		ck_assert_str_eq(kept, folded);
		free(kept);
		free(folded);
	}
	store_close(st);
}
END_TEST

START_TEST(test_batch_refuses_a_taken_id)
{
	struct poise_error err = {0};
	struct store *st = fx_open(fx_path(0, "b.db"));

	ck_assert_int_eq(gen_write(st, pb, &opts, 0, 3, NULL, NULL, &err), POISE_OK);
	ck_assert_int_eq(gen_write(st, pb, &opts, 2, 2, NULL, NULL, &err), POISE_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "taken"));
	store_close(st);
	/* The failed batch added nothing: call 3 is not there. */
	ck_assert_int_eq(fx_sql_int(fx_path(0, "b.db"), "SELECT count(*) FROM calls"), 3);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "b.db"), "PRAGMA foreign_key_check"), -1);
}
END_TEST

Suite *gen_suite(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_deterministic_for_a_seed);
	tcase_add_test(tc, test_room_kept_for_closing_kinds_only);
	tcase_add_test(tc, test_calls_fold_and_look_real);
	tcase_add_test(tc, test_calls_in_time_order_when_the_count_is_known);
	tcase_add_test(tc, test_batch_rows_equal_live_rows);
	tcase_add_test(tc, test_batch_refuses_a_taken_id);
	tcase_add_test(tc, test_kept_figures_report_as_the_events_do);
	suite_add_tcase(s, tc);
	return s;
}
