# The VMM's source lists, shared by its target build (servers/vmm/CMakeLists.txt) and the host
# builds of its tests (host.cmake). Paths are absolute so any directory may include this.
set(VMM_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VMM_CORE_SOURCES
  ${VMM_SOURCE_DIR}/core/vmm.c
  ${VMM_SOURCE_DIR}/core/mmio_bus.c
  ${VMM_SOURCE_DIR}/core/vmm_console.c
  ${VMM_SOURCE_DIR}/core/vmm_boot.c)
set(VMM_AARCH64_SOURCES
  ${VMM_SOURCE_DIR}/aarch64/a64_boot.c
  ${VMM_SOURCE_DIR}/aarch64/a64_dabt.c
  ${VMM_SOURCE_DIR}/aarch64/a64_exit.c
  ${VMM_SOURCE_DIR}/aarch64/a64_platform.c
  ${VMM_SOURCE_DIR}/aarch64/a64_sysreg.c
  ${VMM_SOURCE_DIR}/aarch64/gicv3.c
  ${VMM_SOURCE_DIR}/aarch64/gicv3_dist.c
  ${VMM_SOURCE_DIR}/aarch64/gicv3_redist.c
  ${VMM_SOURCE_DIR}/aarch64/pl011.c
  ${VMM_SOURCE_DIR}/aarch64/psci.c)
# The x86_64 platform lists itself in x86_64/sources.cmake (VMM_X86_64_SOURCES).
include(${VMM_SOURCE_DIR}/x86_64/sources.cmake)
set(VMM_INCLUDE_DIRS ${VMM_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/libhv/include)
