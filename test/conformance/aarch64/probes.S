/* Instructions the checks need at known addresses: each probe raises one exception (or is the
 * target of a breakpoint or a single step), so that a check can compare ELR with its label. */
    .text
    .global udf_probe, svc_probe, brk_probe, bp_target, step_probe, step_second
    .global step_mmio_probe, step_mmio_second, step_idreg_probe, step_idreg_second

// UDF: permanently undefined (Arm ARM C6.2.376): EC 0x00 at this address.
udf_probe:
    udf     #0x1234
    ret

// SVC #0x42 at EL1 is taken to EL1 with the immediate in ESR.ISS (EC 0x15).
svc_probe:
    svc     #0x42
    ret

// BRK #0x7: EC 0x3c with the immediate in ISS (Arm ARM, "Breakpoint Instruction exceptions").
brk_probe:
    brk     #0x7
    ret

// A function for a hardware breakpoint: the exception is taken before its first instruction.
bp_target:
    nop
    ret

// Software step (Arm ARM, "Software Step exceptions"): ERET with SPSR.SS = 1 and
// MDSCR_EL1.SS = 1 runs one instruction, then a software step exception is taken with ELR at
// the next one (step_second).
// Without the exception, the code after the ERET just returns to the caller.
step_probe:
    adr     x1, 1f
    msr     elr_el1, x1
    mov     x1, #0x3c5              // EL1h, D A I F masked ...
    bic     x1, x1, #0x200          // ... but debug exceptions enabled (PSTATE.D = 0)
    orr     x1, x1, #(1 << 21)      // SPSR.SS: one instruction runs, then the step exception
    msr     spsr_el1, x1
    isb
    eret
1:  nop
step_second:
    nop
    ret

// Software step over an instruction a hypervisor may emulate (the same ERET as step_probe):
// step_mmio_probe(x0 = a device register's address) steps over a load from it,
// step_idreg_probe over a read of ID_AA64DFR0_EL1. The step exception's ELR must be the
// instruction after it, as for any instruction.
step_mmio_probe:
    mov     x2, x0
    adr     x1, 1f
    msr     elr_el1, x1
    mov     x1, #0x3c5
    bic     x1, x1, #0x200
    orr     x1, x1, #(1 << 21)
    msr     spsr_el1, x1
    isb
    eret
1:  ldr     w3, [x2]
step_mmio_second:
    nop
    ret

step_idreg_probe:
    adr     x1, 1f
    msr     elr_el1, x1
    mov     x1, #0x3c5
    bic     x1, x1, #0x200
    orr     x1, x1, #(1 << 21)
    msr     spsr_el1, x1
    isb
    eret
1:  mrs     x3, id_aa64dfr0_el1
step_idreg_second:
    nop
    ret
