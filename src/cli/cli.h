/*
 * cli.h - the command line: the command table, option parsing, usage.
 *
 * Owns: how `poise COMMAND [OPTIONS] [ARGS]` is read (options before or
 * after operands, `--opt=value` and `--opt value`, `--` ends options), the
 * help generated from the tables, and how errors reach stderr.
 * Does not own: what the commands do (the core and the UI do that), nor the
 * exit itself: handlers return the code and only main exits.
 */
#ifndef POISE_CLI_H
#define POISE_CLI_H

#include "poise/limits.h"
#include "poise/status.h"

/* Exit codes, the same for every command. */
enum {
	CLI_OK = 0,
	CLI_FAIL = 1,  /* the command ran and found a problem */
	CLI_USAGE = 2, /* the command line itself was wrong */
};

#define CLI_MAX_OPTS 16

/* One long option of a command. -h/--help is implicit for every command. */
struct cli_opt {
	const char *name; /* without the dashes: "db" */
	const char *arg;  /* value placeholder ("PATH"); NULL for a flag; "[URL]": may be left out */
	const char *help;
};

struct cli_cmd;
struct store;

/*
 * What a command needs set up before its handler runs, as git's RUN_SETUP:
 * the command table says it once, and cli.c does it, so no handler repeats
 * the --db row, the path or the open and close.
 *   CLI_DB_PATH   the --db PATH option (listed last), resolved to args->db
 *                 (else the default path, store.h) before the handler runs
 *   CLI_DB_READ   and cli_store() opens it to read
 *   CLI_DB_WRITE  and cli_store() opens it to write, waiting up to
 *                 STORE_WAIT_MS for another program's lock
 * The database is opened when the handler first asks (cli_store), after it
 * has checked its own options, and closed once the handler returns.
 */
enum {
	CLI_DB_PATH = 1 << 0,
	CLI_DB_READ = CLI_DB_PATH | 1 << 1,
	CLI_DB_WRITE = CLI_DB_PATH | 1 << 2,
	/*
	 * With CLI_DB_PATH: the command takes the --server flag (CLI_SERVER_FLAG),
	 * and given it, args->db is the team mirror brought up to date first
	 * (cli_team_db, cli_team.h) instead of this agent's database.
	 */
	CLI_DB_TEAM = 1 << 3,
};

/* A parsed command line, as the handler sees it. */
struct cli_args {
	const struct cli_cmd *cmd;
	/* by option index (cmd->opts, then --db); NULL = not given, "" = flag */
	const char *value[CLI_MAX_OPTS];
	char **operands;
	int noperands;
	const char *db;	   /* with CLI_DB_PATH: the database's path */
	struct store **st; /* the store cli_store opened; run_command closes it */
	/*
	 * With --server: the role the server took this run for, filled by the
	 * first refresh that reached it (cli_team.h); "" until one did. The
	 * buffer is cli_run's, CLI_ROLE_SIZE bytes.
	 */
	char *server_role;
};
#define CLI_ROLE_SIZE (FIELD_AGENT_MAX + 1) /* a server role is a name */

/*
 * One command: the table in main.c is the single place a command is named
 * and described; the global and per-command help are printed from it.
 */
struct cli_cmd {
	const char *name;
	int (*run)(const struct cli_args *args);
	const struct cli_opt *opts; /* ended by an entry with name NULL */
	const char *operands;       /* synopsis of the operands: "PATH..."; NULL for none */
	int min_operands;
	int max_operands; /* -1: no limit */
	int setup;	  /* CLI_DB_*: what runs before the handler; 0 for nothing */
	const char *help; /* one line, lowercase, no full stop */
};

/* The value of option `name` (NULL when not given), by name so handlers read well. */
const char *cli_value(const struct cli_args *args, const char *name);

/*
 * Parse argv[0..argc) (the words after the command name) for cmd. Returns
 * CLI_OK and fills args, or CLI_USAGE with err saying what was wrong;
 * *help is set when -h/--help was given.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_args *args,
	      int *help, struct poise_error *err);

/* Print cmd's usage, description and options (global usage when cmd is NULL). */
void cli_print_usage(FILE *out, const struct cli_cmd *cmd);

/*
 * The one way errors reach the user. A POISE_USAGE error prints
 * "poise: message" and the usage of cmd (global when NULL), and returns
 * CLI_USAGE; any other prints the located error ("file:line:col: error:
 * message", or "poise: error: message" when it has no file) and returns
 * CLI_FAIL.
 */
int cli_report(const struct cli_cmd *cmd, const struct poise_error *err);

/* The command table (main.c), ended by an entry with name NULL. */
extern const struct cli_cmd cli_commands[];

/* The handlers, one file each: src/cli/cmd_NAME.c. */
int cmd_call(const struct cli_args *args);
int cmd_preview(const struct cli_args *args);
int cmd_rehearse(const struct cli_args *args);
int cmd_lint(const struct cli_args *args);

/* i18n.c: the locale from the environment, the catalogues found (i18n.h). */
void i18n_init(void);
int cmd_playbooks(const struct cli_args *args);

/* Their options, beside the handler that reads them. */
extern const struct cli_opt cmd_call_opts[];
extern const struct cli_opt cmd_preview_opts[];
extern const struct cli_opt cmd_rehearse_opts[];
extern const struct cli_opt cmd_lint_opts[];

/* getenv with the signature the core takes (pbpath_init, store_default_path). */
const char *cli_getenv(const char *name);

/*
 * The command's database, opened as its table row says (CLI_DB_READ or
 * CLI_DB_WRITE) on the first call; NULL with err set when it cannot be.
 * To read: one of an older schema is upgraded first, which needs it
 * writable, so a read-only file of an older schema is refused with the
 * reason. Closed by the caller of the handler.
 */
struct store *cli_store(const struct cli_args *args, struct poise_error *err);

/*
 * POISE_OK when agent has a call in st; else POISE_NOT_FOUND ("no calls by
 * agent 'x'"), so `--agent` with a misspelt name says so instead of
 * printing empty figures.
 */
enum poise_status cli_known_agent(struct store *st, const char *agent, struct poise_error *err);

/*
 * Run cmd on the words after its name: parse, set up what its row asks
 * (CLI_DB_*), run the handler, close what was opened. The exit code.
 */
int cli_run(const struct cli_cmd *cmd, int argc, char **argv);

/*
 * A bounded value from the command line (limits.h): at most max bytes
 * of UTF-8 without control characters, or POISE_USAGE naming --opt and the
 * limit. NULL (not given) is fine.
 */
enum poise_status cli_check_field(const char *opt, const char *what, const char *v, size_t max,
				  struct poise_error *err);

/*
 * Who is at the keyboard: the option `opt` (an agent's or reviewer's name),
 * else $POISE_AGENT, else the login name. NULL with err set when none, when
 * the option was given empty, or when the name is over FIELD_AGENT_MAX.
 */
const char *cli_person(const struct cli_args *args, const char *opt, struct poise_error *err);

/*
 * cmd_call.c: what every command with the call screen (call, rehearse)
 * reads into *opts: --playbook, who is at the keyboard (--agent, as
 * cli_person) and the database path. 0 with err set when nobody is.
 */
struct call_opts;
int cli_call_opts(const struct cli_args *args, struct call_opts *opts, struct poise_error *err);

#endif
