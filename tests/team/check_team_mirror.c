/*
 * check_team_mirror.c - the supervisor's mirror of the team (team_mirror)
 * against a real server: every call an agent sent reads back the same,
 * incrementally and idempotently; a review written in the mirror reaches
 * the server and the agent with one id; a follow-up closed there too.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/export.h"
#include "poise/followup.h"
#include "poise/review.h"
#include "poise/store_reply.h"
#include "poise/store_score.h"
#include "sync_fixture.h"
#include "team_int.h"
#include "helpers/fixture_review.h"
#include "main/suite.h"

#define DB "t_mirror"

static char path[512], mpath[600];

static void sync_ok(struct team *t, struct store *st, struct team_sync_counts *n)
{
	struct poise_error err;

	ck_assert_msg(team_sync(t, st, NULL, n, &err) == POISE_OK, "%s", err.msg);
}

static void mirror_ok(struct team *t, struct store *m, struct team_mirror_counts *n)
{
	struct poise_error err;

	ck_assert_msg(team_mirror(t, m, n, &err) == POISE_OK, "%s", err.msg);
}

/* Each of the mirror's calls is, line for line, the agent's. */
static void same_calls(struct store *agent, struct store *mirror)
{
	char *a = fx_export(agent, EXPORT_JSONL), *m = fx_export(mirror, EXPORT_JSONL);
	size_t lines = 0;

	for (char *line = m, *nl; (nl = strchr(line, '\n')); line = nl + 1, lines++) {
		*nl = '\0';
		ck_assert_msg(strstr(a, line), "mirrored call differs:\n%s", line);
	}
	ck_assert_int_eq((long long)lines,
			 sfx_local(path, "SELECT count(*) FROM calls WHERE agent = 'agent01'"));
	free(a);
	free(m);
}

/* A supervisor's two mirrors (mpath, p2) of the agent's n calls, sent: the first brought down. */
static struct store *two_mirrors(size_t n, struct store **m1, struct store **m2, char *p2,
				 size_t size)
{
	struct store *st = sfx_setup(DB, 1, n, path, sizeof(path));
	struct team *agent = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	struct team_sync_counts sn;
	struct team_mirror_counts mn;
	struct poise_error err = {0};

	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	snprintf(p2, size, "%.500s.team2", path);
	ck_assert_int_eq(store_open(mpath, 0, m1, &err), POISE_OK);
	ck_assert_int_eq(store_open(p2, 0, m2, &err), POISE_OK);
	sync_ok(agent, st, &sn);
	mirror_ok(sue, *m1, &mn);
	team_close(agent);
	team_close(sue);
	return st;
}

START_TEST(test_mirror_whole_team_both_ways)
{
	struct store *st = sfx_setup(DB, 2, 30, path, sizeof(path)), *m = NULL;
	struct team *agent = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	struct team_mirror_counts mn;
	struct poise_error err = {0};
	struct review r = {0};
	long long mine = sfx_local(path, "SELECT count(*) FROM calls WHERE agent = 'agent01'");
	char *uuid;
	int64_t fu, done_at = 0;

	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	ck_assert_msg(store_open(mpath, 0, &m, &err) == POISE_OK, "%s", err.msg);
	sync_ok(agent, st, &n);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq((long long)mn.calls, mine);
	ck_assert_int_eq((long long)mn.events, pgt_int(admin, "SELECT count(*) FROM poise.events"));
	same_calls(st, m);
	/* Kept figures are made in the mirror for each closed call, as merge makes them. */
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM call_figures"),
			 fx_sql_int(mpath, "SELECT count(*) FROM calls WHERE status <> 'open'"));
	/* Again: nothing. */
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.calls + mn.events + mn.reviews + mn.followups_done, 0);

	/* The supervisor reviews a call in the mirror; the next mirror sends it up. */
	uuid = fx_sql_text(mpath, "SELECT id FROM calls ORDER BY id LIMIT 1");
	r.scores[STAGE_LISTEN] = 3;
	fixture_review(m, &r, uuid, "t_sue", "slow down in the opening", INT64_C(1700000100000));
	free(uuid);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.reviews_sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.reviews WHERE comment = "
					"'slow down in the opening' AND score_listen = 3 AND "
					"reviewer = 't_sue'"),
			 1);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM reviews WHERE synced = 0"), 0);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.reviews_sent + mn.reviews, 0);
	/* The agent's sync brings it down with the same id. */
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.reviews, 1);
	uuid = fx_sql_text(path, "SELECT uuid FROM reviews");
	{
		char *mu = fx_sql_text(mpath, "SELECT uuid FROM reviews");

		ck_assert_str_eq(uuid, mu);
		free(mu);
	}
	free(uuid);
	/* The supervisor edits it: the edit goes up, still one review, new to the agent. */
	snprintf(r.comment, sizeof(r.comment), "slow down, and name the next step");
	ck_assert_msg(review_save(m, &r, &err) == POISE_OK, "%s", err.msg);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.reviews_sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.reviews"), 1);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.reviews, 1);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM reviews WHERE comment = 'slow down, "
					 "and name the next step' AND acked_at IS NULL"),
			 1);

	/* A follow-up closed in the mirror reaches the server and the agent, once. */
	fu = fx_sql_int(mpath, "SELECT id FROM followups WHERE done_at IS NULL LIMIT 1");
	ck_assert_int_gt(fu, 0);
	/* Listed while it waits to be sent, and only then. */
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM sync_closed"), 0);
	ck_assert_int_eq(followup_done(m, fu, INT64_C(1700000200000), &done_at, &err), POISE_OK);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM sync_closed"), 1);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.followups_sent, 1);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM sync_closed"), 0);
	ck_assert_int_eq(
		pgt_int(admin,
			"SELECT count(*) FROM poise.followups WHERE done_at = 1700000200000"),
		1);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.followups_sent + mn.followups_done, 0);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.followups_done, 1);

	/* The agent's new events arrive in the mirror incrementally. */
	{
		struct call_meta cm = {0};
		struct event ev = {0, INT64_C(1700000300000), EV_START, 0, 0, 0, NULL};
		struct playbook *pb = NULL;
		int deferred = 0;

		ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
		ck_assert_int_eq(store_new_uuid(cm.id, ev.t, &err), POISE_OK);
		snprintf(cm.agent, sizeof(cm.agent), "agent01");
		cm.started = ev.t;
		ck_assert_msg(store_call_begin(st, &cm, pb, &err) == POISE_OK, "%s", err.msg);
		ev.text = pb->hash;
		ck_assert_int_eq(store_append(st, cm.id, &ev, &deferred, &err), POISE_OK);
		playbook_free(pb);
	}
	sync_ok(agent, st, &n);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.calls, 1);
	ck_assert_int_eq(mn.events, 1);
	same_calls(st, m);
	/* An agent's mirror is their own calls only: the server's policies say so. */
	{
		struct store *own = NULL;
		char opath[640];

		snprintf(opath, sizeof(opath), "%.500s.own", path);
		ck_assert_int_eq(store_open(opath, 0, &own, &err), POISE_OK);
		mirror_ok(agent, own, &mn);
		ck_assert_int_eq((long long)mn.calls, mine + 1);
		store_close(own);
	}
	store_close(m);
	store_close(st);
	team_close(agent);
	team_close(sue);
	PQfinish(admin);
}
END_TEST

static int sum_line(void *ctx, const struct score_sums *x)
{
	char *out = ctx;
	size_t len = strlen(out);

	snprintf(out + len, 4096 - len, "%s|%s|%ld|%ld|%ld|%ld|%lld\n", x->agent,
		 x->criterion ? x->criterion : "-", x->calls, x->n, x->scored, x->auto_failed,
		 (long long)x->sum);
	return 0;
}

/* The QA figures of agent01's calls as a text. */
static void sums_of(struct store *db, char *out)
{
	struct score_filter f = {0, 0, "agent01", NULL, 0};
	struct poise_error err = {0};

	out[0] = '\0';
	ck_assert_msg(store_score_sums(db, &f, sum_line, out, &err) == POISE_OK, "%s", err.msg);
}

/*
 * The coaching loop across machines: the supervisor scores a call and
 * comments in the mirror; the agent's sync brings both; the agent disputes;
 * the mirror brings the dispute under the review. Each step twice changes
 * nothing; a later rescore replaces the earlier everywhere; the QA figures
 * read from the mirror equal the agent's own.
 */
START_TEST(test_qa_loop)
{
	struct store *st = sfx_setup(DB, 1, 6, path, sizeof(path)), *m = NULL;
	struct team *agent = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	struct team_mirror_counts mn;
	struct poise_error err = {0};
	struct review r = {0};
	struct review_reply rp = {0};
	char *call, qid[37] = "", here[4096], there[4096];

	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	ck_assert_msg(store_open(mpath, 0, &m, &err) == POISE_OK, "%s", err.msg);
	sync_ok(agent, st, &n);
	mirror_ok(sue, m, &mn);
	call = fx_sql_text(mpath, "SELECT id FROM calls WHERE status = 'done' ORDER BY id LIMIT 1");
	/* The supervisor comments and scores in the mirror; the next mirror sends the score. */
	fixture_review(m, &r, call, "t_sue", "name the feeling before the fix",
		       INT64_C(1700000100000));
	sfx_score(m, call, qid, 2, INT64_C(1700000100000));
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.reviews_sent, 1);
	ck_assert_int_eq(mn.scores_sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_scores WHERE reviewer = "
					"'t_sue'"),
			 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers WHERE value IS "
					"NULL"),
			 1);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.scores_sent + mn.scores + mn.replies + mn.reviews_sent, 0);
	/* The agent's sync brings the comment and the score, as scored. */
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.reviews, 1);
	ck_assert_int_eq(n.scores, 1);
	ck_assert_int_eq(sfx_local(path, "SELECT value FROM qa_answers WHERE criterion = "
					 "'listened'"),
			 2);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM qa_answers WHERE value IS NULL"), 1);
	ck_assert_int_eq(sfx_local(path, "SELECT score FROM qa_scores"),
			 fx_sql_int(mpath, "SELECT score FROM qa_scores"));
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.scores + n.replies + n.replies_sent + n.reviews, 0);
	/* The agent disputes it on the ready screen; the sync sends the dispute. */
	rp.review_id = sfx_local(path, "SELECT id FROM reviews");
	rp.kind = REPLY_DISPUTE;
	snprintf(rp.agent, sizeof(rp.agent), "agent01");
	snprintf(rp.text, sizeof(rp.text), "the customer would not let me speak");
	ck_assert_msg(store_reply_add(st, &rp, INT64_C(1700000150000), &err) == POISE_OK, "%s",
		      err.msg);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.replies_sent, 1);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM review_replies WHERE synced = 0"), 0);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.review_replies WHERE kind = "
					"'dispute' AND agent = 'agent01'"),
			 1);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.replies_sent + n.replies, 0);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.review_replies"), 1);
	/* The supervisor's mirror brings it under the review, as review shows it. */
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.replies, 1);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM review_replies p JOIN reviews r "
					   "ON r.uuid = p.review_id WHERE p.kind = 'dispute' AND "
					   "p.text = 'the customer would not let me speak'"),
			 1);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.replies + mn.scores + mn.scores_sent, 0);
	/* Rescored later in the mirror: the server and the agent take the later edit. */
	sfx_score(m, call, qid, 4, INT64_C(1700000200000));
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.scores_sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT value FROM poise.qa_answers WHERE criterion = "
					"'listened'"),
			 4);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.scores, 1);
	ck_assert_int_eq(sfx_local(path, "SELECT value FROM qa_answers WHERE criterion = "
					 "'listened'"),
			 4);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM qa_scores"), 1);
	/* The QA figures from the mirror (report --server) equal the agent's own. */
	sums_of(m, there);
	sums_of(st, here);
	ck_assert_ptr_nonnull(strstr(there, "agent01|-|1|1|1|0|"));
	ck_assert_str_eq(here, there);
	free(call);
	store_close(m);
	store_close(st);
	team_close(agent);
	team_close(sue);
	PQfinish(admin);
}
END_TEST

/*
 * A review edited in one of a supervisor's two mirrors reaches the other
 * and the agent; edited in both, the later edit wins everywhere, whichever
 * mirror syncs first.
 */
START_TEST(test_later_review_edit_wins_in_sync)
{
	struct store *m1 = NULL, *m2 = NULL;
	char p2[640], *call, *c;
	struct store *st = two_mirrors(4, &m1, &m2, p2, sizeof(p2));
	struct team *agent = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	struct team_mirror_counts mn;
	struct poise_error err = {0};
	struct review r1 = {0}, r2;

	call = fx_sql_text(mpath, "SELECT id FROM calls ORDER BY id LIMIT 1");
	fixture_review(m1, &r1, call, "t_sue", "one", INT64_C(1700000100000));
	mirror_ok(sue, m1, &mn);
	mirror_ok(sue, m2, &mn);
	ck_assert_int_eq(mn.reviews, 1);
	/* Edited in m2 only: m1 and the agent take it. */
	r2 = r1;
	r2.id = fx_sql_int(p2, "SELECT id FROM reviews");
	snprintf(r2.comment, sizeof(r2.comment), "two");
	r2.updated_at = INT64_C(1700000200000);
	ck_assert_int_eq(review_save(m2, &r2, &err), POISE_OK);
	mirror_ok(sue, m2, &mn);
	ck_assert_int_eq(mn.reviews_sent, 1);
	mirror_ok(sue, m1, &mn);
	ck_assert_int_eq(mn.reviews, 1);
	c = fx_sql_text(mpath, "SELECT comment FROM reviews");
	ck_assert_str_eq(c, "two");
	free(c);
	/* Edited in both, m1 earlier and syncing last: m2's later edit wins everywhere. */
	snprintf(r1.comment, sizeof(r1.comment), "three, earlier");
	r1.updated_at = INT64_C(1700000300000);
	ck_assert_int_eq(review_save(m1, &r1, &err), POISE_OK);
	snprintf(r2.comment, sizeof(r2.comment), "three, later");
	r2.updated_at = INT64_C(1700000400000);
	ck_assert_int_eq(review_save(m2, &r2, &err), POISE_OK);
	mirror_ok(sue, m2, &mn);
	mirror_ok(sue, m1, &mn);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.reviews WHERE comment = "
					"'three, later' AND updated_at = 1700000400000"),
			 1);
	c = fx_sql_text(mpath, "SELECT comment FROM reviews");
	ck_assert_str_eq(c, "three, later");
	free(c);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT synced FROM reviews"), 1);
	sync_ok(agent, st, &n);
	c = fx_sql_text(path, "SELECT comment FROM reviews");
	ck_assert_str_eq(c, "three, later");
	free(c);
	/* Nothing more moves, either mirror. */
	mirror_ok(sue, m1, &mn);
	ck_assert_int_eq(mn.reviews + mn.reviews_sent, 0);
	mirror_ok(sue, m2, &mn);
	ck_assert_int_eq(mn.reviews + mn.reviews_sent, 0);
	free(call);
	store_close(m1);
	store_close(m2);
	store_close(st);
	team_close(agent);
	team_close(sue);
	PQfinish(admin);
}
END_TEST

/*
 * A row on the server poise would not write (here a note holding a terminal
 * control) leaves its call out of the mirror, counted and the first named;
 * the rest of the team comes down, and the mark moves.
 */
START_TEST(test_mirror_refuses_bad_rows)
{
	struct store *st = sfx_setup(DB, 1, 5, path, sizeof(path)), *m = NULL;
	struct team *agent = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	PGconn *admin = pgt_connect(DB, NULL);
	struct team_sync_counts n;
	struct team_mirror_counts mn;
	struct poise_error err = {0};
	int bad, all;

	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	ck_assert_int_eq(store_open(mpath, 0, &m, &err), POISE_OK);
	sync_ok(agent, st, &n);
	ck_assert_int_gt(pgt_int(admin, "SELECT count(*) FROM poise.events WHERE kind = 'note'"),
			 0);
	bad = pgt_int(admin, "SELECT count(DISTINCT call_id) FROM poise.events WHERE kind = 'note'");
	all = pgt_int(admin, "SELECT count(*) FROM poise.calls");
	ck_assert_int_lt(bad, all);
	pgt_ok(admin, "UPDATE poise.events SET text = E'\\x1b[2J' WHERE kind = 'note'");
	ck_assert_int_eq(team_mirror(sue, m, &mn, &err), POISE_OK);
	ck_assert_int_eq((int)mn.refused, bad);
	ck_assert_int_eq((int)mn.calls, all - bad);
	ck_assert_msg(strstr(mn.refused_why, "agent agent01") &&
			      strstr(mn.refused_why, "control character (U+001B)"),
		      "%s", mn.refused_why);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM calls"), all - bad);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM events WHERE kind = 'note'"), 0);
	ck_assert_int_gt(fx_sql_int(mpath, "SELECT count(*) FROM sync_marks"), 0);
	store_close(m);
	store_close(st);
	team_close(agent);
	team_close(sue);
	PQfinish(admin);
}
END_TEST

/*
 * A comment replaced by the server's later edit, in the agent's database
 * by a sync and in a supervisor's mirror by a mirror: the old words are in
 * no file of either afterwards (secure_delete zeroes them in the database,
 * the WAL is checkpointed out), with each database held open meanwhile as
 * the ready screen and a review screen hold them.
 */
START_TEST(test_replaced_comment_does_not_linger)
{
	struct store *st = sfx_setup(DB, 1, 3, path, sizeof(path)), *m = NULL, *held, *mheld;
	struct team *agent = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	PGconn *psue = pgt_connect(DB, "t_sue");
	struct team_sync_counts n;
	struct team_mirror_counts mn;
	struct poise_error err = {0};

	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	ck_assert_msg(store_open(mpath, 0, &m, &err) == POISE_OK, "%s", err.msg);
	sync_ok(agent, st, &n);
	pgt_ok(psue, "INSERT INTO poise.reviews (call_id, comment) SELECT id, "
		     "'oldsecretcomment, first words' FROM poise.calls ORDER BY id LIMIT 1");
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.reviews, 1);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.reviews, 1);
	ck_assert(fx_text_in_files(path, "oldsecretcomment"));
	ck_assert(fx_text_in_files(mpath, "oldsecretcomment"));
	ck_assert_int_eq(store_open(path, 0, &held, &err), POISE_OK);
	ck_assert_int_eq(store_open(mpath, 0, &mheld, &err), POISE_OK);
	pgt_ok(psue, "UPDATE poise.reviews SET comment = 'kinder words', updated_at = "
		     "1700000300000");
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.reviews, 1);
	mirror_ok(sue, m, &mn);
	ck_assert_int_eq(mn.reviews, 1);
	ck_assert_msg(!fx_text_in_files(path, "oldsecretcomment"), "lingers in the agent's files");
	ck_assert_msg(!fx_text_in_files(mpath, "oldsecretcomment"),
		      "lingers in the mirror's files");
	ck_assert_int_eq(
		sfx_local(path, "SELECT count(*) FROM reviews WHERE comment = 'kinder words'"), 1);
	ck_assert_int_eq(
		fx_sql_int(mpath, "SELECT count(*) FROM reviews WHERE comment = 'kinder words'"),
		1);
	store_close(held);
	store_close(mheld);
	store_close(m);
	store_close(st);
	team_close(agent);
	team_close(sue);
	PQfinish(psue);
}
END_TEST

/*
 * A rescoring whose new version has no answers (all cleared), or fewer:
 * the server's answers are the new version's, whole, and so are every
 * other mirror's and the agent's after their sync; sending it again
 * changes nothing.
 */
START_TEST(test_rescore_replaces_answers_whole)
{
	struct store *m1 = NULL, *m2 = NULL;
	char p2[640], *call, qid[37] = "";
	struct store *st = two_mirrors(3, &m1, &m2, p2, sizeof(p2));
	struct team *agent = sfx_team(DB, "agent01"), *sue = sfx_team(DB, "t_sue");
	PGconn *admin = pgt_connect(DB, NULL);
	const struct qa_answer one[] = {{"named-feeling", 5, SCALE_YES_NO, 0, 1}};
	struct team_sync_counts n;
	struct team_mirror_counts mn;
	struct poise_error err = {0};
	struct review r = {0};
	size_t sent = 0, scores, replies;

	mirror_ok(sue, m2, &mn);
	call = fx_sql_text(mpath, "SELECT id FROM calls ORDER BY id LIMIT 1");
	sfx_score(m1, call, qid, 3, INT64_C(1700000200000));
	mirror_ok(sue, m1, &mn);
	ck_assert_int_eq(mn.scores_sent, 1);
	mirror_ok(sue, m2, &mn);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers"), 2);
	ck_assert_int_eq(fx_sql_int(p2, "SELECT count(*) FROM qa_answers"), 2);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM qa_answers"), 2);
	/* Fewer answers: one left, changed. */
	fixture_score(m1, call, "t_sue", qid, INT64_C(1700000100000), INT64_C(1700000300000), one,
		      1);
	mirror_ok(sue, m1, &mn);
	ck_assert_int_eq(mn.scores_sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers"), 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT value FROM poise.qa_answers"), 1);
	/* None: every answer cleared. */
	fixture_score(m1, call, "t_sue", qid, INT64_C(1700000100000), INT64_C(1700000400000), one,
		      0);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM qa_answers"), 0);
	mirror_ok(sue, m1, &mn);
	ck_assert_int_eq(mn.scores_sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers"), 0);
	ck_assert_int_eq(pgt_int(admin, "SELECT updated_at FROM poise.qa_scores"),
			 INT64_C(1700000400000));
	/* Sent again (marked unsent here), the big batch's way (COPY): nothing changes. */
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM qa_scores WHERE synced = 1"), 1);
	fx_sql_exec(mpath, "UPDATE qa_scores SET synced = 0");
	ck_assert_msg(team_qa(sue, m1, 1, &(struct team_sync_opts){.copy_from = 1}, &sent,
			      &scores, &replies, &err) == POISE_OK,
		      "%s", err.msg);
	ck_assert_uint_eq(sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers"), 0);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_scores"), 1);
	/* The other mirror and the agent take the whole new version. */
	mirror_ok(sue, m2, &mn);
	ck_assert_int_eq(mn.scores, 1);
	ck_assert_int_eq(fx_sql_int(p2, "SELECT count(*) FROM qa_answers"), 0);
	ck_assert_int_eq(fx_sql_int(p2, "SELECT updated_at FROM qa_scores"),
			 INT64_C(1700000400000));
	sync_ok(agent, st, &n);
	ck_assert_int_eq(n.scores, 1);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM qa_answers"), 0);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM qa_scores"), 1);
	/* The same for a review's stage scores: all cleared, cleared everywhere. */
	fixture_review(m1, &r, call, "t_sue", "scored", INT64_C(1700000500000));
	r.scores[STAGE_CALM] = 4;
	r.scores[STAGE_SOLVE] = 2;
	r.updated_at = INT64_C(1700000510000);
	ck_assert_msg(review_save(m1, &r, &err) == POISE_OK, "%s", err.msg);
	mirror_ok(sue, m1, &mn);
	mirror_ok(sue, m2, &mn);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(fx_sql_int(p2, "SELECT count(*) FROM review_scores"), 2);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM review_scores"), 2);
	memset(r.scores, 0, sizeof(r.scores));
	r.updated_at = INT64_C(1700000520000);
	ck_assert_msg(review_save(m1, &r, &err) == POISE_OK, "%s", err.msg);
	mirror_ok(sue, m1, &mn);
	ck_assert_int_eq(mn.reviews_sent, 1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.reviews WHERE"
					" num_nonnulls(score_calm, score_solve) > 0"),
			 0);
	mirror_ok(sue, m2, &mn);
	sync_ok(agent, st, &n);
	ck_assert_int_eq(fx_sql_int(p2, "SELECT count(*) FROM review_scores"), 0);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM review_scores"), 0);
	free(call);
	store_close(m1);
	store_close(m2);
	store_close(st);
	team_close(agent);
	team_close(sue);
	PQfinish(admin);
}
END_TEST

Suite *team_mirror_suite(void)
{
	Suite *s = suite_create("team_mirror");
	TCase *tc = tcase_create("mirror");

	tcase_add_test(tc, test_mirror_whole_team_both_ways);
	tcase_add_test(tc, test_mirror_refuses_bad_rows);
	tcase_add_test(tc, test_qa_loop);
	tcase_add_test(tc, test_later_review_edit_wins_in_sync);
	tcase_add_test(tc, test_replaced_comment_does_not_linger);
	tcase_add_test(tc, test_rescore_replaces_answers_whole);
	suite_add_tcase(s, tc);
	return s;
}
