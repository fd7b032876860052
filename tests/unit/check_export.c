/* check_export.c - JSON Lines and CSV export, parsed back; redaction. */
#include "store_fixture.h"

#include "helpers/json.h"
#include "poise/export.h"
#include "poise/review.h"
#include "poise/store_score.h"
#include "main/suite.h"

static const char pb_text[] = "id: test\n";
static const char note[] = "said \"no\", then \\ left\x01\ncafé 😀 \xff!";
/* The same in a CSV cell: newline kept, the control and the bad byte shown as U+FFFD. */
static const char note_csv[] = "said \"no\", then \\ left\xef\xbf\xbd\ncafé 😀 \xef\xbf\xbd!";
static const char note_fixed[] = "said \"no\", then \\ left\x01\ncafé 😀 \xef\xbf\xbd!";

static struct store *st;
static char id1[37], id2[37], id3[37];

/* Three calls: a full one, a short one, and one without events. */
static void seed(void)
{
	struct playbook pb = fx_pb("test", "c0", pb_text);

	fx_setup();
	st = fx_open(fx_path(0, "export.db"));
	id1[0] = id2[0] = id3[0] = '\0';
	fx_call(st, id1, "ana", "Zoë Secretname", 100000, &pb);
	fx_append(st, id1, EV_START, 100000, STAGE_CALM, 0, 0, pb.hash);
	fx_append(st, id1, EV_MOOD, 101000, STAGE_CALM, 5, 0, NULL);
	/* The store takes no such note (event_check): it is put in by hand, as sqlite3 would. */
	fx_append(st, id1, EV_NOTE, 102500, STAGE_LISTEN, 0, 0, "by hand");
	fx_sql_text_param(fx_path(0, "export.db"), "UPDATE events SET text = ?1 WHERE text = 'by hand'",
			  note);
	fx_append(st, id1, EV_ESCALATE, 103000, STAGE_LISTEN, 0, 0, "wants Mr Secretname's boss");
	fx_append(st, id1, EV_OUTCOME, 104000, STAGE_SOLVE, 0, 0, "resolved");
	fx_append(st, id1, EV_CAUSE, 104100, STAGE_SOLVE, 0, 0, "billing");
	fx_append(st, id1, EV_FOLLOWUP, 104200, STAGE_FOLLOW_UP, 0, 0,
		  "2024-05-01\tphone\tcall back about invoice 4471");
	fx_append(st, id1, EV_REFLECTION, 104300, STAGE_FOLLOW_UP, 0, 0,
		  "kept my voice low\tgive the ref sooner");
	fx_append(st, id1, EV_END, 105000, STAGE_FOLLOW_UP, 0, 0, NULL);
	fx_call(st, id2, "bo", "Plain", 200000, &pb);
	fx_append(st, id2, EV_START, 200000, STAGE_CALM, 0, 0, pb.hash);
	fx_call(st, id3, "bo", "Empty, \"Quoted\"", 300000, &pb);
}

static void unseed(void)
{
	store_close(st);
	fx_teardown();
}

/* Run an export into memory (NUL-terminated, free it). */
static char *run(enum export_format fmt, int redact, int64_t since, int64_t until)
{
	FILE *f = tmpfile();
	struct poise_error err = {0};
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(export_calls(st, f, fmt, redact, since, until, &err) == POISE_OK, "%s",
		      err.msg);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Parse JSON Lines into an array of at most 8 objects; returns the count. */
static int parse_lines(char *text, struct json **out)
{
	int n = 0;
	char err[256];

	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_int_lt(n, 8);
		out[n] = json_parse(line, (size_t)(nl - line), err, sizeof(err));
		ck_assert_msg(out[n] != NULL, "line %d: %s", n + 1, err);
		n++;
	}
	return n;
}

static const char *jstr(const struct json *o, const char *key)
{
	const struct json *v = json_get(o, key);

	ck_assert_msg(v != NULL, "no key '%s'", key);
	return v->type == JSON_STRING ? v->string : NULL;
}

static double jnum(const struct json *o, const char *key)
{
	const struct json *v = json_get(o, key);

	ck_assert_msg(v && v->type == JSON_NUMBER, "'%s' is not a number", key);
	return v->number;
}

START_TEST(test_jsonl_parses_back)
{
	char *text = run(EXPORT_JSONL, 0, 0, 0);
	struct json *rec[8];
	const struct json *evs, *ev;
	int n = parse_lines(text, rec);

	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(jstr(rec[0], "id"), id1);
	ck_assert_str_eq(jstr(rec[0], "agent"), "ana");
	ck_assert_str_eq(jstr(rec[0], "customer"), "Zoë Secretname");
	ck_assert_str_eq(jstr(rec[0], "ref"), "REF-Zoë Secretname");
	ck_assert_str_eq(jstr(rec[0], "playbook_id"), "test");
	ck_assert_str_eq(jstr(rec[0], "playbook_version"), "1.0");
	ck_assert_uint_eq(strlen(jstr(rec[0], "playbook_hash")), 64);
	ck_assert(jnum(rec[0], "started") == 100000);
	ck_assert(jnum(rec[0], "ended") == 105000);
	ck_assert_str_eq(jstr(rec[0], "status"), "done");
	ck_assert_str_eq(jstr(rec[0], "outcome"), "resolved");
	ck_assert_str_eq(jstr(rec[0], "cause"), "billing");
	evs = json_get(rec[0], "events");
	ck_assert(evs && evs->type == JSON_ARRAY);
	ck_assert_uint_eq(evs->len, 9);
	ev = evs->items[2];
	ck_assert(jnum(ev, "seq") == 3);
	ck_assert(jnum(ev, "offset_ms") == 2500);
	ck_assert(jnum(ev, "t") == 102500);
	ck_assert_str_eq(jstr(ev, "kind"), "note");
	ck_assert_str_eq(jstr(ev, "stage"), "listen");
	ck_assert_str_eq(jstr(ev, "text"), note_fixed);
	ck_assert(jnum(evs->items[1], "a") == 5);
	ck_assert_ptr_null(jstr(evs->items[1], "text"));
	/* An open call: ended and outcome are null; no events is an empty list. */
	ck_assert_str_eq(jstr(rec[1], "status"), "open");
	ck_assert(json_get(rec[1], "ended")->type == JSON_NULL);
	ck_assert_ptr_null(jstr(rec[1], "outcome"));
	ck_assert_uint_eq(json_get(rec[2], "events")->len, 0);
	ck_assert_str_eq(jstr(rec[2], "customer"), "Empty, \"Quoted\"");
	for (int i = 0; i < n; i++)
		json_free(rec[i]);
	free(text);
}
END_TEST

/* RFC 4180: split one record at *p into fields; returns the count, moves *p on. */
static int csv_record(char **p, char fields[24][256])
{
	int n = 0;
	char *s = *p;

	for (;;) {
		size_t len = 0;

		ck_assert_int_lt(n, 24);
		if (*s == '"') {
			for (s++;; s++) {
				ck_assert_msg(*s, "unterminated quoted field");
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				ck_assert_uint_lt(len, 255);
				fields[n][len++] = *s;
			}
			s++;
		} else {
			while (*s && *s != ',' && *s != '\r' && *s != '\n') {
				ck_assert_uint_lt(len, 255);
				fields[n][len++] = *s++;
			}
		}
		fields[n++][len] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		ck_assert_msg(s[0] == '\r' && s[1] == '\n', "record must end in CRLF");
		*p = s + 2;
		return n;
	}
}

START_TEST(test_csv_parses_back)
{
	char *text = run(EXPORT_CSV, 0, 0, 0), *p = text;
	char(*f)[256] = malloc(24 * 256);
	int rows = 0, n;

	n = csv_record(&p, (char(*)[256])f);
	ck_assert_int_eq(n, 21);
	ck_assert_str_eq(f[0], "call_id");
	ck_assert_str_eq(f[14], "offset_ms");
	ck_assert_str_eq(f[19], "text");
	ck_assert_str_eq(f[20], "practice");
	while (*p) {
		ck_assert_int_eq(csv_record(&p, (char(*)[256])f), 21);
		rows++;
		if (rows == 3) {
			ck_assert_str_eq(f[0], id1);
			ck_assert_str_eq(f[2], "Zoë Secretname");
			ck_assert_str_eq(f[9], "done");
			ck_assert_str_eq(f[12], "3");
			ck_assert_str_eq(f[14], "2500");
			ck_assert_str_eq(f[15], "note");
			ck_assert_str_eq(f[16], "listen");
			ck_assert_str_eq(f[19], note_csv);
		}
		if (rows == 7)
			ck_assert_str_eq(f[19], "2024-05-01\tphone\tcall back about invoice 4471");
		if (rows == 11) {
			ck_assert_str_eq(f[0], id3);
			ck_assert_str_eq(f[2], "Empty, \"Quoted\"");
			ck_assert_str_eq(f[8], "");
			ck_assert_str_eq(f[12], "");
		}
	}
	ck_assert_int_eq(rows, 9 + 1 + 1);
	free(f);
	free(text);
}
END_TEST

static const char *const secrets[] = {
	"Secretname",	 "REF-",	 "said",  "café",   "invoice 4471",
	"kept my voice", "give the ref", "Plain", "Quoted",
};

START_TEST(test_redact_leaves_no_customer_text)
{
	for (int fmt = EXPORT_JSONL; fmt <= EXPORT_CSV; fmt++) {
		char *text = run((enum export_format)fmt, 1, 0, 0);

		for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
			ck_assert_msg(!strstr(text, secrets[i]), "format %d leaks '%s'", fmt,
				      secrets[i]);
		/* What is not personal stays. */
		ck_assert_ptr_nonnull(strstr(text, "resolved"));
		ck_assert_ptr_nonnull(strstr(text, "billing"));
		ck_assert_ptr_nonnull(strstr(text, "2024-05-01"));
		ck_assert_msg(!strstr(text, "phone"), "format %d keeps the follow-up channel", fmt);
		ck_assert_ptr_nonnull(strstr(text, id1));
		free(text);
	}
	{
		char *text = run(EXPORT_JSONL, 1, 0, 0);
		struct json *rec[8];
		int n = parse_lines(text, rec);

		ck_assert_int_eq(n, 3);
		ck_assert_ptr_null(jstr(rec[0], "customer"));
		ck_assert(json_get(rec[0], "redacted")->type == JSON_BOOL);
		for (int i = 0; i < n; i++)
			json_free(rec[i]);
		free(text);
	}
}
END_TEST

START_TEST(test_since_until)
{
	char *text = run(EXPORT_JSONL, 0, 150000, 300000);
	struct json *rec[8];
	int n = parse_lines(text, rec);

	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(jstr(rec[0], "id"), id2);
	json_free(rec[0]);
	free(text);
	text = run(EXPORT_JSONL, 0, 300001, 0);
	ck_assert_str_eq(text, "");
	free(text);
}
END_TEST

START_TEST(test_write_failure_reported)
{
	FILE *f = fopen("/dev/full", "w");
	struct poise_error err = {0};

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(export_calls(st, f, EXPORT_JSONL, 0, 0, 0, &err), POISE_IO);
	ck_assert_msg(strstr(err.msg, "cannot write"), "%s", err.msg);
	fclose(f);
	ck_assert_int_eq(export_format_from_name("csv"), EXPORT_CSV);
	ck_assert_int_eq(export_format_from_name("jsonl"), EXPORT_JSONL);
	ck_assert_int_eq(export_format_from_name("xml"), -1);
}
END_TEST

/* A supervisor's review and QA score of call 1. */
static void add_reviews(void)
{
	struct review r = {0};
	struct qa_score *q = calloc(1, sizeof(*q));
	struct poise_error err = {0};

	memcpy(r.call_id, id1, sizeof(r.call_id));
	snprintf(r.reviewer, sizeof(r.reviewer), "rita Bossname");
	r.created_at = 110000;
	r.scores[STAGE_LISTEN] = 4;
	snprintf(r.comment, sizeof(r.comment), "Mention Secretname's refund sooner");
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	memcpy(q->call_id, id1, sizeof(q->call_id));
	snprintf(q->reviewer, sizeof(q->reviewer), "rita Bossname");
	snprintf(q->scorecard_id, sizeof(q->scorecard_id), "default");
	snprintf(q->scorecard_version, sizeof(q->scorecard_version), "1.0");
	q->answers[0] = (struct qa_answer){"vent", 2, SCALE_YES_NO, 0, 1};
	q->answers[1] = (struct qa_answer){"voice", 1, SCALE_1_5, 0, SCORE_NA};
	q->nanswers = 2;
	ck_assert_int_eq(store_score_save(st, q, 120000, &err), POISE_OK);
	free(q);
}

START_TEST(test_reviews_exported)
{
	struct json *rec[8];
	const struct json *reviews, *scores, *answers;
	char *text, *p;
	char(*f)[256] = malloc(24 * 256);
	int n, kinds = 0;

	add_reviews();
	text = run(EXPORT_JSONL, 0, 0, 0);
	n = parse_lines(text, rec);
	ck_assert_int_eq(n, 3);
	reviews = json_get(rec[0], "reviews");
	ck_assert_uint_eq(reviews->len, 1);
	ck_assert_str_eq(jstr(reviews->items[0], "comment"), "Mention Secretname's refund sooner");
	ck_assert_str_eq(jstr(reviews->items[0], "reviewer"), "rita Bossname");
	ck_assert_int_eq((int)jnum(json_get(reviews->items[0], "stage_scores"), "listen"), 4);
	scores = json_get(rec[0], "qa_scores");
	ck_assert_uint_eq(scores->len, 1);
	ck_assert_int_eq((int)jnum(scores->items[0], "score"), 10000);
	answers = json_get(scores->items[0], "answers");
	ck_assert_uint_eq(answers->len, 2);
	ck_assert_str_eq(jstr(answers->items[1], "criterion"), "voice");
	ck_assert(json_get(answers->items[1], "value")->type == JSON_NULL);
	ck_assert_uint_eq(json_get(rec[1], "reviews")->len, 0);
	for (int i = 0; i < n; i++)
		json_free(rec[i]);
	free(text);

	/* Redacted: no comment, the reviewer a pseudonym; the scores stay. */
	text = run(EXPORT_JSONL, EXPORT_REDACT, 0, 0);
	ck_assert_ptr_null(strstr(text, "Secretname"));
	ck_assert_ptr_null(strstr(text, "Bossname"));
	n = parse_lines(text, rec);
	reviews = json_get(rec[0], "reviews");
	ck_assert(json_get(reviews->items[0], "comment")->type == JSON_NULL);
	ck_assert_str_eq(jstr(reviews->items[0], "reviewer"), "reviewer-1");
	ck_assert_str_eq(jstr(json_get(rec[0], "qa_scores")->items[0], "reviewer"), "reviewer-1");
	for (int i = 0; i < n; i++)
		json_free(rec[i]);
	free(text);

	/* CSV: one row each among the events, the same 21 columns. */
	text = run(EXPORT_CSV, 0, 0, 0);
	p = text;
	ck_assert_int_eq(csv_record(&p, (char(*)[256])f), 21);
	while (*p) {
		ck_assert_int_eq(csv_record(&p, (char(*)[256])f), 21);
		if (!strcmp(f[15], "review")) {
			kinds++;
			ck_assert_str_eq(f[13], "110000");
			ck_assert_str_eq(f[19], "rita Bossname\tlisten=4\tMention Secretname's "
						"refund sooner");
		} else if (!strcmp(f[15], "qa-score")) {
			kinds++;
			ck_assert_str_eq(f[17], "10000");
			ck_assert_str_eq(f[19], "rita Bossname\tdefault\tvent=1;voice=-1");
		}
	}
	ck_assert_int_eq(kinds, 2);
	free(text);
	text = run(EXPORT_CSV, EXPORT_REDACT, 0, 0);
	ck_assert_ptr_null(strstr(text, "Secretname"));
	ck_assert_ptr_nonnull(strstr(text, "reviewer-1\tlisten=4\t"));
	free(text);
	free(f);
}
END_TEST

Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, seed, unseed);
	tcase_add_test(tc, test_jsonl_parses_back);
	tcase_add_test(tc, test_csv_parses_back);
	tcase_add_test(tc, test_redact_leaves_no_customer_text);
	tcase_add_test(tc, test_since_until);
	tcase_add_test(tc, test_reviews_exported);
	tcase_add_test(tc, test_write_failure_reported);
	suite_add_tcase(s, tc);
	return s;
}
