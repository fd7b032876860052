/*
 * fuzz_merge_rows.c - libFuzzer target for merge's row checks.
 *
 * merge takes rows from databases made elsewhere: merge_check_call() and
 * merge_check_event() decide what may enter this one. The input is a call
 * row (tab-separated fields on the first line: id, agent, customer, ref,
 * playbook id, version, hash, cause, status, started, ended) and one event
 * per later line (seq, t, kind, stage, a, b, text). Whatever they hold,
 * the checks must not fault, and what they accept must be within the
 * documented limits (fieldlimits.h), valid UTF-8 without control
 * characters (text.h), with times inside their range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/store/store_int.h"
#include "poise/merge.h"
#include "poise/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next tab- or newline-ended field of *p (NUL-terminated in place). */
static char *field(char **p)
{
	char *start = *p;
	size_t n = strcspn(start, "\t\n");

	*p = start + n + (start[n] != '\0');
	start[n] = '\0';
	return start;
}

/* Copy as store_col_copy does: cut at a character, and flag the cut. */
static int copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src), keep = n < size ? n : text_cut(src, size - 1);

	memcpy(dst, src, keep);
	dst[keep] = '\0';
	return keep < n;
}

static void check_call(char **p)
{
	struct call_meta m;
	struct poise_error err;
	int cut = 0;

	memset(&m, 0, sizeof(m));
	cut |= copy(m.id, sizeof(m.id), field(p));
	cut |= copy(m.agent, sizeof(m.agent), field(p));
	cut |= copy(m.customer, sizeof(m.customer), field(p));
	cut |= copy(m.ref, sizeof(m.ref), field(p));
	cut |= copy(m.playbook_id, sizeof(m.playbook_id), field(p));
	cut |= copy(m.playbook_version, sizeof(m.playbook_version), field(p));
	cut |= copy(m.playbook_hash, sizeof(m.playbook_hash), field(p));
	cut |= copy(m.cause, sizeof(m.cause), field(p));
	cut |= copy(m.status, sizeof(m.status), field(p));
	m.started = store_clamp_time(strtoll(field(p), NULL, 10));
	m.ended = store_clamp_time(strtoll(field(p), NULL, 10));
	m.out_of_range = cut;
	if (merge_check_call(&m, &err) != POISE_OK)
		return;
	if (cut || strlen(m.id) != FIELD_CALL_ID_LEN || !m.agent[0] ||
	    strlen(m.agent) > FIELD_AGENT_MAX || strlen(m.playbook_version) > FIELD_VERSION_MAX ||
	    !text_is_safe(m.agent, 0) || !text_is_safe(m.customer, 0) || !text_is_safe(m.ref, 0) ||
	    !text_is_safe(m.cause, 0) || m.started <= FIELD_TIME_MIN ||
	    m.started >= FIELD_TIME_MAX || (m.ended && m.ended < m.started))
		abort();
}

static void check_event(char **p)
{
	struct event ev;
	struct poise_error err;
	char *text;

	memset(&ev, 0, sizeof(ev));
	ev.seq = strtoll(field(p), NULL, 10);
	ev.t = store_clamp_time(strtoll(field(p), NULL, 10));
	ev.kind = (enum event_kind)event_kind_from_key(field(p));
	ev.stage = stage_from_key(field(p));
	ev.a = (int)strtol(field(p), NULL, 10);
	ev.b = (int)strtol(field(p), NULL, 10);
	text = field(p);
	ev.text = text[0] == '\\' && text[1] == 'N' ? NULL : text;
	if ((int)ev.kind < 0 || ev.stage < 0)
		return;
	if (merge_check_event(&ev, &err) != POISE_OK)
		return;
	if (ev.seq < 1 || ev.t <= FIELD_TIME_MIN || ev.t >= FIELD_TIME_MAX ||
	    (ev.text && (strlen(ev.text) > FIELD_EVENT_TEXT_MAX ||
			 !text_is_safe(ev.text, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *p;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	p = buf;
	check_call(&p);
	while (*p)
		check_event(&p);
	free(buf);
	return 0;
}
