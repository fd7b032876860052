/* main.c - the poise command line (being built; see issue 2). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("poise %s\n", POISE_VERSION);
		return 0;
	}
	fprintf(stderr, "poise: not yet\n");
	return 2;
}
