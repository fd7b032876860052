/*
 * fill.c - {customer} and {agent} filled in, and lines that read well
 * without a name: the rules are listed in fill.h and docs/playbook-format.md.
 *
 * Every rule looks at the bytes right around one placeholder in the line as
 * the trainer wrote it, so the same line always gives the same sentence,
 * and lint can say exactly which placeholder cannot drop.
 */
#include "poise/fill.h"

#include <stdlib.h>
#include <string.h>

#define PH     "{customer}"
#define PH_LEN 10
#define AG     "{agent}"
#define AG_LEN 7

/* Titles that belong to the name they stand before, dropped with it. */
static const char *const titles[] = {
	"Mr",  "Mr.",  "Mrs", "Mrs.", "Ms",   "Ms.",  "Miss",  "Mx",	"Mx.",	  "Dr",
	"Dr.", "Sr",   "Sr.", "Sra",  "Sra.", "Srta", "Srta.", "Señor", "Señora", "Señorita",
	"Don", "Doña", "Mme", "Mme.", "M.",   "Herr", "Frau",  "Prof",	"Prof.",
};

/* "¿" and "¡" open a Spanish sentence: a sentence starts after them. */
static int opener(const char *t, size_t at)
{
	return at >= 2 && (unsigned char)t[at - 2] == 0xc2 &&
	       ((unsigned char)t[at - 1] == 0xbf || (unsigned char)t[at - 1] == 0xa1);
}

static int is_title(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strlen(titles[i]) == n && memcmp(titles[i], w, n) == 0)
			return 1;
	return 0;
}

/* Where the title before the placeholder at p starts ("Ms {customer}"); p when none. */
static size_t title_start(const char *t, size_t p)
{
	size_t w;

	if (p < 2 || t[p - 1] != ' ')
		return p;
	w = p - 1;
	while (w > 0 && t[w - 1] != ' ' && t[w - 1] != '"' && t[w - 1] != '(' && !opener(t, w))
		w--;
	return is_title(t + w, p - 1 - w) ? w : p;
}

/* Does a sentence start at s (after "¿", a quote, ". " and the like)? */
static int sentence_start(const char *t, size_t s)
{
	if (opener(t, s))
		s -= 2;
	else if (s >= 1 && (t[s - 1] == '"' || t[s - 1] == '('))
		s--;
	return s == 0 || (s >= 2 && t[s - 1] == ' ' && strchr(".?!", t[s - 2]) && t[s - 2]);
}

/* Does the clause end at e, so that what stood before it can end it too? */
static int clause_end(const char *t, size_t e)
{
	unsigned char c = (unsigned char)t[e];

	return c == '\0' || (strchr(".?!;:\")", c) != NULL) ||
	       (c == 0xe2 && (unsigned char)t[e + 1] == 0x80 && (unsigned char)t[e + 2] == 0xa6);
}

/*
 * After "X, {customer}, " does a clause follow (a conjunction, a pronoun, a
 * capital)? Then its comma stays: "I'm here, and I'll help", "Thanks, I
 * hear you". Otherwise both commas go: "Thanks for waiting".
 */
static int clause_follows(const char *w)
{
	static const char *const words[] = {
		"and",	"but", "or",  "so",    "yet",	"nor",	    "then",  "we", "you",    "it",
		"they", "he",  "she", "let's", "y",	"e",	    "o",     "u",  "pero",   "ni",
		"pues", "yo",  "él",  "ella",  "usted", "nosotros", "ellos", "si", "porque",
	};
	size_t n = strcspn(w, " ,.;:!?");

	if ((*w >= 'A' && *w <= 'Z') || ((unsigned char)*w == 0xc3 && (unsigned char)w[1] < 0xa0))
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return 1;
	return 0;
}

/*
 * Does the word that ends at e (the comma before ", {customer}, ") stand on
 * its own, an answer or a greeting, so a comma still follows it: "Yes, my
 * colleague will call", "Sorry, one moment"? Not before a word that goes on
 * with it: "Sorry for the wait".
 */
static int stands_alone(const char *t, size_t e, const char *next)
{
	static const char *const words[] = {
		"Yes",	"No",	 "Sorry", "Okay",   "OK",     "Sure", "Right", "Well",	"Oh",
		"Hi",	"Hello", "Alright", "Great", "Absolutely", "Sí", "Vale", "Claro", "Bueno",
		"Hola", "Perdone", "Perdón", "Disculpe", "Bien", "Entiendo",
	};
	static const char *const go_on[] = {
		"for", "about", "to", "that", "if", "with", "por", "para", "que", "de", "con",
	};
	size_t s = e, n = strcspn(next, " ,.;:!?");

	while (s > 0 && t[s - 1] != ' ' && !opener(t, s))
		s--;
	for (size_t i = 0; i < sizeof(go_on) / sizeof(go_on[0]); i++)
		if (strlen(go_on[i]) == n && memcmp(go_on[i], next, n) == 0)
			return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == e - s && memcmp(words[i], t + s, e - s) == 0)
			return 1;
	return 0;
}

/* What to remove for the placeholder at p when there is no name. */
struct drop {
	size_t from, to; /* bytes [from, to) go */
	int cap;	 /* the next letter starts the sentence */
	int clean;	 /* 0: it cannot drop, "the caller" stands in */
};

static struct drop drop_at(const char *t, size_t p)
{
	size_t s = title_start(t, p), e = p + PH_LEN;
	struct drop d = {s, e, 0, 1};

	if (s >= 2 && t[s - 2] == ',' && t[s - 1] == ' ' && t[e] == ',' && t[e + 1] == ' ')
		d.from = s - 2,
		d.to = clause_follows(t + e + 2) || stands_alone(t, s - 2, t + e + 2) ? e : e + 1;
	else if (s >= 2 && t[s - 2] == ',' && t[s - 1] == ' ' && clause_end(t, e))
		d.from = s - 2; /* "I'm sorry, {c}." -> "I'm sorry." */
	else if (sentence_start(t, s) && t[e] == ',' && t[e + 1] == ' ')
		d.to = e + 2, d.cap = 1; /* "{c}, I want" -> "I want" */
	else if (s >= 1 && t[s - 1] == ' ' && !sentence_start(t, s) &&
		 (t[e] == ',' || clause_end(t, e)))
		d.from = s - 1; /* "Hello {c}!" -> "Hello!" */
	else
		d.clean = 0, d.cap = sentence_start(t, s);
	return d;
}

struct out {
	char *p;
	size_t len, cap;
	int upper; /* make the next letter a capital */
};

static int add(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap * 2 > o->len + n + 1 ? o->cap * 2 : o->len + n + 1;
		char *p = realloc(o->p, cap);

		if (!p)
			return -1;
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	if (o->upper && n > 0) {
		unsigned char *c = (unsigned char *)o->p + o->len;

		/* ASCII, and the Latin-1 letters (á é ñ ...) as UTF-8. */
		if (c[0] >= 'a' && c[0] <= 'z')
			c[0] = (unsigned char)(c[0] - 32);
		else if (n > 1 && c[0] == 0xc3 && c[1] >= 0xa0 && c[1] <= 0xbe && c[1] != 0xb7)
			c[1] = (unsigned char)(c[1] - 32);
		o->upper = 0;
	}
	o->len += n;
	o->p[o->len] = '\0';
	return 0;
}

static int starts_with_title(const char *name)
{
	return is_title(name, strcspn(name, " "));
}

/*
 * The placeholder at p with a name: the name, once titled. The output ends
 * with t[s..p) as written, so a title the name repeats is taken back.
 */
static int put_name(struct out *o, const char *t, size_t p, const char *name)
{
	size_t s = title_start(t, p);

	if (s < p && starts_with_title(name))
		o->len -= p - s;
	return add(o, name, strlen(name));
}

/*
 * The placeholder at p without a name. *next is where t goes on; *kept is
 * where the last dropped span ended, so two spans never overlap.
 */
static int put_none(struct out *o, const char *t, size_t p, size_t *next, size_t *kept)
{
	struct drop d = drop_at(t, p);
	const char *stand = d.cap ? "The caller" : FILL_NO_NAME;

	if (d.clean && d.from < *kept)
		d.clean = 0, d.from = p, stand = FILL_NO_NAME;
	o->len -= p - d.from; /* what joins it (or a title) goes with the name */
	*next = *kept = d.clean ? d.to : p + PH_LEN;
	if (!d.clean)
		return add(o, stand, strlen(stand));
	o->upper = d.cap;
	return 0;
}

char *fill_text(const char *text, const char *customer, const char *agent)
{
	struct out o = {NULL, 0, 0, 0};
	size_t i = 0, kept = 0, len = strlen(text);

	if (!agent || !agent[0])
		agent = "agent";
	if (add(&o, "", 0) != 0)
		return NULL;
	while (i < len) {
		int rc;

		if (strncmp(text + i, PH, PH_LEN) == 0 && customer && customer[0]) {
			rc = put_name(&o, text, i, customer);
			i += PH_LEN;
		} else if (strncmp(text + i, PH, PH_LEN) == 0) {
			rc = put_none(&o, text, i, &i, &kept);
		} else if (strncmp(text + i, AG, AG_LEN) == 0) {
			rc = add(&o, agent, strlen(agent));
			i += AG_LEN;
		} else {
			/* A whole character at a time, so a capital can be made of it. */
			size_t n = 1;

			while (i + n < len && ((unsigned char)text[i + n] & 0xc0) == 0x80)
				n++;
			rc = add(&o, text + i, n);
			i += n;
		}
		if (rc != 0) {
			free(o.p);
			return NULL;
		}
	}
	o.p[o.len] = '\0'; /* a drop at the very end only shortened it */
	return o.p;
}

int fill_drops_cleanly(const char *text, size_t *offset)
{
	size_t done = 0;

	for (const char *p = strstr(text, PH); p; p = strstr(p + PH_LEN, PH)) {
		struct drop d = drop_at(text, (size_t)(p - text));

		if (!d.clean || d.from < done) {
			if (offset)
				*offset = (size_t)(p - text);
			return 0;
		}
		done = d.to;
	}
	return 1;
}
