/* The console server's transmit queue with a quota per writer (console_tx.h). */
#include "console_tx.h"
#include <hv/string.h>

void tx_init(struct console_tx *t, uint32_t quota)
{
    memset(t, 0, sizeof(*t));
    t->quota = quota;
}

bool tx_put(struct console_tx *t, unsigned owner, const void *bytes, unsigned n)
{
    if (owner >= CONSOLE_TX_OWNERS || n == 0 || n > CONSOLE_TX_SIZE - (t->head - t->tail))
        return false;
    if (owner != CONSOLE_TX_SERVER && n > t->quota - t->waiting[owner])
        return false;
    const uint8_t *b = bytes;
    for (unsigned i = 0; i < n; i++) {
        t->buf[(t->head + i) % CONSOLE_TX_SIZE] = b[i];
        t->owner[(t->head + i) % CONSOLE_TX_SIZE] = (uint8_t)owner;
    }
    t->head += n;
    t->waiting[owner] += n;
    return true;
}

unsigned tx_peek(const struct console_tx *t, const uint8_t **out)
{
    uint32_t at = t->tail % CONSOLE_TX_SIZE, waiting = t->head - t->tail;
    *out = &t->buf[at];
    return waiting < CONSOLE_TX_SIZE - at ? waiting : CONSOLE_TX_SIZE - at;
}

void tx_consume(struct console_tx *t, unsigned n)
{
    if (n > t->head - t->tail)
        n = t->head - t->tail;
    for (; n; n--) /* each byte back to its owner's quota */
        t->waiting[t->owner[t->tail++ % CONSOLE_TX_SIZE]]--;
}
