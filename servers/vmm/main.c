/* A partition's VMM: checks what the root task gave it (core/vmm_boot.h), builds the platform,
 * starts vcpu 0 and then serves its endpoint forever. The badge says who is calling: a vcpu
 * thread with an exit (its fault cap, HV_VMM_BADGE_VCPU(i)), or our own input thread with
 * console input waiting (HV_VMM_BADGE_INPUT). Nobody else holds a cap to the endpoint. */
#include "vmm_target.h"
#include "core/vmm_boot.h"
#include "vmm_keyboard.h"
#include "vmm_radio.h"
#include "vmm_storage.h"
#include "vmm_sys.h"
#include <hv/abi/error.h>
#include <hv/proto/partition.h>
#include <hv/print.h>
#include <hv/sys.h>
#include <hv/abi/vcpu.h>

static struct vmm_boot boot; /* outlives the platform, which keeps a pointer to its name */
static struct vmm *vmm;

static uint64_t vcpu_slot(unsigned cpu)
{
    return HV_VMM_SLOT_VCPU0 + cpu;
}
static uint64_t thread_slot(unsigned cpu)
{
    return HV_VMM_SLOT_THREAD0 + cpu;
}

/* Puts vcpu 0 in its power-on state and lets it run. VMM_EVAL_KEEP_REGS: a test-only build
 * (vmm-keepregs, test/eval/rogue/CMakeLists.txt, in the evaluation's image eval-keepregs only)
 * that skips the reset after a guest reset, so that the sanitization cases SA-2/SA-3 can show
 * what they see without it. */
static int start_guest(void)
{
    int r = HV_OK;
#ifdef VMM_EVAL_KEEP_REGS
    static bool started;
    if (!started)
        r = hv_sys(HV_SYS_VCPU_WRITE, vcpu_slot(0), HV_VCPU_REG_RESET, 0, 0, 0, 0);
    started = true;
#else
    r = hv_sys(HV_SYS_VCPU_WRITE, vcpu_slot(0), HV_VCPU_REG_RESET, 0, 0, 0, 0);
#endif
    for (unsigned i = 0; !r && i < boot.nregs; i++)
        r = hv_sys(HV_SYS_VCPU_WRITE, vcpu_slot(0), boot.regs[i].reg, boot.regs[i].value, 0, 0, 0);
    return r ? r : hv_thread_resume(thread_slot(0));
}

static void stop_all_vcpus(void)
{
    for (unsigned c = 0; c < boot.ncpus; c++)
        hv_thread_suspend(thread_slot(c));
}

/* The guest powered off or asked for a reset: every vcpu stops; on reset the root task loads
 * the payloads again, and the platform and vcpu 0 start from scratch. */
static void power_event(void)
{
    int what = vmm_sys_take_power_request();
    stop_all_vcpus();
    /* The device servers must let go of the guest's rings before the root wipes its RAM. */
    vmm_storage_stop();
    vmm_radio_stop();
    vmm_keyboard_stop();
    /* What this run of the guest cost, for scripts/bench-boot (docs/vmm.md). */
    static char stats[320], blk_stats[128];
    vmm_format_stats(vmm, stats, sizeof(stats));
    vmm_storage_format_stats(blk_stats, sizeof(blk_stats));
    hv_printf("VMM-STATS %s %s%s\n", boot.name, stats, blk_stats);
    struct hv_msg m = {0};
    if (what == VMM_POWER_EXIT) {
        /* The status goes to the root task, which reports it on a line the guest can't forge. */
        hv_printf("%s: guest exited through the test exit port\n", boot.name);
        m.w[0] = vmm->exit_status;
        m.info = hv_msginfo(HV_ROOT_STOPPED, 1);
        hv_call(HV_VMM_SLOT_ROOT, &m);
        return;
    }
    if (what != VMM_POWER_RESET) {
        hv_printf("%s: guest powered off\n", boot.name);
        m.info = hv_msginfo(HV_ROOT_STOPPED, 0);
        hv_call(HV_VMM_SLOT_ROOT, &m);
        return;
    }
    hv_printf("%s: guest reset\n", boot.name);
    m.info = hv_msginfo(HV_ROOT_RELOAD, 0);
    int r = hv_call(HV_VMM_SLOT_ROOT, &m);
    if (r == HV_OK)
        r = (int)hv_msginfo_label(m.info);
    if (r == HV_OK) {
        vmm = vmm_target_create(&vmm_sys_ops, NULL, &boot);
        r = vmm ? start_guest() : HV_EINVAL;
    }
    if (r != HV_OK)
        hv_printf("%s: reset failed (error %d): the partition stays off\n", boot.name, r);
}

/* One message; returns whether to reply to it. */
static bool serve(struct hv_msg *m)
{
    if (m->badge == HV_VMM_BADGE_INPUT) {
        /* Our input thread passes the event notification's bits (HV_VMM_EVENT_*). */
        uint64_t bits = hv_msginfo_len(m->info) ? m->w[0] : HV_VMM_EVENT_CONSOLE;
        if (vmm && (bits & HV_VMM_EVENT_CONSOLE))
            vmm_console_refill(vmm);
        if (vmm && (bits & HV_VMM_EVENT_BLK))
            vmm_storage_event();
        if (vmm && (bits & HV_VMM_EVENT_NET))
            vmm_radio_event();
        if (vmm && (bits & HV_VMM_EVENT_KBD))
            vmm_keyboard_event();
        m->info = hv_msginfo(HV_OK, 0);
        return true;
    }
    unsigned cpu = (unsigned)(m->badge - HV_VMM_BADGE_VCPU(0));
    if (m->badge < HV_VMM_BADGE_VCPU(0) || cpu >= boot.ncpus || !vmm) {
        m->info = hv_msginfo(HV_EPERM, 0);
        return true;
    }
    if (hv_msginfo_label(m->info) != HV_FAULT_VCPU) {
        /* The vcpu thread faulted as a thread, not as a guest: nothing to resume into. */
        hv_printf("%s: vcpu %u: fault %lu, stopping it\n", boot.name, cpu,
                  (unsigned long)hv_msginfo_label(m->info));
        hv_thread_suspend(thread_slot(cpu));
        return false;
    }
    uint64_t reply[HV_VCPU_EXIT_WORDS];
    unsigned len;
    switch (vmm_target_exit(vmm, cpu, m->w, reply, &len)) {
    case VMM_EXIT_RESUME:
        m->info = hv_msginfo(0, len);
        for (unsigned i = 0; i < HV_VCPU_EXIT_WORDS; i++)
            m->w[i] = reply[i];
        return true;
    case VMM_EXIT_STOP_CPU:
        hv_thread_suspend(thread_slot(cpu));
        return false;
    case VMM_EXIT_STOP:
        power_event();
        return false;
    }
    return false;
}

void hv_main(uint64_t arg)
{
    (void)arg;
    hv_print_to_console(HV_VMM_SLOT_CONSOLE); /* our lines must not split the guest's */
    const struct hv_vmm_config *cfg = (const struct hv_vmm_config *)HV_VMM_CONFIG_VA;
    int r = vmm_boot_read(cfg, &boot);
    if (r == HV_OK)
        r = vmm_target_boot_regs(&cfg->part, &boot);
    if (r != HV_OK) {
        hv_printf("vmm: the root task's configuration is unusable (error %d)\n", r);
        return;
    }
    vmm = vmm_target_create(&vmm_sys_ops, NULL, &boot);
    if (!vmm) {
        hv_printf("%s: can't build the platform\n", boot.name);
        return;
    }
    r = vmm_sys_start_input_thread(cfg->prio);
    if (r != HV_OK)
        hv_printf("%s: no console input (error %d)\n", boot.name, r);
    r = start_guest();
    if (r != HV_OK) {
        hv_printf("%s: can't start vcpu 0 (error %d)\n", boot.name, r);
        return;
    }
    struct hv_msg m = {0};
    hv_recv(HV_VMM_SLOT_EP, &m);
    for (;;) {
        if (serve(&m))
            hv_reply_recv(HV_VMM_SLOT_EP, &m);
        else
            hv_recv(HV_VMM_SLOT_EP, &m);
    }
}
