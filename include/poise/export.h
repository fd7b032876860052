/*
 * export.h - every logged call with its events, as JSON Lines or CSV.
 *
 * Owns: the export formats (described in docs/database.md) and redaction.
 * Does not own: choosing which database or where the output goes (the CLI),
 * or figures (report.h).
 *
 * Streams: calls are read one at a time (store_each_call) and each call's
 * events one at a time, so memory does not grow with the database.
 */
#ifndef POISE_EXPORT_H
#define POISE_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "poise/status.h"
#include "poise/store.h"

enum export_format {
	EXPORT_JSONL, /* one JSON object per call and line, events in an array */
	EXPORT_CSV,   /* RFC 4180, a header, one row per event with the call repeated */
};

/* How much export leaves out (export_calls' redact, or-ed). */
enum export_redact {
	EXPORT_REDACT = 1 << 0,	     /* names, references and every free text */
	EXPORT_KEEP_AGENTS = 1 << 1, /* with EXPORT_REDACT: agents by name, not pseudonym */
};

/*
 * Write every call started in [since, until) (ms; 0 = unbounded), oldest
 * first. With EXPORT_REDACT, the customer's name and reference and every
 * free text go: an event keeps its text only when it is a key poise wrote
 * (the playbook hash, an outcome, a cause id, a rule id, a skip reason, why
 * a call was interrupted), and a follow-up keeps only its due date (not its
 * channel or promise). Agents become pseudonyms, "agent-1", "agent-2", ...
 * in the order they first appear, the same agent the same one throughout
 * the export, unless EXPORT_KEEP_AGENTS.
 */
enum poise_status export_calls(struct store *st, FILE *out, enum export_format fmt, int redact,
			       int64_t since, int64_t until, struct poise_error *err);

/* "jsonl" / "csv" to a format; -1 when unknown. */
int export_format_from_name(const char *name);

#endif
