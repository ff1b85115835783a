/* The in-QEMU test program: the root task of the test image (duet-test.elf), holding every
 * capability the kernel did not keep. It runs the suites named by duet.test=<suite> and the
 * benchmarks named by duet.bench=<bench>, in command-line order, then stops. */
#include "ktest.h"
#include "report.h"
#include <hv/print.h>
#include <hv/string.h>

struct suite {
    const char *name;
    void (*run)(const struct hv_bootinfo *info);
};

struct bench {
    const char *name;
    bool (*run)(void);
};

static const struct suite suites[] = {
    {"core", core_tests_run},
    {"console", console_test_run},
    {"vcpu", vcpu_tests_run},
    {"sec", sec_tests_run},
    {"focus", focus_test_run},
    {"sec-granted", sec_granted_tests_run},
};

static const struct bench benches[] = {
    {"ipc", bench_ipc_run},
    {"exit", vcpu_bench_run},
};

#define NSUITES (sizeof(suites) / sizeof(suites[0]))
#define NBENCHES (sizeof(benches) / sizeof(benches[0]))

static const struct hv_bootinfo *bootinfo;
static bool tests_asked, benches_asked, bench_failed;

/* The value of the word [w, w + len) into out when the word is key=value (cut to fit). */
static bool word_value(const char *w, size_t len, const char *key, char *out, size_t out_size)
{
    size_t k = strlen(key);
    if (len <= k || memcmp(w, key, k))
        return false;
    size_t n = len - k < out_size - 1 ? len - k : out_size - 1;
    memcpy(out, w + k, n);
    out[n] = '\0';
    return true;
}

/* A suite that reports no case at all is a failure, never an empty pass. */
static void run_suite(const char *name)
{
    tests_asked = true;
    for (unsigned i = 0; i < NSUITES; i++) {
        if (strcmp(name, suites[i].name))
            continue;
        unsigned before = test_count();
        suites[i].run(bootinfo);
        if (test_count() == before)
            test_check("KTEST-1", false, "suite %s reported no case", name);
        return;
    }
    test_check("KTEST-0", false,
               "duet.test=%s names no suite (core, console, vcpu, sec, sec-granted)", name);
}

static void run_bench(const char *name)
{
    benches_asked = true;
    for (unsigned i = 0; i < NBENCHES; i++) {
        if (strcmp(name, benches[i].name) == 0) {
            bench_failed |= !benches[i].run();
            return;
        }
    }
    hv_printf("BENCH-FAIL: duet.bench=%s names no benchmark (ipc, exit)\n", name);
    bench_failed = true;
}

void hv_main(uint64_t arg)
{
    const struct hv_bootinfo *info = (const struct hv_bootinfo *)arg;

    hv_print_to_debug(ROOT_DEBUG_CONSOLE);
    hv_printf("ktest: running unprivileged, argument 0x%lx\n", arg);
    if (info->magic != HV_BOOTINFO_MAGIC) {
        test_check("KTEST-0", false, "no boot information at 0x%lx", arg);
        test_summary();
        return;
    }
    bootinfo = info;
    root_alloc_init(info);
    root_loader_init(info);

    char name[24];
    const char *end = info->cmdline + sizeof(info->cmdline); /* in case it has no NUL */
    for (const char *w = info->cmdline; w < end && *w;) {
        size_t len = 0;
        while (w + len < end && w[len] && w[len] != ' ')
            len++;
        if (word_value(w, len, "duet.test=", name, sizeof(name)))
            run_suite(name);
        else if (word_value(w, len, "duet.bench=", name, sizeof(name)))
            run_bench(name);
        w += len;
        while (w < end && *w == ' ')
            w++;
    }

    if (!tests_asked && !benches_asked) {
        /* Booted without a selection: say so and fail, rather than wait to be stopped. */
        test_check("KTEST-0", false,
                   "the command line names no suite (duet.test=core|console|vcpu) and no "
                   "benchmark (duet.bench=ipc|exit)");
        tests_asked = true;
    }
    if (benches_asked)
        hv_printf(bench_failed ? "BENCH-FAILED\n" : "BENCH-DONE\n");
    if (tests_asked)
        test_summary();
}
