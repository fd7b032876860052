/*
 * pbpath.h - where playbooks are found.
 *
 * Owns: the playbook search path, in order: each folder of
 * $POISE_PLAYBOOK_PATH (colon-separated), $XDG_CONFIG_HOME/poise/playbooks
 * (else ~/.config/poise/playbooks), the installed data folder
 * (POISE_DATADIR/playbooks), then the built-in default. Listing the
 * playbooks found and resolving a name (an id, or a path to a file).
 * Does not own: parsing (playbook.h).
 */
#ifndef POISE_PBPATH_H
#define POISE_PBPATH_H

#include <stddef.h>

#include "poise/playbook.h"
#include "poise/status.h"

#define PBPATH_BUILTIN "(built-in)"
#define PBPATH_DEFAULT_ID "de-escalation"

struct pbpath {
	char **dirs;
	size_t len;
};

/* Build the search path from the environment; getenv_fn lets tests pass their own. */
enum poise_status pbpath_init(struct pbpath *pp, const char *(*getenv_fn)(const char *),
			      struct poise_error *err);
void pbpath_free(struct pbpath *pp);

/*
 * Call fn for every playbook file (*.yaml, *.yml; sorted by name within a
 * folder) in search order, then for the built-in one (path PBPATH_BUILTIN).
 * pb is NULL and err set when the file did not load. fn returns non-zero to stop.
 */
typedef int (*pbpath_fn)(void *ctx, const char *path, const struct playbook *pb,
			 const struct poise_error *err);
enum poise_status pbpath_each(const struct pbpath *pp, pbpath_fn fn, void *ctx);

/*
 * The same for one folder alone (no built-in): every *.yaml and *.yml file
 * in it, sorted by name; hidden files and sub-folders are skipped. A missing
 * folder has none; one that cannot be read is passed to fn as (dir, NULL,
 * err). Used by lint. Parents of extending playbooks are found on pp's
 * path (NULL: the built-in one only).
 */
enum poise_status pbpath_each_in(const struct pbpath *pp, const char *dir, pbpath_fn fn, void *ctx);

/*
 * The sorted names (not paths) of the *.yaml and *.yml files in dir, hidden
 * ones left out; a missing folder has none. Free each name and the array.
 */
enum poise_status pbpath_list_dir(const char *dir, char ***out, size_t *outlen,
				  struct poise_error *err);

/*
 * The finder for playbooks that `extends:` another: by id, the first on the
 * search path, else the built-in one. pp must outlive the finder.
 */
struct pb_finder pbpath_finder(const struct pbpath *pp);

/* Load the file at path, its parents found on pp's search path (NULL: built-in only). */
enum poise_status pbpath_load_file(const struct pbpath *pp, const char *path, struct playbook **out,
				   struct poise_error *err);

/*
 * Load the playbook `name`: a path when it contains '/' or ends in .yaml/.yml,
 * else the first playbook on the search path whose id is name. NULL or ""
 * means PBPATH_DEFAULT_ID (which the built-in always provides).
 */
enum poise_status pbpath_resolve(const struct pbpath *pp, const char *name, struct playbook **out,
				 struct poise_error *err);

/*
 * A playbook file as last looked at, so a trainer's save is noticed: the
 * ready screen (the next call takes the new version) and `poise preview`
 * (redrawn in place) both look through pbpath_watch. Zero it to start.
 */
struct pbpath_watch {
	int set;
	unsigned long long dev, ino, size;
	long long mtime_s, mtime_ns;
};

/*
 * Look at the file at path again: 0 when it is as last looked at (or is
 * not a regular file, or path is NULL or "(built-in)"); 1 when it changed
 * and loads (*out a new playbook, parents found on pp); -1 when it changed
 * and does not load (err says where). The first look counts as a change.
 */
/*
 * Every error of the file at path that did not load with err: the
 * format's own, all of them (playbook_errors_file), else err alone (a
 * parent not found, a file that cannot be read). *all is malloc'd, *n >= 1;
 * POISE_NOMEM with *n 0. id (NULL: not wanted) gets the id the file's own
 * text gives itself, whatever failed ("" when it gives none that is valid).
 */
enum poise_status pbpath_errors(const char *path, const struct poise_error *err,
				struct poise_error **all, size_t *n, struct pb_own_id *id);

int pbpath_watch(struct pbpath_watch *w, const struct pbpath *pp, const char *path,
		 struct playbook **out, struct poise_error *err);

#endif
