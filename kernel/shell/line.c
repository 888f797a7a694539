/*
 * The command line: typing one on a terminal (line_feed), checking one that
 * arrived whole (line_check, MQTT) and splitting it into words (line_split).
 * Pure logic, host-tested (test/shell/test_line.c).
 *
 * A line that is not plain text, or is too long, runs nothing: the shell
 * says why in one line and waits for the next. Nothing a peer sends can make
 * a command run with part of a line.
 */
#include <lib/lib.h>
#include "shell.h"

#define CTRL_C 0x03
#define CTRL_U 0x15
#define BS 0x08
#define DEL 0x7f
#define ESC 0x1b

void line_init(struct line_ed *le)
{
    memset(le, 0, sizeof(*le));
    le->bad_byte = -1;
}

static void echo(struct mote_shell *sh, const char *s, size_t n)
{
    if (sh)
        shell_write(sh, s, n);
}

/* Forget the line being typed (the buffer's bytes stay until overwritten). */
static void line_clear(struct line_ed *le)
{
    le->len = 0;
    le->bad_byte = -1;
    le->bad_col = 0;
    le->overlong = 0;
}

/* An escape sequence: ESC, then "[" and parameter bytes up to a final byte 0x40..0x7e. */
static int in_escape(struct line_ed *le, int c)
{
    if (le->esc == 1) {
        le->esc = c == '[' ? 2 : 0;
        return 1;
    }
    if (le->esc == 2) {
        if (c >= 0x40 && c <= 0x7e)
            le->esc = 0;
        return 1;
    }
    if (c == ESC) {
        le->esc = 1;
        return 1;
    }
    return 0;
}

/* Erase n characters on the terminal. */
static void rub_out(struct mote_shell *sh, size_t n)
{
    while (n--)
        echo(sh, "\b \b", 3);
}

enum line_status line_feed(struct line_ed *le, int c, struct mote_shell *sh)
{
    c &= 0xff;
    if (le->done) {           /* the previous line ended: this byte starts a new one */
        le->done = 0;
        line_clear(le);
    }
    int after_cr = le->last_cr;
    le->last_cr = c == '\r';
    if ((c == '\n' && after_cr) || in_escape(le, c))
        return LINE_MORE;
    if (c == '\r' || c == '\n') {
        echo(sh, "\n", 1);
        le->buf[le->len] = 0;
        le->done = 1;
        return le->bad_byte >= 0 || le->overlong ? LINE_BAD : LINE_READY;
    }
    if (c == CTRL_C) {
        echo(sh, "^C\n", 3);
        line_clear(le);
        le->buf[0] = 0;
        le->done = 1;
        return LINE_CANCEL;
    }
    if (c == CTRL_U) {
        rub_out(sh, le->len);
        line_clear(le);
        return LINE_MORE;
    }
    if (c == BS || c == DEL) {
        if (le->len && !le->overlong) {
            le->len--;
            rub_out(sh, 1);
        }
        return LINE_MORE;
    }
    if (c == '\t')
        c = ' ';
    if (c < 0x20 || c > 0x7e) {
        if (le->bad_byte < 0) {
            le->bad_byte = c;
            le->bad_col = le->len + 1;
        }
        return LINE_MORE;
    }
    if (le->len >= SHELL_LINE_MAX) {
        le->overlong = 1;
        return LINE_MORE;
    }
    le->buf[le->len++] = (char)c;
    char ch = (char)c;
    echo(sh, &ch, 1);
    return LINE_MORE;
}

static void say_bad(char *buf, size_t size, int byte, size_t col)
{
    snprintf(buf, size, "error: byte 0x%02x at column %u is not text; nothing was run", byte,
             (unsigned)col);
}

static void say_long(char *buf, size_t size)
{
    snprintf(buf, size, "error: the line is longer than %u bytes; nothing was run", SHELL_LINE_MAX);
}

void line_error(const struct line_ed *le, char *buf, size_t size)
{
    if (le->bad_byte >= 0)
        say_bad(buf, size, le->bad_byte, le->bad_col);
    else
        say_long(buf, size);
}

const char *line_check(const char *s, size_t n, char *buf, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c > 0x7e) {
            say_bad(buf, size, c, i + 1);
            return buf;
        }
    }
    if (n > SHELL_LINE_MAX) {
        say_long(buf, size);
        return buf;
    }
    return 0;
}

/* Copy one word from *rp to *wp (never ahead of *rp), through its quotes; 0 or -1. */
static int word(char **rp, char **wp)
{
    char *r = *rp, *w = *wp;
    while (*r && *r != ' ' && *r != '\t') {
        if (*r == '\'' || *r == '"') {
            char q = *r++;
            while (*r && *r != q) {
                if (q == '"' && *r == '\\' && (r[1] == '"' || r[1] == '\\'))
                    r++;
                *w++ = *r++;
            }
            if (!*r)
                return -1;
            r++;
        } else {
            if (*r == '\\' && r[1])
                r++;
            *w++ = *r++;
        }
    }
    *rp = r;
    *wp = w;
    return 0;
}

int line_split(char *s, char **argv, const char **err)
{
    int argc = 0;
    char *r = s, *w = s;
    for (;;) {
        while (*r == ' ' || *r == '\t')
            r++;
        if (!*r)
            return argc;
        if (argc == SHELL_ARGS_MAX) {
            *err = "too many arguments (at most 16)";
            return -1;
        }
        argv[argc++] = w;
        if (word(&r, &w)) {
            *err = "unterminated quote";
            return -1;
        }
        char end = *r;
        if (end)
            r++;
        *w++ = 0;
        if (!end)
            return argc;
    }
}
