/*
 * floor.h - `poise floor`, the supervisor's live floor (the screen).
 *
 * Owns: drawing the live calls the team server streams (team_floor.h) as
 * rows, in the order of who needs help most (poise/floor.h), with an alert
 * line for each escalation, manager request and boundary warning 2 or 3.
 * Does not own: the rows, their order or the alerts (the core and
 * src/team); the screen only draws what team_floor_rows gives.
 */
#ifndef POISE_UI_FLOOR_H
#define POISE_UI_FLOOR_H

#include "poise/status.h"

struct team_floor;

/*
 * The live floor on f (opened by the caller, which closes it after). Returns
 * the process exit code; when the terminal cannot be driven, err says why.
 */
int ui_floor(struct team_floor *f, const char *who, struct poise_error *err);

#endif
