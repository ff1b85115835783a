/* The evdev constants as servers/keyboard/evdev_codes.h writes them. */
#include "codes.h"
#include "evdev_codes.h"

#define K(name) {#name, name},
const struct named_code codes_ours[] = {
#include "evdev_names.def"
};
const unsigned codes_ours_count = sizeof(codes_ours) / sizeof(codes_ours[0]);
