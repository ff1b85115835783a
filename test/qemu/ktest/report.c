/* The PASS/FAIL/SKIP/SUMMARY lines of every in-QEMU test suite (report.h), counted in one
 * place so that SUMMARY's N and M always agree with the lines printed. */
#include "report.h"
#include <hv/fmt.h>
#include <hv/print.h>
#include <stdarg.h>

static unsigned tests, failures;

/* A case's description, formatted whole so that it goes out as one line. */
struct text {
    char s[200];
    unsigned len;
};

static void text_putc(void *ctx, char c)
{
    struct text *t = ctx;
    if (t->len < sizeof(t->s) - 1)
        t->s[t->len++] = c;
}

void test_check(const char *id, bool ok, const char *fmt, ...)
{
    struct text t = {.len = 0};
    va_list ap;
    va_start(ap, fmt);
    fmt_vformat(text_putc, &t, fmt, ap);
    va_end(ap);
    t.s[t.len] = '\0';
    tests++;
    failures += !ok;
    hv_printf("%s: %s: %s\n", ok ? "PASS" : "FAIL", id, t.s);
}

void test_skip(const char *id, const char *why)
{
    tests++;
    hv_printf("SKIP: %s: %s\n", id, why);
}

unsigned test_count(void)
{
    return tests;
}

unsigned test_summary(void)
{
    if (tests == 0)
        test_check("KTEST-1", false, "no test case ran");
    hv_printf("SUMMARY: %u tests, %u unexpected failures\n", tests, failures);
    return failures;
}
