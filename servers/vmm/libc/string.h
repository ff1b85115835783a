/* <string.h> for the freestanding VMM build: libhv's virtio code, written to compile on the host
 * too, includes it; on the target libhv's own routines are the C library. */
#pragma once

#include <hv/string.h>
