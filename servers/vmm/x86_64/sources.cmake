# The x86_64 platform's sources (included by ../sources.cmake), and the DSDT compiled from
# ASL by iasl at build time into a C array (acpi/dsdt.asl -> <build>/dsdt.hex, included by
# acpi_dsdt.c). vmm_x86_dsdt(<outvar>) adds the rule to the calling directory and returns
# the generated directory to put on the include path.
set(VMM_X86_64_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VMM_X86_64_MODEL_SOURCES
  ${VMM_X86_64_DIR}/acpi_pm.c
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
  ${VMM_X86_64_DIR}/platform.c
  ${VMM_X86_64_DIR}/uart16550.c
  ${VMM_X86_64_DIR}/x86_log.c)
set(VMM_X86_64_SOURCES
  ${VMM_X86_64_MODEL_SOURCES}
  ${VMM_X86_64_DIR}/vmm_x86.c
  ${VMM_X86_64_DIR}/x86_exit.c
  ${VMM_X86_64_DIR}/x86_exit_io.c
  ${VMM_X86_64_DIR}/x86_exit_npf.c)
