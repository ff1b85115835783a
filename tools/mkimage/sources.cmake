# The image builder's sources, shared by the tool (CMakeLists.txt) and its unit test
# (test/unit/mkimage). It reads manifests with the kernel's own FDT reader (kernel/fdt.c),
# which is fuzzed. Paths are absolute so any directory may include this.
set(MKIMAGE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(MKIMAGE_SOURCES
  ${MKIMAGE_DIR}/boot_formats.c
  ${MKIMAGE_DIR}/diag.c
  ${MKIMAGE_DIR}/dtc.c
  ${MKIMAGE_DIR}/guest_dt.c
  ${MKIMAGE_DIR}/kernel_probe.c
  ${MKIMAGE_DIR}/layout.c
  ${MKIMAGE_DIR}/manifest.c
  ${MKIMAGE_DIR}/measure.c
  ${MKIMAGE_DIR}/manifest_disk.c
  ${MKIMAGE_DIR}/manifest_net.c
  ${MKIMAGE_DIR}/manifest_ui.c
  ${MKIMAGE_DIR}/mkimage.c
  ${MKIMAGE_DIR}/options.c
  ${MKIMAGE_DIR}/table.c
  ${CMAKE_SOURCE_DIR}/kernel/fdt.c
  ${CMAKE_SOURCE_DIR}/libhv/lib/guid.c
  ${CMAKE_SOURCE_DIR}/kernel/boot_info.c)
set(MKIMAGE_INCLUDE_DIRS ${MKIMAGE_DIR} ${CMAKE_SOURCE_DIR}/libhv/include
    ${CMAKE_SOURCE_DIR}/kernel/include)
