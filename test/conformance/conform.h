/* What the conformance checks share: the command line both runs give the guest (the manifest's
 * bootargs and QEMU's -append, scripts/conform), and the arch's name. */
#pragma once

#define CONFORM_CMDLINE "conform"

#if defined(__aarch64__)
#define CONFORM_ARCH "aarch64"
#else
#define CONFORM_ARCH "x86_64"
#endif
