/*
 * check_store_ready.c - the ready screen's queries: follow-ups due, newest call (its figures
 * are the report's: check_figures.c).
 */
#include "poise/store_ready.h"

#include <string.h>

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

struct fus {
	int n;
	struct followup f[8];
};

static int collect_fu(void *ctx, const struct followup *f)
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

/*
 * The ready screen lists `poise followups`' own rows, of one agent: each
 * field the same (seq and agent too, so `d` names the follow-up as
 * `followups done` does), none of another agent's or not yet due.
 */
START_TEST(ready_followups_are_the_followups_rows)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct poise_error err = {0};
	struct fus ready = {0}, all = {0};
	char id[37], other[37];
	int mine = 0;

	call(st, id, "ana", 1000, 0, NULL);
	fx_append(st, id, EV_WRAPUP, 2000, 0, 0, 0, NULL);
	fx_append(st, id, EV_FOLLOWUP, 2001, 0, 0, 0, "2025-03-01\tphone\tlater one");
	fx_append(st, id, EV_FOLLOWUP, 2002, 0, 0, 0, "2025-01-02\temail\tcredit note");
	call(st, other, "bob", 1000, 0, NULL);
	fx_append(st, other, EV_WRAPUP, 2000, 0, 0, 0, NULL);
	fx_append(st, other, EV_FOLLOWUP, 2001, 0, 0, 0, "2025-01-01\tphone\tbob's");
	ck_assert_int_eq(
		store_ready_followups(st, "ana", "2025-03-01", 10, collect_fu, &ready, &err),
		POISE_OK);
	ck_assert_int_eq(followup_each(st, "2025-03-01", 0, collect_fu, &all, &err), POISE_OK);
	ck_assert_int_eq(ready.n, 2);
	for (int i = 0; i < all.n; i++) {
		if (strcmp(all.f[i].agent, "ana") != 0)
			continue;
		ck_assert_int_lt(mine, ready.n);
		ck_assert_int_gt(ready.f[mine].seq, 0);
		ck_assert_int_eq(ready.f[mine].id, all.f[i].id);
		ck_assert_int_eq(ready.f[mine].seq, all.f[i].seq);
		ck_assert_str_eq(ready.f[mine].agent, "ana");
		ck_assert_mem_eq(&ready.f[mine], &all.f[i], sizeof(all.f[i]));
		mine++;
	}
	ck_assert_int_eq(mine, ready.n);
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

static int count_call(void *ctx, const struct call_meta *m)
{
	(void)m;
	++*(int *)ctx;
	return 0;
}

/*
 * store_ready_start against the full queries it stands in for, on st as it
 * is: a flag is never 0 where its query finds something (or a session would
 * miss a call to resume or close), and with nothing in the side log it is 1
 * only where its query finds something.
 */
static void start_agrees(struct store *st, const char *agent, int want_calls, int want_practice,
			 int want_interrupted)
{
	struct poise_error err = {0};
	struct ready_start rs;
	struct call_meta m;
	char id[37];
	int calls = 0, practice = 0, interrupted = 0;
	enum poise_status ps = store_each_open_call(st, agent, count_call, &calls, &err);

	ck_assert(ps == POISE_OK || ps == POISE_NOT_FOUND); /* NOT_FOUND: none */
	ps = store_each_open_practice(st, agent, count_call, &practice, &err);
	ck_assert(ps == POISE_OK || ps == POISE_NOT_FOUND);
	if (store_ready_last_call(st, agent, id, &err) == POISE_OK) {
		ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
		interrupted = strcmp(m.status, "interrupted") == 0;
	}
	ck_assert_int_eq(store_ready_start(st, agent, &rs, &err), POISE_OK);
	ck_assert_int_eq(calls > 0, want_calls);
	ck_assert_int_eq(practice > 0, want_practice);
	ck_assert_int_eq(interrupted, want_interrupted);
	if (store_pending(st) > 0) {
		ck_assert(rs.open_calls && rs.open_practice && rs.last_interrupted);
		return;
	}
	ck_assert_int_eq(rs.open_calls, calls > 0);
	ck_assert_int_eq(rs.open_practice, practice > 0);
	ck_assert_int_eq(rs.last_interrupted, interrupted);
}

/* A rehearsal of agent started at `start`, left open. */
static void rehearsal(struct store *st, const char *agent, int64_t start)
{
	struct poise_error err = {0};
	struct event ev = {.t = start, .kind = EV_START};
	struct call_meta m;
	int deferred = 0;

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(store_new_uuid(m.id, start, &err), POISE_OK);
	snprintf(m.agent, sizeof(m.agent), "%s", agent);
	snprintf(m.practice, sizeof(m.practice), "angry-refund");
	m.started = start;
	ev.text = pb.hash;
	ck_assert_msg(store_call_start(st, &m, &pb, &ev, &deferred, &err) == POISE_OK, "%s",
		      err.msg);
}

START_TEST(start_check_agrees_with_the_full_queries)
{
	const char *path = fx_path(0, "db");
	struct store *st = fx_open(path);
	struct poise_error err = {0};
	char a[37], b[37], c[37], d[37], e[37];
	sqlite3 *other;
	int deferred = 0;
	struct event ev = {.t = 9000, .kind = EV_MOOD, .a = 3};

	start_agrees(st, "ana", 0, 0, 0); /* nothing at all */
	call(st, a, "ana", 1000, 2000, "resolved");
	start_agrees(st, "ana", 0, 0, 0); /* a call that ended well */
	call(st, b, "bob", 1500, 0, NULL);
	start_agrees(st, "ana", 0, 0, 0); /* another agent's open call */
	start_agrees(st, "bob", 1, 0, 0);
	rehearsal(st, "ana", 2500);
	start_agrees(st, "ana", 0, 1, 0); /* a rehearsal left open */
	call(st, c, "ana", 3000, 0, NULL);
	fx_append(st, c, EV_INTERRUPTED, 3500, 0, 0, 0, "SIGHUP");
	start_agrees(st, "ana", 0, 1, 1); /* the newest call interrupted */
	call(st, d, "ana", 4000, 5000, "resolved");
	start_agrees(st, "ana", 0, 1, 0); /* ... and then one that ended well */
	call(st, e, "ana", 6000, 0, NULL);
	start_agrees(st, "ana", 1, 1, 0); /* an open call */
	/* Locked: an event waits in the side log, which only the full queries read. */
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_append(st, e, &ev, &deferred, &err), POISE_OK);
	ck_assert_int_eq(deferred, 1);
	ck_assert_uint_eq(store_pending(st), 1);
	start_agrees(st, "bob", 1, 0, 0);
	ck_assert_int_eq(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	store_close(st);
}
END_TEST

Suite *store_ready_suite(void)
{
	Suite *s = suite_create("store_ready");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, followups_due_oldest_first_for_the_agent);
	tcase_add_test(tc, ready_followups_are_the_followups_rows);
	tcase_add_test(tc, last_call_is_the_newest_start);
	tcase_add_test(tc, start_check_agrees_with_the_full_queries);
	suite_add_tcase(s, tc);
	return s;
}
