/* Builds the vcpu test's x86_64 guests (vcpu_test_x86_64.h): their RAM, identity page tables,
 * GDT and IDT written by the root through its own mapping of the frame, and the 64-bit state
 * written through vcpu_write in the order hv/abi/vcpu_x86_64.h asks for. */
#include <hv/root.h>
#include "vcpu_test_x86_64.h"
#include <hv/abi/error.h>

#define WINDOW_VA(i) (0x300000000ull + (uint64_t)(i) * 0x200000)
#define GUEST_PML4 0x1000
#define GUEST_PDPT 0x2000
#define GUEST_PD 0x3000
#define GUEST_GDT 0x4000
#define GUEST_IDT 0x5000
#define GUEST_STACK_TOP 0x8000
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull
#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define GATE_INTR64 0x8eull /* present, DPL 0, 64-bit interrupt gate */

/* Identity map of the first GiB in 2 MiB pages: the guest's RAM is the first one; the rest is
 * there so that guest accesses past its RAM reach the NPT and exit as NPF. */
static void write_page_tables(volatile uint64_t *ram)
{
    ram[GUEST_PML4 / 8] = GUEST_PDPT | PTE_P | PTE_RW;
    ram[GUEST_PDPT / 8] = GUEST_PD | PTE_P | PTE_RW;
    for (uint64_t i = 0; i < 512; i++)
        ram[GUEST_PD / 8 + i] = i << 21 | PTE_P | PTE_RW | PTE_PS;
}

static void set_gate(volatile uint64_t *ram, unsigned vector, uint64_t handler)
{
    volatile uint64_t *g = &ram[GUEST_IDT / 8 + 2 * vector];
    g[0] = (handler & 0xffff) | (uint64_t)SEL_CODE << 16 | GATE_INTR64 << 40 |
           (handler >> 16 & 0xffff) << 48;
    g[1] = handler >> 32;
}

static void write_tables_and_code(volatile uint64_t *ram)
{
    write_page_tables(ram);
    ram[GUEST_GDT / 8 + 1] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
    ram[GUEST_GDT / 8 + 2] = 0x00cf92000000ffffull; /* data, read/write */
    for (unsigned v = 0; v < 256; v++)
        set_gate(ram, v, guest_va(guest_x86_unexpected));
    set_gate(ram, 1, guest_va(guest_x86_db));
    set_gate(ram, 6, guest_va(guest_x86_ud));
    set_gate(ram, 0x40, guest_va(guest_x86_irq));
    set_gate(ram, 0x41, guest_va(guest_x86_timer));
    volatile uint8_t *code = (volatile uint8_t *)ram + GUEST_CODE;
    for (const char *p = guest_x86_start; p < guest_x86_end; p++)
        *code++ = (uint8_t)*p;
}

/* Reset state to 64-bit mode: EFER, CR4, CR3, then CR0, then the segments. */
static int write_long_mode(uint64_t vcpu, uint64_t rip)
{
    static const struct {
        unsigned reg;
        uint64_t val;
    } regs[] = {
        {HV_X86_EFER, 0x100},       /* LME */
        {HV_X86_CR4, 0x20},         /* PAE */
        {HV_X86_CR3, GUEST_PML4},
        {HV_X86_CR0, 0x80000011},   /* PG, ET, PE */
        {HV_X86_SEG(HV_X86_CS, HV_X86_SEG_SEL), SEL_CODE},
        {HV_X86_SEG(HV_X86_CS, HV_X86_SEG_LIMIT), 0xffffffff},
        {HV_X86_SEG(HV_X86_CS, HV_X86_SEG_BASE), 0},
        {HV_X86_SEG(HV_X86_CS, HV_X86_SEG_ATTR), HV_X86_ATTR_CODE64 | 0x800},
        {HV_X86_GDTR_BASE, GUEST_GDT},
        {HV_X86_GDTR_LIMIT, 3 * 8 - 1},
        {HV_X86_IDTR_BASE, GUEST_IDT},
        {HV_X86_IDTR_LIMIT, 256 * 16 - 1},
        {HV_X86_RSP, GUEST_STACK_TOP},
        {HV_X86_RFLAGS, 0x2},
    };
    int r = HV_OK;
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]) && !r; i++)
        r = vcpu_write(vcpu, regs[i].reg, regs[i].val);
    for (unsigned s = HV_X86_ES; s <= HV_X86_GS && !r; s++) {
        if (s == HV_X86_CS)
            continue;
        r = vcpu_write(vcpu, HV_X86_SEG(s, HV_X86_SEG_SEL), SEL_DATA);
        if (!r)
            r = vcpu_write(vcpu, HV_X86_SEG(s, HV_X86_SEG_LIMIT), 0xffffffff);
        if (!r)
            r = vcpu_write(vcpu, HV_X86_SEG(s, HV_X86_SEG_ATTR), HV_X86_ATTR_DATA);
    }
    return r ? r : vcpu_write(vcpu, HV_X86_RIP, rip);
}

int vcpu_guest_create(struct vcpu_guest *g, unsigned index, const char *entry, unsigned prio,
                      uint32_t budget, uint32_t period)
{
    *g = (struct vcpu_guest){.badge = index + 1};
    g->vspace = root_new_anywhere(HV_OBJ_GUEST_VSPACE, 16);
    g->frame = root_new_anywhere(HV_OBJ_FRAME, 21);
    g->vcpu = root_new_anywhere(HV_OBJ_VCPU, 0);
    g->thread = root_new_anywhere(HV_OBJ_THREAD, 0);
    g->ep = root_new_anywhere(HV_OBJ_ENDPOINT, 0);
    g->frame_root = root_slot();
    g->fault = root_slot();
    uint64_t sc = 0;
    if (!g->vspace || !g->frame || !g->vcpu || !g->thread || !g->ep)
        return HV_ENOMEM;
    int r = hv_cap_copy(g->frame, ROOT_CNODE, g->frame_root, HV_RIGHTS_ALL, 0);
    if (!r)
        r = hv_map(g->frame, g->vspace, 0, HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXEC);
    if (!r)
        r = hv_map(g->frame_root, ROOT_VSPACE, WINDOW_VA(index), HV_MAP_READ | HV_MAP_WRITE);
    if (r)
        return r;
    g->ram = (volatile uint64_t *)WINDOW_VA(index);
    write_tables_and_code(g->ram);
    r = hv_cap_copy(g->ep, ROOT_CNODE, g->fault, HV_RIGHT_WRITE, g->badge);
    if (!r)
        r = root_new_sc(budget, period, &sc);
    if (!r)
        r = hv_thread_configure(g->thread, ROOT_CNODE, ROOT_VSPACE, g->fault, prio, sc, 0, 0);
    if (!r)
        r = vcpu_bind(g->vcpu, g->thread, g->vspace);
    return r ? r : write_long_mode(g->vcpu, guest_va(entry));
}

int vcpu_guest_reset(struct vcpu_guest *g, uint64_t rip)
{
    int r = vcpu_write(g->vcpu, HV_VCPU_REG_RESET, 0);
    return r ? r : write_long_mode(g->vcpu, rip);
}

void vcpu_guest_stop(struct vcpu_guest *g)
{
    hv_thread_suspend(g->thread);
    const uint64_t slots[] = {g->vcpu, g->thread, g->vspace, g->frame_root, g->frame, g->fault,
                              g->ep};
    for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
        hv_cap_delete(slots[i]);
}
