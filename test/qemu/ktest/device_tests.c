/* In-QEMU tests of what a device server's caps allow and nothing else does (duet.test=sec,
 * docs/storage.md): a task with its own capability table tries to map a device's registers,
 * take and bind its interrupt and learn a bus address, each without the cap (or with a copy
 * lacking the right), and with it, so that a refusal can't be an accident of the setup. */
#include "ktest.h"
#include "report.h"
#include <hv/abi/error.h>
#include <platform.h>

#define PRIO_TASK 100
#define TASK_MAP_VA 0x7e000000ull

#if defined(__aarch64__)
#define DEV_PADDR PLAT_VIRTIO_MMIO_BASE     /* a virtio-mmio transport page */
#define DEV_IRQ PLAT_IRQ_VIRTIO_MMIO0       /* its first slot's SPI */
#else
#define DEV_PADDR PLAT_PCI_WINDOW_BASE      /* a page of the PCI BAR window */
#define DEV_IRQ PLAT_PCI_INTX_GSI(0u, 0u)   /* a PCI INTx input of the IOAPIC */
#endif

/* The task's cnode. */
enum {
    T_DONE = 1,      /* a notification it signals when it has tried everything */
    T_VSPACE = 2,    /* an address space to map into (write) */
    T_DEV_RO = 3,    /* the device frame without the write right */
    T_DEV = 4,       /* the device frame, read and write */
    T_RAM = 5,       /* a RAM frame, read and write */
    T_RAM_RO = 6,    /* the same frame, read only */
    T_IRQ_RO = 7,    /* an irq handler without the write right */
    T_NTFN = 8,      /* a notification (write) to bind it to */
    T_EMPTY = 9,     /* nothing */
    T_IRQ_CTL = 10,  /* where an irq-control cap would be: nothing */
    T_SLOTS_BITS = 4,
};

static volatile int64_t map_none, map_ro_write, map_ro_read, irq_get_none, irq_bind_ro,
    irq_ack_ro, dma_no_device, dma_ram_as_device, dma_ro_device, dma_ro_frame,
    dma_device_as_memory, dma_ok;
static volatile uint64_t dma_addr;

static void task(void)
{
    uint64_t bus = 0;
    map_none = hv_map(T_EMPTY, T_VSPACE, TASK_MAP_VA, HV_MAP_READ | HV_MAP_DEVICE);
    map_ro_write = hv_map(T_DEV_RO, T_VSPACE, TASK_MAP_VA, HV_MAP_READ | HV_MAP_WRITE);
    map_ro_read = hv_map(T_DEV_RO, T_VSPACE, TASK_MAP_VA, HV_MAP_READ | HV_MAP_DEVICE);
    irq_get_none = hv_sys(HV_SYS_IRQ_GET, T_IRQ_CTL, DEV_IRQ, HV_SLOT_SELF_CNODE, T_EMPTY, 0, 0);
    irq_bind_ro = hv_sys(HV_SYS_IRQ_BIND, T_IRQ_RO, T_NTFN, 0, 0, 0, 0);
    irq_ack_ro = hv_sys(HV_SYS_IRQ_ACK, T_IRQ_RO, 0, 0, 0, 0, 0);
    dma_no_device = hv_dma_map(T_RAM, T_EMPTY, &bus);
    dma_ram_as_device = hv_dma_map(T_RAM, T_RAM, &bus);
    dma_ro_device = hv_dma_map(T_RAM, T_DEV_RO, &bus);
    dma_ro_frame = hv_dma_map(T_RAM_RO, T_DEV, &bus);
    dma_device_as_memory = hv_dma_map(T_DEV, T_DEV, &bus);
    dma_ok = hv_dma_map(T_RAM, T_DEV, &bus);
    dma_addr = bus;
    hv_signal(T_DONE);
    for (;;)
        hv_yield();
}

static int give(uint64_t src, uint64_t cnode, uint64_t slot, unsigned rights, int r)
{
    return r ? r : hv_cap_copy(src, cnode, slot, rights, 0);
}

/* Whether [pa, pa + 4 KiB) lies in one of the boot information's RAM untyped. */
static bool in_ram(const struct hv_bootinfo *info, uint64_t pa)
{
    for (unsigned i = 0; i < info->untyped_count; i++) {
        uint64_t base = info->untyped[i].paddr, size = 1ull << info->untyped[i].size_bits;
        if (!(info->untyped[i].flags & HV_BOOTINFO_DEVICE) && pa >= base && pa + 4096 <= base + size)
            return true;
    }
    return false;
}

void device_tests_run(const struct hv_bootinfo *info)
{
    uint64_t cnode = root_new(HV_OBJ_CNODE, T_SLOTS_BITS), done = root_new(HV_OBJ_NOTIFICATION, 0);
    uint64_t vspace = root_new(HV_OBJ_VSPACE, 16), ram = root_new(HV_OBJ_FRAME, 12);
    uint64_t ntfn = root_new(HV_OBJ_NOTIFICATION, 0), handler = root_slot();
    uint64_t dev = root_device_frame(info, DEV_PADDR);
    int r = cnode && done && vspace && ram && ntfn && dev ? HV_OK : HV_ENOMEM;
    if (!r)
        r = hv_sys(HV_SYS_IRQ_GET, ROOT_IRQ_CONTROL, DEV_IRQ, ROOT_CNODE, handler, 0, 0);
    r = give(done, cnode, T_DONE, HV_RIGHT_WRITE, r);
    r = give(vspace, cnode, T_VSPACE, HV_RIGHT_WRITE, r);
    r = give(dev, cnode, T_DEV_RO, HV_RIGHT_READ, r);
    r = give(dev, cnode, T_DEV, HV_RIGHT_READ | HV_RIGHT_WRITE, r);
    r = give(ram, cnode, T_RAM, HV_RIGHT_READ | HV_RIGHT_WRITE, r);
    r = give(ram, cnode, T_RAM_RO, HV_RIGHT_READ, r);
    r = give(handler, cnode, T_IRQ_RO, HV_RIGHT_READ, r);
    r = give(ntfn, cnode, T_NTFN, HV_RIGHT_WRITE, r);
    uint64_t t = r ? 0 : root_spawn(task, cnode, 0, PRIO_TASK, 10, 10), bits = 0;
    if (t)
        hv_wait(done, &bits);
    hv_thread_suspend(t);
    test_check("SEC-D1", t && map_none == HV_ENOENT && map_ro_write == HV_EPERM && map_ro_read == HV_OK,
               "device registers: no cap %ld, read-only cap mapped writable %ld, read-only %ld",
               (int64_t)map_none, (int64_t)map_ro_write, (int64_t)map_ro_read);
    test_check("SEC-D2", t && irq_get_none == HV_ENOENT && irq_bind_ro == HV_EPERM &&
                             irq_ack_ro == HV_EPERM,
               "interrupt: irq_get without irq control %ld, bind / ack with a read-only handler "
               "%ld / %ld", (int64_t)irq_get_none, (int64_t)irq_bind_ro, (int64_t)irq_ack_ro);
    test_check("SEC-D3", t && dma_no_device == HV_ENOENT && dma_ram_as_device == HV_EPERM &&
                             dma_ro_device == HV_EPERM && dma_ro_frame == HV_EPERM &&
                             dma_device_as_memory == HV_EINVAL && dma_ok == HV_OK &&
                             dma_addr % 4096 == 0 && in_ram(info, dma_addr),
               "bus address: no device %ld, RAM as the device %ld, read-only device %ld, "
               "read-only frame %ld, device memory as DMA memory %ld; with the caps %ld (0x%lx)",
               (int64_t)dma_no_device, (int64_t)dma_ram_as_device, (int64_t)dma_ro_device,
               (int64_t)dma_ro_frame, (int64_t)dma_device_as_memory, (int64_t)dma_ok,
               (uint64_t)dma_addr);
}
