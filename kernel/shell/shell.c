/*
 * The command table and running one command line: the same for the
 * console, mote_shell_run and the MQTT shell. Pure logic (the commands it
 * runs are not), host-tested with commands of the test's own.
 *
 * Tables of built-in commands are added whole (kept, not copied); an app's
 * commands (mote_shell_register) go into a small array of their own.
 */
#include <lib/lib.h>
#include "shell.h"

#define TABLES_MAX 8

static const struct shell_cmd *tables[TABLES_MAX];
static unsigned table_len[TABLES_MAX], ntables;
static struct shell_cmd app_cmds[SHELL_APP_CMDS];

int shell_add_table(const struct shell_cmd *cmds, unsigned n)
{
    for (unsigned i = 0; i < ntables; i++)
        if (tables[i] == cmds)
            return 0;               /* already there */
    if (ntables == TABLES_MAX)
        return MOTE_ENOSPC;
    tables[ntables] = cmds;
    table_len[ntables++] = n;
    return 0;
}

const struct shell_cmd *shell_cmd_at(unsigned i)
{
    for (unsigned t = 0; t < ntables; t++) {
        if (i < table_len[t])
            return &tables[t][i];
        i -= table_len[t];
    }
    for (unsigned k = 0; k < SHELL_APP_CMDS && app_cmds[k].name; k++, i--)
        if (i == 0)
            return &app_cmds[k];
    return 0;
}

static const struct shell_cmd *shell_find(const char *name)
{
    const struct shell_cmd *c;
    for (unsigned i = 0; (c = shell_cmd_at(i)); i++)
        if (!strcmp(c->name, name))
            return c;
    return 0;
}

/* A name is 1-15 of [a-z0-9_-], starting with a letter. */
static int name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 15 || s[0] < 'a' || s[0] > 'z')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int shell_add(const char *name, const char *usage, int (*fn)(struct mote_shell *, int, char **))
{
    if (!name_ok(name) || !fn || shell_find(name))
        return MOTE_EINVAL;
    for (unsigned k = 0; k < SHELL_APP_CMDS; k++) {
        if (!app_cmds[k].name) {
            app_cmds[k].usage = usage ? usage : name;
            app_cmds[k].fn = fn;
            app_cmds[k].name = name;
            return 0;
        }
    }
    return MOTE_ENOSPC;
}

void shell_write(struct mote_shell *sh, const char *s, size_t n)
{
    if (n)
        sh->write(sh->ctx, s, n);
}

/* printf through sh, a small buffer at a time. */
struct sh_out {
    struct mote_shell *sh;
    char buf[96];
    size_t len;
};

static void sh_put(char c, void *ctx)
{
    struct sh_out *o = ctx;
    o->buf[o->len++] = c;
    if (o->len == sizeof(o->buf)) {
        shell_write(o->sh, o->buf, o->len);
        o->len = 0;
    }
}

int mote_shell_printf(struct mote_shell *sh, const char *fmt, ...)
{
    struct sh_out o;
    o.sh = sh;
    o.len = 0;
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_format(sh_put, &o, fmt, ap);
    va_end(ap);
    shell_write(sh, o.buf, o.len);
    return n;
}

int shell_exec(struct mote_shell *sh, char *line, size_t len)
{
    char why[96];
    if (line_check(line, len, why, sizeof(why))) {
        shell_printf(sh, "%s\n", why);
        return SHELL_EXIT_BADLINE;
    }
    line[len] = 0;
    char *argv[SHELL_ARGS_MAX + 1];
    const char *err;
    int argc = line_split(line, argv, &err);
    if (argc < 0) {
        shell_printf(sh, "error: %s; nothing was run\n", err);
        return SHELL_EXIT_BADLINE;
    }
    if (argc == 0)
        return 0;
    argv[argc] = 0;
    const struct shell_cmd *c = shell_find(argv[0]);
    if (!c) {
        shell_printf(sh, "error: unknown command '%s'; 'help' lists the commands\n", argv[0]);
        return SHELL_EXIT_UNKNOWN;
    }
    return c->fn(sh, argc, argv);
}
