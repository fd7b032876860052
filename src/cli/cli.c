/* cli.c - option parsing, usage and error printing for every command. */
#include "cli/cli.h"
#include "cli/cli_team.h"

#include "poise/i18n.h"
#include "poise/pbcheck.h"
#include "poise/store.h"
#include "poise/limits.h"
#include "poise/store_ready.h"
#include "poise/text.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLI_WIDTH 79

const char *cli_getenv(const char *name)
{
	return getenv(name);
}

/* --db PATH, else the default path (store.h); an empty --db is a usage error. */
static int db_path(const struct cli_args *args, char *buf, size_t size, struct poise_error *err)
{
	const char *db = cli_value(args, "db");

	if (db && !db[0])
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--db' needs a PATH");
	if (!db)
		return store_default_path(buf, size, cli_getenv, err);
	if (snprintf(buf, size, "%s", db) >= (int)size)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
				       "database path is too long: pass a shorter --db PATH");
	return POISE_OK;
}

enum poise_status cli_known_agent(struct store *st, const char *agent, struct poise_error *err)
{
	char id[FIELD_CALL_ID_SIZE];
	enum poise_status ps = store_ready_last_call(st, agent, id, err);

	if (ps == POISE_NOT_FOUND)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no calls by agent '%s' in this database: check the name "
				       "(`poise report` lists every agent)",
				       agent);
	return ps;
}

static int open_read(const char *db, struct store **st, struct poise_error *err)
{
	enum poise_status ps = store_open(db, STORE_READONLY, st, err);

	if (ps != POISE_DB_OLDER)
		return ps;
	if ((ps = store_open(db, STORE_PATIENT, st, err)) == POISE_DB_BUSY)
		return ps; /* another program has it open: the message says to quit it */
	if (ps != POISE_OK)
		return poise_error_set(err, POISE_DB_OLDER, NULL, 0, 0,
				       "database '%s' is from an older poise and must be upgraded "
				       "once before it can be read, which needs write access (%s): "
				       "make it writable, or read a writable copy with --db PATH",
				       db, poise_status_str(ps));
	store_close(*st);
	return store_open(db, STORE_READONLY, st, err);
}

struct store *cli_store(const struct cli_args *args, struct poise_error *err)
{
	int setup = args->cmd->setup;

	if (*args->st)
		return *args->st;
	if ((setup & CLI_DB_READ) == CLI_DB_READ)
		open_read(args->db, args->st, err);
	else if ((setup & CLI_DB_WRITE) == CLI_DB_WRITE)
		store_open(args->db, STORE_PATIENT, args->st, err);
	else
		poise_error_set(err, POISE_STATE, NULL, 0, 0,
				"command '%s' does not open the database", args->cmd->name);
	return *args->st;
}

void cli_store_close(const struct cli_args *args)
{
	store_close(*args->st);
	*args->st = NULL;
}

struct store *cli_store_write(const struct cli_args *args, struct poise_error *err)
{
	int setup = args->cmd->setup;

	if ((setup & CLI_DB_WRITE) != CLI_DB_WRITE || (*args->st && (setup & CLI_DB_READ) == CLI_DB_READ)) {
		poise_error_set(err, POISE_STATE, NULL, 0, 0,
				"command '%s' does not open the database to write", args->cmd->name);
		return NULL;
	}
	if (!*args->st)
		store_open(args->db, STORE_PATIENT, args->st, err);
	return *args->st;
}

int cli_run(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct poise_error err;
	struct cli_args args;
	struct store *st = NULL;
	char db[4096], role[CLI_ROLE_SIZE] = "";
	int help, code;

	poise_error_clear(&err);
	if (cli_parse(cmd, argc, argv, &args, &help, &err) != CLI_OK)
		return cli_report(cmd, &err);
	if (help) {
		cli_print_usage(stdout, cmd);
		return CLI_OK;
	}
	args.st = &st;
	args.server_role = role;
	if (cmd->setup & CLI_DB_PATH) {
		if (db_path(&args, db, sizeof(db), &err) != POISE_OK ||
		    ((cmd->setup & CLI_DB_TEAM) && cli_value(&args, "server") &&
		     cli_team_db(&args, db, sizeof(db), &err) != POISE_OK))
			return cli_report(cmd, &err);
		args.db = db;
	}
	code = cmd->run(&args);
	store_close(st);
	return code;
}

enum poise_status cli_check_field(const char *opt, const char *what, const char *v, size_t max,
				  struct poise_error *err)
{
	struct poise_error why;

	poise_error_clear(&why);
	if (!v || text_check_field(what, v, max, 0, &why) == POISE_OK)
		return POISE_OK;
	return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--%s': %s", opt, why.msg);
}

/* The name found, checked against its limit wherever it came from. */
static const char *checked_person(const char *opt, const char *name, struct poise_error *err)
{
	return cli_check_field(opt, N_("name"), name, FIELD_AGENT_MAX, err) == POISE_OK ? name : NULL;
}

const char *cli_person(const struct cli_args *args, const char *opt, struct poise_error *err)
{
	const char *name = cli_value(args, opt);
	struct passwd *pw;

	if (name && !name[0]) {
		poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--%s' needs a NAME", opt);
		return NULL;
	}
	if (!name)
		name = cli_getenv("POISE_AGENT");
	if (name && name[0])
		return checked_person(opt, name, err);
	pw = getpwuid(getuid());
	if (pw && pw->pw_name && pw->pw_name[0])
		return checked_person(opt, pw->pw_name, err);
	poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
			"cannot tell who you are: give --%s NAME or set POISE_AGENT", opt);
	return NULL;
}

static const struct cli_opt db_opt = {"db", "PATH", N_("the call log (default: $POISE_DB, XDG data)")};

/* Option i of cmd, then --db when its row says it uses the database; NULL past the last. */
static const struct cli_opt *opt_at(const struct cli_cmd *cmd, int i)
{
	int n = 0;

	while (cmd->opts && cmd->opts[n].name)
		n++;
	if (i < n)
		return &cmd->opts[i];
	return i == n && (cmd->setup & CLI_DB_PATH) ? &db_opt : NULL;
}

const char *cli_value(const struct cli_args *args, const char *name)
{
	const struct cli_opt *o;

	for (int i = 0; (o = opt_at(args->cmd, i)); i++)
		if (strcmp(o->name, name) == 0)
			return args->value[i];
	return NULL;
}

static int cli_find_opt(const struct cli_cmd *cmd, const char *name, size_t len)
{
	const struct cli_opt *o;

	for (int i = 0; (o = opt_at(cmd, i)); i++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return i;
	return -1;
}

/* One "--name[=value]" word; may take the next word as its value (*i moves). */
static int cli_parse_long(const struct cli_cmd *cmd, int argc, char **argv, int *i,
			  struct cli_args *args, struct poise_error *err)
{
	const char *word = argv[*i];
	const char *name = word + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int o = cli_find_opt(cmd, name, len);

	if (o < 0)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "unknown option '--%.*s'",
				       (int)len, name);
	if (!opt_at(cmd, o)->arg) {
		if (eq)
			return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
					       "option '--%s' takes no value", opt_at(cmd, o)->name);
		args->value[o] = "";
		return POISE_OK;
	}
	if (eq) {
		args->value[o] = eq + 1;
	} else if (*i + 1 < argc && !(opt_at(cmd, o)->arg[0] == '[' && argv[*i + 1][0] == '-')) {
		args->value[o] = argv[++*i];
	} else if (opt_at(cmd, o)->arg[0] == '[') {
		args->value[o] = ""; /* "[URL]": the value may be left out */
	} else {
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--%s' needs a %s",
				       opt_at(cmd, o)->name, opt_at(cmd, o)->arg);
	}
	return POISE_OK;
}

static int cli_check_operands(const struct cli_cmd *cmd, const struct cli_args *args,
			      struct poise_error *err)
{
	if (args->noperands < cmd->min_operands)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "%s needs %s", cmd->name,
				       cmd->operands ? cmd->operands : _("more arguments"));
	if (cmd->max_operands >= 0 && args->noperands > cmd->max_operands)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "unexpected argument '%s'",
				       args->operands[cmd->max_operands]);
	return POISE_OK;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_args *args,
	      int *help, struct poise_error *err)
{
	int only_operands = 0;

	memset(args, 0, sizeof(*args));
	args->cmd = cmd;
	*help = 0;
	/* Operands are gathered in place at the front of argv: options may follow them. */
	args->operands = argv;
	for (int i = 0; i < argc; i++) {
		const char *word = argv[i];

		if (only_operands || word[0] != '-' || strcmp(word, "-") == 0) {
			argv[args->noperands++] = argv[i];
		} else if (strcmp(word, "--") == 0) {
			only_operands = 1;
		} else if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0) {
			*help = 1;
		} else if (word[1] != '-') {
			poise_error_set(err, POISE_USAGE, NULL, 0, 0, "unknown option '%s'", word);
			return CLI_USAGE;
		} else if (cli_parse_long(cmd, argc, argv, &i, args, err) != POISE_OK) {
			return CLI_USAGE;
		}
	}
	if (!*help && cli_check_operands(cmd, args, err) != POISE_OK)
		return CLI_USAGE;
	return CLI_OK;
}

/* Print word, wrapping onto an indented line when it would pass CLI_WIDTH. */
static void cli_put_word(FILE *out, const char *word, int *col, int indent)
{
	int len = fit_text_cols(word);

	if (*col + 1 + len > CLI_WIDTH) {
		fprintf(out, "\n%*s", indent, "");
		*col = indent;
	} else {
		fputc(' ', out);
		(*col)++;
	}
	fputs(word, out);
	*col += len;
}

/* A help line: the name padded to width columns (its words may be translated), then text. */
static void cli_put_row(FILE *out, const char *name, int width, const char *text)
{
	fputs("  ", out);
	fputs(name, out);
	fprintf(out, "%*s  %s\n", width - fit_text_cols(name), "", text);
}

static void cli_print_synopsis(FILE *out, const struct cli_cmd *cmd)
{
	/* TRANSLATORS: the synopsis line; %s is the command, "call". */
	int col = fprintf(out, _("usage: poise %s"), cmd->name);
	int indent;
	char word[128];

	col = col < 0 ? 0 : col;
	indent = col + 1;
	for (int i = 0; opt_at(cmd, i); i++) {
		const struct cli_opt *o = opt_at(cmd, i);

		if (o->arg)
			snprintf(word, sizeof(word), "[--%s %s]", o->name, o->arg);
		else
			snprintf(word, sizeof(word), "[--%s]", o->name);
		cli_put_word(out, word, &col, indent);
	}
	if (cmd->operands)
		cli_put_word(out, cmd->operands, &col, indent);
	fputc('\n', out);
}

static void cli_print_options(FILE *out, const struct cli_cmd *cmd)
{
	int width = (int)strlen("-h, --help");
	char word[128];

	for (int i = 0; opt_at(cmd, i); i++) {
		const struct cli_opt *o = opt_at(cmd, i);
		int len = snprintf(word, sizeof(word), "    --%s%s%s", o->name, o->arg ? " " : "",
				   o->arg ? o->arg : "");

		if (len > width)
			width = len;
	}
	fprintf(out, "\n%s\n", _("options:"));
	for (int i = 0; opt_at(cmd, i); i++) {
		const struct cli_opt *o = opt_at(cmd, i);

		snprintf(word, sizeof(word), "    --%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		cli_put_row(out, word, width, _(o->help));
	}
	cli_put_row(out, "-h, --help", width, _("show this help"));
}

static void cli_print_global(FILE *out)
{
	int width = 0;

	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if ((int)strlen(c->name) > width)
			width = (int)strlen(c->name);
	fputs(_("usage: poise [COMMAND] [OPTIONS] [ARGS]\n"
		"\n"
		"poise coaches you through a difficult customer call, stage by stage,\n"
		"and logs the call so you and your supervisor can look back on it.\n"
		"With no command, or only the options of call, it starts a call.\n"
		"\n"
		"commands:\n"),
	      out);
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		cli_put_row(out, c->name, width, _(c->help));
	fputs(_("\n"
		"options:\n"
		"  -h, --help  show this help; 'poise COMMAND --help' shows a command's\n"
		"  --version   show the version\n"
		"\n"
		"The keys of the call screen, the environment and the files: man poise\n"),
	      out);
}

void cli_print_usage(FILE *out, const struct cli_cmd *cmd)
{
	if (!cmd) {
		cli_print_global(out);
		return;
	}
	cli_print_synopsis(out, cmd);
	fprintf(out, "\n%s\n", _(cmd->help));
	cli_print_options(out, cmd);
}

int cli_report(const struct cli_cmd *cmd, const struct poise_error *err)
{
	if (err->status == POISE_USAGE) {
		fputs("poise: ", stderr);
		text_fput(stderr, err->msg, 0);
		fputc('\n', stderr);
		if (!cmd) {
			cli_print_usage(stderr, NULL);
			return CLI_USAGE;
		}
		/* The error stays in sight: the synopsis, and where the options are. */
		cli_print_synopsis(stderr, cmd);
		fprintf(stderr, _("Try 'poise %s --help' for its options.\n"), cmd->name);
		return CLI_USAGE;
	}
	if (!err->file[0])
		fputs("poise: ", stderr);
	poise_error_print(stderr, err);
	return CLI_FAIL;
}
