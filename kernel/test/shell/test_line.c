/*
 * The command line: typing (echo, editing, CRLF, escape sequences), lines
 * that are refused (binary bytes, too long) and splitting into words.
 */
#include "check.h"
#include <mote.h>
#include <shell/shell.h>

struct echo_buf {
    char s[1024];
    size_t n;
};

static void echo_write(void *ctx, const char *s, size_t n)
{
    struct echo_buf *e = ctx;
    memcpy(e->s + e->n, s, n);
    e->n += n;
    e->s[e->n] = 0;
}

/* Feed a string; the status after its last byte. */
static enum line_status feed(struct line_ed *le, const char *s, size_t n, struct mote_shell *sh)
{
    enum line_status st = LINE_MORE;
    for (size_t i = 0; i < n; i++)
        st = line_feed(le, (unsigned char)s[i], sh);
    return st;
}

void test_line_typing_and_editing(void)
{
    struct line_ed le;
    struct echo_buf e = { "", 0 };
    struct mote_shell sh = { echo_write, &e, 0 };
    line_init(&le);
    CHECK(feed(&le, "ps\r", 3, &sh) == LINE_READY);
    CHECK_STR(le.buf, "ps");
    CHECK_STR(e.s, "ps\n");
    /* CRLF is one end: the LF starts nothing */
    CHECK(line_feed(&le, '\n', &sh) == LINE_MORE);
    const char *edited = "pinx\bg\x7f" "g 10.0.2.2\n";
    CHECK(feed(&le, edited, strlen(edited), &sh) == LINE_READY);
    CHECK_STR(le.buf, "ping 10.0.2.2");
    /* ^U clears, ^C cancels, arrow keys are ignored */
    CHECK(feed(&le, "junk\x15mem", 8, 0) == LINE_MORE);
    CHECK(feed(&le, "\x1b[A\x1b[1;5C\n", 10, 0) == LINE_READY);
    CHECK_STR(le.buf, "mem");
    CHECK(feed(&le, "reboot\x03", 7, 0) == LINE_CANCEL);
    CHECK(feed(&le, "\n", 1, 0) == LINE_READY);
    CHECK_STR(le.buf, "");
    /* a tab is a blank */
    CHECK(feed(&le, "ps\tx\n", 5, 0) == LINE_READY);
    CHECK_STR(le.buf, "ps x");
}

void test_line_binary_and_overlong_lines_run_nothing(void)
{
    struct line_ed le;
    char why[96];
    line_init(&le);
    CHECK(feed(&le, "ps\x01x\n", 5, 0) == LINE_BAD);
    line_error(&le, why, sizeof(why));
    CHECK_STR(why, "error: byte 0x01 at column 3 is not text; nothing was run");
    CHECK(feed(&le, "re\xffot\n", 6, 0) == LINE_BAD);
    line_error(&le, why, sizeof(why));
    CHECK_STR(why, "error: byte 0xff at column 3 is not text; nothing was run");
    /* the next line is fine again */
    CHECK(feed(&le, "ps\n", 3, 0) == LINE_READY);
    CHECK_STR(le.buf, "ps");
    char big[1000];
    memset(big, 'a', sizeof(big));
    CHECK(feed(&le, big, sizeof(big), 0) == LINE_MORE);
    CHECK(line_feed(&le, '\n', 0) == LINE_BAD);
    line_error(&le, why, sizeof(why));
    CHECK_STR(why, "error: the line is longer than 255 bytes; nothing was run");
    /* exactly SHELL_LINE_MAX bytes is fine */
    CHECK(feed(&le, big, SHELL_LINE_MAX, 0) == LINE_MORE);
    CHECK(line_feed(&le, '\r', 0) == LINE_READY);
    CHECK(le.len == SHELL_LINE_MAX);
    /* every byte value fed at random never overruns the buffer */
    unsigned x = 1;
    for (int i = 0; i < 200000; i++) {
        x = x * 1103515245u + 12345u;
        enum line_status st = line_feed(&le, (int)(x >> 16 & 0xff), 0);
        CHECK(le.len <= SHELL_LINE_MAX);
        if (st == LINE_READY)
            CHECK(strlen(le.buf) == le.len);
    }
}

void test_line_check_whole_lines(void)
{
    char why[96];
    CHECK(line_check("ps", 2, why, sizeof(why)) == 0);
    CHECK(line_check("ps\tx", 4, why, sizeof(why)) == 0);
    CHECK(line_check("p\ns", 3, why, sizeof(why)) != 0);
    CHECK_STR(why, "error: byte 0x0a at column 2 is not text; nothing was run");
    CHECK(line_check("ps\0", 3, why, sizeof(why)) != 0);
    char big[300];
    memset(big, 'x', sizeof(big));
    CHECK(line_check(big, 255, why, sizeof(why)) == 0);
    CHECK(line_check(big, 256, why, sizeof(why)) != 0);
    CHECK_STR(why, "error: the line is longer than 255 bytes; nothing was run");
}

void test_line_split_words_and_quotes(void)
{
    char *argv[SHELL_ARGS_MAX + 1];
    const char *err = 0;
    char a[] = "  ping   10.0.2.2  3 ";
    CHECK(line_split(a, argv, &err) == 3);
    CHECK_STR(argv[0], "ping");
    CHECK_STR(argv[1], "10.0.2.2");
    CHECK_STR(argv[2], "3");
    char b[] = "say 'a b' \"c \\\"d\\\" \\\\e\" f\\ g '' x\"y z\"";
    CHECK(line_split(b, argv, &err) == 6);
    CHECK_STR(argv[1], "a b");
    CHECK_STR(argv[2], "c \"d\" \\e");
    CHECK_STR(argv[3], "f g");
    CHECK_STR(argv[4], "");
    CHECK_STR(argv[5], "xy z");
    char c[] = "say 'open";
    CHECK(line_split(c, argv, &err) == -1);
    CHECK_STR(err, "unterminated quote");
    char d[] = "echo \"x";
    CHECK(line_split(d, argv, &err) == -1);
    char e[] = "   ";
    CHECK(line_split(e, argv, &err) == 0);
    char f[] = "a b c d e f g h i j k l m n o p";
    CHECK(line_split(f, argv, &err) == 16);
    char g[] = "a b c d e f g h i j k l m n o p q";
    CHECK(line_split(g, argv, &err) == -1);
    CHECK_STR(err, "too many arguments (at most 16)");
    char h[] = "tail\\";
    CHECK(line_split(h, argv, &err) == 1);
    CHECK_STR(argv[0], "tail\\");
}
