/*
 * bench/net's reference: a static init for Debian's stock kernel that does
 * what bench/apps/netperf does on Mote. It loads the virtio-net modules the
 * bench put in the initramfs (/m0.ko, /m1.ko, ... in dependency order: the
 * stock kernel has them as modules), gives eth0 the address IP (-D IP=...,
 * a dotted quad; netmask 255.255.255.0), and serves bench/net/netpeer.py on
 * TCP port 5001, one connection after another, with Linux's own TCP at its
 * defaults. Each connection starts with one op byte and a big-endian
 * 64-bit count:
 *   'S' COUNT  we send COUNT bytes, then close
 *   'R' COUNT  we read COUNT bytes, answer one byte, then close
 *   'P' 0      we answer one byte (the first connection: launch -> connected)
 *   'Q' 0      power off
 * Raw system calls, so it needs no C library for either architecture.
 */
#ifndef IP
#define IP "10.0.2.15"
#endif

#if defined(__x86_64__)
/* the kernel enters _start with the stack 16-byte aligned, not as after a call: realign it */
#define ENTRY __attribute__((force_align_arg_pointer))
enum { SYS_read = 0, SYS_write = 1, SYS_close = 3, SYS_ioctl = 16, SYS_nanosleep = 35, SYS_socket = 41,
       SYS_accept = 43, SYS_shutdown = 48, SYS_bind = 49, SYS_listen = 50, SYS_setsockopt = 54,
       SYS_reboot = 169, SYS_openat = 257, SYS_finit_module = 313 };
static long sys(long n, long a, long b, long c, long d, long e)
{
    long r;
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return r;
}
#else
#define ENTRY
enum { SYS_read = 63, SYS_write = 64, SYS_close = 57, SYS_ioctl = 29, SYS_nanosleep = 101,
       SYS_socket = 198, SYS_accept = 202, SYS_shutdown = 210, SYS_bind = 200, SYS_listen = 201,
       SYS_setsockopt = 208, SYS_reboot = 142, SYS_openat = 56, SYS_finit_module = 273 };
static long sys(long n, long a, long b, long c, long d, long e)
{
    register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
                  x2 __asm__("x2") = c, x3 __asm__("x3") = d, x4 __asm__("x4") = e;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
    return x0;
}
#endif

#define AT_FDCWD (-100)
#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCSIFADDR 0x8916
#define SIOCSIFNETMASK 0x891c
#define IFF_UP 0x1

struct sockaddr_in {
    unsigned short family, port;
    unsigned char addr[4];
    unsigned char zero[8];
};
struct ifreq {
    char name[16];
    union {
        struct sockaddr_in sin;
        short flags;
        char pad[24];
    } u;
};

static unsigned char buf[65536];

static unsigned long len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static void say(const char *s)
{
    sys(SYS_write, 1, (long)s, (long)len(s), 0, 0);
}

static void power_off(void)
{
    /* LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF */
    sys(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0, 0);
    for (;;)
        ;
}

static void fail(const char *what)
{
    say("netinit: FAILED: ");
    say(what);
    say("\n");
    power_off();
}

static void sleep_ms(long ms)
{
    long ts[2] = {ms / 1000, (ms % 1000) * 1000000};
    sys(SYS_nanosleep, (long)ts, 0, 0, 0, 0);
}

static struct sockaddr_in inet(const char *dotted, unsigned short port)
{
    struct sockaddr_in a = {AF_INET, (unsigned short)(port >> 8 | (port & 255) << 8), {0}, {0}};
    for (int i = 0, v = 0; i < 4; dotted++) {
        if (*dotted >= '0' && *dotted <= '9') {
            v = v * 10 + (*dotted - '0');
        } else {
            a.addr[i++] = (unsigned char)v;
            v = 0;
            if (!*dotted)
                break;
        }
    }
    return a;
}

/* Read exactly n bytes; 0, or -1 at EOF/error. */
static int read_full(int fd, unsigned char *p, unsigned long n)
{
    while (n) {
        long r = sys(SYS_read, fd, (long)p, (long)n, 0, 0);
        if (r <= 0)
            return -1;
        p += r;
        n -= (unsigned long)r;
    }
    return 0;
}

static int write_full(int fd, const unsigned char *p, unsigned long n)
{
    while (n) {
        long r = sys(SYS_write, fd, (long)p, (long)n, 0, 0);
        if (r <= 0)
            return -1;
        p += r;
        n -= (unsigned long)r;
    }
    return 0;
}

static void load_modules(void)
{
    char name[] = "/m0.ko";
    for (char i = '0'; i <= '9'; i++) {
        name[2] = i;
        long fd = sys(SYS_openat, AT_FDCWD, (long)name, 0, 0, 0);
        if (fd < 0)
            break;
        if (sys(SYS_finit_module, fd, (long)"", 0, 0, 0) < 0)
            fail(name);
        sys(SYS_close, fd, 0, 0, 0, 0);
    }
}

/* eth0 up at IP/24, waiting for the driver to register it. */
static void configure(void)
{
    long s = sys(SYS_socket, AF_INET, SOCK_DGRAM, 0, 0, 0);
    struct ifreq r = {"eth0", {{0}}};
    int tries = 0;
    while (sys(SYS_ioctl, s, SIOCGIFFLAGS, (long)&r, 0, 0) < 0) {
        if (++tries > 500)
            fail("no eth0");
        sleep_ms(10);
    }
    r.u.sin = inet(IP, 0);
    if (sys(SYS_ioctl, s, SIOCSIFADDR, (long)&r, 0, 0) < 0)
        fail("SIOCSIFADDR");
    r.u.sin = inet("255.255.255.0", 0);
    if (sys(SYS_ioctl, s, SIOCSIFNETMASK, (long)&r, 0, 0) < 0)
        fail("SIOCSIFNETMASK");
    sys(SYS_ioctl, s, SIOCGIFFLAGS, (long)&r, 0, 0);
    r.u.flags |= IFF_UP;
    if (sys(SYS_ioctl, s, SIOCSIFFLAGS, (long)&r, 0, 0) < 0)
        fail("SIOCSIFFLAGS");
    sys(SYS_close, s, 0, 0, 0, 0);
}

static void serve(int c)
{
    unsigned char hdr[9];
    if (read_full(c, hdr, 9))
        return;
    unsigned long n = 0;
    for (int i = 1; i < 9; i++)
        n = n << 8 | hdr[i];
    if (hdr[0] == 'S') {
        while (n) {
            unsigned long k = n < sizeof(buf) ? n : sizeof(buf);
            if (write_full(c, buf, k))
                return;
            n -= k;
        }
    } else if (hdr[0] == 'R') {
        while (n) {
            long r = sys(SYS_read, c, (long)buf, (long)(n < sizeof(buf) ? n : sizeof(buf)), 0, 0);
            if (r <= 0)
                return;
            n -= (unsigned long)r;
        }
        write_full(c, (const unsigned char *)"k", 1);
    } else if (hdr[0] == 'P') {
        write_full(c, (const unsigned char *)"p", 1);
    } else if (hdr[0] == 'Q') {
        say("netinit: done\n");
        power_off();
    }
}

ENTRY void _start(void)
{
    say("netinit: loading modules\n");
    load_modules();
    configure();
    long l = sys(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0);
    int one = 1;
    sys(SYS_setsockopt, l, SOL_SOCKET, SO_REUSEADDR, (long)&one, sizeof(one));
    struct sockaddr_in any = inet("0.0.0.0", 5001);
    if (sys(SYS_bind, l, (long)&any, sizeof(any), 0, 0) < 0 || sys(SYS_listen, l, 4, 0, 0, 0) < 0)
        fail("listen");
    say("netinit: listening on " IP ":5001\n");
    for (;;) {
        long c = sys(SYS_accept, l, 0, 0, 0, 0);
        if (c < 0)
            continue;
        serve((int)c);
        sys(SYS_close, c, 0, 0, 0, 0);
    }
}
