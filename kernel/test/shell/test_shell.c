/*
 * The command table and running a line: what a command sees, and that a
 * refused or unknown line gets one error line and runs nothing.
 */
#include "check.h"
#include <mote.h>
#include <shell/shell.h>

struct out {
    char s[2048];
    size_t n;
};

static void out_write(void *ctx, const char *s, size_t n)
{
    struct out *o = ctx;
    memcpy(o->s + o->n, s, n);
    o->n += n;
    o->s[o->n] = 0;
}

static int runs;

static int cmd_echo(struct mote_shell *sh, int argc, char **argv)
{
    runs++;
    for (int i = 1; i < argc; i++)
        shell_printf(sh, "%s[%s]", i > 1 ? " " : "", argv[i]);
    shell_printf(sh, "\n");
    return argc > 1 ? 0 : SHELL_EXIT_USAGE;
}

static int cmd_fail(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    runs++;
    shell_printf(sh, "%0300d\n", 7);   /* longer than the printf buffer */
    return SHELL_EXIT_FAILED;
}

static const struct shell_cmd table[] = {
    { "echo", "echo WORD...  print the words", cmd_echo },
    { "fail", "fail          always fails", cmd_fail },
};

static int run(struct out *o, const char *line)
{
    char buf[600];
    size_t n = strlen(line);
    memcpy(buf, line, n + 1);
    o->n = 0;
    o->s[0] = 0;
    struct mote_shell sh = { out_write, o, 0 };
    return shell_exec(&sh, buf, n);
}

void test_shell_runs_commands_and_refuses_the_rest(void)
{
    struct out o;
    CHECK(shell_add_table(table, 2) == 0);
    CHECK(shell_add_table(table, 2) == 0);   /* twice: no duplicates */
    CHECK(run(&o, "echo a 'b c'") == 0);
    CHECK_STR(o.s, "[a] [b c]\n");
    CHECK(run(&o, "echo") == SHELL_EXIT_USAGE);
    CHECK(run(&o, "fail") == SHELL_EXIT_FAILED);
    CHECK(o.n == 301);
    CHECK(run(&o, "") == 0 && o.n == 0);
    int before = runs;
    CHECK(run(&o, "nosuch x") == SHELL_EXIT_UNKNOWN);
    CHECK_STR(o.s, "error: unknown command 'nosuch'; 'help' lists the commands\n");
    CHECK(run(&o, "echo 'x") == SHELL_EXIT_BADLINE);
    CHECK_STR(o.s, "error: unterminated quote; nothing was run\n");
    CHECK(run(&o, "echo \x7f") == SHELL_EXIT_BADLINE);
    CHECK_STR(o.s, "error: byte 0x7f at column 6 is not text; nothing was run\n");
    char big[400];
    memset(big, 'e', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    CHECK(run(&o, big) == SHELL_EXIT_BADLINE);
    CHECK(runs == before);   /* none of those ran anything */
}

static int cmd_led(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    shell_printf(sh, "led %s\n", argv[1]);
    return 0;
}

void test_shell_app_commands(void)
{
    struct out o;
    shell_add_table(table, 2);
    CHECK(shell_add("led", "led on|off", cmd_led) == 0);
    CHECK(shell_add("led", "again", cmd_led) == MOTE_EINVAL);
    CHECK(shell_add("echo", "shadow", cmd_led) == MOTE_EINVAL);
    CHECK(shell_add("Bad", "x", cmd_led) == MOTE_EINVAL);
    CHECK(shell_add("1x", "x", cmd_led) == MOTE_EINVAL);
    CHECK(shell_add("a-very-long-name", "x", cmd_led) == MOTE_EINVAL);
    CHECK(shell_add("ok", "x", 0) == MOTE_EINVAL);
    CHECK(run(&o, "led on") == 0);
    CHECK_STR(o.s, "led on\n");
    int n = 0;
    const struct shell_cmd *c;
    for (unsigned i = 0; (c = shell_cmd_at(i)); i++)
        n += !strcmp(c->name, "led");
    CHECK(n == 1);
    static char names[SHELL_APP_CMDS][8];
    int added = 0;
    for (int i = 0; i < SHELL_APP_CMDS + 2; i++) {
        snprintf(names[i % SHELL_APP_CMDS], 8, "c%d", i);
        if (shell_add(names[i % SHELL_APP_CMDS], "x", cmd_led) == 0)
            added++;
        else
            break;
    }
    CHECK(added == SHELL_APP_CMDS - 1);   /* "led" took one */
}
