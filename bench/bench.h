/*
 * bench.h - the clock and the "best of N" loop every bench shares.
 *
 * Each bench times a batch of iterations of poise's code and of its floor,
 * alternating the two so that a noisy neighbour hurts both alike, and keeps
 * the fastest batch of each: the best run is the one least disturbed, so it
 * is the most repeatable figure on a shared machine. Results are printed
 * as rows of the markdown table bench/run.sh prints.
 */
#ifndef POISE_BENCH_H
#define POISE_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline int64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Stop the bench: a bench whose subject fails measures nothing. */
static inline void bench_die(const char *what, const char *why)
{
	fprintf(stderr, "bench: %s: %s\n", what, why ? why : "failed");
	exit(1);
}

/* Rounds from $BENCH_ROUNDS (run.sh --quick lowers it), else def. */
static inline int bench_rounds(int def)
{
	const char *s = getenv("BENCH_ROUNDS");
	int n = s ? atoi(s) : 0;

	return n > 0 ? n : def;
}

/* Iterations per batch from $BENCH_BATCH (run.sh sets 1 under callgrind), else def. */
static inline int bench_batch(int def)
{
	const char *s = getenv("BENCH_BATCH");
	int n = s ? atoi(s) : 0;

	return n > 0 ? n : def;
}

typedef void (*bench_fn)(void *ctx);

/*
 * Run a and b `batch` times per round for `rounds` rounds, alternating;
 * the best batch of each, per iteration, goes to *best_a and *best_b (ns).
 */
static inline void bench_pair(bench_fn a, bench_fn b, void *ctx, int rounds, int batch,
			      double *best_a, double *best_b)
{
	rounds = bench_rounds(rounds);
	batch = bench_batch(batch);
	*best_a = *best_b = 1e300;
	for (int r = 0; r < rounds; r++) {
		for (int which = 0; which < 2; which++) {
			bench_fn fn = which ? b : a;
			double *best = which ? best_b : best_a;
			int64_t t0 = bench_now_ns();
			double per;

			for (int i = 0; i < batch; i++)
				fn(ctx);
			per = (double)(bench_now_ns() - t0) / batch;
			if (per < *best)
				*best = per;
		}
	}
}

/* One row: | what | poise | floor | ratio |, times scaled to unit (ns per unit). */
static inline void bench_row(const char *what, double poise_ns, double floor_ns, double unit,
			     const char *unit_name)
{
	printf("| %s | %.1f %s | %.1f %s | %.1fx |\n", what, poise_ns / unit, unit_name,
	       floor_ns / unit, unit_name, poise_ns / floor_ns);
	fflush(stdout);
}

#endif
