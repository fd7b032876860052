/*
 * cli_super.h - what the supervisor's commands (export, show, followups,
 * merge and the hidden gen) share: dates on the command line, and the
 * clock, which only the command line reads.
 *
 * Owns: turning --since and --until into values for the core.
 * Does not own: option parsing, --db and opening the database (cli.h and
 * the command table's setup column) or anything the core computes.
 */
#ifndef POISE_CLI_SUPER_H
#define POISE_CLI_SUPER_H

#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"


/*
 * Days on the command line and on the screens are local days (TZ is
 * honoured): one rule for every command.
 * "YYYY-MM-DD" to the start of that day in ms since the epoch; with
 * end_of_day, the start of the next (so --until includes the whole day).
 * POISE_USAGE when it is not a real date; opt names the option in the message.
 */
enum poise_status cli_parse_date(const char *opt, const char *s, int end_of_day, int64_t *ms,
				 struct poise_error *err);

/* The clock, read here and passed into the core. */
int64_t cli_now_ms(void);

int cmd_export(const struct cli_args *args);
int cmd_show(const struct cli_args *args);
int cmd_followups(const struct cli_args *args);
int cmd_merge(const struct cli_args *args);
int cmd_gen(const struct cli_args *args);
int cmd_report(const struct cli_args *args);
int cmd_doctor(const struct cli_args *args);

extern const struct cli_opt cmd_export_opts[];
extern const struct cli_opt cmd_show_opts[];
extern const struct cli_opt cmd_followups_opts[];
extern const struct cli_opt cmd_merge_opts[];
extern const struct cli_opt cmd_gen_opts[];
extern const struct cli_opt cmd_report_opts[];
extern const struct cli_opt cmd_doctor_opts[];

#endif
