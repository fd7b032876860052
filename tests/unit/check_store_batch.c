/*
 * check_store_batch.c - the batch path writes exactly the rows of the live
 * path: every column of every table, the summary it folds itself included,
 * on hand-made calls with the summary's corner cases and on generated ones.
 */
#include "store_fixture.h"

#include "../../src/core/store/store_int.h"
#include "helpers/fixture_call.h"
#include "poise/gen.h"
#include "poise/live.h"
#include "poise/report.h"
#include "poise/store_batch.h"
#include "main/suite.h"

static struct playbook *pb;

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

/* Every row of every table, every column, in a fixed order, as one string. */
static char *dump(const char *path)
{
	static const char *const queries[] = {
		"SELECT rowid, * FROM calls ORDER BY rowid",
		"SELECT * FROM events ORDER BY call_id, seq",
		"SELECT * FROM followups ORDER BY id",
		"SELECT * FROM reflections ORDER BY call_id, seq",
		"SELECT * FROM skips ORDER BY call_id, seq",
		"SELECT * FROM playbook_texts ORDER BY hash",
		/* Its rowids follow the order calls closed in (live) or their ids (batch). */
		"SELECT text, call_id, seq FROM notes_fts ORDER BY call_id, seq",
		"SELECT * FROM notes_pending ORDER BY call_id",
		/* Kept by the writers since schema 14, once by triggers. */
		"SELECT * FROM sync_dirty ORDER BY call_id",
		"SELECT rowid, text, call_id FROM texts_fts ORDER BY rowid",
	};
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	sqlite3 *db;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		sqlite3_stmt *s;

		ck_assert_int_eq(sqlite3_prepare_v2(db, queries[q], -1, &s, NULL), SQLITE_OK);
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(s); c++) {
				const char *v = (const char *)sqlite3_column_text(s, c);
				size_t n = (v ? strlen(v) : 2) + 2;

				while (len + n + 1 > cap)
					ck_assert_ptr_nonnull(out = realloc(out, cap *= 2));
				len += (size_t)snprintf(out + len, cap - len, "%s%c", v ? v : "\\N",
							c ? '|' : '\n');
			}
		}
		sqlite3_finalize(s);
		len += (size_t)snprintf(out + len, cap - len, "--\n");
	}
	sqlite3_close(db);
	return out;
}

#define EV(k, tt, st, aa, bb, tx)                                                                  \
	{                                                                                          \
		.kind = EV_##k, .t = (tt), .stage = (st), .a = (aa), .b = (bb), .text = (tx)       \
	}

/* The summary's corner cases: resumed, interrupted, repeated or NULL keys. */
static struct event resumed[] = {
	EV(START, 1000, 0, 0, 0, "x"),
	EV(MOOD, 2000, 0, 4, 0, NULL),
	EV(NOTE, 2500, 0, 0, 0, NULL),
	EV(WRAPUP, 3000, 0, 0, 0, NULL),
	EV(OUTCOME, 3100, 0, 0, 0, "resolved"),
	EV(INTERRUPTED, 3200, 0, 0, 0, "SIGHUP"),
	EV(RESUME, 9000, 0, 0, 0, NULL),
	EV(MOOD, 9100, 0, 2, 0, NULL),
	EV(WRAPUP, 9200, 0, 0, 0, NULL),
	EV(OUTCOME, 9300, 0, 0, 0, NULL),
	EV(CAUSE, 9400, 0, 0, 0, "billing"),
	EV(CAUSE, 9500, 0, 0, 0, "other"),
	EV(NOTE, 9600, 5, 0, 0, "refund | pending"),
	EV(END, 9700, 5, 0, 0, NULL),
};
static struct event interrupted[] = {
	EV(START, 1000, 0, 0, 0, "x"),
	EV(NOTE, 1500, 0, 0, 0, "first note"),
	EV(SKIP, 1600, 1, 1, 0, "calmer"),
	EV(FOLLOWUP, 1700, 7, 0, 0, "2024-05-01\tphone\tcall"),
	EV(REFLECTION, 1800, 7, 0, 0, "calm\tfaster"),
	EV(INTERRUPTED, 0, 7, 0, 0, "SIGHUP"),
};
/* Marks taken back: the summary and the skips table leave them out. */
static struct event undone[] = {
	EV(START, 1000, 0, 0, 0, "x"),	   EV(MOOD, 1100, 0, 3, 0, NULL), /* 2 */
	EV(MOOD, 1200, 0, 5, 0, NULL),					  /* 3 */
	EV(UNDO, 1300, 0, 3, 0, NULL),					  /* 4 */
	EV(SKIP, 1400, 1, 1, 0, "calmer"),				  /* 5 */
	EV(UNDO, 1500, 0, 5, 0, NULL),					  /* 6 */
	EV(WRAPUP, 1600, 0, 0, 0, NULL),				  /* 7 */
	EV(UNDO, 1700, 0, 7, 0, NULL),					  /* 8 */
	EV(MOOD, 1800, 0, 4, 0, NULL),					  /* 9 */
	EV(UNDO, 1900, 0, 2, 0, NULL),					  /* 10 */
	EV(WRAPUP, 2000, 0, 0, 0, NULL),   EV(OUTCOME, 2100, 0, 0, 0, "resolved"),
	EV(END, 2200, 0, 0, 0, NULL),
};
static struct event bare[] = {EV(START, 1000, 0, 0, 0, "x")};

struct hand {
	const char *id;
	struct event *ev;
	size_t n;
};

static void hand_meta(struct call_meta *m, const char *id, int64_t started)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "%s", id);
	snprintf(m->agent, sizeof(m->agent), "ana");
	snprintf(m->customer, sizeof(m->customer), "Bo Berg");
	snprintf(m->ref, sizeof(m->ref), "ACC-1");
	m->started = started;
}

static void write_live(struct store *st, const struct call_meta *m, struct event *ev, size_t n)
{
	struct poise_error err = {0};

	ck_assert_msg(store_call_begin(st, m, pb, &err) == POISE_OK, "%s", err.msg);
	for (size_t k = 0; k < n; k++) {
		int deferred = 0;

		ck_assert_msg(store_append(st, m->id, &ev[k], &deferred, &err) == POISE_OK, "%s",
			      err.msg);
	}
}

/* A call with many notes: the held notes go out in more than one INSERT. */
static size_t many_notes(struct event *ev, size_t max)
{
	static char text[600][48];
	size_t n = 0;

	ev[n++] = (struct event)EV(START, 1000, 0, 0, 0, "x");
	while (n < max - 1) {
		snprintf(text[n], sizeof(text[n]), "note number %zu", n);
		ev[n] = (struct event)EV(NOTE, 1000 + (int64_t)n, 2, 0, 0, text[n]);
		n++;
	}
	ev[n++] = (struct event)EV(END, 5000, 2, 0, 0, NULL);
	return n;
}

START_TEST(test_every_row_equal_to_the_live_path)
{
	static struct gen_call c;
	static struct event notes[600];
	const struct gen_opts o = {
		.seed = 3, .agents = 4, .days = 10, .end = INT64_C(1700006400000), .refs = 20};
	struct hand hands[] = {
		{"00000000-0000-4000-8000-000000000001", resumed,
		 sizeof(resumed) / sizeof(*resumed)},
		{"00000000-0000-4000-8000-000000000002", interrupted,
		 sizeof(interrupted) / sizeof(*interrupted)},
		{"00000000-0000-4000-8000-000000000003", bare, 1},
		{"00000000-0000-4000-8000-000000000005", undone, sizeof(undone) / sizeof(*undone)},
		{"00000000-0000-4000-8000-000000000004", notes, many_notes(notes, 600)},
	};
	struct poise_error err = {0};
	struct store *live = fx_open(fx_path(0, "live.db"));
	struct store *batch = fx_open(fx_path(1, "batch.db"));
	struct store_batch *b;
	struct call_meta m;
	char *x, *y;

	ck_assert_int_eq(store_batch_begin(batch, STORE_BATCH_CACHE_MERGE, &b, &err), POISE_OK);
	for (size_t h = 0; h < sizeof(hands) / sizeof(*hands); h++) {
		hand_meta(&m, hands[h].id, 1000 + (int64_t)h);
		write_live(live, &m, hands[h].ev, hands[h].n);
		ck_assert_msg(store_batch_call(b, &m, pb, hands[h].ev, hands[h].n, &err) ==
				      POISE_OK,
			      "%s", err.msg);
	}
	for (uint64_t i = 0; i < 40; i++) {
		ck_assert_int_eq(gen_call(&o, pb, i, &c, &err), POISE_OK);
		write_live(live, &c.meta, c.ev, c.n);
		ck_assert_msg(store_batch_call(b, &c.meta, pb, c.ev, c.n, &err) == POISE_OK, "%s",
			      err.msg);
	}
	ck_assert_msg(store_batch_commit(b, &err) == POISE_OK, "%s", err.msg);
	store_close(live);
	store_close(batch);
	x = dump(fx_path(0, "live.db"));
	y = dump(fx_path(1, "batch.db"));
	ck_assert_uint_gt(strlen(x), 20000);
	ck_assert_str_eq(x, y);
	/* The corner cases are really there to compare. */
	ck_assert_int_eq(
		fx_sql_int(fx_path(1, "batch.db"),
			   "SELECT count(*) FROM calls WHERE status = 'done' AND outcome "
			   "IS NULL AND cause = 'other' AND mood_start = 4 AND mood_end = 2 "
			   "AND wrapup_at = 3000 AND ended_at = 9700 AND last_seq = 14"),
		1);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "batch.db"),
				    "SELECT count(*) FROM calls WHERE status = 'interrupted' AND "
				    "ended_at IS NULL AND mood_start IS NULL AND last_seq = 6"),
			 1);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "batch.db"),
				    "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH "
				    "'\"number 59\"'"),
			 10);
	free(x);
	free(y);
}
END_TEST

/*
 * A scripted call, recorded as the call screen records it (live_record,
 * which keeps the figures at the event that closes it), and the same
 * events as one batch call (its figures packed as gen and merge pack
 * them): the calls row and the kept figures are the same. The scripts
 * hold, warn at the boundary, take marks back and resume.
 */
#define S(k, sec, st, aa, bb, tx) fixture_event(EV_##k, 1000000 + (sec)*1000, STAGE_##st, aa, bb, tx)

static void script_warned(struct event *ev, size_t *n, const char *hash)
{
	size_t i = 0;

	ev[i++] = S(START, 0, CALM, 0, 0, hash);
	ev[i++] = S(MOOD, 1, CALM, 5, 0, NULL);
	ev[i++] = S(SAID, 2, CALM, SECTION_SAY, 0, NULL);
	ev[i++] = S(HOLD_START, 3, CALM, 0, 0, NULL);
	ev[i++] = S(HOLD_END, 50, CALM, 0, 0, NULL);
	ev[i++] = S(STAGE, 51, BOUNDARY, STAGE_CALM, 0, NULL);
	ev[i++] = S(WARNING, 52, BOUNDARY, 1, 0, "First warning");
	ev[i++] = S(WARNING, 60, BOUNDARY, 2, 0, "Second warning");
	ev[i++] = S(MOOD, 61, BOUNDARY, 3, 0, NULL);
	ev[i++] = S(MOOD, 62, BOUNDARY, 2, 0, NULL);
	ev[i++] = S(UNDO, 63, BOUNDARY, 10, 0, NULL); /* the mood 2 */
	ev[i++] = S(STAGE, 64, LISTEN, STAGE_BOUNDARY, 0, NULL);
	ev[i++] = S(WRAPUP, 70, LISTEN, 0, 0, NULL);
	ev[i++] = S(UNDO, 71, LISTEN, 13, 0, NULL); /* the wrap-up */
	ev[i++] = S(NOTE, 72, LISTEN, 0, 0, "refund sent");
	ev[i++] = S(WRAPUP, 80, LISTEN, 0, 0, NULL);
	ev[i++] = S(OUTCOME, 81, LISTEN, 0, 0, "resolved");
	ev[i++] = S(END, 90, LISTEN, 0, 0, NULL);
	*n = i;
}

static void script_resumed(struct event *ev, size_t *n, const char *hash)
{
	size_t i = 0;

	ev[i++] = S(START, 0, CALM, 0, 0, hash);
	ev[i++] = S(MOOD, 1, CALM, 4, 0, NULL);
	ev[i++] = S(HOLD_START, 2, CALM, 0, 0, NULL);
	ev[i++] = S(INTERRUPTED, 30, CALM, 0, 0, "SIGHUP");
	ev[i++] = S(RESUME, 90, CALM, 1, 0, NULL);
	ev[i++] = S(HOLD_END, 95, CALM, 0, 0, NULL);
	ev[i++] = S(STAGE, 96, BOUNDARY, STAGE_CALM, 0, NULL);
	ev[i++] = S(WARNING, 97, BOUNDARY, 1, 0, "First warning");
	ev[i++] = S(WARNING, 98, BOUNDARY, 2, 0, "Second warning");
	ev[i++] = S(WARNING, 99, BOUNDARY, 3, 0, "Third warning");
	ev[i++] = S(WRAPUP, 100, BOUNDARY, 0, 0, NULL);
	ev[i++] = S(OUTCOME, 101, BOUNDARY, 0, 0, "abuse");
	ev[i++] = S(END, 102, BOUNDARY, 0, 0, NULL);
	*n = i;
}

static void record_live(struct store *st, const struct call_meta *m, const struct event *script,
			size_t n)
{
	struct poise_error err = {0};
	struct call_state cs;

	ck_assert_msg(store_call_begin(st, m, pb, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	for (size_t i = 0; i < n; i++) {
		struct event ev = script[i];
		struct live_done done;

		ck_assert_msg(live_record(st, m->id, &cs, &ev, &done, &err) == POISE_OK,
			      "event %zu (%s): %s", i + 1, event_kind_key(ev.kind), err.msg);
		ck_assert_int_eq(ev.seq, (int64_t)i + 1);
	}
	call_free(&cs);
}

static void record_batch(struct store_batch *b, const struct call_meta *m,
			 const struct event *script, size_t n)
{
	struct poise_error err = {0};
	struct event ev[32];
	unsigned char *blob;
	size_t len;

	memcpy(ev, script, n * sizeof(*ev));
	ck_assert_msg(store_batch_call(b, m, pb, ev, n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_msg(report_pack_call(pb, ev, n, &blob, &len, &err) == POISE_OK, "%s", err.msg);
	ck_assert_msg(store_batch_figures(b, m->id, REPORT_FIGURES_VERSION, (int64_t)n, blob, len,
					  &err) == POISE_OK,
		      "%s", err.msg);
	free(blob);
}

START_TEST(test_live_and_batch_keep_the_same_figures)
{
	static const char *const ids[] = {"00000000-0000-4000-8000-000000000011",
					  "00000000-0000-4000-8000-000000000012"};
	void (*const scripts[])(struct event *, size_t *, const char *) = {script_warned,
									   script_resumed};
	struct poise_error err = {0};
	struct store *live = fx_open(fx_path(0, "live.db"));
	struct store *batch = fx_open(fx_path(1, "batch.db"));
	struct store_batch *b;
	struct call_meta m;
	const char *q = "SELECT group_concat(r, char(10)) FROM (SELECT c.id || '|' || c.status "
			"|| '|' || ifnull(c.ended_at, '-') || '|' || ifnull(c.outcome, '-') || '|' "
			"|| ifnull(c.cause, '-') || '|' || ifnull(c.mood_start, '-') || '|' || "
			"ifnull(c.mood_end, '-') || '|' || ifnull(c.wrapup_at, '-') || '|' || "
			"c.last_seq || '|' || f.fold || '|' || f.last_seq || '|' || hex(f.figures) "
			"AS r FROM calls c JOIN call_figures f ON f.call_id = c.id ORDER BY c.id)";
	char *x, *y;

	ck_assert_int_eq(store_batch_begin(batch, STORE_BATCH_CACHE_MERGE, &b, &err), POISE_OK);
	for (size_t k = 0; k < 2; k++) {
		struct event script[32];
		size_t n;

		scripts[k](script, &n, pb->hash);
		hand_meta(&m, ids[k], 1000000);
		record_live(live, &m, script, n);
		record_batch(b, &m, script, n);
	}
	ck_assert_msg(store_batch_commit(b, &err) == POISE_OK, "%s", err.msg);
	store_close(live);
	store_close(batch);
	x = fx_sql_text(fx_path(0, "live.db"), q);
	y = fx_sql_text(fx_path(1, "batch.db"), q);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_str_eq(x, y);
	/* Both calls are there, with the marks taken back left out. */
	ck_assert_ptr_nonnull(strstr(x, "0011|done|1090000|resolved|-|5|3|1080000|18|"));
	ck_assert_ptr_nonnull(strstr(x, "0012|done|1102000|abuse|-|4|4|1100000|13|"));
	free(x);
	free(y);
}
END_TEST

/* A failed batch leaves nothing behind, held notes included. */
START_TEST(test_abort_keeps_nothing)
{
	struct poise_error err = {0};
	struct store *st = fx_open(fx_path(0, "a.db"));
	struct store_batch *b;
	struct call_meta m;

	ck_assert_int_eq(store_batch_begin(st, STORE_BATCH_CACHE_MERGE, &b, &err), POISE_OK);
	hand_meta(&m, "00000000-0000-4000-8000-000000000001", 1000);
	ck_assert_int_eq(
		store_batch_call(b, &m, pb, resumed, sizeof(resumed) / sizeof(*resumed), &err),
		POISE_OK);
	ck_assert_int_eq(store_batch_call(b, &m, pb, bare, 1, &err), POISE_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "taken"));
	store_batch_abort(b);
	/* The store works normally afterwards, with its pragmas back. */
	write_live(st, &m, bare, 1);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "a.db"), "SELECT count(*) FROM calls"), 1);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "a.db"), "SELECT count(*) FROM events"), 1);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "a.db"), "SELECT count(*) FROM notes_fts"), 0);
}
END_TEST

static long pragma(struct store *st, const char *name)
{
	char sql[64];
	sqlite3_stmt *s;
	long v = -1;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	ck_assert_int_eq(sqlite3_prepare_v2(st->db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A batch's speed settings last as long as it: committed or aborted, the live ones are back. */
START_TEST(test_pragmas_back_after_a_batch)
{
	struct poise_error err = {0};
	struct store *st = fx_open(fx_path(0, "p.db"));
	struct store_batch *b;

	for (int commit = 0; commit < 2; commit++) {
		ck_assert_int_eq(store_batch_begin(st, STORE_BATCH_CACHE_MERGE, &b, &err),
				 POISE_OK);
		ck_assert_int_eq(pragma(st, "synchronous"), 1); /* NORMAL */
		ck_assert_int_eq(pragma(st, "wal_autocheckpoint"), 20000);
		ck_assert_int_eq(pragma(st, "cache_size"), -STORE_BATCH_CACHE_MERGE * 1024);
		if (commit)
			ck_assert_int_eq(store_batch_commit(b, &err), POISE_OK);
		else
			store_batch_abort(b);
		ck_assert_int_eq(pragma(st, "foreign_keys"), 1);
		ck_assert_int_eq(pragma(st, "synchronous"), 2); /* FULL */
		ck_assert_int_eq(pragma(st, "wal_autocheckpoint"), 1000);
	}
	store_close(st);
}
END_TEST

Suite *store_batch_suite(void)
{
	Suite *s = suite_create("store_batch");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_every_row_equal_to_the_live_path);
	tcase_add_test(tc, test_live_and_batch_keep_the_same_figures);
	tcase_add_test(tc, test_abort_keeps_nothing);
	tcase_add_test(tc, test_pragmas_back_after_a_batch);
	suite_add_tcase(s, tc);
	return s;
}
