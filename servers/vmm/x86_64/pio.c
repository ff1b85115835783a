/* The port-I/O bus: a table of port ranges, each with a byte-wide or full-width handler.
 * A 16- or 32-bit access to a byte-wide device becomes byte accesses to consecutive ports,
 * as the ISA bus splits it. Unclaimed ports read all ones, ignore writes, and are logged once. */
#include "x86_64/x86_platform.h"

#include "x86_64/pc_wiring.h"
#include <hv/bits.h>

#define PORT_KBD_DATA 0x60
#define PORT_KBD_CMD 0x64
#define KBD_CMD_PULSE_RESET 0xfe
#define PORT_POST 0x80       /* POST codes; Linux's io_delay writes here */
#define PORT_SYS_CTRL_A 0x92 /* bit 0: fast reset, bit 1: A20 */
#define PORT_PCI_ADDR 0xcf8
#define PORT_RESET_CTRL 0xcf9 /* bit 2: do the reset selected by bit 1 */
#define PORT_PCI_DATA 0xcfc

struct pio_range {
    uint16_t first, last;
    bool bytewise; /* handler sees one byte at a time */
    /* read returns false: nothing here (all ones, logged); write likewise. */
    bool (*read)(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *value);
    bool (*write)(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t value);
};

static bool pic_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = pic_read(&pf->pic, port);
    return true;
}

static bool pic_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    pic_write(&pf->pic, port, (uint8_t)v);
    return true;
}

static bool pit_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = pit_read(&pf->pit, port);
    return true;
}

static bool pit_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    pit_write(&pf->pit, port, (uint8_t)v);
    return true;
}

static bool uart_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = uart_read(&pf->uart, port - X86_COM1_PORT);
    return true;
}

static bool uart_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    uart_write(&pf->uart, port - X86_COM1_PORT, (uint8_t)v);
    return true;
}

static bool cmos_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = cmos_read(&pf->cmos, port);
    return true;
}

static bool cmos_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    return cmos_write(&pf->cmos, port, (uint8_t)v);
}

static bool pm_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = acpi_pm_read(&pf->pm, port - ACPI_PM_BASE);
    return true;
}

static bool pm_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    if (acpi_pm_write(&pf->pm, port - ACPI_PM_BASE, (uint8_t)v) == ACPI_PM_POWEROFF)
        pf->power = X86_POWER_OFF;
    return true;
}

/* No keyboard controller (the FADT says so): the status and data ports float high, but the
 * pulse-reset command still resets, as Linux's reboot=k and many boot loaders use it. */
static bool kbd_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = 0xff;
    return true;
}

static bool kbd_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    if (port == PORT_KBD_CMD && (uint8_t)v == KBD_CMD_PULSE_RESET)
        pf->power = X86_POWER_RESET;
    return true;
}

static bool post_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = 0xff;
    return true;
}

static bool post_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    return true; /* a delay, or a POST code nobody reads */
}

static bool portb_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = pit_read(&pf->pit, port);
    return true;
}

static bool portb_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    pit_write(&pf->pit, port, (uint8_t)v);
    return true;
}

static bool port92_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    *v = (pf->port92 & ~1u) | 0x02; /* A20 is always on */
    return true;
}

static bool port92_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
{
    /* A 0-to-1 transition of bit 0 resets the CPU. */
    if ((v & 1) && !(pf->port92 & 1))
        pf->power = X86_POWER_RESET;
    pf->port92 = (uint8_t)(v & ~1u);
    return true;
}

/* PCI configuration mechanism #1 with no devices: CONFIG_ADDRESS holds what is written to
 * it (only as a dword, like the host bridge), every CONFIG_DATA read is all ones (no function
 * answers), and 0xcf9 (reset control) is byte-wide. */
static bool pci_rd(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
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

static bool pci_wr(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t v)
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

static const struct pio_range pio_table[] = {
    {0x20, 0x21, true, pic_rd, pic_wr},
    {0x40, 0x43, true, pit_rd, pit_wr},
    {PORT_KBD_DATA, PORT_KBD_DATA, true, kbd_rd, kbd_wr},
    {0x61, 0x61, true, portb_rd, portb_wr},
    {PORT_KBD_CMD, PORT_KBD_CMD, true, kbd_rd, kbd_wr},
    {0x70, 0x71, true, cmos_rd, cmos_wr},
    {PORT_POST, PORT_POST, true, post_rd, post_wr},
    {PORT_SYS_CTRL_A, PORT_SYS_CTRL_A, true, port92_rd, port92_wr},
    {0xa0, 0xa1, true, pic_rd, pic_wr},
    {X86_COM1_PORT, X86_COM1_PORT + 7, true, uart_rd, uart_wr},
    {0x4d0, 0x4d1, true, pic_rd, pic_wr},
    {ACPI_PM_BASE, ACPI_PM_BASE + ACPI_PM_LEN - 1, true, pm_rd, pm_wr},
    {PORT_PCI_ADDR, PORT_PCI_DATA + 3, false, pci_rd, pci_wr},
};

static const struct pio_range *pio_find(uint16_t port)
{
    for (unsigned i = 0; i < sizeof(pio_table) / sizeof(pio_table[0]); i++)
        if (port >= pio_table[i].first && port <= pio_table[i].last)
            return &pio_table[i];
    return NULL;
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

/* One access to one range's handler; bytewise ranges get each byte on its own port. */
static bool pio_read_one(struct x86_platform *pf, uint16_t port, unsigned size, uint32_t *v)
{
    const struct pio_range *r = pio_find(port);
    if (!r || (!r->bytewise && !r->read(pf, port, size, v)))
        return false;
    if (!r->bytewise)
        return true;
    uint32_t acc = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint32_t b = 0xff;
        const struct pio_range *ri = pio_find(p);
        if (!ri || !ri->bytewise || !ri->read(pf, p, 1, &b))
            b = 0xff;
        acc |= (b & 0xff) << (8 * i);
    }
    *v = acc;
    return true;
}

uint32_t x86_pio_read(struct x86_platform *pf, uint16_t port, unsigned size)
{
    uint32_t mask = (uint32_t)hv_size_mask(size);
    uint32_t v = 0xffffffffu;
    if (!valid_size(size) || !pio_read_one(pf, port, size, &v)) {
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
    } else if (ok) {
        const struct pio_range *r = pio_find(port);
        if (!r) {
            ok = false;
        } else if (!r->bytewise) {
            ok = r->write(pf, port, size, value);
        } else {
            for (unsigned i = 0; i < size; i++) {
                uint16_t p = (uint16_t)(port + i);
                const struct pio_range *ri = pio_find(p);
                if (!ri || !ri->bytewise || !ri->write(pf, p, 1, (value >> (8 * i)) & 0xff))
                    ok = false;
            }
        }
    }
    if (!ok)
        x86_log_once(&pf->log, X86_LOG_PORT, port,
                     "x86: unknown port write 0x%x size %u value 0x%x (ignored)", port, size,
                     value);
}
