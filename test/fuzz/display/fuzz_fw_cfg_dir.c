/* libFuzzer target: fw_cfg's file directory as the device hands it to the display server
 * (servers/display/fw_cfg.c), any bytes in an exact-size copy so that ASan sees a read past
 * the end. Oracle: a plain re-reading of the format — the lookup finds a name exactly when an
 * entry within both the count and the bytes holds it NUL-terminated, and then answers that
 * first entry's select and size; a count that runs past the bytes finds nothing. */
#include "fuzz_invariant.h"
#include "fw_cfg.h"
#include <stdlib.h>
#include <string.h>

static uint32_t be(const uint8_t *p, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void check(const uint8_t *dir, size_t len, const char *name)
{
    uint16_t sel = 0;
    uint32_t size = 0;
    bool found = fw_cfg_find_file(dir, len, name, &sel, &size);
    bool want = false;
    uint16_t want_sel = 0;
    uint32_t want_size = 0;
    if (len >= 4) {
        uint64_t count = be(dir, 4);
        if (count * FW_CFG_FILE_ENTRY_SIZE <= len - 4)
            for (uint64_t i = 0; i < count && !want; i++) {
                const uint8_t *e = dir + 4 + i * FW_CFG_FILE_ENTRY_SIZE;
                size_t n = strlen(name);
                if (n < FW_CFG_FILE_NAME_MAX && !memcmp(e + 8, name, n) && e[8 + n] == 0) {
                    want = true;
                    want_size = be(e, 4);
                    want_sel = (uint16_t)be(e + 4, 2);
                }
            }
    }
    INVARIANT(found == want);
    INVARIANT(!found || (sel == want_sel && size == want_size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *dir = malloc(size ? size : 1);
    memcpy(dir, data, size);
    check(dir, size, "etc/ramfb");
    check(dir, size, "etc/e820");
    check(dir, size, "");
    /* a name of the input's own: its first entry's, cut at 55 bytes */
    if (size >= 4 + FW_CFG_FILE_ENTRY_SIZE) {
        char name[FW_CFG_FILE_NAME_MAX];
        memcpy(name, data + 12, FW_CFG_FILE_NAME_MAX - 1);
        name[FW_CFG_FILE_NAME_MAX - 1] = '\0';
        check(dir, size, name);
    }
    free(dir);
    return 0;
}
