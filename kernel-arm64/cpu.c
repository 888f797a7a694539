/*
 * CPU control for ARM64 (hal/cpu.h): vectors, IRQ masking, idle, power-off,
 * and the little we read from the device tree (RAM size, PSCI conduit),
 * through the kernel's reader (lib/fdt.c).
 */
#include <stddef.h>
#include <mote.h>
#include <hal/board.h>
#include <hal/boot.h>
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <lib/lib.h>
#include "cpu.h"

#define PAGE 4096u
#define GICD_SIZE 0x1000u
#define GICC_SIZE 0x2000u

#define SEMIHOST_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

enum conduit { CONDUIT_UNKNOWN, CONDUIT_NONE, CONDUIT_HVC, CONDUIT_SMC };

/* What the DTB told us; read once by arch_early_init() while it is intact. */
static struct {
    uint64_t ram_base, ram_size;  /* size 0: no /memory node seen */
    enum conduit psci;          /* UNKNOWN: no DTB, try both */
} dt;

static void fdt_scan(void);
static const uint8_t *fdt_find(void);

/*
 * First call from kmain, IRQs masked, MMU off. Installs the vectors, points
 * SP_EL0 at the fault stack (see vectors.S), lets EL0 read nothing of the
 * timer, and unmasks SError so asynchronous aborts are reported. Reads the
 * DTB, unless a Mote bootloader already did and handed on what it found
 * (arch_boot_jump): the same tree, and under emulation the walk is a good
 * part of a boot.
 */
void arch_early_init(void)
{
    write_vbar_el1((uintptr_t)exception_vectors);
    write_sp_el0((uintptr_t)exc_stack_top);
    write_cntkctl_el1(0);
    write_cpacr_el1(0);         /* FP/SIMD traps until a thread needs it (core/fpu.c) */
    isb();
    daif_unmask_serror();
    if (boot_dt[1]) {
        dt.ram_base = boot_dt[0];
        dt.ram_size = boot_dt[1];
        dt.psci = (enum conduit)boot_dt[2];
    } else {
        fdt_scan();
    }
}

unsigned arch_fpu_state_size(void)
{
    return FPU_STATE_SIZE;
}

/* CPACR_EL1.FPEN: 0b11 lets FP/SIMD instructions run, 0b00 traps them (EC 0x07, trap.c). */
void arch_fpu_access(int on)
{
    write_cpacr_el1(on ? CPACR_FPEN : 0);
    isb();
}

/* All zero: FPCR 0 is round to nearest, no exception traps, no flush-to-zero. */
void arch_fpu_init(void *state)
{
    memset(state, 0, FPU_STATE_SIZE);
}

/* Map [pa, pa + size) rounded out to whole pages as device memory. */
static void map_device(uintptr_t pa, uint64_t size)
{
    uintptr_t start = pa & ~(uintptr_t)(PAGE - 1);
    uintptr_t end = (pa + size + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    mmu_map(start, start, end - start, PROT_R | PROT_W | PROT_DEVICE);
}

/* The PL011, the GICv2 distributor and CPU interface, the virtio-mmio windows. */
void arch_map_mmio(void)
{
    map_device(board.console_base, PAGE);
    map_device(board.intc_base[0], GICD_SIZE);
    map_device(board.intc_base[1], GICC_SIZE);
    if (board.virtio_base && board.virtio_count)
        map_device(board.virtio_base, (uint64_t)board.virtio_stride * board.virtio_count);
}

/* Only DAIF.I is ours to change: the flags are the old DAIF value. */
unsigned long arch_irq_save(void)
{
    unsigned long flags = read_daif();
    daif_mask_irq();
    return flags;
}

void arch_irq_restore(unsigned long flags)
{
    if (!(flags & DAIF_I))
        daif_unmask_irq();
}

void arch_irq_enable(void)
{
    daif_unmask_irq();
}

/* dsb, not dmb: it must also order normal-memory stores against device-memory (MMIO) ones. */
void arch_mb(void)
{
    dsb_sy();
}

/*
 * WFI wakes on a pending IRQ even while DAIF.I masks it, so a wake-up that
 * arrived after the caller's check is not lost; the brief unmask lets the
 * IRQ be taken (the isb is where it is taken).
 */
void arch_idle(void)
{
    dsb_sy();
    wfi();
    daif_unmask_irq();
    isb();
    daif_mask_irq();
}

/* The pending IRQ is not taken: the caller sees what it waited for and acknowledges it. */
void arch_wait_irq(void)
{
    dsb_sy();
    wfi();
}

/* How far arch_power_off() or arch_reset() got; each step runs once (see power_off_resume). */
static volatile int off_step;
static uint32_t off_psci_fn;

/*
 * The PSCI steps left: through the DTB's conduit, or hvc then smc if there
 * was no DTB. A call the machine lacks raises an undefined instruction
 * exception, and trap_fault() comes back here for the next one; after the
 * last, sleep forever.
 */
static __attribute__((noreturn)) void psci_steps(void)
{
    if (off_step == 1) {
        off_step = 2;
        if (dt.psci == CONDUIT_HVC || dt.psci == CONDUIT_UNKNOWN)
            psci_hvc(off_psci_fn);
    }
    if (off_step == 2) {
        off_step = 3;
        if (dt.psci == CONDUIT_SMC || dt.psci == CONDUIT_UNKNOWN)
            psci_smc(off_psci_fn);
    }
    for (;;)
        wfi();
}

/*
 * Semihosting SYS_EXIT makes QEMU exit with `code`; without semihosting
 * (or if it returns) PSCI SYSTEM_OFF.
 */
void arch_power_off(int code)
{
    daif_mask_irq();
    if (off_step == 0) {
        off_step = 1;
        off_psci_fn = PSCI_SYSTEM_OFF;
        if (board.flags & BOARD_F_SEMIHOST) {
            uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(uint32_t)code };
            semihost_call(SEMIHOST_SYS_EXIT, (uintptr_t)block);
        }
    }
    psci_steps();
}

/* PSCI SYSTEM_RESET: the board starts again from its firmware (QEMU: from -kernel). */
void arch_reset(void)
{
    daif_mask_irq();
    if (off_step == 0) {
        off_step = 1;
        off_psci_fn = PSCI_SYSTEM_RESET;
    }
    psci_steps();
}

/* From trap_fault(): 1 if a power-off step faulted (then it never returns). */
int power_off_resume(void)
{
    if (!off_step)
        return 0;
    psci_steps();
}

/* RAM from the DTB's /memory node (the bank holding the image), else the board's. */
uintptr_t arch_boot_info(void)
{
    return (uintptr_t)fdt_find();
}

/*
 * The image starts at EL1 with the MMU off: x0 = info (the DTB), x1 =
 * flags, x2 = BOOT_HANDOFF_MAGIC (so x1 is known to hold flags), x3 =
 * BOOT_DT_MAGIC saying x4-x6 carry what the DTB said (RAM base and size,
 * PSCI conduit; boot.S), x7 = handoff (hal/boot.h); a RAM size of 0 (no
 * /memory node) has the image walk the tree. The loaded code was written
 * with the MMU and caches off: drop stale instructions first.
 */
void arch_boot_jump(uintptr_t entry, uintptr_t info, uint32_t flags, uintptr_t handoff)
{
    daif_mask_irq();
    dsb_sy();
    ic_iallu();
    dsb_sy();
    isb();
    const uintptr_t x[8] = { info, flags, BOOT_HANDOFF_MAGIC, BOOT_DT_MAGIC,
                             dt.ram_base, dt.ram_size, dt.psci, handoff };
    br_x0_x7(entry, x);
}

/* Nothing to start early: CNTFRQ gives the clock's rate, and cpu.c read the DTB already. */
void arch_boot_prepare(void)
{
}

uint32_t arch_boot_flags(void)
{
    return (uint32_t)boot_flags;
}

uintptr_t arch_boot_handoff(void)
{
    return (uintptr_t)boot_handoff_block;
}

void arch_ram_range(uintptr_t *base, uint64_t *size)
{
    if (dt.ram_size) {
        *base = dt.ram_base;
        *size = dt.ram_size;
    } else {
        *base = board.ram_base;
        *size = board.ram_size;
    }
}

/* ---- what we read from the device tree (lib/fdt.c walks it) ---- */

#define FDT_MAX_SIZE (1u << 20)

/* A DTB at boot_dtb (passed in x0) or at the start of RAM (QEMU, bare ELF), or NULL. */
static const uint8_t *fdt_find(void)
{
    uintptr_t cand[2] = { boot_dtb, board.ram_base };
    for (int i = 0; i < 2; i++) {
        const uint8_t *f = (const uint8_t *)cand[i];
        uint32_t size = f && !(cand[i] & 7) ? fdt_size(f) : 0;
        if (size && size <= FDT_MAX_SIZE)
            return f;
    }
    return NULL;
}

/* Record a /memory "reg" property: the first bank, or the one holding the image. */
static void dt_memory(const uint8_t *p, uint32_t len, uint32_t ac, uint32_t sc)
{
    uint32_t entry = 4 * (ac + sc);
    for (; entry && len >= entry && ac <= 2 && sc <= 2; len -= entry) {
        uint64_t base = fdt_cells(&p, ac), size = fdt_cells(&p, sc);
        uintptr_t here = (uintptr_t)exception_vectors;
        if (!dt.ram_size || (here >= base && here - base < size)) {
            dt.ram_base = base;
            dt.ram_size = size;
        }
    }
}

/* The root's cell sizes, which /memory's "reg" is written in. */
struct dt_cells {
    uint32_t ac, sc;
};

/*
 * fdt_walk's callback. Root properties come before its child nodes, so
 * #address-cells / #size-cells are known by the time /memory's "reg" is.
 */
static int dt_prop(void *ctx, const struct fdt_prop *p)
{
    struct dt_cells *c = ctx;
    if (p->depth == 1 && p->len == 4 && !strcmp(p->name, "#address-cells"))
        c->ac = fdt_be32(p->value);
    else if (p->depth == 1 && p->len == 4 && !strcmp(p->name, "#size-cells"))
        c->sc = fdt_be32(p->value);
    else if (p->depth == 2 && fdt_node_is(p->node, "memory") && !strcmp(p->name, "reg"))
        dt_memory(p->value, p->len, c->ac, c->sc);
    else if (p->depth == 2 && fdt_node_is(p->node, "psci") && !strcmp(p->name, "method"))
        dt.psci = p->len == 4 && !memcmp(p->value, "smc", 4) ? CONDUIT_SMC
                : p->len == 4 && !memcmp(p->value, "hvc", 4) ? CONDUIT_HVC : CONDUIT_NONE;
    return 0;
}

/* Walk the tree once for the RAM bank and the PSCI conduit. */
static void fdt_scan(void)
{
    const uint8_t *f = fdt_find();
    struct dt_cells cells = { 2, 1 };
    if (!f)
        return;
    dt.psci = CONDUIT_NONE;     /* a DTB without /psci: the board has none */
    (void)fdt_walk(f, fdt_size(f), dt_prop, &cells);  /* a damaged tree: keep what was read */
}
