/* <string.h> for user programs: libhv's virtio code and the servers' host-tested logic, written
 * to compile on the host too, include it; on the target libhv's own routines are the C library. */
#pragma once

#include <hv/string.h>
