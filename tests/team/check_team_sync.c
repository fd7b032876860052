/*
 * check_team_sync.c - `poise sync` against a real server: idempotent both
 * ways, and a connection cut in the middle of a push loses and duplicates
 * nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/followup.h"
#include "poise/store_sync.h"
#include "poise/text.h"
#include "sync_fixture.h"
#include "main/suite.h"

#define DB "t_sync"

static char path[512];

/* A sync that works; copy_from 1: every batch by COPY through staging. */
static void sync_by(struct team *t, struct store *st, size_t batch, size_t copy_from,
		    struct team_sync_counts *n)
{
	struct team_sync_opts o = {.batch = batch, .copy_from = copy_from};
	struct poise_error err;

	ck_assert_msg(team_sync(t, st, &o, n, &err) == POISE_OK, "%s", err.msg);
}

static void sync_ok(struct team *t, struct store *st, size_t batch, struct team_sync_counts *n)
{
	sync_by(t, st, batch, 0, n);
}

START_TEST(test_twice_changes_nothing)
{
	struct store *st = sfx_setup(DB, 2, 40, path, sizeof(path));
	struct team *t = sfx_team(DB, "agent01");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	long long mine = sfx_local(path, "SELECT count(*) FROM calls WHERE agent = 'agent01'");

	ck_assert_int_gt(mine, 5);
	ck_assert_int_lt(mine, 40);
	sync_by(t, st, 7, 1, &n); /* by COPY; the tests below send small batches as VALUES */
	ck_assert_int_eq(n.calls, (size_t)mine);
	ck_assert_int_eq(n.others, (size_t)(40 - mine));
	ck_assert_int_eq(n.events, (size_t)pgt_int(admin, "SELECT count(*) FROM poise.events"));
	ck_assert_int_gt(n.figures, 0);
	sfx_same(path, admin);
	ck_assert_int_eq(
		pgt_int(admin, "SELECT count(*) FROM poise.calls WHERE agent <> 'agent01'"), 0);
	/* The kept figures arrive as typed columns a centre's SQL can chart. */
	ck_assert_int_eq(pgt_int(admin,
				 "SELECT count(*) FROM poise.call_figures WHERE done IS NULL "
				 "OR holds IS NULL OR calm_ms IS NULL"),
			 0);
	ck_assert_int_eq(pgt_int(admin,
				 "SELECT count(*) FROM poise.call_figures f JOIN poise.calls c "
				 "ON c.id = f.call_id WHERE f.done <> (c.status = 'done')::int "
				 "OR f.interrupted <> (c.status = 'interrupted')::int"),
			 0);
	ck_assert_int_eq(pgt_int(admin, "SELECT sum(holds) FROM poise.call_figures"),
			 pgt_int(admin,
				 "SELECT count(*) FROM poise.events e JOIN poise.call_figures f "
				 "USING (call_id) WHERE e.kind = 'hold-start'"));
	ck_assert_int_eq(pgt_int(admin, "SELECT sum(warnings) FROM poise.call_figures"),
			 pgt_int(admin,
				 "SELECT count(*) FROM poise.events e JOIN poise.call_figures f "
				 "USING (call_id) WHERE e.kind = 'warning'"));
	ck_assert_int_eq(
		pgt_int(admin,
			"SELECT count(*) FROM poise.call_figures f JOIN poise.calls c "
			"ON c.id = f.call_id WHERE f.mood_start IS DISTINCT FROM c.mood_start "
			"OR f.mood_end IS DISTINCT FROM c.mood_end"),
		0);
	ck_assert_int_gt(
		pgt_int(admin, "SELECT sum(holds) + sum(warnings) FROM poise.call_figures"), 0);
	/* Again, with any batch size: nothing to send, nothing changes. */
	for (size_t batch = 1; batch <= 1000; batch *= 10) {
		sync_by(t, st, batch, batch % 2 ? 1 : 0, &n);
		ck_assert_int_eq(n.calls + n.events + n.followups + n.figures, 0);
		ck_assert_int_eq(n.reviews + n.followups_done + n.playbooks, 0);
		sfx_same(path, admin);
	}
	/* A new event on a call already sent: that call, that event, nothing else. */
	{
		struct event ev = {.t = INT64_C(1700000000000), .kind = EV_NOTE, .text = "more"};
		struct poise_error err;
		char *id = fx_sql_text(
			path, "SELECT id FROM calls WHERE agent = 'agent01' ORDER BY id LIMIT 1");
		int deferred = 0;

		ck_assert_msg(store_append(st, id, &ev, &deferred, &err) == POISE_OK, "%s",
			      err.msg);
		free(id);
		sync_ok(t, st, 0, &n);
		ck_assert_int_eq(n.calls, 1);
		ck_assert_int_eq(n.events, 1);
		sfx_same(path, admin);
	}
	/* A follow-up closed here: its done time goes up, once. */
	{
		struct poise_error err;
		int64_t done_at = 0;
		long long id = sfx_local(path, "SELECT f.id FROM followups f JOIN calls c "
					       "ON c.id = f.call_id WHERE c.agent = 'agent01' "
					       "ORDER BY f.id LIMIT 1");

		ck_assert_int_gt(id, 0);
		ck_assert_msg(followup_done(st, id, INT64_C(1700000999000), &done_at, &err) ==
				      POISE_OK,
			      "%s", err.msg);
		sync_ok(t, st, 0, &n);
		ck_assert_int_eq(n.calls, 0); /* the call's row is as it was */
		ck_assert_int_eq(n.events, 0);
		ck_assert_int_eq(n.followups, 1);
		ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.followups "
						"WHERE done_at = 1700000999000"),
				 1);
		sync_ok(t, st, 0, &n);
		ck_assert_int_eq(n.calls + n.followups, 0);
	}
	team_close(t);
	store_close(st);
	PQfinish(admin);
}
END_TEST

START_TEST(test_pull_reviews_followups_playbooks)
{
	struct store *st = sfx_setup(DB, 1, 12, path, sizeof(path));
	struct team *t = sfx_team(DB, "agent01");
	PGconn *admin = pgt_connect(DB, NULL), *sue = pgt_connect(DB, "t_sue"),
	       *tia = pgt_connect(DB, "t_tia");
	struct team_sync_counts n;
	sync_ok(t, st, 5, &n);
	ck_assert_int_eq(n.calls, 12);
	ck_assert_int_eq(n.reviews, 0);
	pgt_ok(sue,
	       "INSERT INTO poise.reviews (call_id, comment, score_calm, score_solve) "
	       "SELECT id, 'name the feeling first', 4, 2 FROM poise.calls ORDER BY id LIMIT 1");
	pgt_ok(sue, "UPDATE poise.followups SET done_at = 1700000000123 WHERE (call_id, seq) = "
		    "(SELECT call_id, seq FROM poise.followups ORDER BY call_id, seq LIMIT 1)");
	/* Published under its hash, as poise computes it (the server checks). */
	pgt_ok(tia, "INSERT INTO poise.playbooks (hash, id, version, text) SELECT "
		    "encode(sha256('id: general'), 'hex'), 'general', '9', 'id: general'");
	sync_ok(t, st, 0, &n);
	ck_assert_int_eq(n.calls + n.events + n.followups + n.figures, 0);
	ck_assert_int_eq(n.reviews, 1);
	ck_assert_int_eq(n.playbooks, 1);
	ck_assert_int_eq(sfx_local(path,
				   "SELECT count(*) FROM reviews WHERE reviewer = 't_sue' "
				   "AND comment = 'name the feeling first' AND acked_at IS NULL"),
			 1);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM review_scores"), 2);
	ck_assert_int_eq(sfx_local(path, "SELECT score FROM review_scores WHERE stage = 'solve'"),
			 2);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM published_playbooks "
					 "WHERE id = 'general' AND version = '9'"),
			 1);
	if (pgt_int(admin, "SELECT count(*) FROM poise.followups") > 0) {
		ck_assert_int_eq(n.followups_done, 1);
		ck_assert_int_eq(
			sfx_local(path,
				  "SELECT count(*) FROM followups WHERE done_at = 1700000000123"),
			1);
	}
	/* Again: nothing new, nothing doubled, and the follow-up is not sent back. */
	sync_ok(t, st, 0, &n);
	ck_assert_int_eq(n.reviews + n.followups_done + n.playbooks + n.followups, 0);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM reviews"), 1);
	/* The supervisor changes it: new to the agent again, and still one review. */
	pgt_ok(sue, "UPDATE poise.reviews SET comment = 'and slow down'");
	sync_ok(t, st, 0, &n);
	ck_assert_int_eq(n.reviews, 1);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM reviews"), 1);
	ck_assert_int_eq(
		sfx_local(path, "SELECT count(*) FROM reviews WHERE comment = 'and slow down'"), 1);
	/* One review everywhere: the local copy carries the server's id. */
	{
		char *uuid = fx_sql_text(path, "SELECT uuid FROM reviews WHERE synced = 1");
		PGresult *res = PQexec(admin, "SELECT id FROM poise.reviews");

		ck_assert_int_eq(PQntuples(res), 1);
		ck_assert_str_eq(uuid, PQgetvalue(res, 0, 0));
		PQclear(res);
		free(uuid);
	}
	sfx_same(path, admin);
	PQfinish(sue);
	PQfinish(tia);
	PQfinish(admin);
	team_close(t);
	store_close(st);
}
END_TEST

/* Cut the agent's connection (the server ends its backend) once batch `at` is staged. */
struct cut {
	enum team_hook where;
	size_t at;
	int done;
};

static int cut_connection(void *ctx, enum team_hook where, size_t no)
{
	struct cut *c = ctx;
	PGconn *admin;

	if (c->done || where != c->where || no != c->at)
		return 0;
	c->done = 1;
	if (where == TEAM_HOOK_COMMITTED)
		return 1; /* as if poise died between the server's COMMIT and the local record */
	admin = pgt_connect(DB, NULL);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(pg_terminate_backend(pid)) FROM "
					"pg_stat_activity WHERE usename = 'agent01' "
					"AND datname = '" DB "'"),
			 1);
	PQfinish(admin);
	return 0;
}

static void cut_and_resync(enum team_hook where, size_t copy_from)
{
	struct store *st = sfx_setup(DB, 1, 30, path, sizeof(path));
	struct team *t = sfx_team(DB, "agent01");
	PGconn *admin = pgt_connect(DB, NULL);
	struct cut c = {where, 2, 0};
	struct team_sync_opts o = {
		.batch = 4, .copy_from = copy_from, .hook = cut_connection, .ctx = &c};
	struct team_sync_counts n;
	struct poise_error err;
	long long events = sfx_local(path, "SELECT count(*) FROM events");

	ck_assert_int_eq(team_sync(t, st, &o, &n, &err), POISE_IO);
	ck_assert_int_eq(c.done, 1);
	/* Whole batches only: two (or, cut after COMMIT, three) on the server, the rest not. */
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"),
			 where == TEAM_HOOK_COMMITTED ? 12 : 8);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM sync_calls"), 8);
	team_close(t);
	t = sfx_team(DB, "agent01");
	sync_by(t, st, 4, copy_from, &n);
	ck_assert_int_eq(n.calls, where == TEAM_HOOK_COMMITTED ? 18 : 22);
	sfx_same(path, admin);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.events"), events);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM sync_calls"), 30);
	sync_ok(t, st, 4, &n);
	ck_assert_int_eq(n.calls + n.events + n.followups + n.figures, 0);
	sfx_same(path, admin);
	team_close(t);
	store_close(st);
	PQfinish(admin);
}

/* The server's count of call id's rows in table. */
static long long on_server(PGconn *admin, const char *table, const char *id)
{
	char q[256];

	snprintf(q, sizeof(q), "SELECT count(*) FROM poise.%s WHERE %s = '%s'", table,
		 strcmp(table, "calls") == 0 ? "id" : "call_id", id);
	return pgt_int(admin, q);
}

/*
 * A call whose events merge would refuse (this database edited by hand:
 * a text with bad UTF-8, a CR, an ESC, a bidi override; a kind or a stage
 * this poise does not know; a time out of range) is left out whole, with
 * one warning naming the first call and why, and the others are sent,
 * whether the batch goes as VALUES or by COPY, and when a whole batch is
 * left out. It stays here unsent, said again each sync, and goes once it
 * is mended. A call on the server already whose new event is bad keeps
 * what the server has. A sync reads only the calls that changed.
 */
START_TEST(test_bad_events_left_out)
{
	static const char *const edits[] = {
		"UPDATE events SET text = CAST(X'41FF42C328' AS TEXT)",
		"UPDATE events SET text = 'line' || char(13) || 'feed'",
		"UPDATE events SET text = 'esc ' || char(27) || '[2J'",
		"UPDATE events SET text = 'bidi ' || char(8238) || 'evil'",
		"UPDATE events SET kind = 'teleport'",
		"UPDATE events SET stage = 'nowhere'",
		"UPDATE events SET t = -5",
	};
	size_t nbad = sizeof(edits) / sizeof(edits[0]);
	struct store *st = sfx_setup(DB, 1, nbad + 2, path, sizeof(path));
	struct team *t = sfx_team(DB, "agent01");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	struct poise_error err;
	struct event ev = {0, INT64_C(1700000500000), EV_NOTE, 0, 0, 0, "one more note"};
	char *id[16], q[512];
	int deferred = 0;

	for (size_t i = 0; i < nbad + 2; i++) {
		snprintf(q, sizeof(q), "SELECT id FROM calls ORDER BY id LIMIT 1 OFFSET %zu", i);
		id[i] = fx_sql_text(path, q);
	}
	/* The bad calls first in id order: the first batch of 3 is left out whole. */
	for (size_t i = 0; i < nbad; i++) {
		snprintf(q, sizeof(q), "%s WHERE call_id = '%s' AND seq = 2", edits[i], id[i]);
		fx_sql_exec(path, q);
	}
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM sync_dirty"), (long long)nbad + 2);
	sync_by(t, st, 3, 1, &n); /* by COPY */
	ck_assert_int_eq(n.refused, nbad);
	ck_assert_int_eq(n.calls, 2);
	ck_assert_msg(strstr(n.refused_why, id[0]) && strstr(n.refused_why, "agent agent01") &&
			      strstr(n.refused_why, "UTF-8"),
		      "%s", n.refused_why);
	ck_assert(text_is_safe(n.refused_why, 0));
	for (size_t i = 0; i < nbad; i++) {
		ck_assert_int_eq(on_server(admin, "calls", id[i]), 0);
		ck_assert_int_eq(on_server(admin, "events", id[i]), 0);
	}
	ck_assert_int_gt(on_server(admin, "events", id[nbad]), 1);
	/* Again (as VALUES): said again, nothing sent twice; they wait here. */
	sync_ok(t, st, 0, &n);
	ck_assert_int_eq(n.refused, nbad);
	ck_assert_int_eq(n.calls + n.events, 0);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM sync_dirty"), (long long)nbad);
	/* The unknown kind is named with the kind it holds. */
	fx_sql_exec(path, "UPDATE events SET text = 'A' WHERE text = CAST(X'41FF42C328' AS TEXT)");
	for (size_t i = 1; i < 4; i++) {
		snprintf(q, sizeof(q), "UPDATE events SET text = 'mended' WHERE call_id = '%s' AND seq = 2",
			 id[i]);
		fx_sql_exec(path, q);
	}
	sync_ok(t, st, 0, &n);
	ck_assert_int_eq(n.refused, nbad - 4);
	ck_assert_int_eq(n.calls, 4);
	ck_assert_msg(strstr(n.refused_why, id[4]) && strstr(n.refused_why, "teleport"), "%s",
		      n.refused_why);
	ck_assert_int_eq(on_server(admin, "events", id[0]),
			 sfx_local(path, "SELECT count(*) FROM events WHERE call_id = (SELECT id FROM calls ORDER BY id LIMIT 1)"));
	/* A call the server has, with a new event made bad: it keeps what the server has. */
	ck_assert_int_eq(store_append(st, id[nbad], &ev, &deferred, &err), POISE_OK);
	snprintf(q, sizeof(q), "UPDATE events SET text = 'x' || char(7) WHERE call_id = '%s' AND seq = %lld",
		 id[nbad], (long long)ev.seq);
	fx_sql_exec(path, q);
	snprintf(q, sizeof(q), "SELECT count(*) FROM poise.events WHERE call_id = '%s'", id[nbad]);
	{
		long long before = pgt_int(admin, q);

		sync_ok(t, st, 0, &n);
		ck_assert_int_eq(n.refused, nbad - 4 + 1);
		ck_assert_int_eq(n.calls + n.events, 0);
		ck_assert_int_eq(pgt_int(admin, q), before);
	}
	/* One good new event on a good call: one call to look at and send (and the bad ones). */
	ck_assert_int_eq(store_append(st, id[nbad + 1], &ev, &deferred, &err), POISE_OK);
	sync_ok(t, st, 0, &n);
	ck_assert_int_eq(n.calls, 1);
	ck_assert_int_eq(n.events, 1);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM sync_dirty"), (long long)nbad - 4 + 1);
	for (size_t i = 0; i < nbad + 2; i++)
		free(id[i]);
	team_close(t);
	store_close(st);
	PQfinish(admin);
}
END_TEST

START_TEST(test_connection_cut_mid_push)
{
	cut_and_resync(TEAM_HOOK_STAGED, 0);
}
END_TEST

START_TEST(test_connection_cut_mid_copy)
{
	cut_and_resync(TEAM_HOOK_STAGED, 1);
}
END_TEST

START_TEST(test_stopped_after_commit)
{
	cut_and_resync(TEAM_HOOK_COMMITTED, 0);
}
END_TEST

START_TEST(test_stopped_after_commit_of_copy)
{
	cut_and_resync(TEAM_HOOK_COMMITTED, 1);
}
END_TEST

/* Text with quotes, backslashes and control characters arrives as written, either way. */
START_TEST(test_text_arrives_as_written)
{
	static const char *const texts[] = {
		"it's", "a\\b", "E'x'); DROP TABLE poise.calls; --", "tab\there\nline",
		"\\x41", "\\N", "$$ $q$ \"quoted\"", "(1),(2)", "caf\xc3\xa9 \xe2\x9c\x93",
	};
	struct store *st = sfx_setup(DB, 1, 2, path, sizeof(path));
	struct team *t = sfx_team(DB, "agent01");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	size_t nt = sizeof(texts) / sizeof(texts[0]);
	char *id[2] = {fx_sql_text(path, "SELECT id FROM calls ORDER BY id LIMIT 1"),
		       fx_sql_text(path, "SELECT id FROM calls ORDER BY id DESC LIMIT 1")};

	/* The first call's notes go as VALUES, the second's by COPY. */
	for (int way = 0; way < 2; way++) {
		struct poise_error err;

		for (size_t i = 0; i < nt; i++) {
			struct event ev = {
				.t = INT64_C(1700000000000) + (int64_t)i, .kind = EV_NOTE, .text = texts[i]};
			int deferred = 0;

			ck_assert_msg(store_append(st, id[way], &ev, &deferred, &err) == POISE_OK,
				      "%s", err.msg);
		}
		sync_by(t, st, 0, way ? 1 : 0, &n);
		ck_assert_int_ge(n.events, nt);
	}
	sfx_same(path, admin);
	for (int way = 0; way < 2; way++)
		for (size_t i = 0; i < nt; i++) {
			const char *params[2] = {id[way], texts[i]};
			PGresult *r = PQexecParams(admin,
						   "SELECT count(*) FROM poise.events WHERE "
						   "call_id = $1::uuid AND kind = 'note' AND text = $2",
						   2, NULL, params, NULL, NULL, 0);

			ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
			ck_assert_msg(strcmp(PQgetvalue(r, 0, 0), "1") == 0, "%s: %s", texts[i],
				      PQgetvalue(r, 0, 0));
			PQclear(r);
		}
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"), 2);
	free(id[0]);
	free(id[1]);
	team_close(t);
	store_close(st);
	PQfinish(admin);
}
END_TEST

Suite *team_sync_suite(void)
{
	Suite *s = suite_create("team_sync");
	TCase *tc = tcase_create("sync");

	tcase_add_test(tc, test_twice_changes_nothing);
	tcase_add_test(tc, test_pull_reviews_followups_playbooks);
	tcase_add_test(tc, test_bad_events_left_out);
	tcase_add_test(tc, test_connection_cut_mid_push);
	tcase_add_test(tc, test_connection_cut_mid_copy);
	tcase_add_test(tc, test_stopped_after_commit);
	tcase_add_test(tc, test_stopped_after_commit_of_copy);
	tcase_add_test(tc, test_text_arrives_as_written);
	suite_add_tcase(s, tc);
	return s;
}
