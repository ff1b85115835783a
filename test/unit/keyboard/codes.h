/* An evdev constant by name and value, collected from one header by codes_ours.c and from the
 * other by codes_linux.c, so that no file includes both. */
#pragma once

struct named_code {
    const char *name;
    long value;
};

extern const struct named_code codes_ours[], codes_linux[];
extern const unsigned codes_ours_count, codes_linux_count;
