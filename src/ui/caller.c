/*
 * caller.c - the next caller: their name and reference, asked in one small
 * form before a call opens, so no call borrows the last one's caller.
 *
 * Both fields are optional: Enter on an empty one skips it, Enter on the
 * reference starts the call, Esc goes back. Enter is also the key that opens
 * the form and that closes the wrap-up, so a burst of Enters (or a held key)
 * must not run through it into a call: in the form, an Enter that comes
 * within UI_ENTER_REPEAT_MS of the previous Enter, with nothing typed
 * between, is taken as a repeat and ignored (edit.c asks ui_enter_repeat).
 */
#include "ui/app.h"

#include <stdio.h>
#include <string.h>

struct caller_form {
	const struct caller *c;
	const char *step;
};

static void caller_draw(struct ui *ui, void *ctx)
{
	const struct caller_form *f = ctx;
	char buf[512], label[64];
	int y = 2;

	erase(); /* the form stands alone, over whatever screen opened it */
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_cut(0, 1, COLS - 2, ui_attr(ui, R_HEADER), _("poise - next caller"));
	y += draw_text(ui, y, 2, COLS - 4, 2, A_NORMAL,
		       _("Who is calling? Both are optional: Enter on an empty field skips it."));
	y++;
	draw_pad(label, sizeof(label), _("Name"), 11);
	snprintf(buf, sizeof(buf), "%s%s", label, f->c->customer[0] ? f->c->customer : "-");
	y += draw_text(ui, y, 2, COLS - 4, 2, A_NORMAL, buf);
	draw_pad(label, sizeof(label), _("Reference"), 11);
	snprintf(buf, sizeof(buf), "%s%s", label, f->c->ref[0] ? f->c->ref : "-");
	draw_text(ui, y, 2, COLS - 4, 2, A_NORMAL, buf);
	/* Whole, wrapped, just above the field (a narrow screen wraps it, never cuts). */
	if (f->step) {
		int rows = draw_text_height(COLS - 2, f->step),
		    bottom = LINES - ui_overlay_rows(ui);

		if (bottom == LINES)
			bottom--; /* the field's row, before the editor opens */
		draw_text(ui, bottom - rows, 1, COLS - 2, rows, ui_attr(ui, R_PROMPT), f->step);
	}
}

static int caller_key(struct ui *ui, void *ctx, int key)
{
	(void)ui, (void)ctx, (void)key;
	return 0;
}

static const struct screen caller_screen = {"caller", caller_draw, caller_key, NULL, 0};

int ui_enter_repeat(struct ui *ui, int key)
{
	int64_t now = ui_now(), last = ui->last_enter;

	if (!ui->enter_guard)
		return 0;
	if (key != '\r' && key != '\n' && key != KF(KEY_ENTER)) {
		ui->last_enter = 0; /* typing between two Enters makes the second one deliberate */
		return 0;
	}
	ui->last_enter = now;
	return last && now - last < UI_ENTER_REPEAT_MS;
}

int caller_ask(struct ui *ui, struct caller *c)
{
	struct caller_form f = {c, NULL};
	int done = 0;

	memset(c, 0, sizeof(*c));
	ui->enter_guard = 1;
	ui->last_enter = ui_now(); /* the key that opened the form, most likely Enter */
	ui_push(ui, &caller_screen, &f);
	f.step = _("Their name (Enter skips, Esc goes back)");
	if (ui_edit_line(ui, _("name:"), c->customer, sizeof(c->customer), NULL, NULL)) {
		f.step = _("Reference (Enter starts the call)");
		done = ui_edit_line(ui, _("reference:"), c->ref, sizeof(c->ref), NULL, NULL);
	}
	ui_pop(ui);
	ui->enter_guard = 0;
	if (!done || ui->stopping)
		memset(c, 0, sizeof(*c));
	return done && !ui->stopping;
}
