/* GUID text <-> the bytes a GPT stores (hv/guid.h). */
#include <hv/guid.h>
#include <hv/hex.h>

/* Text order of the 16 bytes: the first three groups are little-endian on disk (Appendix A). */
static const uint8_t guid_text_order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

bool hv_guid_parse(const char *text, uint8_t guid[16])
{
    unsigned byte = 0;
    for (unsigned i = 0; i < 36; i++) {
        char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
            continue;
        }
        int hi = hv_hex_digit(c), lo = hi < 0 ? -1 : hv_hex_digit(text[++i]);
        if (hi < 0 || lo < 0)
            return false;
        guid[guid_text_order[byte++]] = (uint8_t)(hi << 4 | lo);
    }
    return text[36] == '\0';
}

void hv_guid_format(const uint8_t guid[16], char text[HV_GUID_TEXT_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned pos = 0;
    for (unsigned byte = 0; byte < 16; byte++) {
        if (byte == 4 || byte == 6 || byte == 8 || byte == 10)
            text[pos++] = '-';
        uint8_t v = guid[guid_text_order[byte]];
        text[pos++] = digits[v >> 4];
        text[pos++] = digits[v & 15];
    }
    text[pos] = '\0';
}
