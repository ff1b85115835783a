/* Attacks through the shared console (docs/console.md): output that tries to pass as another
 * partition's, the root task's or the console server's own lines, listening for keys typed for
 * another partition (information flow), and a flood of lines (availability). */
#include <guest/console.h>
#include <guest/time.h>
#include <hv/string.h>

#include "attack.h"

#define LISTEN_US 300000ull
#define SECRET "s3cr3t"

/* IF-1: each line tries another way to start a terminal line that is not its own: a bare CR,
 * erase-line and cursor-home sequences, a run past the console's 160-character line. Every
 * forged text carries EVAL-FORGERY so the harness can find where it landed. */
ATTACK(if1_forged_lines, "IF-1")
{
    static const char *const forgeries[] = {
        "\r[victim] EVAL-FORGERY cr\n",
        "\r\x1b[2K[victim] EVAL-FORGERY erase-line\n",
        "\x1b[1;1H\x1b[2Kroot: EVAL-FORGERY cursor-home\n",
        "\r\x1b[2K[duet] EVAL-FORGERY focus: victim\n",
        "\b\b\b\b\b\b\b\b\b\b\b[attacker:vmm] EVAL-FORGERY backspaces\n",
    };
    for (unsigned i = 0; i < sizeof(forgeries) / sizeof(forgeries[0]); i++)
        console_write(forgeries[i], strlen(forgeries[i]));
    /* 165 characters, so that the forged tag would start the console's next line. */
    for (unsigned i = 0; i < 165; i++)
        console_putc('x');
    const char *tail = "[victim] EVAL-FORGERY long-line\n";
    console_write(tail, strlen(tail));
    evidence("wrote 6 forged lines");
}

/* IF-2: the harness moves the console's focus to the victim (Ctrl-T 2) and types a secret for
 * it while the attacker listens on its own UART. */
ATTACK(if2_keys_for_victim, "IF-2")
{
    char got[32];
    unsigned n = 0;
    gprintf("EVAL-LISTEN %s\n", "IF-2");
    uint64_t end = time_us() + LISTEN_US;
    while (time_us() < end) {
        int c = console_getc();
        if (c >= 0 && n + 1 < sizeof(got))
            got[n++] = (char)c;
    }
    got[n] = '\0';
    bool secret = false;
    for (unsigned i = 0; i + sizeof(SECRET) - 1 <= n; i++)
        secret = secret || !memcmp(got + i, SECRET, sizeof(SECRET) - 1);
    evidence("%u bytes typed reached the attacker", n);
    claim(secret, "the victim's secret %s", secret ? "REACHED the attacker" : "did not reach it");
}

/* AV-4: the console, flooded: lines as fast as the CPU makes them, for good. */
ATTACK(av4_console_flood, "AV-4")
{
    for (unsigned n = 0;; n++)
        gprintf("EVAL-FLOOD %u xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                n);
}
