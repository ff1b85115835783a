/* CPUID checks: the partition is the CPU model it advertises, QEMU's qemu64 (an AMD family 0Fh
 * CPU, target/i386/cpu.c), and what CPUID says follows the state it describes. */
#include <guest/check.h>
#include <guest/x86.h>
#include <hv/string.h>

/* CPUID leaf 0: the vendor string in EBX, EDX, ECX; qemu64's is "AuthenticAMD". */
CHECK(cpuid_vendor, "CPUID-X1")
{
    struct cpuid r = cpuid(0, 0);
    char v[13];
    memcpy(v, &r.b, 4);
    memcpy(v + 4, &r.d, 4);
    memcpy(v + 8, &r.c, 4);
    v[12] = '\0';
    report(strcmp(v, "AuthenticAMD") == 0 && r.a >= 1, "vendor '%s', highest leaf 0x%x", v, r.a);
}

/* CPUID leaf 1 EAX: qemu64 is family 0Fh, model 6Bh (base 0xb, extended 0x6), stepping 1. */
CHECK(cpuid_signature, "CPUID-X2")
{
    uint32_t a = cpuid(1, 0).a;
    unsigned family = (a >> 8 & 0xf) + (a >> 20 & 0xff);
    unsigned model = (a >> 4 & 0xf) | (a >> 12 & 0xf0), stepping = a & 0xf;
    report(family == 0xf && model == 0x6b && stepping == 1,
           "leaf 1 EAX 0x%08x: family 0x%x model 0x%x stepping %u (qemu64: 0xf 0x6b 1)", a, family,
           model, stepping);
}
