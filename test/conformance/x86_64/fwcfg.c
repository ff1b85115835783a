/* QEMU's firmware configuration device on a PC (QEMU docs/specs/fw_cfg.rst): a 16-bit selector
 * at I/O port 0x510, data bytes at 0x511. Guests read it for the CPU count, the RAM size and the
 * files (a ramfb is configured there too). */
#include <guest/check.h>
#include <guest/x86.h>

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_NB_CPUS 0x05

static uint32_t fw_cfg_read(uint16_t key, unsigned bytes)
{
    outw(FW_CFG_SELECTOR, key);
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint32_t)inb(FW_CFG_DATA) << (8 * i);
    return v;
}

/* fw_cfg.rst, "Signature": item 0x0000 reads "QEMU". */
CHECK(fwcfg_signature, "FWCFG-X1")
{
    uint32_t s = fw_cfg_read(FW_CFG_SIGNATURE, 4);
    report(s == 0x554d4551, "signature 0x%08x (\"QEMU\" is 0x554d4551)", s);
}

/* fw_cfg.rst: FW_CFG_ID bit 0 (the traditional interface) is set; FW_CFG_NB_CPUS (0x05,
 * little-endian 16 bits) is the number of CPUs the machine has, 1 here. */
CHECK(fwcfg_cpus, "FWCFG-X2")
{
    uint32_t id = fw_cfg_read(FW_CFG_ID, 4), cpus = fw_cfg_read(FW_CFG_NB_CPUS, 2);
    report((id & 1) && cpus == 1, "FW_CFG_ID 0x%x, FW_CFG_NB_CPUS %u (expected 1)", id, cpus);
}
