/*
 * cmd_doctor.c - `poise doctor`: check the database, make its note search
 * again, say what a side log replay had to set aside.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_super.h"
#include "poise/store.h"
#include "poise/text.h"
#include "poise/i18n.h"

const struct cli_opt cmd_doctor_opts[] = {
	{NULL, NULL, NULL},
};

int cmd_doctor(const struct cli_args *args)
{
	struct poise_error err;
	struct store_doctor d;
	struct store *st;
	const char *db = args->db;

	poise_error_clear(&err);
	if (!(st = cli_store(args, &err)) || store_doctor(st, &d, &err) != POISE_OK)
		return cli_report(args->cmd, &err);
	text_fput(stdout, db, 0);
	printf(": %s\n", d.notes_damaged ? _("note search index was damaged and is rebuilt")
				       : _("note search index rebuilt (it was sound)"));
	if (store_quarantined(st) > 0) {
		text_fput(stdout, db, 0);
		fputs(": ", stdout);
		printf(P_("%zu side log entry could not be saved as it was and is kept in ",
			  "%zu side log entries could not be saved as they were and are kept in ",
			  store_quarantined(st)),
		       store_quarantined(st));
		text_fput(stdout, db, 0);
		fputs(_(".quarantine (one line each, nothing else reads them): look at them, then "
			"remove the file\n"),
		      stdout);
	}
	if (d.check[0] && strcmp(d.check, "ok") != 0) {
		poise_error_set(&err, POISE_DB, NULL, 0, 0,
				"database '%s' is damaged beyond the note search (%s): restore a "
				"backup; `poise export` may still read what is sound",
				db, d.check);
		return cli_report(args->cmd, &err);
	}
	text_fput(stdout, db, 0);
	printf(": %s\n", _("database check ok"));
	return CLI_OK;
}
