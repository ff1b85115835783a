/* The check runner: one result line per check, the SUMMARY after the last (docs/testing.md).
 * A check whose body raised an exception nobody expected, returned without a result, or let an
 * unexpected interrupt in, is a FAIL with what happened, never a hang or a silent pass. */
#include <guest/check.h>
#include <guest/console.h>
#include <guest/exc.h>
#include <hv/fmt.h>
#include <hv/string.h>
#include <stdarg.h>

#include "lib.h"

enum result { NONE, PASS, SKIP, FAIL };

static const char *const result_word[] = {[PASS] = "PASS", [SKIP] = "SKIP", [FAIL] = "FAIL"};

/* A result's text, at most 140 characters: with "FAIL: <id>: " the line stays within the 160
 * characters a partition's console line holds (docs/console.md), so it is never split. */
#define TEXT_MAX 141

/* The running check's result: formatted whole, so it goes out as one line. */
static struct {
    enum result result;
    char text[TEXT_MAX];
} current;

static unsigned tests, failures;


extern const struct check __start_checks[], __stop_checks[];

static void set_result(enum result r, const char *fmt, va_list ap)
{
    if (current.result == FAIL)
        return; /* the first failure is the one to read */
    current.result = r;
    fmt_vsnprintf(current.text, sizeof(current.text), fmt, ap);
}

#define SET_RESULT(r)                                                                              \
    do {                                                                                           \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        set_result(r, fmt, ap);                                                                    \
        va_end(ap);                                                                                \
    } while (0)

void pass(const char *fmt, ...)
{
    SET_RESULT(PASS);
}

void fail(const char *fmt, ...)
{
    SET_RESULT(FAIL);
}

void skip(const char *fmt, ...)
{
    SET_RESULT(SKIP);
}

void report(bool ok, const char *fmt, ...)
{
    SET_RESULT(ok ? PASS : FAIL);
}

static void print_result(const char *id, enum result r, const char *text)
{
    tests++;
    failures += r == FAIL;
    gprintf("%s: %s: %s\n", result_word[r], id, text);
}

void check_report_outside(const char *id, bool ok, const char *fmt, ...)
{
    char text[TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    print_result(id, ok ? PASS : FAIL, text);
}

static void run_body(void *arg)
{
    ((const struct check *)arg)->run();
}

static void run_one(const struct check *c)
{
    struct exc_info e;
    unsigned stray = irq_unexpected;

    current.result = NONE;
    current.text[0] = '\0';
    if (exc_catch(run_body, (void *)c, &e))
        fail("unexpected exception %s (syndrome 0x%llx, address 0x%llx, at pc 0x%llx)",
             exc_kind_name(e.kind), (unsigned long long)e.syndrome, (unsigned long long)e.addr,
             (unsigned long long)e.pc);
    irq_disable();
    if (irq_unexpected != stray) {
        /* The result so far is kept in the text; copied first, since fail() rewrites it. */
        char was[TEXT_MAX] = "none";
        if (current.result != NONE)
            memcpy(was, current.text, TEXT_MAX);
        fail("%u unexpected interrupt(s), the last id %u (result was: %s)",
             irq_unexpected - stray, irq_unexpected_last, was);
    }
    if (current.result == NONE)
        fail("the check reported no result");
    print_result(c->id, current.result, current.text);
}

unsigned check_run_all(void)
{
    unsigned n = (unsigned)(__stop_checks - __start_checks);
    gprintf("PLAN: %u checks\n", n);
    for (const struct check *c = __start_checks; c < __stop_checks; c++)
        run_one(c);
    return check_summary();
}

unsigned check_summary(void)
{
    gprintf("SUMMARY: %u tests, %u unexpected failures\n", tests, failures);
    return failures;
}
