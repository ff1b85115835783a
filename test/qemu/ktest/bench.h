/* What the benchmarks share (duet.bench=): their batch sizes and how a figure is printed, as a
 * BENCH line and a BENCH-JSON record (docs/testing.md, "Benchmarks"). */
#pragma once

#include <stdint.h>

/* Each figure is per operation over BENCH_BATCHES batches of BENCH_ROUNDS; a timer tick inside
 * a batch only inflates that batch. */
#define BENCH_BATCHES 11
#define BENCH_ROUNDS 1000

/* Sorts the batches' figures, smallest first. */
void bench_sort(uint64_t per_op[BENCH_BATCHES]);
/* Sorts per_op and prints its median, minimum and maximum; unit says what was counted. */
void bench_print(const char *name, uint64_t per_op[BENCH_BATCHES], const char *unit);
/* The benchmark could not run, or one of its calls failed: a BENCH-FAIL line, no figure. */
void bench_fail(const char *name, const char *what, int err);
