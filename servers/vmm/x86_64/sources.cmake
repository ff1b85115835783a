# The x86_64 platform's sources (included by ../sources.cmake): the device models (devices/),
# the exit handler (exit/), the 64-bit boot protocol's state (boot/), the ACPI tables (acpi/)
# and the PC that wires them (x86_platform.c, pio.c, vmm_x86.c). The DSDT is compiled from ASL
# by iasl at build time into a C array (acpi/dsdt.asl -> <build>/dsdt.hex, included by
# acpi/acpi_dsdt.c): vmm_x86_add_dsdt(<target>) adds both to a library or program that has
# VMM_X86_64_SOURCES (the host libraries in host.cmake, the program in ../CMakeLists.txt).
set(VMM_X86_64_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VMM_X86_64_SOURCES
  ${VMM_X86_64_DIR}/devices/acpi_pm.c
  ${VMM_X86_64_DIR}/devices/cmos_rtc.c
  ${VMM_X86_64_DIR}/devices/fw_cfg.c
  ${VMM_X86_64_DIR}/devices/ioapic.c
  ${VMM_X86_64_DIR}/devices/lapic.c
  ${VMM_X86_64_DIR}/devices/lapic_timer.c
  ${VMM_X86_64_DIR}/devices/pic8259.c
  ${VMM_X86_64_DIR}/devices/pit8254.c
  ${VMM_X86_64_DIR}/devices/pvclock.c
  ${VMM_X86_64_DIR}/devices/uart16550.c
  ${VMM_X86_64_DIR}/exit/cpuid.c
  ${VMM_X86_64_DIR}/exit/x86_access.c
  ${VMM_X86_64_DIR}/exit/insn_decode.c
  ${VMM_X86_64_DIR}/exit/msr.c
  ${VMM_X86_64_DIR}/exit/string_decode.c
  ${VMM_X86_64_DIR}/exit/x86_exit.c
  ${VMM_X86_64_DIR}/exit/x86_exit_cr.c
  ${VMM_X86_64_DIR}/exit/x86_exit_io.c
  ${VMM_X86_64_DIR}/exit/x86_exit_npf.c
  ${VMM_X86_64_DIR}/exit/x86_exit_string.c
  ${VMM_X86_64_DIR}/boot/boot_params.c
  ${VMM_X86_64_DIR}/boot/boot_state.c
  ${VMM_X86_64_DIR}/boot/boot_info32.c
  ${VMM_X86_64_DIR}/acpi/acpi_tables.c
  ${VMM_X86_64_DIR}/guest_mem.c
  ${VMM_X86_64_DIR}/pio.c
  ${VMM_X86_64_DIR}/vmm_x86.c
  ${VMM_X86_64_DIR}/x86_log.c
  ${VMM_X86_64_DIR}/x86_platform.c)

find_program(IASL iasl)
if(NOT IASL)
  message(FATAL_ERROR "iasl not found: run 'scripts/hv setup' (Debian package acpica-tools)")
endif()

function(vmm_x86_add_dsdt target)
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/${target}-acpi)
  add_custom_command(
    OUTPUT ${gen}/dsdt.hex
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}
    COMMAND ${IASL} -vs -we -p ${gen}/dsdt -tc ${VMM_X86_64_DIR}/acpi/dsdt.asl
    DEPENDS ${VMM_X86_64_DIR}/acpi/dsdt.asl
    COMMENT "iasl: compiling the x86 DSDT"
    VERBATIM)
  set_source_files_properties(${gen}/dsdt.hex PROPERTIES HEADER_FILE_ONLY ON GENERATED ON)
  target_sources(${target} PRIVATE ${VMM_X86_64_DIR}/acpi/acpi_dsdt.c ${gen}/dsdt.hex)
  target_include_directories(${target} PRIVATE ${gen})
endfunction()
