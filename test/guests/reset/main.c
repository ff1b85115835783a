/* The SEC-M1 guest (docs/testing.md, test sec-m1-<arch>): it resets its machine at once, or,
 * with `wait` on its command line, once a key is typed. It counts nothing, because nothing of
 * it survives a reset (the root task wipes its RAM): the root's log counts the resets. */
#include <guest/console.h>
#include <guest/guest.h>
#include <guest/time.h>
#include <hv/string.h>

#define KEY_TIMEOUT_US (600ull * 1000000) /* longer than the test: the driver's timeout rules */

static bool cmdline_has(const char *word)
{
    const char *s = guest_cmdline();
    size_t n = strlen(word);
    for (unsigned i = 0; i < 256 && s[i]; i++)
        if ((i == 0 || s[i - 1] == ' ') && !memcmp(s + i, word, n) &&
            (s[i + n] == ' ' || s[i + n] == '\0'))
            return true;
    return false;
}

int guest_main(void)
{
    if (!cmdline_has("wait"))
        guest_reset(); /* silent: a line per reset would only slow the 2,000 down */
    gprintf("RESET-GUEST: waiting for a key, then resetting\n");
    if (!WAIT_UNTIL(console_getc() >= 0, KEY_TIMEOUT_US)) {
        gprintf("RESET-GUEST: no key came\n");
        return 1;
    }
    gprintf("RESET-GUEST: key typed: resetting\n");
    guest_reset();
}
