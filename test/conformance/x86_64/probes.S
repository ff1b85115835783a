/* Instructions the checks need at known addresses: each probe raises one exception, so that a
 * check can compare the frame's RIP with its label. */
    .text
    .global ud2_probe, int3_probe, int3_after, div_probe

// UD2 always raises #UD (SDM Vol. 2, UD): RIP at the instruction (a fault).
ud2_probe:
    ud2
    ret

// INT3 raises #BP as a trap: RIP after the instruction.
int3_probe:
    int3
int3_after:
    ret

// DIV by zero raises #DE (a fault: RIP at the DIV).
div_probe:
    xorl    %ecx, %ecx
div_insn:
    movl    $1, %eax
    xorl    %edx, %edx
    divl    %ecx
    ret
    .global div_insn
