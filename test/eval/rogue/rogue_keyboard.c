/* A keyboard server that faults (docs/trusted-path.md, "A keyboard server that faults"): started
 * by the root task in place of the keyboard server in the test images kbd-fault-<arch>, as the
 * archive's keyboard.eval, with every cap the keyboard server gets. It says it is ready, refuses
 * the VMMs' calls, and faults on the console's first focus request while the console waits for
 * its answer: the root task must then end that call and remove the focus endpoint, so that the
 * console keeps its own focus instead of waiting for ever (test/qemu/kbd_fault.cmake). Built
 * with ROGUE_KEYBOARD_EARLY (rogue-keyboard-early, images kbd-fault-early-<arch>) it faults
 * before it says it is ready: the root task must not wait for that word for ever. */
#include <hv/abi/error.h>
#include <hv/print.h>
#include <hv/proto/device.h>
#include <hv/proto/focus.h>
#include <hv/sys.h>

void hv_main(uint64_t arg)
{
    (void)arg;
    hv_print_to_console(HV_DEVICE_SLOT_LOG);
#ifdef ROGUE_KEYBOARD_EARLY
    hv_printf("keyboard.eval: faulting before it is ready\n");
    *(volatile uint64_t *)8 = 1; /* nothing is mapped at page 0 */
#endif
    hv_printf("keyboard.eval: ready; it faults at the console's first focus request\n");
    hv_signal(HV_DEVICE_SLOT_READY);
    for (;;) {
        struct hv_msg m = {0};
        if (hv_recv(HV_DEVICE_SLOT_EP, &m))
            continue;
        if (m.badge == HV_FOCUS_BADGE_CONSOLE) {
            hv_printf("keyboard.eval: the console's focus request: faulting with it unanswered\n");
            *(volatile uint64_t *)8 = 1; /* nothing is mapped at page 0 */
        }
        m.info = hv_msginfo(HV_ENOENT, 0);
        hv_reply(&m);
    }
}
