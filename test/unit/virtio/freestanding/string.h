/* The whole of libc that libhv/virtio may use, so a freestanding compile catches anything else. */
#pragma once

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
