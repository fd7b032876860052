/*
 * bench_load.c - loading the built-in playbook against a bare libyaml parse.
 *
 * The floor pulls every event of the same bytes out of libyaml and drops
 * them: any loader built on libyaml pays at least that. What poise adds on
 * top is building the document tree, checking every rule of the format,
 * copying the strings out and hashing the text (SHA-256).
 */
#include <string.h>

#include <yaml.h>

#include "bench.h"
#include "poise/playbook.h"

/*
 * A copy of the built-in text: the built-in itself skips its hash (made by
 * the build), and this bench measures what loading any playbook costs.
 */
static const char *text(void)
{
	static char *copy;

	if (!copy) {
		if (!(copy = malloc(poise_default_playbook_len + 1)))
			bench_die("bench_load", "out of memory");
		memcpy(copy, poise_default_playbook, poise_default_playbook_len + 1);
	}
	return copy;
}

static void load_poise(void *ctx)
{
	struct poise_error err;
	struct playbook *pb = NULL;

	(void)ctx;
	if (playbook_load_text(text(), poise_default_playbook_len, "(built-in)", &pb, &err) !=
	    POISE_OK)
		bench_die("playbook_load_text", err.msg);
	playbook_free(pb);
}

static void load_floor(void *ctx)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int done = 0;

	(void)ctx;
	if (!yaml_parser_initialize(&parser))
		bench_die("yaml_parser_initialize", NULL);
	yaml_parser_set_input_string(&parser, poise_default_playbook, poise_default_playbook_len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev))
			bench_die("yaml_parser_parse", parser.problem);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
}

int main(void)
{
	double poise, floor;
	char what[96];

	bench_clock = CLOCK_THREAD_CPUTIME_ID; /* computation only: CPU time */
	bench_pair(load_poise, load_floor, NULL, 40, 10, &poise, &floor);
	snprintf(what, sizeof(what), "playbook load (built-in, %lu bytes)",
		 poise_default_playbook_len);
	bench_row(what, poise, floor, 1e3, "µs");
	return 0;
}
