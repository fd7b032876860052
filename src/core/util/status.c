/* status.c - status messages and located errors. */
#include "poise/status.h"

#include "poise/i18n.h"
#include "poise/text.h"

#include <stdarg.h>
#include <string.h>

#define POISE_STATUS_MSG(name, msg) msg,
static const char *const status_messages[] = {POISE_STATUS_LIST(POISE_STATUS_MSG)};
#undef POISE_STATUS_MSG

const char *poise_status_str(enum poise_status status)
{
	if ((unsigned)status >= POISE_STATUS_COUNT)
		return _("unknown status");
	return _(status_messages[status]);
}

void poise_error_clear(struct poise_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

enum poise_status poise_error_put(struct poise_error *err, enum poise_status status,
				  const char *file, int line, int col, const char *msg)
{
	if (!err)
		return status;
	err->status = status;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->col = col;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return status;
}

enum poise_status poise_error_set(struct poise_error *err, enum poise_status status,
				  const char *file, int line, int col, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return status;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	return poise_error_put(err, status, file, line, col, msg);
}

enum poise_status poise_error_nomem(struct poise_error *err)
{
	return poise_error_put(err, POISE_NOMEM, NULL, 0, 0, poise_status_str(POISE_NOMEM));
}

void poise_error_print(FILE *out, const struct poise_error *err)
{
	const char *msg = err->msg[0] ? err->msg : poise_status_str(err->status);

	/* Messages quote names, paths and data: nothing in them reaches the terminal raw. */
	if (err->file[0]) {
		text_fput(out, err->file, 0);
		if (err->line > 0)
			fprintf(out, ":%d", err->line);
		if (err->line > 0 && err->col > 0)
			fprintf(out, ":%d", err->col);
		fputs(": ", out);
	}
	/* TRANSLATORS: after "file:line:col: ", as compilers write it. */
	fputs(_("error: "), out);
	text_fput(out, msg, 0);
	fputc('\n', out);
}
