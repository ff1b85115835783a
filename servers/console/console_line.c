/* A guest's terminal line built from its bytes, with every control applied or neutralised
 * (console_line.h). A guest's bytes are untrusted: nothing here lets one move the terminal's
 * cursor before the start of its own line, so the tag in front of it can't be overwritten. */
#include "console_line.h"

enum { ESC_NONE, ESC_SEEN, ESC_CSI };

#define ESC_ARG_MAX 999u

void line_reset(struct console_line *l)
{
    uint32_t neutralised = l->neutralised;
    *l = (struct console_line){0};
    l->neutralised = neutralised;
}

/* Writes n characters at the cursor (over what is there, as a terminal does). */
static enum line_event put(struct console_line *l, const char *s, unsigned n)
{
    if (l->cursor + n > CONSOLE_LINE_MAX)
        return LINE_FULL;
    if (l->cursor < l->len)
        l->edited = true;
    for (unsigned i = 0; i < n; i++)
        l->text[l->cursor++] = s[i];
    if (l->cursor > l->len)
        l->len = l->cursor;
    return LINE_MORE;
}

/* A control or byte that is not ASCII text, shown as ^X, ^? or \xNN. */
static enum line_event put_escaped(struct console_line *l, uint8_t byte)
{
    static const char hex[] = "0123456789abcdef";
    char s[4];
    unsigned n;
    if (byte < 0x20 || byte == 0x7f) {
        s[0] = '^', s[1] = byte == 0x7f ? '?' : (char)(byte + '@'), n = 2;
    } else {
        s[0] = '\\', s[1] = 'x', s[2] = hex[byte >> 4], s[3] = hex[byte & 15], n = 4;
    }
    enum line_event e = put(l, s, n);
    if (e == LINE_MORE)
        l->neutralised++;
    return e;
}

static void move_cursor(struct console_line *l, unsigned to)
{
    if (to != l->cursor)
        l->edited = true;
    l->cursor = to;
}

/* The final byte of a CSI sequence: only erasing and moving within the line are honoured. */
static void csi_apply(struct console_line *l, uint8_t final)
{
    unsigned n = l->esc_arg ? l->esc_arg : 1;
    switch (final) {
    case 'K': /* erase in line: 0 to the end, 1 from the start, 2 all (the cursor stays) */
        if (l->esc_arg == 0 || l->esc_arg == 2) {
            l->edited |= l->cursor < l->len;
            l->len = l->cursor;
        }
        if (l->esc_arg == 1 || l->esc_arg == 2) {
            for (unsigned i = 0; i < l->cursor && i < l->len; i++)
                l->text[i] = ' ';
            l->edited = true;
        }
        return;
    case 'C':
        move_cursor(l, l->cursor + n > l->len ? l->len : l->cursor + n);
        return;
    case 'D':
        move_cursor(l, n > l->cursor ? 0 : l->cursor - n);
        return;
    case 'm': /* colours: dropped, they can't move text but could outlive the line */
        return;
    default: /* cursor addressing, screen erasing, queries: never on the shared terminal */
        l->neutralised++;
        return;
    }
}

static enum line_event feed_plain(struct console_line *l, uint8_t byte);

/* A byte inside an escape sequence. */
static enum line_event feed_escape(struct console_line *l, uint8_t byte)
{
    if (l->esc == ESC_SEEN) {
        if (byte == '[') {
            l->esc = ESC_CSI, l->esc_arg = 0;
            return LINE_MORE;
        }
        /* Not CSI (a charset switch, OSC, ...): the ESC is shown, the byte goes on as itself. */
        enum line_event e = put_escaped(l, 0x1b);
        if (e != LINE_MORE)
            return e;
        l->esc = ESC_NONE;
        return feed_plain(l, byte);
    }
    if (byte >= '0' && byte <= '9') {
        unsigned v = l->esc_arg * 10 + (byte - '0');
        l->esc_arg = v > ESC_ARG_MAX ? ESC_ARG_MAX : v;
        return LINE_MORE;
    }
    if (byte == ';' || byte == '?' || byte == '>' || byte == '=') /* later parameters: ignored */
        return LINE_MORE;
    l->esc = ESC_NONE;
    if (byte >= 0x40 && byte <= 0x7e) {
        csi_apply(l, byte);
        return LINE_MORE;
    }
    l->neutralised++; /* a broken sequence: dropped, the byte goes on as itself */
    return feed_plain(l, byte);
}

static enum line_event feed_plain(struct console_line *l, uint8_t byte)
{
    switch (byte) {
    case '\n':
        return LINE_END;
    case '\r':
        l->cr = true; /* "\r\n" is just the end of the line */
        return LINE_MORE;
    case '\b':
        if (l->cursor)
            move_cursor(l, l->cursor - 1);
        return LINE_MORE;
    case '\t': {
        static const char spaces[8] = "        ";
        return put(l, spaces, 8 - l->cursor % 8);
    }
    case 0x1b:
        l->esc = ESC_SEEN;
        return LINE_MORE;
    case '\a':
        l->neutralised++;
        return LINE_MORE;
    }
    if (byte < 0x20 || byte >= 0x7f)
        return put_escaped(l, byte);
    char c = (char)byte;
    return put(l, &c, 1);
}

enum line_event line_feed(struct console_line *l, uint8_t byte)
{
    if (l->cr && byte != '\n') {
        move_cursor(l, 0); /* a bare CR: what follows rewrites the line from its start */
    }
    l->cr = false;
    if (l->esc != ESC_NONE)
        return feed_escape(l, byte);
    return feed_plain(l, byte);
}
