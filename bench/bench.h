/*
 * bench.h - the clock and the "best of N" loop every bench shares.
 *
 * Each bench times a batch of iterations of poise's code and of its floor,
 * alternating the two so that a noisy neighbour hurts both alike, and keeps
 * the median batch of each: on a shared machine the median moves less from
 * run to run than the mean, and unlike the best batch it does not reward
 * one lucky quiet moment. Results are printed as rows of the markdown
 * table bench/run.sh prints.
 */
#ifndef POISE_BENCH_H
#define POISE_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline int64_t bench_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t bench_now_ns(void)
{
	return bench_clock_ns(CLOCK_MONOTONIC);
}

/*
 * The clock bench_pair reads: wall time by default (an fsync waits without
 * using the CPU, and that wait is the figure). A bench of pure computation
 * sets CLOCK_THREAD_CPUTIME_ID: on a machine shared by many busy
 * processes, wall time also counts the time the scheduler gave to others,
 * and a longer batch is preempted more often, so wall-time ratios drift.
 */
static clockid_t bench_clock = CLOCK_MONOTONIC;

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

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorted in place); n > 0. */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef void (*bench_fn)(void *ctx);

/*
 * Run a and b `batch` times per round for `rounds` rounds, alternating;
 * the median batch of each, per iteration, goes to *med_a and *med_b (ns).
 */
static inline void bench_pair(bench_fn a, bench_fn b, void *ctx, int rounds, int batch,
			      double *med_a, double *med_b)
{
	double *t[2];

	rounds = bench_rounds(rounds);
	batch = bench_batch(batch);
	t[0] = malloc(sizeof(double) * (size_t)rounds);
	t[1] = malloc(sizeof(double) * (size_t)rounds);
	if (!t[0] || !t[1])
		bench_die("bench_pair", "out of memory");
	for (int r = 0; r < rounds; r++) {
		for (int which = 0; which < 2; which++) {
			bench_fn fn = which ? b : a;
			int64_t t0 = bench_clock_ns(bench_clock);

			for (int i = 0; i < batch; i++)
				fn(ctx);
			t[which][r] = (double)(bench_clock_ns(bench_clock) - t0) / batch;
		}
	}
	*med_a = bench_median(t[0], rounds);
	*med_b = bench_median(t[1], rounds);
	free(t[0]);
	free(t[1]);
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
