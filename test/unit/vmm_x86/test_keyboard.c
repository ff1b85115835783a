/* The partition's keyboard on the x86_64 platform: the virtio-input transport (core/vinput.c,
 * with the fake server of test/unit/vmm/vblk_fake.h answering as the keyboard server) in
 * virtio-mmio slot 2, reached by the guest's MOVs through NPF exits (the select/subsel bytes
 * too), its completion interrupt through IOAPIC pin 18, and the DSDT's presence word showing the
 * slot only when the device is there. */
#include "check_run.h"
#include "core/vblk_place.h"
#include "vblk_fake.h"
#include "x86_64/acpi/acpi_tables.h"
#include "x86_64/devices/ioapic.h"
#include "x86_64/pc_wiring.h"
#include "x86_fixture.h"

#include <hv/abi/error.h>
#include <hv/abi/svm_exit.h>
#include <hv/proto/guest_layout_x86_64.h>
#include <hv/virtio/virtio_spec.h>
#include <string.h>

#define SLOT_BASE (X86_VIRTIO_MMIO_BASE + X86_VIRTIO_SLOT_KBD * X86_VIRTIO_MMIO_SIZE)
#define VECTOR 0x41

static struct vblk_fake srv;
static struct vmm_vdev vi;
static uint64_t reply[6];
static unsigned len;

static void setup(void)
{
    fx_setup();
    vblk_fake_init(&srv);
    srv.open_len = HV_INPUT_OPEN_REPLY_WORDS;
    srv.open_reply[0] = HV_INPUT_VERSION;
    srv.open_reply[1] = 0;
    srv.open_reply[2] = 64;
}

static void teardown(void)
{
    vblk_fake_free(&srv);
    fx_teardown();
}

static enum vblk_placed place(bool kbd, bool given)
{
    struct vmm_boot boot = {.kbd_in_table = kbd, .keyboard_given = given};
    struct vdev_setup s = vblk_fake_setup(&srv);
    s.irq = vmm_x86_irq_line(&fxv, X86_VIRTIO_GSI_BASE + X86_VIRTIO_SLOT_KBD);
    enum vblk_placed placed;
    ck_assert_int_eq(vmm_vinput_place(&vi, &fxv.vmm, &boot, SLOT_BASE, &s, false, &placed),
                     HV_OK);
    return placed;
}

/* An 8-bit MOV at RIP 0x2000 to or from gpa (virtio_cread8/virtio_cwrite8 of select/subsel). */
static uint8_t guest_readb(uint64_t gpa)
{
    memcpy(fx.ram + 0x2000, "\x8a\x07", 2); /* mov (%rdi),%al */
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL | SVM_NPF_PRESENT, gpa, 0x2000, 0, reply, &len);
    return (uint8_t)reply[3];
}

static void guest_writeb(uint64_t gpa, uint8_t value)
{
    memcpy(fx.ram + 0x2000, "\x88\x07", 2); /* mov %al,(%rdi) */
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL | SVM_NPF_WRITE | SVM_NPF_PRESENT, gpa, 0x2000, value,
            reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
}

/* A 32-bit MOV at RIP 0x2000 to or from gpa, as the guest's driver (readl/writel) does. */
static uint32_t guest_readl(uint64_t gpa)
{
    memcpy(fx.ram + 0x2000, "\x8b\x07", 2); /* mov (%rdi),%eax */
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL | SVM_NPF_PRESENT, gpa, 0x2000, 0, reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_SET_A | HV_VCPU_RESUME_ADVANCE);
    return (uint32_t)reply[3];
}

static void guest_writel(uint64_t gpa, uint32_t value)
{
    memcpy(fx.ram + 0x2000, "\x89\x07", 2); /* mov %eax,(%rdi) */
    fx_exit(SVM_EXIT_NPF, SVM_NPF_FINAL | SVM_NPF_WRITE | SVM_NPF_PRESENT, gpa, 0x2000, value,
            reply, &len);
    ck_assert_uint_eq(reply[0], HV_VCPU_RESUME_ADVANCE);
}

START_TEST(slot_present_only_with_the_device)
{
    ck_assert_int_eq(place(false, true), VBLK_PLACED_NONE);
    ck_assert_uint_eq(vmm_x86_virtio_present(&fxv), 0);
    ck_assert_int_eq(place(true, false), VBLK_PLACED_ABSENT); /* no empty slot on x86 */
    ck_assert_uint_eq(vmm_x86_virtio_present(&fxv), 0);
    ck_assert_uint_eq(srv.ncalls, 0);
    ck_assert_int_eq(place(true, true), VBLK_PLACED_DEVICE);
    ck_assert_uint_eq(vmm_x86_virtio_present(&fxv), 1u << X86_VIRTIO_SLOT_KBD);
    /* The DSDT's _STA reads this word (acpi_tables.h). */
    static uint8_t area[HV_X86_GUEST_ACPI_SIZE];
    ck_assert(x86_acpi_build(area, sizeof(area), HV_X86_GUEST_ACPI));
    x86_acpi_set_virtio_slots(area, vmm_x86_virtio_present(&fxv));
    ck_assert_uint_eq(area[ACPI_OFF_VIRTIO_SLOTS], 1u << 2);
}
END_TEST

/* The guest's MOVs reach the transport through the NPF handler, the configuration space's
 * select and name byte by byte; a completion is delivered as the vector Linux programs into
 * IOAPIC pin 18 (level, active high, as the DSDT says). */
START_TEST(registers_and_interrupt_through_the_platform)
{
    fx_long_mode();
    ck_assert_int_eq(place(true, true), VBLK_PLACED_DEVICE);
    ck_assert_uint_eq(guest_readl(SLOT_BASE + VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(guest_readl(SLOT_BASE + VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_INPUT);
    guest_writeb(SLOT_BASE + VIRTIO_MMIO_CONFIG + VINPUT_CFG_SELECT, VINPUT_CFG_ID_NAME);
    guest_writeb(SLOT_BASE + VIRTIO_MMIO_CONFIG + VINPUT_CFG_SUBSEL, 0);
    ck_assert_uint_eq(guest_readb(SLOT_BASE + VIRTIO_MMIO_CONFIG + VINPUT_CFG_SIZE), 13);
    char name[14] = {0};
    for (unsigned i = 0; i < 13; i++)
        name[i] = (char)guest_readb(SLOT_BASE + VIRTIO_MMIO_CONFIG + VINPUT_CFG_UNION + i);
    ck_assert_str_eq(name, "Duet keyboard");

    guest_writel(SLOT_BASE + VIRTIO_MMIO_STATUS, 0);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    guest_writel(SLOT_BASE + VIRTIO_MMIO_STATUS, 0x0b);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_QUEUE_NUM, 64);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)VBLK_FAKE_RAM_GPA + 0x1000);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)VBLK_FAKE_RAM_GPA + 0x2000);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)VBLK_FAKE_RAM_GPA + 0x3000);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_QUEUE_READY, 1);
    ck_assert_uint_eq(srv.setups, 1);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_STATUS, 0x0f);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(srv.doorbells, 1);

    ck_assert(fx_wrmsr(0x80f, 0x1ff)); /* LAPIC on */
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, IOAPIC_IOREGSEL, 4, 0x10 + 2 * 18));
    ck_assert(ioapic_mmio_write(&fxv.pf.ioapic, IOAPIC_IOWIN, 4, VECTOR | IOAPIC_RTE_LEVEL));
    srv.shared.irq = HV_VDEV_IRQ_USED;
    vmm_vdev_complete(&vi);
    ck_assert_uint_eq(fx_injected(VECTOR), 1);
    ck_assert_uint_eq(guest_readl(SLOT_BASE + VIRTIO_MMIO_INTERRUPT_STATUS), 1);
    guest_writel(SLOT_BASE + VIRTIO_MMIO_INTERRUPT_ACK, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("keyboard_x86");
    TCase *tc = tcase_create("keyboard");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, slot_present_only_with_the_device);
    tcase_add_test(tc, registers_and_interrupt_through_the_platform);
    suite_add_tcase(s, tc);
    return check_run(s);
}
