/* Printing the benchmarks' figures (bench.h): sorted batches, then the median, minimum and
 * maximum per operation, as text and as JSON for scripts/hv bench. */
#include "bench.h"
#include <hv/print.h>

void bench_sort(uint64_t v[BENCH_BATCHES])
{
    for (unsigned i = 1; i < BENCH_BATCHES; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

void bench_print(const char *name, uint64_t per_op[BENCH_BATCHES], const char *unit)
{
    bench_sort(per_op);
    uint64_t med = per_op[BENCH_BATCHES / 2], min = per_op[0], max = per_op[BENCH_BATCHES - 1];
    hv_printf("BENCH: %s median=%lu min=%lu max=%lu (%s, %u batches of %u)\n", name, med, min, max,
              unit, BENCH_BATCHES, BENCH_ROUNDS);
    hv_printf("BENCH-JSON: {\"name\": \"%s\", \"median\": %lu, \"min\": %lu, \"max\": %lu, "
              "\"batches\": %u, \"rounds\": %u}\n",
              name, med, min, max, BENCH_BATCHES, BENCH_ROUNDS);
}

void bench_fail(const char *name, const char *what, int err)
{
    hv_printf("BENCH-FAIL: %s: %s (error %d)\n", name, what, err);
}
