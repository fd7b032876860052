/* event.c - names of event kinds, outcomes and skip reasons; what a storable event is. */
#include "poise/event.h"

#include "poise/limits.h"
#include "poise/playbook.h"
#include "poise/text.h"
#include "poise/i18n.h"

#include <stdio.h>
#include <string.h>

#define KIND_KEY(name, key) key,
static const char *const kind_keys[] = {EVENT_KIND_LIST(KIND_KEY)};
#undef KIND_KEY

/* An outcome's or a skip reason's stored key, its key on screen and its label. */
struct choice {
	const char *key;
	int ch;
	const char *label;
};
#define CHOICE_FIELDS(name, key, ch, label) {key, ch, label},
static const struct choice outcomes[] = {OUTCOME_LIST(CHOICE_FIELDS)};
static const struct choice skips[] = {SKIP_REASON_LIST(CHOICE_FIELDS)};
#undef CHOICE_FIELDS

const char *event_kind_key(enum event_kind kind)
{
	return (unsigned)kind < EV_COUNT ? kind_keys[kind] : "unknown";
}

/* The first byte rules most keys out without a call: reports look up every event. */
int event_kind_from_key(const char *key)
{
	for (int i = 0; key && i < EV_COUNT; i++)
		if (kind_keys[i][0] == key[0] && strcmp(kind_keys[i], key) == 0)
			return i;
	return -1;
}

const char *event_field(const char *text, int i, int *len)
{
	const char *p = text ? text : "";

	while (i-- > 0 && *p) {
		p += strcspn(p, "\t");
		p += *p == '\t';
	}
	*len = (int)strcspn(p, "\t");
	return p;
}

static int is_date(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd";

	if (n != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return 1;
}

enum poise_status event_check(const struct event *ev, struct poise_error *err)
{
	const char *why = NULL;

	if ((unsigned)ev->kind >= EV_COUNT)
		why = N_("unknown event kind");
	else if (!stage_key((enum stage)ev->stage))
		why = N_("stage out of range");
	else if (ev->kind == EV_MOOD && (ev->a < MOOD_MIN || ev->a > MOOD_MAX))
		why = N_("mood must be 1..5");
	else if (ev->kind == EV_SKIP &&
		 (!section_key((enum section)ev->a) || ev->b < 0 || !ev->text))
		why = N_("skip needs a section, an item and a reason");
	else if (ev->kind == EV_FOLLOWUP && ev->text) {
		int n;

		event_field(ev->text, 0, &n);
		if (n && !is_date(ev->text, (size_t)n))
			why = N_("follow-up due date must be YYYY-MM-DD");
	}
	if (!why && ev->text) {
		struct poise_error text;

		/* What merge takes from another database, and no more: a note is one rule everywhere. */
		if (text_check_field(N_("its text"), ev->text, FIELD_EVENT_TEXT_MAX,
				     TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB, &text) != POISE_OK)
			return poise_error_set(err, text.status, NULL, 0, 0,
					       "cannot save '%s' event: %s",
					       event_kind_key(ev->kind), text.msg);
	}
	if (!why)
		return POISE_OK;
	return poise_error_set(err, POISE_INVALID, NULL, 0, 0, "cannot save '%s' event: %s",
			       event_kind_key(ev->kind), _(why));
}

const char *outcome_key(enum outcome outcome)
{
	return (unsigned)outcome < OUTCOME_COUNT ? outcomes[outcome].key : "";
}

const char *outcome_label(enum outcome outcome)
{
	return (unsigned)outcome < OUTCOME_COUNT ? _(outcomes[outcome].label) : "";
}

enum outcome outcome_from_key(const char *key)
{
	for (int i = 0; i < OUTCOME_COUNT; i++)
		if (key && strcmp(outcomes[i].key, key) == 0)
			return (enum outcome)i;
	return OUTCOME_NONE;
}

/* The index of the choice of c[0..n) whose key on screen is ch; -1 when none. */
static int choice_of_char(const struct choice *c, int n, int ch)
{
	for (int i = 0; i < n; i++)
		if (c[i].ch == ch)
			return i;
	return -1;
}

/* c[0..n) as a question offers them, "k label  k label", and their keys "kk" (n + 1 bytes). */
static void choices_line(const struct choice *c, int n, char *line, size_t size, char *keys)
{
	size_t len = 0;

	for (int i = 0; i < n; i++)
		keys[i] = (char)c[i].ch;
	keys[n] = '\0';
	line[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(line + len, size - len, "%s%c %s", i ? "  " : "", c[i].ch,
				 _(c[i].label));

		if (w < 0 || (size_t)w >= size - len) {
			line[len] = '\0'; /* whole choices only: never half a character */
			break;
		}
		len += (size_t)w;
	}
}

void outcome_choices(char *line, size_t size, char keys[OUTCOME_COUNT + 1])
{
	choices_line(outcomes, OUTCOME_COUNT, line, size, keys);
}

void skip_reason_choices(char *line, size_t size, char keys[SKIP_COUNT + 1])
{
	choices_line(skips, SKIP_COUNT, line, size, keys);
}

enum outcome outcome_from_char(int ch)
{
	int i = choice_of_char(outcomes, OUTCOME_COUNT, ch);

	return i < 0 ? OUTCOME_NONE : (enum outcome)i;
}

const char *skip_reason_key(enum skip_reason reason)
{
	return (unsigned)reason < SKIP_COUNT ? skips[reason].key : "";
}

const char *skip_reason_label(enum skip_reason reason)
{
	return (unsigned)reason < SKIP_COUNT ? _(skips[reason].label) : "";
}

int skip_reason_from_key(const char *key)
{
	for (int i = 0; key && i < SKIP_COUNT; i++)
		if (strcmp(skips[i].key, key) == 0)
			return i;
	return -1;
}

int skip_reason_from_char(int ch)
{
	return choice_of_char(skips, SKIP_COUNT, ch);
}
