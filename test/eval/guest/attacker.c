/* The attacker's loop: says it is ready, reads a line "ID [arg1 [arg2]]" from its console (the
 * harness types it), runs that attack, and waits for the next line. Nothing else runs, so an
 * attack's effects are the attack's. */
#include <guest/console.h>
#include <guest/exc.h>
#include <guest/time.h>
#include <hv/fmt.h>
#include <hv/string.h>
#include <stdarg.h>

#include "attack.h"

#define LINE_MAX 80
#define LINE_TIMEOUT_US (600ull * 1000000)

extern const struct attack __start_attacks[], __stop_attacks[];
static const char *current_id = "?";


/* Formatted whole first: one gprintf is one console line, kept whole (docs/console.md). */
void evidence(const char *fmt, ...)
{
    char text[120];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    gprintf("EVAL-EVIDENCE %s %s\n", current_id, text);
}

void claim(bool breach, const char *fmt, ...)
{
    char text[110];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    gprintf("EVAL-CLAIM %s %s: %s\n", current_id, breach ? "breach" : "denied", text);
}

struct probe {
    uint64_t addr, value;
    unsigned size;
    bool write;
};

static void probe_body(void *arg)
{
    struct probe *p = arg;
    if (p->write) {
        switch (p->size) {
        case 1: *(volatile uint8_t *)(uintptr_t)p->addr = (uint8_t)p->value; break;
        case 2: *(volatile uint16_t *)(uintptr_t)p->addr = (uint16_t)p->value; break;
        case 4: *(volatile uint32_t *)(uintptr_t)p->addr = (uint32_t)p->value; break;
        default: *(volatile uint64_t *)(uintptr_t)p->addr = p->value; break;
        }
    } else {
        switch (p->size) {
        case 1: p->value = *(volatile uint8_t *)(uintptr_t)p->addr; break;
        case 2: p->value = *(volatile uint16_t *)(uintptr_t)p->addr; break;
        case 4: p->value = *(volatile uint32_t *)(uintptr_t)p->addr; break;
        default: p->value = *(volatile uint64_t *)(uintptr_t)p->addr; break;
        }
    }
}

static bool probe(struct probe *p)
{
    struct exc_info e;
    if (!exc_catch(probe_body, p, &e))
        return true;
    evidence("%s of %u bytes at 0x%llx: exception %s (syndrome 0x%llx)",
             p->write ? "write" : "read", p->size, (unsigned long long)p->addr,
             exc_kind_name(e.kind), (unsigned long long)e.syndrome);
    return false;
}

bool probe_read(uint64_t addr, unsigned size, uint64_t *value)
{
    struct probe p = {.addr = addr, .size = size};
    bool ok = probe(&p);
    *value = ok ? p.value : 0;
    return ok;
}

bool probe_write(uint64_t addr, unsigned size, uint64_t value)
{
    struct probe p = {.addr = addr, .size = size, .value = value, .write = true};
    return probe(&p);
}

static bool read_line(char *line)
{
    unsigned n = 0;
    for (;;) {
        int c;
        if (!WAIT_UNTIL((c = console_getc()) >= 0, LINE_TIMEOUT_US))
            return false;
        if (c == '\r' || c == '\n') {
            if (n == 0)
                continue;
            line[n] = '\0';
            return true;
        }
        if (n + 1 < LINE_MAX)
            line[n++] = (char)c;
    }
}

static uint64_t parse_number(const char **s)
{
    while (**s == ' ')
        (*s)++;
    uint64_t v = 0;
    unsigned base = 10;
    if ((*s)[0] == '0' && (*s)[1] == 'x') {
        base = 16;
        *s += 2;
    }
    for (;; (*s)++) {
        char c = **s;
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            break;
        v = v * base + d;
    }
    return v;
}

static void run_line(const char *line)
{
    char id[16];
    unsigned n = 0;
    while (line[n] && line[n] != ' ' && n + 1 < sizeof(id)) {
        id[n] = line[n];
        n++;
    }
    id[n] = '\0';
    const char *rest = line + n;
    uint64_t a1 = parse_number(&rest), a2 = parse_number(&rest);
    for (const struct attack *a = __start_attacks; a < __stop_attacks; a++) {
        if (strcmp(a->id, id))
            continue;
        current_id = a->id;
        gprintf("EVAL-ATTACK %s start 0x%llx 0x%llx\n", id, (unsigned long long)a1,
                (unsigned long long)a2);
        a->run(a1, a2);
        gprintf("EVAL-ATTACK %s done\n", id);
        current_id = "?";
        return;
    }
    gprintf("EVAL-UNKNOWN %s: this guest has no such attack\n", id);
}

int attacker_main(void)
{
    char line[LINE_MAX];
    for (;;) {
        gprintf("EVAL-READY %u attacks\n", (unsigned)(__stop_attacks - __start_attacks));
        if (!read_line(line)) {
            gprintf("EVAL-NO-INPUT: no case typed\n");
            return 1;
        }
        run_line(line);
    }
}
