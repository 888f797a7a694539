/*
 * x86_64 CPU control (hal/cpu.h): GDT + TSS with the exception stacks, the
 * IDT, IRQ flags, idle, power-off, and the RAM range from the boot info.
 */
#include <mote.h>
#include <hal/board.h>
#include <hal/boot.h>
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include "cpu.h"

#define IST_FAULT  1     /* #PF, #GP, #UD, ...: survives a blown thread stack */
#define IST_DOUBLE 2     /* #DF, NMI, #MC: survives a fault in the fault path */
#define IST_SIZE   8192

#define PAGE 4096u

extern char __image_start[], __image_end[];   /* link.ld */

/* Long-mode descriptors: null, kernel code, kernel data, TSS (2 slots). boot.S loads it. */
uint64_t cpu_gdt[5] = {
    0,
    0x00af9a000000ffffull,   /* 64-bit code, DPL 0 */
    0x00cf92000000ffffull,   /* data, DPL 0 */
    0, 0,
};

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static struct tss tss;
static struct idt_gate idt[256];
static uint8_t ist_fault_stack[IST_SIZE] __attribute__((aligned(16)));
static uint8_t ist_double_stack[IST_SIZE / 2] __attribute__((aligned(16)));

static void idt_set(unsigned vec, uintptr_t fn, unsigned ist)
{
    idt[vec] = (struct idt_gate){
        .off_lo = fn & 0xffff, .sel = GDT_KCODE, .ist = ist,
        .type = 0x8e,        /* present, DPL 0, 64-bit interrupt gate (IF cleared) */
        .off_mid = (fn >> 16) & 0xffff, .off_hi = fn >> 32,
    };
}

/* Point the TSS descriptor at `tss`, give it the IST stacks, load TR. */
static void tss_init(void)
{
    uintptr_t base = (uintptr_t)&tss;
    tss.ist[IST_FAULT - 1] = (uintptr_t)ist_fault_stack + sizeof(ist_fault_stack);
    tss.ist[IST_DOUBLE - 1] = (uintptr_t)ist_double_stack + sizeof(ist_double_stack);
    tss.iomap_base = sizeof(tss);      /* no I/O bitmap */
    cpu_gdt[3] = (sizeof(tss) - 1) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                 ((uint64_t)(base >> 24) & 0xff) << 56;   /* present, available 64-bit TSS */
    cpu_gdt[4] = base >> 32;
    ltr(GDT_TSS);
}

/* Remap the 8259 pair to VEC_PIC_BASE (away from exceptions) and mask it. */
static void pic_disable(void)
{
    static const uint8_t seq[][2] = {
        {0x20, 0x11}, {0xa0, 0x11},                       /* ICW1: init, ICW4 follows */
        {0x21, VEC_PIC_BASE}, {0xa1, VEC_PIC_BASE + 8},   /* ICW2: vector bases */
        {0x21, 0x04}, {0xa1, 0x02},                       /* ICW3: cascade on IRQ2 */
        {0x21, 0x01}, {0xa1, 0x01},                       /* ICW4: 8086 mode */
        {0x21, 0xff}, {0xa1, 0xff},                       /* mask everything */
    };
    for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        outb(seq[i][0], seq[i][1]);
}

/* Exception stacks, IDT, legacy PIC off. Runs first in kmain, IRQs off. */
void arch_early_init(void)
{
    tss_init();
    for (unsigned v = 0; v < VEC_IRQ_BASE; v++) {
        unsigned ist = (v == 2 || v == 8 || v == 18) ? IST_DOUBLE : IST_FAULT;
        idt_set(v, vector_stubs[v], ist);
    }
    for (unsigned v = VEC_IRQ_BASE; v < VEC_IRQ_BASE + IOAPIC_PINS; v++)
        idt_set(v, vector_stubs[v], 0);
    idt_set(VEC_TIMER, (uintptr_t)vector_timer, 0);
    idt_set(VEC_PIC_BASE + 7, (uintptr_t)vector_spurious, 0);
    idt_set(VEC_PIC_BASE + 15, (uintptr_t)vector_spurious, 0);
    idt_set(VEC_SPURIOUS, (uintptr_t)vector_spurious, 0);
    struct desc_ptr p = {sizeof(idt) - 1, (uintptr_t)idt};
    lidt(&p);
    pic_disable();
    /* SSE on, and trapping (#NM) until a thread needs it (core/fpu.c) */
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    write_cr0((read_cr0() & ~(uint64_t)CR0_EM) | CR0_MP | CR0_NE | CR0_TS);
}

unsigned arch_fpu_state_size(void)
{
    return FPU_STATE_SIZE;
}

/* CR0.TS set: the next x87/SSE instruction raises #NM (trap.c). */
void arch_fpu_access(int on)
{
    if (on)
        clts();
    else
        write_cr0(read_cr0() | CR0_TS);
}

/* FXSAVE / FXRSTOR: x87, MMX and SSE (apps are built for baseline x86-64: no AVX). */
void arch_fpu_save(void *state)
{
    fxsave64(state);
}

void arch_fpu_restore(const void *state)
{
    fxrstor64(state);
}

/* FCW 0x037f and MXCSR 0x1f80: round to nearest, every exception masked, as after FNINIT. */
void arch_fpu_init(void *state)
{
    uint8_t *s = state;
    memset(s, 0, FPU_STATE_SIZE);
    s[0] = 0x7f;
    s[1] = 0x03;
    s[24] = 0x80;
    s[25] = 0x1f;
}

/* A failure leaves the window unmapped: its first access then reports a fault. */
static void map_device(uintptr_t base, uint64_t size)
{
    uintptr_t start = base & ~(uintptr_t)(PAGE - 1);
    mmu_map(start, start, base + size - start, PROT_R | PROT_W | PROT_DEVICE);
}

/* IOAPIC, LAPIC and the virtio-mmio windows, uncached. Before the MMU is on. */
void arch_map_mmio(void)
{
    map_device(board.intc_base[0], PAGE);
    map_device(board.intc_base[1], PAGE);
    if (board.virtio_base && board.virtio_count)
        map_device(board.virtio_base, (uint64_t)board.virtio_stride * board.virtio_count);
}

unsigned long arch_irq_save(void)
{
    unsigned long flags = read_rflags() & RFLAGS_IF;
    cli();
    return flags;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & RFLAGS_IF)
        sti();
}

void arch_irq_enable(void)
{
    sti();
}

/* Orders stores to RAM before a device reads them (virtio rings vs. the doorbell). */
void arch_mb(void)
{
    mfence();
}

/* IRQs off on entry. sti;hlt cannot lose a wake-up: sti takes effect after hlt. */
void arch_idle(void)
{
    sti_hlt();
    cli();
}

/* The interrupt is taken: HLT with IF clear would never wake. */
void arch_wait_irq(void)
{
    arch_idle();
}

/*
 * isa-debug-exit makes QEMU exit with (value << 1) | 1; writing code + 1
 * gives 2 * code + 3, which `mote run` maps back and which never collides
 * with QEMU's own failure status 1.
 */
void arch_power_off(int code)
{
    if (board.flags & BOARD_F_DEBUG_EXIT)
        outl(0xf4, (uint32_t)code + 1);
    for (;;) {
        cli();
        hlt();
    }
}

/*
 * A PC resets on the keyboard controller's reset line or the chipset's
 * reset control register; QEMU microvm has neither (the writes go nowhere),
 * and a triple fault (an exception with no IDT) resets any x86.
 */
void arch_reset(void)
{
    cli();
    outb(0x64, 0xfe);           /* 8042: pulse the reset line */
    outb(0xcf9, 0x02);          /* PCI reset control: hard reset */
    outb(0xcf9, 0x06);
    struct desc_ptr none = { 0, 0 };
    lidt(&none);
    int3();
    for (;;)
        hlt();
}

uint32_t arch_boot_flags(void)
{
    return (uint32_t)boot_flags;
}

uintptr_t arch_boot_info(void)
{
    return boot_info;
}

uintptr_t arch_boot_handoff(void)
{
    return (uintptr_t)boot_handoff_block;
}

/*
 * A bootloader measures the TSC and LAPIC timer (timer.c, 2.5 ms against
 * the PIT) while it works instead of first: timer_init() then returns at
 * once, the clock reads the PIT until the measurement is done, and
 * timer_set_deadline() refuses meanwhile. Needs intc_init() first.
 */
void arch_boot_prepare(void)
{
    timer_calibrate_start();
}

/*
 * The image starts at boot_handoff (boot.S) in long mode, paging on (boot.S's
 * identity map of the low 1 GiB carries the jump), IRQs off: edi = the boot
 * protocol, esi = info, r8 = flags, r9 = handoff, and the clock calibration
 * in rdx, rcx, so the image skips its own.
 */
void arch_boot_jump(uintptr_t entry, uintptr_t info, uint32_t flags, uintptr_t handoff)
{
    cli();
    uint64_t cal_tsc, cal_apic;
    timer_calibration(&cal_tsc, &cal_apic);
    jmp_handoff(entry, boot_proto, info, cal_tsc, cal_apic, flags, handoff);
}

/* The frame pointer of our caller: its rbp, which our own frame saved. */
uintptr_t arch_frame_address(void)
{
    return *(const uintptr_t *)__builtin_frame_address(0);
}

/* hvm_start_info (PVH) and its memory map, as far as we read them. */
struct pvh_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
    uint64_t memmap_paddr;       /* version >= 1 */
    uint32_t memmap_entries, reserved;
};
struct pvh_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};
#define PVH_MAGIC 0x336ec578u
#define E820_RAM  1

/* If [addr, addr+size) is RAM holding the image, report it. */
static int ram_pick(uint64_t addr, uint64_t size, uint32_t type, uintptr_t *base, uint64_t *out)
{
    if (type != E820_RAM || addr > (uintptr_t)__image_start ||
        addr + size < (uintptr_t)__image_end)
        return 0;
    *base = addr;
    *out = size;
    return 1;
}

static int ram_from_pvh(uintptr_t *base, uint64_t *size)
{
    const struct pvh_start_info *si = (const void *)(uintptr_t)boot_info;
    if (si->magic != PVH_MAGIC || si->version < 1)
        return 0;
    const struct pvh_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (ram_pick(e[i].addr, e[i].size, e[i].type, base, size))
            return 1;
    return 0;
}

/* Multiboot1 info: the mmap (flag bit 6) if given, else mem_upper (bit 0). */
static int ram_from_multiboot(uintptr_t *base, uint64_t *size)
{
    const uint32_t *mbi = (const void *)(uintptr_t)boot_info;
    if (mbi[0] & (1u << 6)) {
        uintptr_t p = mbi[12], end = p + mbi[11];
        while (p < end) {
            const uint32_t *e = (const void *)p;   /* size, addr lo/hi, len lo/hi, type */
            uint64_t addr = e[1] | (uint64_t)e[2] << 32, len = e[3] | (uint64_t)e[4] << 32;
            if (ram_pick(addr, len, e[5], base, size))
                return 1;
            p += e[0] + 4;
        }
    }
    if (mbi[0] & 1u)
        return ram_pick(1u << 20, (uint64_t)mbi[2] << 10, E820_RAM, base, size);
    return 0;
}

/* The usable RAM region that holds the image, from the boot info or the board. */
void arch_ram_range(uintptr_t *base, uint64_t *size)
{
    if (boot_proto == BOOT_PROTO_PVH && ram_from_pvh(base, size))
        return;
    if (boot_proto == BOOT_PROTO_MULTIBOOT && ram_from_multiboot(base, size))
        return;
    *base = board.ram_base;
    *size = board.ram_size;
}
