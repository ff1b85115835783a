/* The port-I/O bus: a table of port ranges, each answered by one device. The ISA devices are
 * byte-wide: a 16- or 32-bit access to them becomes byte accesses to consecutive ports, as the
 * ISA bus splits it. Unclaimed ports read all ones, ignore writes, and are logged once. */
#include "x86_64/x86_platform.h"

#include "x86_64/pc_wiring.h"
#include <hv/bits.h>

#define PORT_KBD_DATA 0x60
#define PORT_PORTB 0x61 /* the 8254's channel 2 gate and output, on the PIT model */
#define PORT_KBD_CMD 0x64
#define KBD_CMD_PULSE_RESET 0xfe
#define PORT_POST 0x80       /* POST codes; Linux's io_delay writes here */
#define PORT_SYS_CTRL_A 0x92 /* bit 0: fast reset, bit 1: A20 */
#define PORT_PCI_ADDR 0xcf8
#define PORT_RESET_CTRL 0xcf9 /* bit 2: do the reset selected by bit 1 */
#define PORT_PCI_DATA 0xcfc

/* Who answers a range. */
enum pio_dev {
    PIO_PIC,
    PIO_PIT, /* 0x40-0x43 and port B */
    PIO_UART,
    PIO_CMOS,
    PIO_PM,
    PIO_KBD,
    PIO_POST,
    PIO_SYS_CTRL,
    PIO_PCI,    /* full width */
    PIO_FW_CFG, /* full width: a 16-bit selector, a byte-wide data port */
};

struct pio_range {
    uint16_t first, last;
    enum pio_dev dev;
};

static const struct pio_range pio_table[] = {
    {0x20, 0x21, PIO_PIC},
    {0x40, 0x43, PIO_PIT},
    {PORT_KBD_DATA, PORT_KBD_DATA, PIO_KBD},
    {PORT_PORTB, PORT_PORTB, PIO_PIT},
    {PORT_KBD_CMD, PORT_KBD_CMD, PIO_KBD},
    {0x70, 0x71, PIO_CMOS},
    {PORT_POST, PORT_POST, PIO_POST},
    {PORT_SYS_CTRL_A, PORT_SYS_CTRL_A, PIO_SYS_CTRL},
    {0xa0, 0xa1, PIO_PIC},
    {X86_COM1_PORT, X86_COM1_PORT + 7, PIO_UART},
    {0x4d0, 0x4d1, PIO_PIC},
    {ACPI_PM_BASE, ACPI_PM_BASE + ACPI_PM_LEN - 1, PIO_PM},
    {FW_CFG_PORT_SELECTOR, FW_CFG_PORT_DATA, PIO_FW_CFG},
    {PORT_PCI_ADDR, PORT_PCI_DATA + 3, PIO_PCI},
};

static const struct pio_range *pio_find(uint16_t port)
{
    for (unsigned i = 0; i < ARRAY_SIZE(pio_table); i++)
        if (port >= pio_table[i].first && port <= pio_table[i].last)
            return &pio_table[i];
    return NULL;
}

/* One register of a byte-wide device. The keyboard controller is absent (the FADT says so):
 * its status and data ports float high, as does the POST port. */
static uint8_t byte_read(struct x86_platform *pf, enum pio_dev dev, uint16_t port)
{
    switch (dev) {
    case PIO_PIC: return pic_read(&pf->pic, port);
    case PIO_PIT: return pit_read(&pf->pit, port);
    case PIO_UART: return uart_read(&pf->uart, port - X86_COM1_PORT);
    case PIO_CMOS: return cmos_read(&pf->cmos, port);
    case PIO_PM: return acpi_pm_read(&pf->pm, port - ACPI_PM_BASE);
    case PIO_SYS_CTRL: return (uint8_t)((pf->port92 & ~1u) | 0x02); /* A20 is always on */
    default: return 0xff;
    }
}

/* False for a write the device ignores (logged by the caller). */
static bool byte_write(struct x86_platform *pf, enum pio_dev dev, uint16_t port, uint8_t v)
{
    switch (dev) {
    case PIO_PIC:
        pic_write(&pf->pic, port, v);
        return true;
    case PIO_PIT:
        pit_write(&pf->pit, port, v);
        return true;
    case PIO_UART:
        uart_write(&pf->uart, port - X86_COM1_PORT, v);
        return true;
    case PIO_CMOS:
        return cmos_write(&pf->cmos, port, v);
    case PIO_PM:
        if (acpi_pm_write(&pf->pm, port - ACPI_PM_BASE, v) == ACPI_PM_POWEROFF)
            pf->power = X86_POWER_OFF;
        return true;
    case PIO_KBD:
        /* No 8042, but its pulse-reset command still resets: Linux's reboot=k and many boot
         * loaders use it. */
        if (port == PORT_KBD_CMD && v == KBD_CMD_PULSE_RESET)
            pf->power = X86_POWER_RESET;
        return true;
    case PIO_SYS_CTRL:
        /* A 0-to-1 transition of bit 0 resets the CPU. */
        if ((v & 1) && !(pf->port92 & 1))
            pf->power = X86_POWER_RESET;
        pf->port92 = (uint8_t)(v & ~1u);
        return true;
    case PIO_POST:
        return true; /* a delay, or a POST code nobody reads */
    case PIO_PCI:
    case PIO_FW_CFG:
        return false;
    }
    return false;
}

/* PCI configuration mechanism #1 with no devices: CONFIG_ADDRESS holds what is written to
 * it (only as a dword, like the host bridge), every CONFIG_DATA read is all ones (no function
 * answers), and 0xcf9 (reset control) is byte-wide. */
static bool pci_read(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    if (port == PORT_PCI_ADDR && size == 4) {
        *v = pf->pci_addr;
        return true;
    }
    if (port == PORT_RESET_CTRL && size == 1) {
        *v = pf->reset_control;
        return true;
    }
    if (port >= PORT_PCI_DATA) {
        *v = 0xffffffffu;
        return true;
    }
    return false;
}

static bool pci_write(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    if (port == PORT_PCI_ADDR && size == 4) {
        pf->pci_addr = v & 0x80fffffcu; /* enable, bus, device, function, register */
        return true;
    }
    if (port == PORT_RESET_CTRL && size == 1) {
        pf->reset_control = (uint8_t)(v & 0x0e);
        if (v & 0x04)
            pf->power = X86_POWER_RESET;
        return true;
    }
    return port >= PORT_PCI_DATA; /* config writes to nobody */
}

/* fw_cfg: the selector takes 16-bit writes only, the data port byte reads only (QEMU's
 * "fwcfg" I/O regions); data writes are ignored, the selector reads as nothing. */
static bool fw_cfg_pio_read(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    if (port != FW_CFG_PORT_DATA || size != 1)
        return false;
    *v = fw_cfg_read(&pf->fw_cfg);
    return true;
}

static bool fw_cfg_pio_write(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    if (port == FW_CFG_PORT_SELECTOR && size == 2) {
        fw_cfg_select(&pf->fw_cfg, (uint16_t)v);
        return true;
    }
    return port == FW_CFG_PORT_DATA && size == 1;
}

/* Devices that see an access whole rather than split into bytes. */
static bool full_width(enum pio_dev dev)
{
    return dev == PIO_PCI || dev == PIO_FW_CFG;
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

/* A full-width device's access, whole; false when the device refuses it. */
static bool full_width_access(struct x86_platform *pf, enum pio_dev dev, uint16_t port,
                              unsigned size, uint32_t *v, bool write)
{
    if (dev == PIO_PCI)
        return write ? pci_write(pf, port, size, *v) : pci_read(pf, port, size, v);
    return write ? fw_cfg_pio_write(pf, port, size, *v) : fw_cfg_pio_read(pf, port, size, v);
}

/* The access as its range's device sees it: a full-width device takes it whole; byte-wide
 * ranges get each byte on its own port, a byte whose port nobody answers reading all ones and
 * failing the write (the other bytes are still written, as on the bus). The PM timer's bytes
 * come from one sample of the clock, as a real 32-bit register's do. */
static bool pio_access(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v,
                       bool write)
{
    const struct pio_range *r = pio_find(port);
    if (!r)
        return false;
    if (full_width(r->dev))
        return full_width_access(pf, r->dev, port, size, v, write);
    bool ok = true;
    uint32_t acc = 0;
    bool latch = !write && size > 1 && r->dev == PIO_PM;
    if (latch)
        acpi_pm_read_begin(&pf->pm);
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        const struct pio_range *ri = pio_find(p);
        bool byte_wide = ri && !full_width(ri->dev);
        if (write)
            ok &= byte_wide && byte_write(pf, ri->dev, p, (uint8_t)(*v >> (8 * i)));
        else
            acc |= (uint32_t)(byte_wide ? byte_read(pf, ri->dev, p) : 0xff) << (8 * i);
    }
    if (latch)
        acpi_pm_read_end(&pf->pm);
    if (!write)
        *v = acc;
    return ok;
}

uint32_t x86_pio_read(struct x86_platform *pf, uint16_t port, unsigned size)
{
    uint32_t mask = (uint32_t)hv_size_mask(size);
    uint32_t v = 0xffffffffu;
    if (!valid_size(size) || !pio_access(pf, port, size, &v, false)) {
        v = 0xffffffffu;
        x86_log_once(&pf->log, X86_LOG_PORT, port,
                     "x86: unknown port read 0x%x size %u (reads all ones)", port, size);
    }
    return v & mask;
}

void x86_pio_write(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t value)
{
    bool ok = valid_size(size);
    if (ok && pf->cfg.poweroff_port && port == pf->cfg.poweroff_port) {
        pf->power = X86_POWER_OFF;
    } else if (ok && port == X86_TEST_EXIT_PORT) {
        pf->exit_status = value << 1 | 1;
        pf->power = X86_POWER_EXIT;
    } else if (ok)
        ok = pio_access(pf, port, size, &value, true);
    if (!ok)
        x86_log_once(&pf->log, X86_LOG_PORT, port,
                     "x86: unknown port write 0x%x size %u value 0x%x (ignored)", port, size,
                     value);
}
