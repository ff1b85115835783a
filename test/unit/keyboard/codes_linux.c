/* The same constants as the host's Linux UAPI header defines them (Debian's linux-libc-dev). */
#include "codes.h"
#include <linux/input-event-codes.h>

#define K(name) {#name, name},
const struct named_code codes_linux[] = {
#include "evdev_names.def"
};
const unsigned codes_linux_count = sizeof(codes_linux) / sizeof(codes_linux[0]);
