/* GUIDs as text ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx") and as the 16 bytes a GPT stores: the
 * first three fields little-endian, the last eight bytes in text order (UEFI 2.x, appendix A).
 * Shared by the image builder (the manifest's disk-guid) and the storage server (its log). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define HV_GUID_TEXT_LEN 36

/* False for anything but exactly 36 characters of hex digits with dashes at 8, 13, 18, 23. */
bool hv_guid_parse(const char *text, uint8_t guid[16]);
/* Lowercase, NUL-terminated. */
void hv_guid_format(const uint8_t guid[16], char text[HV_GUID_TEXT_LEN + 1]);
