# The x86_64 platform's sources (included by ../sources.cmake), and the DSDT compiled from
# ASL by iasl at build time into a C array (acpi/dsdt.asl -> <build>/dsdt.hex, included by
# acpi_dsdt.c): vmm_x86_add_dsdt(<target>) adds both to a library or program that has
# VMM_X86_64_SOURCES.
set(VMM_X86_64_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VMM_X86_64_MODEL_SOURCES
  ${VMM_X86_64_DIR}/acpi_pm.c
  ${VMM_X86_64_DIR}/acpi_tables.c
  ${VMM_X86_64_DIR}/boot_params.c
  ${VMM_X86_64_DIR}/boot_state.c
  ${VMM_X86_64_DIR}/cmos_rtc.c
  ${VMM_X86_64_DIR}/cpuid.c
  ${VMM_X86_64_DIR}/guest_mem.c
  ${VMM_X86_64_DIR}/insn_decode.c
  ${VMM_X86_64_DIR}/ioapic.c
  ${VMM_X86_64_DIR}/lapic.c
  ${VMM_X86_64_DIR}/lapic_timer.c
  ${VMM_X86_64_DIR}/msr.c
  ${VMM_X86_64_DIR}/pic8259.c
  ${VMM_X86_64_DIR}/pio.c
  ${VMM_X86_64_DIR}/pit8254.c
  ${VMM_X86_64_DIR}/pvclock.c
  ${VMM_X86_64_DIR}/x86_platform.c
  ${VMM_X86_64_DIR}/uart16550.c
  ${VMM_X86_64_DIR}/x86_log.c)
set(VMM_X86_64_SOURCES
  ${VMM_X86_64_MODEL_SOURCES}
  ${VMM_X86_64_DIR}/vmm_x86.c
  ${VMM_X86_64_DIR}/x86_exit.c
  ${VMM_X86_64_DIR}/x86_exit_io.c
  ${VMM_X86_64_DIR}/x86_exit_npf.c)

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
  target_sources(${target} PRIVATE ${VMM_X86_64_DIR}/acpi_dsdt.c ${gen}/dsdt.hex)
  target_include_directories(${target} PRIVATE ${gen})
endfunction()

# The target build (servers/vmm/CMakeLists.txt): the vmm_target.h glue, and the DSDT rule
# added to the including directory (its include path is directory-wide, so the vmm program
# defined there after this include picks it up).
if(DUET_ARCH STREQUAL "x86_64")
  set(vmm_x86_gen ${CMAKE_CURRENT_BINARY_DIR}/vmm-x86-acpi)
  add_custom_command(
    OUTPUT ${vmm_x86_gen}/dsdt.hex
    COMMAND ${CMAKE_COMMAND} -E make_directory ${vmm_x86_gen}
    COMMAND ${IASL} -vs -we -p ${vmm_x86_gen}/dsdt -tc ${VMM_X86_64_DIR}/acpi/dsdt.asl
    DEPENDS ${VMM_X86_64_DIR}/acpi/dsdt.asl
    COMMENT "iasl: compiling the x86 DSDT"
    VERBATIM)
  set_source_files_properties(${vmm_x86_gen}/dsdt.hex PROPERTIES HEADER_FILE_ONLY ON GENERATED ON)
  include_directories(${vmm_x86_gen} ${VMM_X86_64_DIR})
  set(VMM_X86_64_TARGET_SOURCES
    ${VMM_X86_64_DIR}/x86_target.c
    ${VMM_X86_64_DIR}/acpi_dsdt.c
    ${vmm_x86_gen}/dsdt.hex)
endif()
