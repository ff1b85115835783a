/* The i8042 (i8042.h): status bit 0 says a byte waits in port 0x60, bit 5 that it is the
 * mouse's, bit 1 that the controller has not taken our last write yet. Every wait is bounded:
 * a controller that never answers costs a refused start, not a hung server. */
#include "i8042.h"
#include <hv/proto/keyboard.h>
#include <hv/sys.h>

#define ST_OUTPUT_FULL 0x01
#define ST_INPUT_FULL 0x02
#define ST_AUX 0x20
#define CMD_READ_CTR 0x20
#define CMD_WRITE_CTR 0x60
#define CMD_ENABLE_KBD 0xae
#define CTR_KBD_IRQ 0x01
#define CTR_KBD_DISABLED 0x10
#define POLLS 100000u
#define DRAIN_MAX 256u /* bytes per drain: more than a burst of keys, far less than forever */

static bool status(uint32_t *v)
{
    return hv_ioport_in(HV_KEYBOARD_SLOT_PORT_STATUS, HV_KEYBOARD_I8042_STATUS, 1, v) == 0;
}

static bool wait_status(uint32_t mask, bool set)
{
    uint32_t v;
    for (unsigned i = 0; i < POLLS; i++) {
        if (!status(&v))
            return false;
        if (((v & mask) != 0) == set)
            return true;
    }
    return false;
}

static bool command(uint32_t cmd)
{
    return wait_status(ST_INPUT_FULL, false) &&
           hv_ioport_out(HV_KEYBOARD_SLOT_PORT_STATUS, HV_KEYBOARD_I8042_STATUS, 1, cmd) == 0;
}

static bool write_data(uint32_t v)
{
    return wait_status(ST_INPUT_FULL, false) &&
           hv_ioport_out(HV_KEYBOARD_SLOT_PORT_DATA, HV_KEYBOARD_I8042_DATA, 1, v) == 0;
}

static bool read_data(uint32_t *v)
{
    return hv_ioport_in(HV_KEYBOARD_SLOT_PORT_DATA, HV_KEYBOARD_I8042_DATA, 1, v) == 0;
}

static void flush(void)
{
    uint32_t st, v;
    for (unsigned i = 0; i < DRAIN_MAX && status(&st) && (st & ST_OUTPUT_FULL); i++)
        read_data(&v);
}

bool i8042_init(void)
{
    uint32_t ctr;
    flush();
    if (!command(CMD_READ_CTR) || !wait_status(ST_OUTPUT_FULL, true) || !read_data(&ctr))
        return false;
    ctr = (ctr | CTR_KBD_IRQ) & ~(uint32_t)CTR_KBD_DISABLED;
    if (!command(CMD_WRITE_CTR) || !write_data(ctr) || !command(CMD_ENABLE_KBD))
        return false;
    flush();
    return true;
}

unsigned i8042_drain(void (*byte)(uint8_t b))
{
    unsigned n = 0;
    uint32_t st, v;
    for (unsigned i = 0; i < DRAIN_MAX && status(&st) && (st & ST_OUTPUT_FULL); i++) {
        if (!read_data(&v))
            break;
        if (st & ST_AUX)
            continue; /* the mouse's byte: not a key */
        byte((uint8_t)v);
        n++;
    }
    return n;
}
