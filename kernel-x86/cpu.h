/*
 * x86_64 port: every inline-assembly helper (one line each, named after the
 * instruction or register), the architectural constants the port uses, and
 * the few declarations the port's files share with each other.
 * Included by the port only; the portable kernel sees only the HAL headers.
 */
#ifndef X86_CPU_H
#define X86_CPU_H

/* ---- architectural constants ---- */
#define RFLAGS_IF   (1 << 9)
#define CR0_MP      (1 << 1)    /* WAIT/FWAIT honour TS */
#define CR0_EM      (1 << 2)    /* x87 emulation: must be off for SSE */
#define CR0_TS      (1 << 3)    /* task switched: the next FP/SSE instruction raises #NM */
#define CR0_NE      (1 << 5)    /* x87 errors as #MF */
#define CR4_OSFXSR  (1 << 9)    /* FXSAVE/FXRSTOR and SSE */
#define CR4_OSXMMEXCPT (1 << 10) /* SSE errors as #XM */
#define FPU_STATE_SIZE 512      /* the FXSAVE area */
#define MSR_EFER    0xc0000080
#define EFER_NXE    (1 << 11)
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1 << 11)

#define GDT_KCODE   0x08 /* selectors in cpu_gdt (cpu.c), also used by boot.S */
#define GDT_KDATA   0x10
#define GDT_TSS     0x18

/* Interrupt vectors: 0-31 exceptions, then IOAPIC pins, LAPIC timer, spurious. */
#define VEC_IRQ_BASE   32   /* IOAPIC pin n -> vector 32 + n == the HAL irq number */
#define IOAPIC_PINS    24   /* stubs exist for this many pins (vectors.S) */
#define VEC_PIC_BASE   0xe0 /* the legacy 8259s, remapped out of the way and masked */
#define VEC_TIMER      0xf0
#define VEC_SPURIOUS   0xff

/*
 * struct trap_frame, as vectors.S builds it: the 15 GPRs it pushes (r15
 * lowest), the vector and error code (stubs push 0 when the CPU pushes
 * none), then the frame the CPU pushed. Offsets in bytes.
 */
#define TF_R15     0      /* r15 r14 ... rbx rax, in SAVE_GPRS's reverse order */
#define TF_RBP     64
#define TF_RAX     112
#define TF_VECTOR  120    /* the GPRs end here */
#define TF_ERROR   128
#define TF_RIP     136    /* the CPU's frame: rip cs rflags rsp ss */
#define TF_RSP     160
#define TF_SIZE    176    /* from a 16-aligned rsp: the C call is ABI-aligned */

/* ---- boot protocol ids (boot.S) ---- */
#define BOOT_PROTO_NONE      0
#define BOOT_PROTO_PVH       1
#define BOOT_PROTO_MULTIBOOT 2

#ifndef __ASSEMBLER__
#include <stdint.h>

/* ---- port I/O ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* ---- MSRs and the TSC ---- */
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
static inline void wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }

/* ---- control registers, descriptor tables, TLB ---- */
static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void clts(void) { __asm__ volatile("clts" : : : "memory"); }
static inline void fxsave64(void *area) { __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
static inline void fxrstor64(const void *area) { __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }
static inline void lgdt(const void *ptr) { __asm__ volatile("lgdt (%0)" : : "r"(ptr) : "memory"); }
static inline void lidt(const void *ptr) { __asm__ volatile("lidt (%0)" : : "r"(ptr) : "memory"); }
static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" : : "r"(sel) : "memory"); }
static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

/* ---- interrupts and sleeping ---- */
static inline uint64_t read_rflags(void) { uint64_t v; __asm__ volatile("pushfq; popq %0" : "=r"(v) : : "memory"); return v; }
static inline void cli(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void sti(void) { __asm__ volatile("sti" : : : "memory"); }
/* `sti` delays interrupts by one instruction, so none can slip in before `hlt`. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" : : : "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" : : : "memory"); }
static inline void int3(void) { __asm__ volatile("int3" : : : "memory"); }
static inline __attribute__((noreturn)) void jmp_handoff(uintptr_t to, uint32_t proto, uintptr_t info, uint64_t cal_tsc, uint64_t cal_apic, uint64_t flags, uintptr_t handoff) { register uint64_t r8 __asm__("r8") = flags; register uint64_t r9 __asm__("r9") = handoff; __asm__ volatile("jmp *%0" : : "a"(to), "D"(proto), "S"(info), "d"(cal_tsc), "c"(cal_apic), "r"(r8), "r"(r9) : "memory"); __builtin_unreachable(); }
static inline void mfence(void) { __asm__ volatile("mfence" : : : "memory"); }
static inline void pause(void) { __asm__ volatile("pause" : : : "memory"); }

/* ---- MMIO (uncached device pages; volatile keeps every access) ---- */
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* ---- shared between the port's files ---- */

/* What vectors.S saves on an exception or interrupt (TF_* above). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(__builtin_offsetof(struct trap_frame, r15) == TF_R15, "TF_R15");
_Static_assert(__builtin_offsetof(struct trap_frame, rbp) == TF_RBP, "TF_RBP");
_Static_assert(__builtin_offsetof(struct trap_frame, rax) == TF_RAX, "TF_RAX");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == TF_VECTOR, "TF_VECTOR");
_Static_assert(__builtin_offsetof(struct trap_frame, error) == TF_ERROR, "TF_ERROR");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == TF_RIP, "TF_RIP");
_Static_assert(__builtin_offsetof(struct trap_frame, rsp) == TF_RSP, "TF_RSP");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");

/* boot.S: TSC at the first instruction; boot protocol and its info pointer. */
extern uint64_t boot_tsc;
extern uint32_t boot_proto;
extern uint32_t boot_info;

/* cpu.c: the GDT (null, code, data, TSS low/high); boot.S loads it. */
extern uint64_t cpu_gdt[5];

/* vectors.S: entry points, indexed by vector (0-31, then 32 + pin). */
extern const uint64_t vector_stubs[VEC_IRQ_BASE + IOAPIC_PINS];
void vector_timer(void);
void vector_spurious(void);

/* trap.c: called by vectors.S with the saved frame. */
void trap_exception(struct trap_frame *tf);
void trap_irq(struct trap_frame *tf);

/* intc.c / timer.c */
void intc_eoi(void);
uintptr_t lapic_base(void);
void timer_irq(void);
/* Start measuring the clock without waiting for it (arch_boot_prepare, timer.c). */
void timer_calibrate_start(void);
/* The clock calibration, to hand on to the next image (0, 0 before timer_init). */
void timer_calibration(uint64_t *ns_per_tick32, uint64_t *apic_per_ns32);
extern uint64_t boot_cal_tsc, boot_cal_apic;   /* handed on by a bootloader (boot.S), or 0 */
extern uint64_t boot_flags;                     /* BOOT_F_* from a Mote bootloader, or 0 */
extern uint64_t boot_handoff_block;             /* its handoff block (hal/boot.h), or 0 */

#endif /* __ASSEMBLER__ */
#endif
