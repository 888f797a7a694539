/*
 * The reference for bench/boot: a one-line static init for a stock Debian
 * kernel. It prints the hello line and powers the machine off, with raw
 * system calls so it needs no libc for either architecture.
 */
#if defined(__x86_64__)
#define SYS_WRITE 1
#define SYS_REBOOT 169
static long sys3(long n, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}
#else
#define SYS_WRITE 64
#define SYS_REBOOT 142
static long sys3(long n, long a, long b, long c, long d)
{
    register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
                  x2 __asm__("x2") = c, x3 __asm__("x3") = d;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}
#endif

void _start(void)
{
    static const char msg[] = "Hello from Linux init!\n";
    sys3(SYS_WRITE, 1, (long)msg, sizeof(msg) - 1, 0);
    /* LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF */
    sys3(SYS_REBOOT, 0xfee1dead, 672274793, 0x4321fedc, 0);
    for (;;)
        ;
}
