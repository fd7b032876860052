/* sync_fixture.c - see sync_fixture.h. */
#include "sync_fixture.h"
#include "helpers/fixture_review.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "poise/gen.h"
#include "poise/playbook.h"
#include "poise/store_score.h"

static char scratch[256];

static void remove_scratch(void)
{
	if (scratch[0])
		fixture_dir_remove(scratch);
}

struct store *sfx_setup(const char *db, int agents, size_t n, char *path, size_t size)
{
	char dir[256];
	struct gen_opts o = {
		.seed = 7, .agents = agents, .days = 30, .end = INT64_C(1700000000000), .calls = n};
	struct poise_error err;
	struct playbook *pb = NULL;
	struct store *st = NULL;
	struct team *t;
	PGconn *admin;

	pgt_db(db);
	t = sfx_team(db, NULL);
	ck_assert_msg(team_init(t, NULL, NULL, &err) == POISE_OK, "%s", err.msg);
	team_close(t);
	admin = pgt_connect(db, NULL);
	pgt_role(admin, "agent01", "poise_agent");
	pgt_role(admin, "t_sue", "poise_supervisor");
	pgt_role(admin, "t_tia", "poise_trainer");
	PQfinish(admin);
	fixture_dir_make(dir, sizeof(dir), "poise-sync-");
	/* Each test case runs in a process of its own: its folder goes when it exits. */
	if (!scratch[0])
		atexit(remove_scratch);
	snprintf(scratch, sizeof(scratch), "%s", dir);
	snprintf(path, size, "%s/poise.db", dir);
	ck_assert_msg(store_open(path, 0, &st, &err) == POISE_OK, "%s", err.msg);
	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%s", err.msg);
	ck_assert_msg(gen_write(st, pb, &o, 0, n, NULL, NULL, &err) == POISE_OK, "%s", err.msg);
	playbook_free(pb);
	return st;
}

struct team *sfx_team(const char *db, const char *role)
{
	struct team *t = NULL;
	struct poise_error err;

	ck_assert_msg(team_connect(pgt_conninfo(db, role), &t, &err) == POISE_OK, "%s", err.msg);
	return t;
}

void sfx_same(const char *path, PGconn *admin)
{
	static const struct {
		const char *local, *server;
	} pairs[] = {
		{"SELECT count(*) FROM calls WHERE agent = 'agent01'",
		 "SELECT count(*) FROM poise.calls"},
		{"SELECT count(*) FROM events e JOIN calls c ON c.id = e.call_id "
		 "WHERE c.agent = 'agent01'",
		 "SELECT count(*) FROM poise.events"},
		{"SELECT count(DISTINCT e.call_id || '/' || e.seq) FROM events e "
		 "JOIN calls c ON c.id = e.call_id WHERE c.agent = 'agent01'",
		 "SELECT count(DISTINCT (call_id, seq)) FROM poise.events"},
		{"SELECT sum(e.t % 100000 + e.seq) FROM events e JOIN calls c ON c.id = e.call_id "
		 "WHERE c.agent = 'agent01'",
		 "SELECT sum(t % 100000 + seq) FROM poise.events"},
		{"SELECT sum(last_seq) FROM calls WHERE agent = 'agent01'",
		 "SELECT sum(last_seq) FROM poise.calls"},
		{"SELECT count(*) FROM followups f JOIN calls c ON c.id = f.call_id "
		 "WHERE c.agent = 'agent01'",
		 "SELECT count(*) FROM poise.followups"},
		{"SELECT count(*) FROM call_figures f JOIN calls c ON c.id = f.call_id "
		 "WHERE c.agent = 'agent01'",
		 "SELECT count(*) FROM poise.call_figures"},
		{"SELECT count(*) FROM calls WHERE agent = 'agent01'",
		 "SELECT count(*) FROM poise.calls WHERE agent = 'agent01'"},
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		long long l = sfx_local(path, pairs[i].local), s = pgt_int(admin, pairs[i].server);

		ck_assert_msg(l == s, "%s: %lld here, %lld on the server", pairs[i].server, l, s);
	}
	ck_assert_int_gt(sfx_local(path, "SELECT count(*) FROM events"), 0);
}

void sfx_score(struct store *db, const char *call, char *id, int value, int64_t now)
{
	const struct qa_answer a[] = {{"listened", 10, SCALE_1_5, 0, value},
				      {"named-feeling", 5, SCALE_YES_NO, 0, SCORE_NA}};

	fixture_score(db, call, "t_sue", id, INT64_C(1700000100000), now, a, 2);
}
