/* <string.h> for the freestanding server build: the switch's logic, written to compile on the
 * host too, includes it; on target libhv's own routines are the C library. */
#pragma once

#include <hv/string.h>
