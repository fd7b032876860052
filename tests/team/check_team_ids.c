/*
 * check_team_ids.c - one follow-up and one review are the same thing in
 * every database, on the server, after merge and after sync: a follow-up's
 * id (CALL/SEQ) reads the same in two agents' files, the supervisor's
 * mirror and a merged file, and closing it in any of them closes it in all;
 * a review comment edited on both sides keeps the local one, by sync and
 * by merge.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/followup.h"
#include "poise/merge.h"
#include "poise/review.h"
#include "sync_fixture.h"
#include "main/suite.h"

#define DB "t_ids"

static char path[512], path2[600], mpath[600], cpath[600];

static void sync_ok(struct team *t, struct store *st, struct team_sync_counts *n)
{
	struct poise_error err;

	ck_assert_msg(team_sync(t, st, NULL, n, &err) == POISE_OK, "%s", err.msg);
}

static void mirror_ok(struct team *t, struct store *m)
{
	struct team_mirror_counts n;
	struct poise_error err;

	ck_assert_msg(team_mirror(t, m, &n, &err) == POISE_OK, "%s", err.msg);
}

static struct store *open_ok(const char *p)
{
	struct store *st = NULL;
	struct poise_error err;

	ck_assert_msg(store_open(p, 0, &st, &err) == POISE_OK, "%s", err.msg);
	return st;
}

static void merge_ok(struct store *into, const char *from)
{
	struct merge_counts n;
	struct poise_error err;

	ck_assert_msg(merge_file(into, from, &n, &err) == POISE_OK, "%s", err.msg);
}

/* Every open follow-up's id as `poise followups --all` shows it, with its agent, one a line. */
struct ids {
	char *text;
	size_t len;
	const char *agent; /* NULL: everyone's */
};

static int add_id(void *ctx, const struct followup *f)
{
	struct ids *s = ctx;
	char id[FOLLOWUP_ID_SIZE];

	if (s->agent && strcmp(s->agent, f->agent) != 0)
		return 0;
	followup_format_id(f->call_id, f->seq, id);
	s->text = realloc(s->text, s->len + strlen(id) + 2);
	ck_assert_ptr_nonnull(s->text);
	s->len += (size_t)sprintf(s->text + s->len, "%s\n", id);
	return 0;
}

static char *open_ids(struct store *st, const char *agent)
{
	struct ids s = {calloc(1, 1), 0, agent};
	struct poise_error err;

	ck_assert_msg(followup_each(st, "2099-01-01", 1, add_id, &s, &err) == POISE_OK, "%s",
		      err.msg);
	return s.text;
}

static void same_ids(struct store *a, const char *agent_a, struct store *b, const char *agent_b,
		     const char *what)
{
	char *x = open_ids(a, agent_a), *y = open_ids(b, agent_b);

	ck_assert_msg(strcmp(x, y) == 0, "%s: follow-up ids differ:\n%s---\n%s", what, x, y);
	free(x);
	free(y);
}

/* Close follow-up text (CALL/SEQ) in st as `poise followups done` does. */
static void close_ok(struct store *st, const char *text, int64_t now)
{
	struct poise_error err;
	int64_t id = 0, done_at = 0;

	ck_assert_msg(followup_find(st, text, &id, &err) == POISE_OK, "%s: %s", text, err.msg);
	ck_assert_msg(followup_done(st, id, now, &done_at, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(done_at, now);
}

/* done_at of follow-up text in the local file p (0 open, -1 not there). */
static long long done_in(const char *p, const char *call, long long seq)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT coalesce((SELECT coalesce(done_at, 0) FROM followups WHERE call_id = "
		 "'%s' AND seq = %lld), -1)",
		 call, seq);
	return fx_sql_int(p, sql);
}

/* The first open follow-up of agent in p: its call id (to free) and seq. */
static char *first_open(const char *p, const char *agent, long long *seq)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT f.call_id FROM followups f JOIN calls c ON c.id = f.call_id WHERE "
		 "c.agent = '%s' AND f.done_at IS NULL ORDER BY f.call_id, f.seq LIMIT 1",
		 agent);
	char *call = fx_sql_text(p, sql);
	ck_assert_ptr_nonnull(call);
	snprintf(sql, sizeof(sql),
		 "SELECT min(seq) FROM followups WHERE call_id = '%s' AND done_at IS NULL", call);
	*seq = fx_sql_int(p, sql);
	return call;
}

START_TEST(test_followup_one_id_everywhere)
{
	struct store *st = sfx_setup(DB, 2, 60, path, sizeof(path)), *st2, *m, *c;
	struct team *a1 = sfx_team(DB, "agent01"), *a2, *sue = sfx_team(DB, "t_sue");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	char cmd[1400], id[FOLLOWUP_ID_SIZE], *call;
	long long seq;

	/* Two agents' files: the same calls to start with (a copy), each syncs their own. */
	pgt_role(admin, "agent02", "poise_agent");
	a2 = sfx_team(DB, "agent02");
	store_close(st);
	snprintf(path2, sizeof(path2), "%.500s.two", path);
	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	snprintf(cpath, sizeof(cpath), "%.500s.central", path);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, path2);
	ck_assert_int_eq(system(cmd), 0);
	st = open_ok(path);
	st2 = open_ok(path2);
	m = open_ok(mpath);
	c = open_ok(cpath);
	ck_assert_int_gt(sfx_local(path, "SELECT count(*) FROM followups f JOIN calls c ON "
					 "c.id = f.call_id WHERE c.agent = 'agent02' AND "
					 "f.done_at IS NULL"),
			 1);
	sync_ok(a1, st, &n);
	sync_ok(a2, st2, &n);
	mirror_ok(sue, m);
	/* A merged file without a server, made from both agents' files. */
	merge_ok(c, path2);
	merge_ok(c, path);
	same_ids(st, "agent01", m, "agent01", "agent01's file and the mirror");
	same_ids(st2, "agent02", m, "agent02", "agent02's file and the mirror");
	same_ids(c, NULL, m, NULL, "the merged file and the mirror");
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.followups"),
			 fx_sql_int(mpath, "SELECT count(*) FROM followups"));

	/* Closed in the mirror by the id it shows: on the server, then in agent01's file. */
	call = first_open(mpath, "agent01", &seq);
	followup_format_id(call, seq, id);
	close_ok(m, id, INT64_C(1700000500000));
	mirror_ok(sue, m);
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
			 "SELECT done_at FROM poise.followups WHERE call_id = '%s' AND seq = %lld",
			 call, seq);
		ck_assert_int_eq(pgt_int(admin, sql), INT64_C(1700000500000));
	}
	ck_assert_int_eq(done_in(path, call, seq), 0);
	sync_ok(a1, st, &n);
	ck_assert_int_eq(n.followups_done, 1);
	ck_assert_int_eq(done_in(path, call, seq), INT64_C(1700000500000));
	/* The merged file learns it by merge from agent01's file; again changes nothing. */
	merge_ok(c, path);
	ck_assert_int_eq(done_in(cpath, call, seq), INT64_C(1700000500000));
	merge_ok(c, path);
	ck_assert_int_eq(done_in(cpath, call, seq), INT64_C(1700000500000));
	free(call);

	/* Closed in the merged file by its id: merged back into agent02's, synced, mirrored. */
	call = first_open(cpath, "agent02", &seq);
	followup_format_id(call, seq, id);
	close_ok(c, id, INT64_C(1700000600000));
	ck_assert_int_eq(done_in(path2, call, seq), 0);
	merge_ok(st2, cpath);
	ck_assert_int_eq(done_in(path2, call, seq), INT64_C(1700000600000));
	sync_ok(a2, st2, &n);
	ck_assert_int_eq(n.followups, 1);
	mirror_ok(sue, m);
	ck_assert_int_eq(done_in(mpath, call, seq), INT64_C(1700000600000));
	/* agent01's file has agent02's calls too (the copy): it learns by merge. */
	merge_ok(st, cpath);
	ck_assert_int_eq(done_in(path, call, seq), INT64_C(1700000600000));
	free(call);

	/* Everywhere, the same follow-ups are still open, under the same ids. */
	same_ids(st, "agent01", m, "agent01", "agent01's file and the mirror, after closing");
	same_ids(st2, "agent02", m, "agent02", "agent02's file and the mirror, after closing");
	same_ids(c, NULL, m, NULL, "the merged file and the mirror, after closing");
	/* A second sync and mirror change nothing. */
	sync_ok(a1, st, &n);
	ck_assert_int_eq(n.calls + n.followups + n.followups_done, 0);
	sync_ok(a2, st2, &n);
	ck_assert_int_eq(n.calls + n.followups + n.followups_done, 0);
	store_close(st);
	store_close(st2);
	store_close(m);
	store_close(c);
	team_close(a1);
	team_close(a2);
	team_close(sue);
	PQfinish(admin);
}
END_TEST

/* Review review_uuid in the file at p, reloaded: its local id. */
static int64_t review_id(const char *p, const char *uuid)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT id FROM reviews WHERE uuid = '%s'", uuid);
	return fx_sql_int(p, sql);
}

static char *comment_of(const char *p, const char *uuid)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT comment FROM reviews WHERE uuid = '%s'", uuid);
	return fx_sql_text(p, sql);
}

static void edit(struct store *st, const char *p, const char *uuid, const char *call,
		 const char *comment, int listen)
{
	struct review r = {0};
	struct poise_error err;

	r.id = review_id(p, uuid);
	ck_assert_int_gt(r.id, 0);
	snprintf(r.call_id, sizeof(r.call_id), "%s", call);
	snprintf(r.reviewer, sizeof(r.reviewer), "t_sue");
	snprintf(r.comment, sizeof(r.comment), "%s", comment);
	r.created_at = INT64_C(1700000100000);
	r.scores[STAGE_LISTEN] = listen;
	ck_assert_msg(review_save(st, &r, &err) == POISE_OK, "%s", err.msg);
}

static void comment_is(const char *p, const char *uuid, const char *want)
{
	char *got = comment_of(p, uuid);

	ck_assert_msg(got && strcmp(got, want) == 0, "%s: '%s', not '%s'", p, got, want);
	free(got);
}

START_TEST(test_review_edited_on_both_sides_keeps_local)
{
	struct store *st = sfx_setup(DB, 1, 20, path, sizeof(path)), *m, *other;
	struct team *a1 = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	struct review r = {0};
	struct poise_error err;
	char *call, *uuid, cmd[1400], opath[700];

	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	m = open_ok(mpath);
	sync_ok(a1, st, &n);
	mirror_ok(sue, m);
	call = fx_sql_text(mpath, "SELECT id FROM calls ORDER BY id LIMIT 1");
	snprintf(r.call_id, sizeof(r.call_id), "%s", call);
	snprintf(r.reviewer, sizeof(r.reviewer), "t_sue");
	snprintf(r.comment, sizeof(r.comment), "first words");
	r.created_at = INT64_C(1700000100000);
	r.scores[STAGE_LISTEN] = 3;
	ck_assert_msg(review_save(m, &r, &err) == POISE_OK, "%s", err.msg);
	mirror_ok(sue, m);
	sync_ok(a1, st, &n);
	ck_assert_int_eq(n.reviews, 1);
	uuid = fx_sql_text(path, "SELECT uuid FROM reviews");

	/* Sync: edited in the agent's file (not yet sent) and on the server. */
	edit(st, path, uuid, call, "ours, in the agent's file", 4);
	edit(m, mpath, uuid, call, "theirs, on the server", 2);
	mirror_ok(sue, m);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.reviews WHERE comment = "
					"'theirs, on the server' AND score_listen = 2"),
			 1);
	sync_ok(a1, st, &n);
	ck_assert_int_eq(n.reviews, 0);
	comment_is(path, uuid, "ours, in the agent's file");
	ck_assert_int_eq(fx_sql_int(path, "SELECT score FROM review_scores WHERE stage = 'listen'"),
			 4);
	sync_ok(a1, st, &n);
	comment_is(path, uuid, "ours, in the agent's file");
	/* The mirror's local edit beats the server's too, and goes up. */
	pgt_ok(admin, "UPDATE poise.reviews SET comment = 'edited on the server itself'");
	edit(m, mpath, uuid, call, "the mirror's", 5);
	mirror_ok(sue, m);
	comment_is(mpath, uuid, "the mirror's");
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.reviews WHERE comment = "
					"'the mirror''s' AND score_listen = 5"),
			 1);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM reviews WHERE synced = 0"), 0);
	/* Not edited here: the server's edit comes down. */
	pgt_ok(admin, "UPDATE poise.reviews SET comment = 'the server''s second'");
	mirror_ok(sue, m);
	comment_is(mpath, uuid, "the server's second");

	/* Merge: two files with the one review, each edited; each keeps its own, both ways. */
	snprintf(opath, sizeof(opath), "%.500s.other", path);
	store_close(m);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", mpath, opath);
	ck_assert_int_eq(system(cmd), 0);
	m = open_ok(mpath);
	other = open_ok(opath);
	edit(m, mpath, uuid, call, "here", 1);
	edit(other, opath, uuid, call, "there", 2);
	merge_ok(m, opath);
	comment_is(mpath, uuid, "here");
	merge_ok(other, mpath);
	comment_is(opath, uuid, "there");
	merge_ok(m, opath);
	merge_ok(other, mpath);
	comment_is(mpath, uuid, "here");
	comment_is(opath, uuid, "there");
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM reviews"), 1);
	ck_assert_int_eq(fx_sql_int(opath, "SELECT count(*) FROM reviews"), 1);
	ck_assert_int_eq(fx_sql_int(opath, "SELECT score FROM review_scores WHERE stage = 'listen'"),
			 2);
	free(call);
	free(uuid);
	store_close(st);
	store_close(m);
	store_close(other);
	team_close(a1);
	team_close(sue);
	PQfinish(admin);
}
END_TEST

Suite *team_ids_suite(void)
{
	Suite *s = suite_create("team_ids");
	TCase *tc = tcase_create("ids");

	tcase_add_test(tc, test_followup_one_id_everywhere);
	tcase_add_test(tc, test_review_edited_on_both_sides_keeps_local);
	suite_add_tcase(s, tc);
	return s;
}
