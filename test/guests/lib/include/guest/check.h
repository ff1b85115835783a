/* Checks of a test guest: each is one function with a stable ID that reports one result line
 * (docs/testing.md's format); the runner runs them in link order and prints the SUMMARY. */
#pragma once

#include <stdbool.h>

struct check {
    const char *id; /* stable across versions: "TMR-A3", "MSR-X1" */
    void (*run)(void);
};

/* CHECK(fn, "ID") { ... } defines a check. The body reports with pass/fail/skip/report; the
 * section "checks" collects every check of the image (file order = link order). */
#define CHECK(fn, check_id)                                                                        \
    static void fn(void);                                                                          \
    static const struct check fn##_check                                                           \
        __attribute__((section("checks"), used)) = {.id = check_id, .run = fn};                    \
    static void fn(void)

/* The result of the running check. The first FAIL wins: a later PASS does not hide it. */
void pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs every check (an exception nobody expected ends the check as a FAIL), then prints
 * "SUMMARY: N tests, M unexpected failures"; returns M. */
unsigned check_run_all(void);

/* A result outside any check (the library's own troubles): printed and counted at once. */
void check_report_outside(const char *id, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
