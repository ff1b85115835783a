/* The few memory and string routines freestanding code needs (the compiler emits calls to
 * memcpy/memset for struct copies, so they must exist); shared by the kernel and programs. */
#pragma once

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int strcmp(const char *a, const char *b);
size_t strlen(const char *s);
