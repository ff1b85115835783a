/* The console tests' terminal (term_model.h). */
#include "term_model.h"
#include <string.h>

void term_reset(struct term *t)
{
    memset(t, 0, sizeof(*t));
    t->rows = 1;
}

static void put(struct term *t, char ch)
{
    if (t->x >= TERM_COLS)
        return;
    char *r = t->row[t->y];
    for (unsigned i = (unsigned)strlen(r); i < t->x; i++)
        r[i] = ' ';
    r[t->x++] = ch;
}

void term_feed(struct term *t, const char *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\r') {
            t->x = 0;
        } else if (ch == '\n') {
            if (t->y + 1 < TERM_ROWS)
                t->y++;
            if (t->y + 1 > t->rows)
                t->rows = t->y + 1;
        } else if (ch == '\b') {
            if (t->x)
                t->x--;
        } else if (ch == 0x1b && i + 2 < n && s[i + 1] == '[' && s[i + 2] == 'K') {
            t->row[t->y][t->x < strlen(t->row[t->y]) ? t->x : strlen(t->row[t->y])] = '\0';
            i += 2;
        } else if ((unsigned char)ch < 0x20 || (unsigned char)ch >= 0x7f) {
            t->bad_controls++;
        } else {
            put(t, ch);
        }
    }
}

const char *term_row(struct term *t, unsigned i)
{
    if (i >= TERM_ROWS)
        return "";
    char *r = t->row[i];
    size_t len = strlen(r);
    while (len && r[len - 1] == ' ')
        r[--len] = '\0';
    return r;
}

unsigned term_rows(const struct term *t)
{
    return t->rows;
}
