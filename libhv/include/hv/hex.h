/* One hexadecimal digit's value: for the text parsers of GUIDs and MAC addresses. Freestanding. */
#pragma once

/* 0..15, or -1 for a character that is no hex digit. */
static inline int hv_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
