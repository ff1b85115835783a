/* The name of an enum value for a log line, looked up in a table indexed by the value. */
#pragma once

#include <stddef.h>

/*
 * names[value], or unknown where the value is outside the table or has no entry there: the
 * value may come from a guest or a device, so the bound is checked before the index.
 */
static inline const char *hv_enum_name(const char *const *names, size_t count, long value,
                                       const char *unknown)
{
    if (value < 0 || (unsigned long)value >= count || names[value] == NULL)
        return unknown;
    return names[value];
}

/* hv_enum_name with the table's size taken from its declaration. */
#define HV_ENUM_NAME(names, value, unknown)                                                        \
    hv_enum_name((names), sizeof(names) / sizeof((names)[0]), (long)(value), (unknown))
