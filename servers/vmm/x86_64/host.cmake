# Host libraries of the x86_64 platform for its unit tests and fuzzer, on top of the core's
# (../host.cmake): vmm_x86_sanitized (ASan+UBSan) and vmm_x86_fuzz (libFuzzer coverage).
# Include from any test directory; defines them once.
include(${CMAKE_CURRENT_LIST_DIR}/../host.cmake)

if(NOT TARGET vmm_x86_sanitized)
  vmm_host_library(vmm_x86_sanitized SOURCES ${VMM_X86_64_SOURCES}
                   LIBS vmm_core_sanitized
                   FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  vmm_x86_add_dsdt(vmm_x86_sanitized)
  if(DUET_FUZZ)
    vmm_host_library(vmm_x86_fuzz SOURCES ${VMM_X86_64_SOURCES}
                     LIBS vmm_core_fuzz
                     FLAGS -fsanitize=fuzzer-no-link,address,undefined
                           -fno-sanitize-recover=undefined)
    vmm_x86_add_dsdt(vmm_x86_fuzz)
  endif()
endif()
