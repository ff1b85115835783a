/* The kernel uses libhv's freestanding memory and string routines. */
#pragma once

#include <hv/string.h>
