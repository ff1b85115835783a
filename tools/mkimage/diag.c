/* The image builder's one error reporter (diag.h): the last message is kept for the tests. */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

static char last_error[1024];
static bool quiet;

int mk_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    if (!quiet)
        fprintf(stderr, "mkimage: %s\n", last_error);
    return -1;
}

const char *mk_last_error(void) { return last_error; }
void mk_set_quiet(bool q) { quiet = q; }
