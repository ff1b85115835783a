# The VMM's source lists, shared by its target build (servers/vmm/CMakeLists.txt) and the host
# builds of its tests (host.cmake). Paths are absolute so any directory may include this.
set(VMM_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
# Each list names its files once, relative to its folder.
set(VMM_CORE_SOURCES vmm.c mmio_bus.c vmm_console.c vmm_boot.c vdev.c vblk.c vblk_place.c vnet.c
    vinput.c virtio_empty_slot.c)
list(TRANSFORM VMM_CORE_SOURCES PREPEND ${VMM_SOURCE_DIR}/core/)
# libhv's virtio device side, which the core's virtio-blk transport (core/vblk.c) uses: a
# library on the host (hv_virtio*), compiled into the program on the target.
set(VMM_VIRTIO_SOURCES virtio_faults.c virtio_mem.c virtqueue.c virtio_mmio.c)
list(TRANSFORM VMM_VIRTIO_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/libhv/virtio/)
set(VMM_AARCH64_SOURCES a64_boot.c a64_dabt.c a64_exit.c a64_platform.c a64_sysreg.c
    gicv3.c gicv3_dist.c gicv3_redist.c gicv3_timer.c pl011.c psci.c)
list(TRANSFORM VMM_AARCH64_SOURCES PREPEND ${VMM_SOURCE_DIR}/aarch64/)
# The x86_64 platform lists itself in x86_64/sources.cmake (VMM_X86_64_SOURCES).
include(${VMM_SOURCE_DIR}/x86_64/sources.cmake)
# servers/: the keyboard's evdev codes (keyboard/evdev_codes.h), which core/vinput.c offers.
set(VMM_INCLUDE_DIRS ${VMM_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/libhv/include ${CMAKE_SOURCE_DIR}/servers)
