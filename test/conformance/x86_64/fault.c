/* Exception checks (Intel SDM Vol. 3A 6.15 "Exception and Interrupt Reference";
 * AMD APM Vol. 2, "Vectors"): each raised with the
 * vector, error code, faulting address and RIP the manuals give. */
#include <guest/check.h>
#include <guest/exc.h>
#include <guest/x86.h>

extern void ud2_probe(void), int3_probe(void), div_probe(void);
extern char int3_after[], div_insn[];

static void call(void *fn)
{
    ((void (*)(void))fn)();
}

static void load(void *addr)
{
    (void)*(volatile uint64_t *)addr;
}

/* #UD (a fault): RIP at the UD2. */
CHECK(flt_ud, "FLT-X1")
{
    struct exc_info e = {0};
    bool t = exc_catch(call, (void *)ud2_probe, &e);
    report(t && e.kind == VEC_UD && e.pc == (uint64_t)ud2_probe, "UD2: %s at 0x%llx",
           t ? exc_kind_name(e.kind) : "no exception", (unsigned long long)e.pc);
}

/* #BP (a trap): RIP after the INT3. */
CHECK(flt_bp, "FLT-X2")
{
    struct exc_info e = {0};
    bool t = exc_catch(call, (void *)int3_probe, &e);
    report(t && e.kind == VEC_BP && e.pc == (uint64_t)int3_after, "INT3: %s, RIP 0x%llx",
           t ? exc_kind_name(e.kind) : "no exception", (unsigned long long)e.pc);
}

/* #DE (a fault): RIP at the DIV. */
CHECK(flt_de, "FLT-X3")
{
    struct exc_info e = {0};
    bool t = exc_catch(call, (void *)div_probe, &e);
    report(t && e.kind == VEC_DE && e.pc == (uint64_t)div_insn + 7, "DIV by 0: %s, RIP 0x%llx",
           t ? exc_kind_name(e.kind) : "no exception", (unsigned long long)e.pc);
}

/* #PF: CR2 = the address; error code 0 for a supervisor read of a not-present page (SDM 4.7).
 * The guest maps nothing above 4 GiB. */
CHECK(flt_pf, "FLT-X4")
{
    struct exc_info e = {0};
    uint64_t a = 0x100000000ull;
    bool t = exc_catch(load, (void *)a, &e);
    report(t && e.kind == VEC_PF && e.addr == a && e.syndrome == 0,
           "load from 0x%llx: %s, CR2 0x%llx, error code 0x%llx", (unsigned long long)a,
           t ? exc_kind_name(e.kind) : "no exception", (unsigned long long)e.addr,
           (unsigned long long)e.syndrome);
}

/* #GP(0) for a non-canonical address (SDM 3.3.7.1). */
CHECK(flt_gp, "FLT-X5")
{
    struct exc_info e = {0};
    bool t = exc_catch(load, (void *)0x8000000000000000ull, &e);
    report(t && e.kind == VEC_GP && e.syndrome == 0,
           "load from 0x8000000000000000: %s, error code "
           "0x%llx",
           t ? exc_kind_name(e.kind) : "no exception", (unsigned long long)e.syndrome);
}
