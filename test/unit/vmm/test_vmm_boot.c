/* Unit tests for the VMM's reading of the root task's configuration (vmm_boot.h) and the
 * AArch64 platform glue main.c uses (vmm_target.h). */
#include "check_run.h"
#include "vmm_target.h"
#include "vmm_fixture.h"
#include "fake_storage.h"
#include <hv/abi/error.h>
#include <hv/proto/guest_layout_aarch64.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

static struct hv_vmm_config cfg;
static struct vmm_boot boot;

static void setup(void)
{
    memset(&env, 0, sizeof(env));
    memset(&cfg, 0, sizeof(cfg));
    cfg.ncpus = 1;
    cfg.prio = 20;
    strcpy(cfg.part.name, "personal");
    cfg.part.ram_gpa = 0x40000000;
    cfg.part.ram_size = 0x8000000;
    cfg.part.boot = HV_PT_BOOT_ARM64_IMAGE;
    cfg.part.entry = 0x40200000;
    cfg.part.args[0] = 0x48000000; /* the DTB */
}

static uint64_t reg_value(uint32_t reg)
{
    for (unsigned i = 0; i < boot.nregs; i++)
        if (boot.regs[i].reg == reg)
            return boot.regs[i].value;
    ck_abort_msg("register %u not set", reg);
    return 0;
}

START_TEST(a_good_configuration)
{
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_OK);
    ck_assert_str_eq(boot.name, "personal");
    ck_assert_uint_eq(boot.ncpus, 1);
    ck_assert_uint_eq(boot.ram_gpa, 0x40000000);
    ck_assert_uint_eq(reg_value(HV_A64_PC), 0x40200000);
    ck_assert_uint_eq(reg_value(HV_A64_X0), 0x48000000);
    ck_assert_uint_eq(reg_value(HV_A64_X0 + 1), 0);
    ck_assert_uint_eq(reg_value(HV_A64_X0 + 3), 0);
    ck_assert_uint_eq(reg_value(HV_A64_PSTATE), HV_A64_PSTATE_EL1H_MASKED);
    ck_assert_uint_eq(reg_value(HV_A64_MPIDR) & 0xff00ffffffull, 0); /* Aff0 = vcpu 0 */
    /* The GIC model resets with the timers' PPIs disabled: the kernel holds them back. */
    ck_assert_uint_eq(reg_value(HV_A64_TIMER_MASK), HV_A64_TIMER_PPIS);
    ck_assert_uint_eq(vmm_target_arch, HV_PT_ARCH_AARCH64);
    cfg.part.boot = HV_PT_BOOT_ELF;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_OK);
}
END_TEST

START_TEST(bad_counts_and_names)
{
    cfg.ncpus = 0;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.ncpus = HV_VMM_MAX_VCPUS + 1;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.ncpus = 1;
    memset(cfg.part.name, 'a', sizeof(cfg.part.name)); /* no NUL */
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.part.name[0] = '\0';
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
}
END_TEST

START_TEST(bad_ram_and_entry)
{
    cfg.part.ram_size = 0;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_size = 0x8000000 + 0x1000;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_size = 0x8000000;
    cfg.part.ram_gpa = 0x40001000;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_gpa = 0xffffffffffe00000ull; /* wraps */
    cfg.part.entry = cfg.part.ram_gpa;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.ram_gpa = 0x40000000;
    cfg.part.entry = 0x40000000 + 0x8000000; /* one past the end */
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
    cfg.part.entry = 0x3ffffffc;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_ERANGE);
}
END_TEST

START_TEST(x86_protocol_is_not_aarch64s)
{
    cfg.part.boot = HV_PT_BOOT_X86_BZIMAGE;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_EINVAL);
    cfg.part.boot = 77;
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_EINVAL);
}
END_TEST

START_TEST(register_list_is_bounded)
{
    for (unsigned i = 0; i < VMM_BOOT_MAX_REGS; i++)
        ck_assert(vmm_boot_add_reg(&boot, i, i));
    ck_assert(!vmm_boot_add_reg(&boot, 99, 0));
    ck_assert_int_eq(vmm_target_boot_regs(&cfg.part, &boot), HV_EINVAL);
}
END_TEST

START_TEST(platform_create_builds_and_resets)
{
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    struct vmm *vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_ptr_nonnull(vmm);
    ck_assert_str_eq(vmm->name, "personal");
    uint64_t v;
    ck_assert_int_eq(vmm_bus_write(&vmm->bus, PL011_BASE + UARTIMSC, 4, UART_INT_TX), VMM_BUS_OK);
    /* An exit through the glue. */
    uint64_t reply[6];
    unsigned len;
    const uint64_t w[6] = {esr_hvc(0), 0, 0, PSCI_VERSION, 0, 0};
    ck_assert_int_eq(vmm_target_exit(vmm, 0, w, reply, &len), VMM_EXIT_RESUME);
    ck_assert_uint_eq(reply[3], PSCI_VERSION_1_1);
    /* Created again (a guest reset): every model is back at reset. */
    vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, PL011_BASE + UARTIMSC, 4, &v), VMM_BUS_OK);
    ck_assert_uint_eq(v, 0);
    boot.ncpus = 0;
    ck_assert_ptr_null(vmm_target_create(&fake_ops, &env, &boot));
}
END_TEST

/* The disk's record and the root task's HV_VMM_DEV_BLK, as the VMM reads them. */
START_TEST(disk_configuration)
{
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert(!boot.disk_in_table);
    ck_assert(!boot.storage_given);
    cfg.devices = HV_VMM_DEV_BLK; /* caps for a partition without a disk: no device */
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert(!boot.storage_given);
    cfg.devices = 0;
    cfg.part.disk.select = HV_PT_DISK_BY_NAME;
    cfg.part.disk.access = HV_PT_DISK_READ_WRITE;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert(boot.disk_in_table);
    ck_assert(!boot.storage_given);
    cfg.devices = HV_VMM_DEV_BLK;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert(boot.storage_given);
    /* Values no image builder writes. */
    cfg.part.disk.select = 3;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.part.disk.select = HV_PT_DISK_BY_GUID;
    cfg.part.disk.access = 0;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.part.disk.access = 3;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
    cfg.part.disk.access = HV_PT_DISK_READ_ONLY;
    cfg.devices = 0x80;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_EINVAL);
}
END_TEST

/* The AArch64 glue puts the disk where the image builder's device tree says: virtio-mmio slot
 * HV_A64_GUEST_VIRTIO_SLOT_BLK (0x0a00_0000), interrupt INTID 48; an empty slot there when the
 * storage server is missing; nothing without a disk. */
START_TEST(platform_places_the_disk)
{
    const uint64_t slot = HV_A64_GUEST_VIRTIO_MMIO;
    ck_assert_uint_eq(slot, 0x0a000000);
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    struct vmm *vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_ptr_nonnull(vmm);
    ck_assert_int_eq(fake_storage_placed, VBLK_PLACED_NONE);
    ck_assert_ptr_null(vmm_bus_find(&vmm->bus, slot));

    cfg.part.disk.select = HV_PT_DISK_BY_NAME;
    cfg.part.disk.access = HV_PT_DISK_READ_WRITE;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_int_eq(fake_storage_placed, VBLK_PLACED_EMPTY);
    uint64_t v;
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, slot + VIRTIO_MMIO_DEVICE_ID, 4, &v), VMM_BUS_OK);
    ck_assert_uint_eq(v, 0);

    cfg.devices = HV_VMM_DEV_BLK;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_int_eq(fake_storage_placed, VBLK_PLACED_DEVICE);
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, slot + VIRTIO_MMIO_DEVICE_ID, 4, &v), VMM_BUS_OK);
    ck_assert_uint_eq(v, VIRTIO_ID_BLOCK);
    ck_assert_uint_eq(fake_storage_vblk.setup.irq.line, 48);
    ck_assert_ptr_eq(fake_storage_vblk.setup.irq.ctrl, &((struct vmm_a64 *)vmm->platform)->gic);
    /* The slot's window ends where the next slot's starts. */
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, slot + 0x1fc, 4, &v), VMM_BUS_OK);
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, slot + 0x200, 4, &v), VMM_BUS_UNCLAIMED);
    vblk_fake_free(&fake_storage_server);
}
END_TEST

/* The keyboard: HV_PT_UI_KEYBOARD and the root task's HV_VMM_DEV_KBD as the VMM reads them, and
 * the AArch64 glue's slot HV_A64_GUEST_VIRTIO_SLOT_KBD (0x0a00_0400, INTID 50): nothing without
 * the flag, an empty slot without the server, the virtio-input device (ID 18) with both. */
START_TEST(platform_places_the_keyboard)
{
    const uint64_t slot = HV_A64_GUEST_VIRTIO_MMIO + 2 * HV_A64_GUEST_VIRTIO_MMIO_SIZE;
    ck_assert_uint_eq(HV_A64_GUEST_VIRTIO_SLOT_KBD, 2);
    cfg.devices = HV_VMM_DEV_KBD; /* caps without the flag: no device */
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert(!boot.kbd_in_table && !boot.keyboard_given);
    struct vmm *vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_ptr_nonnull(vmm);
    ck_assert_int_eq(fake_keyboard_placed, VBLK_PLACED_NONE);
    ck_assert_ptr_null(vmm_bus_find(&vmm->bus, slot));

    cfg.devices = 0;
    cfg.part.ui.flags = HV_PT_UI_KEYBOARD;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert(boot.kbd_in_table && !boot.keyboard_given);
    vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_int_eq(fake_keyboard_placed, VBLK_PLACED_EMPTY);
    uint64_t v;
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, slot + VIRTIO_MMIO_DEVICE_ID, 4, &v), VMM_BUS_OK);
    ck_assert_uint_eq(v, 0);

    cfg.devices = HV_VMM_DEV_KBD;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    ck_assert(boot.keyboard_given);
    vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_int_eq(fake_keyboard_placed, VBLK_PLACED_DEVICE);
    ck_assert_int_eq(vmm_bus_read(&vmm->bus, slot + VIRTIO_MMIO_DEVICE_ID, 4, &v), VMM_BUS_OK);
    ck_assert_uint_eq(v, VIRTIO_ID_INPUT);
    ck_assert_uint_eq(fake_keyboard_vinput.setup.irq.line, 50);
    /* The disk's and network's slots stay as they were: none given here. */
    ck_assert_int_eq(fake_storage_placed, VBLK_PLACED_NONE);
    /* The keyboard server's completion goes through HV_VMM_EVENT_KBD's handler. */
    fake_keyboard_server.shared.irq = HV_VDEV_IRQ_USED;
    vmm_keyboard_event();
    ck_assert_uint_eq(fake_keyboard_server.shared.irq, 0);
    vblk_fake_free(&fake_keyboard_server);
}
END_TEST

/* One 32-bit guest access to gpa through the AArch64 exit handler, as a data abort: a load
 * into w3 (returns its value) or a store of value from w3. */
static uint32_t a64_access(struct vmm *vmm, uint64_t gpa, bool store, uint32_t value)
{
    const uint64_t w[6] = {esr_dabt(2, false, 3, false, store), gpa, 0x40080000, value, 0, 0};
    uint64_t reply[6];
    unsigned len;
    ck_assert_int_eq(vmm_target_exit(vmm, 0, w, reply, &len), VMM_EXIT_RESUME);
    ck_assert_uint_eq(reply[0] & HV_VCPU_RESUME_FAULT, 0);
    return store ? 0 : (uint32_t)reply[3];
}

/* The guest's loads and stores reach the disk's registers through the exit handler, and the
 * server's completion arrives as INTID 48 once Linux has set the GIC up for the device tree's
 * edge-triggered SPI 16. */
START_TEST(disk_through_exits_and_the_gic)
{
    const uint64_t slot = HV_A64_GUEST_VIRTIO_MMIO;
    cfg.part.disk.select = HV_PT_DISK_BY_NAME;
    cfg.part.disk.access = HV_PT_DISK_READ_WRITE;
    cfg.devices = HV_VMM_DEV_BLK;
    ck_assert_int_eq(vmm_boot_read(&cfg, &boot), HV_OK);
    struct vmm *vmm = vmm_target_create(&fake_ops, &env, &boot);
    ck_assert_int_eq(fake_storage_placed, VBLK_PLACED_DEVICE);
    ck_assert_uint_eq(a64_access(vmm, slot + VIRTIO_MMIO_MAGIC_VALUE, false, 0), VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(a64_access(vmm, slot + VIRTIO_MMIO_DEVICE_ID, false, 0), VIRTIO_ID_BLOCK);
    /* Linux's GIC set-up for SPI 16: group 1, edge (ICFGR bit 1 of its field), enabled. */
    const unsigned intid = 48;
    a64_access(vmm, GICD_BASE + GICD_IGROUPR + 4, true, 1u << (intid - 32));
    a64_access(vmm, GICD_BASE + GICD_ICFGR + 4 * (intid / 16), true, 2u << (2 * (intid % 16)));
    a64_access(vmm, GICD_BASE + GICD_ISENABLER + 4, true, 1u << (intid - 32));
    a64_access(vmm, GICD_BASE + GICD_CTLR, true, GICD_CTLR_ENABLE_GRP1);
    a64_access(vmm, GICR_BASE + GICR_WAKER, true, 0);
    /* The driver's bring-up, store by store. */
    a64_access(vmm, slot + VIRTIO_MMIO_STATUS, true, 0);
    a64_access(vmm, slot + VIRTIO_MMIO_STATUS, true, 3);
    a64_access(vmm, slot + VIRTIO_MMIO_DRIVER_FEATURES_SEL, true, 1);
    a64_access(vmm, slot + VIRTIO_MMIO_DRIVER_FEATURES, true, 1); /* VERSION_1 */
    a64_access(vmm, slot + VIRTIO_MMIO_STATUS, true, 0x0b);
    a64_access(vmm, slot + VIRTIO_MMIO_QUEUE_NUM, true, 64);
    a64_access(vmm, slot + VIRTIO_MMIO_QUEUE_DESC_LOW, true, (uint32_t)VBLK_FAKE_RAM_GPA + 0x1000);
    a64_access(vmm, slot + VIRTIO_MMIO_QUEUE_DRIVER_LOW, true, (uint32_t)VBLK_FAKE_RAM_GPA + 0x2000);
    a64_access(vmm, slot + VIRTIO_MMIO_QUEUE_DEVICE_LOW, true, (uint32_t)VBLK_FAKE_RAM_GPA + 0x3000);
    a64_access(vmm, slot + VIRTIO_MMIO_QUEUE_READY, true, 1);
    a64_access(vmm, slot + VIRTIO_MMIO_STATUS, true, 0x0f);
    ck_assert_uint_eq(fake_storage_server.setups, 1);
    a64_access(vmm, slot + VIRTIO_MMIO_QUEUE_NOTIFY, true, 0);
    ck_assert_uint_eq(fake_storage_server.doorbells, 1);
    ck_assert_uint_eq(injected(intid), 0);
    fake_storage_server.shared.irq = HV_VDEV_IRQ_USED;
    vmm_storage_event();
    ck_assert_uint_eq(injected(intid), 1);
    a64_access(vmm, slot + VIRTIO_MMIO_INTERRUPT_ACK, true, 1);
    fake_storage_server.shared.irq = HV_VDEV_IRQ_USED;
    vmm_storage_event();
    ck_assert_uint_eq(injected(intid), 2); /* a new rising edge */
    /* The partition resets: the server is told before its RAM goes. */
    unsigned resets = fake_storage_server.resets;
    vmm_storage_stop();
    ck_assert_uint_eq(fake_storage_server.resets, resets + 1);
    ck_assert(!fake_storage_server.live);
    vblk_fake_free(&fake_storage_server);
}
END_TEST

static Suite *boot_suite(void)
{
    Suite *s = suite_create("vmm_boot");
    TCase *t = tcase_create("boot");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, a_good_configuration);
    tcase_add_test(t, bad_counts_and_names);
    tcase_add_test(t, bad_ram_and_entry);
    tcase_add_test(t, x86_protocol_is_not_aarch64s);
    tcase_add_test(t, register_list_is_bounded);
    tcase_add_test(t, platform_create_builds_and_resets);
    tcase_add_test(t, disk_configuration);
    tcase_add_test(t, platform_places_the_disk);
    tcase_add_test(t, platform_places_the_keyboard);
    tcase_add_test(t, disk_through_exits_and_the_gic);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(boot_suite());
}
