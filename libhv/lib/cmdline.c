/* Reading options from a command line (words separated by spaces). */
#include <hv/cmdline.h>
#include <hv/abi/error.h>

int cmdline_get(const char *cmdline, const char *key, char *out, size_t out_size)
{
    const char *p = cmdline;

    while (*p) {
        while (*p == ' ')
            p++;
        const char *k = key;
        while (*k && *p == *k)
            p++, k++;
        if (*k == '\0' && *p == '=') {
            size_t n = 0;
            for (p++; *p && *p != ' '; p++) {
                if (n + 1 >= out_size)
                    return HV_ETRUNC;
                out[n++] = *p;
            }
            out[n] = '\0';
            return HV_OK;
        }
        while (*p && *p != ' ')
            p++;
    }
    return HV_ENOENT;
}

int cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out)
{
    char buf[24];
    int r = cmdline_get(cmdline, key, buf, sizeof(buf));
    if (r)
        return r;
    uint64_t v = 0;
    if (buf[0] == '\0')
        return HV_EINVAL;
    for (const char *p = buf; *p; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            return HV_EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return HV_OK;
}

bool cmdline_has(const char *cmdline, const char *word)
{
    for (const char *p = cmdline; *p; p++) {
        if (p != cmdline && p[-1] != ' ')
            continue;
        unsigned i = 0;
        while (word[i] && p[i] == word[i])
            i++;
        if (!word[i] && (p[i] == ' ' || p[i] == '\0'))
            return true;
    }
    return false;
}
