/* Building the 64-bit entry state, and the 32-bit one of Multiboot and PVH. */
#include "x86_64/boot/boot_state.h"

#include <hv/abi/vcpu_x86_64.h>
#include <hv/bytes.h>
#include <hv/string.h>

/* Flat 4 GiB descriptors: 64-bit code (L=1) at 0x10, read/write data at 0x18. */
static const uint64_t boot_gdt[4] = {0, 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull};

static void add(struct x86_boot_regs *o, uint32_t reg, uint64_t value)
{
    if (o->n < X86_BOOT_MAX_REGS)
        o->r[o->n++] = (struct x86_boot_reg){reg, value};
}

static void add_seg(struct x86_boot_regs *o, unsigned seg, uint16_t sel, uint32_t limit,
                    uint32_t attr)
{
    add(o, HV_X86_SEG(seg, HV_X86_SEG_SEL), sel);
    add(o, HV_X86_SEG(seg, HV_X86_SEG_BASE), 0);
    add(o, HV_X86_SEG(seg, HV_X86_SEG_LIMIT), limit);
    add(o, HV_X86_SEG(seg, HV_X86_SEG_ATTR), attr);
}

/* Flat 4 GiB descriptors for 32-bit protected mode: code (D=1) at 0x08, data at 0x10. */
static const uint64_t boot_gdt32[3] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull};

/* The scratch area's own checks, shared by both halves. */
static const char *check_scratch(uint64_t scratch_gpa, uint64_t scratch_size)
{
    if (scratch_gpa & 0xfff)
        return "boot scratch area not page-aligned";
    if (scratch_size < X86_BOOT_SCRATCH_NEED)
        return "boot scratch area smaller than the GDT and page tables need";
    if (scratch_gpa > 0x100000000ull - X86_BOOT_SCRATCH_NEED)
        return "boot scratch area not below 4 GiB";
    return NULL;
}

const char *x86_boot_tables(const struct x86_guest_mem *m, uint64_t scratch_gpa,
                            uint64_t scratch_size)
{
    const char *why = check_scratch(scratch_gpa, scratch_size);
    if (why)
        return why;
    if (scratch_gpa > m->ram_size || X86_BOOT_SCRATCH_NEED > m->ram_size - scratch_gpa)
        return "boot scratch area not in RAM";
    uint64_t pdpt = scratch_gpa + 0x2000, pd = scratch_gpa + 0x3000;
    uint8_t *base = m->ram + scratch_gpa;
    memset(base, 0, X86_BOOT_SCRATCH_NEED);
    for (unsigned i = 0; i < 4; i++)
        hv_put_le64(base + 8 * i, boot_gdt[i]);
    /* Identity map of the low 4 GiB with 2 MiB pages: RAM, the ACPI area and the device
     * window alike (boot.rst asks for the kernel, zero page and command line at least). */
    hv_put_le64(base + 0x1000, pdpt | X86_PTE_P | X86_PTE_RW);
    for (unsigned g = 0; g < 4; g++) {
        hv_put_le64(base + 0x2000 + 8 * g, (pd + 0x1000 * g) | X86_PTE_P | X86_PTE_RW);
        for (unsigned i = 0; i < 512; i++)
            hv_put_le64(base + 0x3000 + 0x1000 * g + 8 * i,
                        ((uint64_t)g << 30 | (uint64_t)i << 21) | X86_PTE_P | X86_PTE_RW |
                            X86_PTE_PS);
    }
    return NULL;
}

const char *x86_boot_registers(uint64_t scratch_gpa, uint64_t scratch_size, uint64_t entry,
                               uint64_t zero_page_gpa, struct x86_boot_regs *out)
{
    out->n = 0;
    const char *why = check_scratch(scratch_gpa, scratch_size);
    if (why)
        return why;
    uint64_t gdt = scratch_gpa, pml4 = gdt + 0x1000;
    /* The order the kernel's legality checks want from reset: EFER, CR4, CR3, CR0, then
     * the segments (CS last among them, once long mode is on). */
    add(out, HV_X86_GDTR_BASE, gdt);
    add(out, HV_X86_GDTR_LIMIT, sizeof(boot_gdt) - 1);
    add(out, HV_X86_IDTR_BASE, 0);
    add(out, HV_X86_IDTR_LIMIT, 0);
    add(out, HV_X86_EFER, X86_EFER_LME);
    add(out, HV_X86_CR4, X86_CR4_PAE);
    add(out, HV_X86_CR3, pml4);
    add(out, HV_X86_CR0, X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG);
    add_seg(out, HV_X86_DS, X86_BOOT_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_ES, X86_BOOT_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_SS, X86_BOOT_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_FS, X86_BOOT_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_GS, X86_BOOT_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    /* A busy 64-bit TSS: long mode requires a usable TR; the kernel loads its own. */
    add_seg(out, HV_X86_TR, 0, 0x67, HV_X86_ATTR_TSS64);
    add_seg(out, HV_X86_CS, X86_BOOT_CS, 0xffffffffu, HV_X86_ATTR_CODE64);
    add(out, HV_X86_RFLAGS, 0x2); /* interrupts off */
    add(out, HV_X86_RSP, gdt + 0x1000 - 16);
    add(out, HV_X86_RSI, zero_page_gpa);
    add(out, HV_X86_RIP, entry);
    return NULL;
}

const char *x86_boot_state(const struct x86_guest_mem *m, uint64_t scratch_gpa,
                           uint64_t scratch_size, uint64_t entry, uint64_t zero_page_gpa,
                           struct x86_boot_regs *out)
{
    out->n = 0;
    const char *why = x86_boot_tables(m, scratch_gpa, scratch_size);
    return why ? why : x86_boot_registers(scratch_gpa, scratch_size, entry, zero_page_gpa, out);
}

const char *x86_boot_tables32(const struct x86_guest_mem *m, uint64_t scratch_gpa,
                              uint64_t scratch_size)
{
    const char *why = check_scratch(scratch_gpa, scratch_size);
    if (why)
        return why;
    if (scratch_gpa > m->ram_size || 0x1000 > m->ram_size - scratch_gpa)
        return "boot scratch area not in RAM";
    uint8_t *base = m->ram + scratch_gpa;
    memset(base, 0, 0x1000);
    for (unsigned i = 0; i < 3; i++)
        hv_put_le64(base + 8 * i, boot_gdt32[i]);
    return NULL;
}

const char *x86_boot_registers32(uint64_t scratch_gpa, uint64_t scratch_size, uint32_t entry,
                                 uint32_t eax, uint32_t ebx, struct x86_boot_regs *out)
{
    out->n = 0;
    const char *why = check_scratch(scratch_gpa, scratch_size);
    if (why)
        return why;
    add(out, HV_X86_GDTR_BASE, scratch_gpa);
    add(out, HV_X86_GDTR_LIMIT, sizeof(boot_gdt32) - 1);
    add(out, HV_X86_IDTR_BASE, 0);
    add(out, HV_X86_IDTR_LIMIT, 0);
    /* Multiboot §3.2: PE set, PG clear; CD and NW clear as QEMU's ROM leaves them. */
    add(out, HV_X86_CR0, X86_CR0_PE | X86_CR0_ET);
    add_seg(out, HV_X86_DS, X86_BOOT32_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_ES, X86_BOOT32_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_SS, X86_BOOT32_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_FS, X86_BOOT32_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    add_seg(out, HV_X86_GS, X86_BOOT32_DS, 0xffffffffu, HV_X86_ATTR_DATA);
    /* PVH asks for an active 32-bit TSS (base 0, limit 0x67): type 0xb is a busy one. */
    add_seg(out, HV_X86_TR, 0, 0x67, HV_X86_ATTR_TSS64);
    add_seg(out, HV_X86_CS, X86_BOOT32_CS, 0xffffffffu, HV_X86_ATTR_CODE32);
    add(out, HV_X86_RFLAGS, 0x2); /* IF and VM clear */
    add(out, HV_X86_RAX, eax);
    add(out, HV_X86_RBX, ebx);
    add(out, HV_X86_RIP, entry);
    return NULL;
}
