/* A fuzzer's oracle: a rule the code under test must keep for every input; a broken one is a
 * finding (libFuzzer saves the input that broke it). */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#define INVARIANT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)
