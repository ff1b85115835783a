/* PL011 checks (PrimeCell UART PL011 TRM, "Peripheral identification registers" and "PrimeCell
 * identification registers"): the identification Linux's amba bus matches the driver by. */
#include <guest/a64.h>
#include <guest/check.h>

/* UARTPeriphID0..3 = 0x11 0x10 0x14 0x00 (part 0x011, designer Arm, revision r1p5), and
 * UARTPCellID0..3 = 0x0d 0xf0 0x05 0xb1. */
CHECK(uart_ids, "UART-A1")
{
    uint32_t periph = 0, cell = 0;
    for (int i = 0; i < 4; i++) {
        periph |= (mmio_read32(VIRT_UART + 0xfe0 + 4 * i) & 0xff) << (8 * i);
        cell |= (mmio_read32(VIRT_UART + 0xff0 + 4 * i) & 0xff) << (8 * i);
    }
    report(periph == 0x00141011 && cell == 0xb105f00d,
           "PeriphID 0x%08x (expected 0x00141011), PCellID 0x%08x (expected 0xb105f00d)", periph,
           cell);
}
