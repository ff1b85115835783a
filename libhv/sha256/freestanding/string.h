/* What BearSSL's headers get for <string.h> in a freestanding build: libhv's memcpy/memset. */
#pragma once
#include <hv/string.h>
