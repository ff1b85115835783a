/* Exception checks (Arm ARM D1 "The AArch64 Exception Model"): accesses where nothing is and
 * the exception-generating instructions are taken at EL1 with the syndrome the manual gives. */
#include <guest/a64.h>
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/fdt.h>

extern void udf_probe(void), svc_probe(void), brk_probe(void);

/* An address with nothing behind it: 64 MiB past the end of the DT's RAM, in the window QEMU
 * virt reserves for RAM (no device lives above 0x4000_0000 there). */
static uint64_t hole(void)
{
    uint32_t len = 0;
    const void *reg = a64_dtb() ? fdt_prop(a64_dtb(), "/memory", "reg", &len) : 0;
    if (!reg || len < 16)
        return 0x48000000;
    return fdt_cells(reg, 2) + fdt_cells((const char *)reg + 8, 2) + (64u << 20);
}

static void load_from(void *addr)
{
    (void)*(volatile uint32_t *)addr;
}

/* D1 (synchronous external abort): a load that no memory or device answers is a Data Abort
 * taken at EL1 (EC 0x25) with DFSC 0b010000; FAR holds the address unless ISS.FnV says not. */
CHECK(flt_data_abort, "FLT-A1")
{
    struct exc_info e = {0};
    uint64_t a = hole();
    bool taken = exc_catch(load_from, (void *)a, &e);
    bool fnv = e.syndrome >> 10 & 1;
    bool ok =
        taken && e.kind == EC_DABT_CUR && ESR_FSC(e.syndrome) == FSC_SEA && (fnv || e.addr == a);
    report(ok, "load from 0x%llx: %s, ESR 0x%llx (EC 0x%llx, DFSC 0x%llx), FAR 0x%llx",
           (unsigned long long)a, taken ? exc_kind_name(e.kind) : "no exception",
           (unsigned long long)e.syndrome, (unsigned long long)e.kind,
           (unsigned long long)ESR_FSC(e.syndrome), (unsigned long long)e.addr);
}

static void jump_to(void *addr)
{
    ((void (*)(void))addr)();
}

/* The same for an instruction fetch: an Instruction Abort taken at EL1 (EC 0x21), IFSC
 * 0b010000, ELR and FAR = the address branched to. */
CHECK(flt_instruction_abort, "FLT-A2")
{
    struct exc_info e = {0};
    uint64_t a = hole();
    bool taken = exc_catch(jump_to, (void *)a, &e);
    bool ok = taken && e.kind == EC_IABT_CUR && ESR_FSC(e.syndrome) == FSC_SEA && e.pc == a;
    report(ok, "branch to 0x%llx: %s, ESR 0x%llx (EC 0x%llx, IFSC 0x%llx), ELR 0x%llx, FAR 0x%llx",
           (unsigned long long)a, taken ? exc_kind_name(e.kind) : "no exception",
           (unsigned long long)e.syndrome, (unsigned long long)e.kind,
           (unsigned long long)ESR_FSC(e.syndrome), (unsigned long long)e.pc,
           (unsigned long long)e.addr);
}

static void call(void *fn)
{
    ((void (*)(void))fn)();
}

/* UDF is permanently UNDEFINED: EC 0x00 with ELR at the instruction. */
CHECK(flt_undefined, "FLT-A3")
{
    struct exc_info e = {0};
    bool taken = exc_catch(call, (void *)udf_probe, &e);
    report(taken && e.kind == EC_UNKNOWN && e.pc == (uint64_t)udf_probe,
           "UDF at 0x%llx: %s, ESR 0x%llx, ELR 0x%llx", (unsigned long long)udf_probe,
           taken ? exc_kind_name(e.kind) : "no exception", (unsigned long long)e.syndrome,
           (unsigned long long)e.pc);
}

/* SVC at EL1 is taken to EL1: EC 0x15, ISS[15:0] the immediate, ELR after the instruction. */
CHECK(flt_svc, "FLT-A4")
{
    struct exc_info e = {0};
    bool taken = exc_catch(call, (void *)svc_probe, &e);
    report(taken && e.kind == EC_SVC64 && (e.syndrome & 0xffff) == 0x42 &&
               e.pc == (uint64_t)svc_probe + 4,
           "SVC #0x42: %s, ESR 0x%llx, ELR 0x%llx", taken ? exc_kind_name(e.kind) : "no exception",
           (unsigned long long)e.syndrome, (unsigned long long)e.pc);
}

/* BRK: EC 0x3c, ISS[15:0] the immediate, ELR at the instruction (BRK is not subject to
 * the debug enables). */
CHECK(flt_brk, "FLT-A5")
{
    struct exc_info e = {0};
    bool taken = exc_catch(call, (void *)brk_probe, &e);
    report(taken && e.kind == EC_BRK64 && (e.syndrome & 0xffff) == 7 && e.pc == (uint64_t)brk_probe,
           "BRK #7: %s, ESR 0x%llx, ELR 0x%llx", taken ? exc_kind_name(e.kind) : "no exception",
           (unsigned long long)e.syndrome, (unsigned long long)e.pc);
}
