/*
 * The ARM64 port's machine header: every inline-assembly helper (one line
 * each, named after the instruction or register), the trap frame layout
 * shared with vectors.S, and the few functions the port's files share.
 * Included by the port only; the portable core sees only the HAL headers.
 */
#ifndef ARM64_CPU_H
#define ARM64_CPU_H

/* struct trap_frame, as vectors.S saves it. Offsets in bytes. */
#define TF_X0    0      /* x0..x30 at TF_X0 + 8 * n */
#define TF_SP    248    /* sp when the exception was taken */
#define TF_ELR   256
#define TF_SPSR  264
#define TF_ESR   272
#define TF_FAR   280
#define TF_SIZE  288    /* a multiple of 16: sp stays aligned */

/* Kinds passed from vectors.S to trap_fault(). */
#define TRAP_SYNC   0   /* synchronous exception on a thread / boot stack */
#define TRAP_SERROR 1   /* asynchronous abort */
#define TRAP_BADVEC 2   /* a vector we never expect (FIQ, lower EL) */
#define TRAP_NESTED 3   /* an exception while already on the exception stack */

#define EXC_STACK_SIZE  8192
#define BOOT_STACK_SIZE 16384

#define DAIF_I     (1u << 7)
#define CPACR_FPEN (3u << 20)   /* FP/SIMD at EL1 and EL0 without trapping */
#define FPU_STATE_SIZE 528      /* q0-q31, then FPSR and FPCR (switch.S) */
#define TIMER_PPI  27   /* EL1 virtual timer: architectural, the same on every GIC */
/* In x2 from a Mote bootloader (arch_boot_jump): x1 really holds BOOT_F_* flags. */
#define BOOT_HANDOFF_MAGIC 0x45544f4du  /* "MOTE" */
/* In x3 from a Mote bootloader: x4-x6 hold what it read from the DTB (cpu.c, boot.S). */
#define BOOT_DT_MAGIC 0x4b4f5444       /* "DTOK" (no suffix: boot.S uses it too) */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
    uint64_t x[31];
    uint64_t sp, elr, spsr, esr, far;
};
_Static_assert(__builtin_offsetof(struct trap_frame, sp) == TF_SP, "TF_SP");
_Static_assert(__builtin_offsetof(struct trap_frame, elr) == TF_ELR, "TF_ELR");
_Static_assert(__builtin_offsetof(struct trap_frame, spsr) == TF_SPSR, "TF_SPSR");
_Static_assert(__builtin_offsetof(struct trap_frame, esr) == TF_ESR, "TF_ESR");
_Static_assert(__builtin_offsetof(struct trap_frame, far) == TF_FAR, "TF_FAR");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");

/* ---- barriers, sleep, interrupt masks ---- */
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline uint64_t read_daif(void) { uint64_t v; __asm__ volatile("mrs %0, daif" : "=r"(v)); return v; }
static inline void daif_mask_irq(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline void daif_unmask_irq(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void daif_unmask_serror(void) { __asm__ volatile("msr daifclr, #4" ::: "memory"); }

/* ---- system registers ---- */
static inline void write_vbar_el1(uint64_t v) { __asm__ volatile("msr vbar_el1, %0" :: "r"(v)); }
static inline void write_sp_el0(uint64_t v) { __asm__ volatile("msr sp_el0, %0" :: "r"(v)); }
static inline uint64_t read_sctlr_el1(void) { uint64_t v; __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v)); return v; }
static inline void write_sctlr_el1(uint64_t v) { __asm__ volatile("msr sctlr_el1, %0" :: "r"(v) : "memory"); }
static inline void write_mair_el1(uint64_t v) { __asm__ volatile("msr mair_el1, %0" :: "r"(v)); }
static inline void write_tcr_el1(uint64_t v) { __asm__ volatile("msr tcr_el1, %0" :: "r"(v)); }
static inline void write_ttbr0_el1(uint64_t v) { __asm__ volatile("msr ttbr0_el1, %0" :: "r"(v) : "memory"); }
static inline uint64_t read_id_aa64mmfr0_el1(void) { uint64_t v; __asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(v)); return v; }
static inline void write_cntkctl_el1(uint64_t v) { __asm__ volatile("msr cntkctl_el1, %0" :: "r"(v)); }
static inline void write_cpacr_el1(uint64_t v) { __asm__ volatile("msr cpacr_el1, %0" :: "r"(v) : "memory"); }

/* ---- TLB and caches ---- */
static inline void tlbi_vmalle1(void) { __asm__ volatile("tlbi vmalle1" ::: "memory"); }
static inline void tlbi_vaae1is(uint64_t va) { __asm__ volatile("tlbi vaae1is, %0" :: "r"(va >> 12) : "memory"); }
static inline void ic_iallu(void) { __asm__ volatile("ic iallu" ::: "memory"); }
static inline __attribute__((noreturn)) void br_x0_x7(uintptr_t to, const uintptr_t x[8]) { register uintptr_t x0 __asm__("x0") = x[0], x1 __asm__("x1") = x[1], x2 __asm__("x2") = x[2], x3 __asm__("x3") = x[3], x4 __asm__("x4") = x[4], x5 __asm__("x5") = x[5], x6 __asm__("x6") = x[6], x7 __asm__("x7") = x[7]; __asm__ volatile("br %8" :: "r"(x0), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5), "r"(x6), "r"(x7), "r"(to) : "memory"); __builtin_unreachable(); }

/* ---- generic timer (EL1 virtual timer) ---- */
static inline uint64_t read_cntfrq_el0(void) { uint64_t v; __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v)); return v; }
static inline uint64_t read_cntvct_el0(void) { uint64_t v; __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory"); return v; }
static inline void write_cntv_cval_el0(uint64_t v) { __asm__ volatile("msr cntv_cval_el0, %0" :: "r"(v)); }
static inline void write_cntv_ctl_el0(uint64_t v) { __asm__ volatile("msr cntv_ctl_el0, %0" :: "r"(v) : "memory"); }

/* ---- MMIO: single 32-bit accesses the hypervisor can always decode ---- */
static inline uint32_t mmio_read32(uintptr_t a) { uint32_t v; __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { __asm__ volatile("str %w0, [%1]" :: "rZ"(v), "r"(a) : "memory"); }

/* ---- firmware calls ---- */
/* Semihosting: op in w0, parameter block in x1; returns x0. Needs a debugger or QEMU. */
static inline uint64_t semihost_call(uint64_t op, uint64_t arg) { register uint64_t x0 __asm__("x0") = op; register uint64_t x1 __asm__("x1") = arg; __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory"); return x0; }
/* PSCI through EL2 (hvc) or EL3 (smc), SMCCC: function id in x0, result in x0. */
static inline uint64_t psci_hvc(uint64_t fn) { register uint64_t x0 __asm__("x0") = fn; __asm__ volatile("hvc #0" : "+r"(x0) :: "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory"); return x0; }
static inline uint64_t psci_smc(uint64_t fn) { register uint64_t x0 __asm__("x0") = fn; __asm__ volatile("smc #0" : "+r"(x0) :: "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory"); return x0; }

/* ---- shared between the port's files ---- */
extern uint64_t boot_cntvct;    /* boot.S: CNTVCT at the first instruction */
extern uint64_t boot_dtb;       /* boot.S: x0 at entry (DTB pointer or 0) */
extern uint64_t boot_flags;     /* boot.S: BOOT_F_* from a Mote bootloader, or 0 */
extern uint64_t boot_handoff_block; /* boot.S: x7 from a Mote bootloader (its handoff block), or 0 */
extern uint64_t boot_dt[3];     /* boot.S: RAM base, size, PSCI conduit from a Mote bootloader, or 0 */
extern char exception_vectors[];  /* vectors.S */
extern char exc_stack_top[];      /* boot.S: top of the fault stack */

void trap_irq(struct trap_frame *tf);                     /* intc.c, from vectors.S */
void trap_fault(struct trap_frame *tf, unsigned long kind); /* trap.c, from vectors.S */
void timer_irq(void);                                     /* timer.c, from trap_irq */
int power_off_resume(void);                               /* cpu.c, from trap_fault */

#endif /* __ASSEMBLER__ */
#endif
