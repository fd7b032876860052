/*
 * report_qa.c - the QA part of a report: the sums of store_score_sums()
 * over the calls the report selects, added to each agent's column and to
 * everyone's, per agent and per criterion (docs/metrics.md, "QA").
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "poise/store_score.h"
#include "util/grow.h"

/* The criterion's counter in a (kept in id order); NULL: out of memory. */
static struct report_criterion *crit_of(struct acc *a, const char *id)
{
	return GROW_SORTED(a->crit, a->ncrit, a->critcap, 8, struct report_criterion, id, id);
}

static void add_scorings(struct report_figures *f, const struct score_sums *s)
{
	f->qa_calls += s->calls;
	f->qa_scorings += s->n;
	f->qa_scored += s->scored;
	f->qa_score_full += (int64_t)s->scored * SCORE_FULL;
	f->qa_score_sum += s->sum;
	f->qa_auto_failed += s->auto_failed;
}

struct qa_run {
	struct report *r;
	int oom;
};

static int add_sums(void *ctx, const struct score_sums *s)
{
	struct qa_run *qr = ctx;
	struct acc *a = agent_acc(qr->r, s->agent);
	struct acc *both[2] = {a, &qr->r->all};

	if (!a)
		return qr->oom = 1;
	if (!s->criterion) {
		add_scorings(&a->f, s);
		add_scorings(&qr->r->all.f, s);
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		struct report_criterion *c = crit_of(both[i], s->criterion);

		if (!c)
			return qr->oom = 1;
		c->answers += s->n;
		c->sum_bp += s->sum;
	}
	return 0;
}

enum poise_status report_qa_add(struct report *r, struct store *st, const struct report_query *q,
				struct poise_error *err)
{
	struct score_filter f = {q->since, q->until, q->agent, q->playbook, q->practice};
	struct qa_run qr = {r, 0};
	enum poise_status ps = store_score_sums(st, &f, add_sums, &qr, err);

	if (ps == POISE_OK && qr.oom)
		ps = poise_error_nomem(err);
	return ps;
}

size_t report_criteria(const struct report *r, const char *agent,
		       const struct report_criterion **out)
{
	const struct acc *a = &r->all;

	for (size_t i = 0; agent && i < r->nagents; i++)
		if (!strcmp(r->agents[i].f.agent, agent)) {
			*out = r->agents[i].crit;
			return r->agents[i].ncrit;
		}
	if (agent) {
		*out = NULL;
		return 0;
	}
	*out = a->crit;
	return a->ncrit;
}
