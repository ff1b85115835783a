# Host libraries of the VMM for unit tests and fuzzers, each built twice since a sanitizer or
# fuzzer only sees code compiled with its instrumentation:
#   vmm_core_sanitized / vmm_core_fuzz     the arch-independent core (and libhv's formatter),
#                                          linked with libhv's virtio device side
#   vmm_a64_sanitized  / vmm_a64_fuzz      the AArch64 platform, linked with the core
# Include this file from any test directory that needs them; it defines them once.
include(${CMAKE_CURRENT_LIST_DIR}/sources.cmake)

# vmm_host_library(<name> SOURCES <files...> [LIBS <targets...>] FLAGS <flags...>)
function(vmm_host_library name)
  cmake_parse_arguments(L "" "" "SOURCES;LIBS;FLAGS" ${ARGN})
  add_library(${name} STATIC ${L_SOURCES})
  target_include_directories(${name} PUBLIC ${VMM_INCLUDE_DIRS})
  target_compile_options(${name} PRIVATE ${DUET_HOST_WARNINGS} -g ${L_FLAGS})
  target_link_options(${name} INTERFACE ${L_FLAGS})
  target_link_libraries(${name} PUBLIC ${L_LIBS})
endfunction()

if(NOT TARGET vmm_core_sanitized)
  set(vmm_san -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  vmm_host_library(vmm_core_sanitized
                   SOURCES ${VMM_CORE_SOURCES} ${CMAKE_SOURCE_DIR}/libhv/lib/fmt.c
                   LIBS hv_virtio_sanitized FLAGS ${vmm_san})
  vmm_host_library(vmm_a64_sanitized SOURCES ${VMM_AARCH64_SOURCES}
                   LIBS vmm_core_sanitized FLAGS ${vmm_san})
  if(DUET_FUZZ)
    set(vmm_fuzz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined)
    vmm_host_library(vmm_core_fuzz
                     SOURCES ${VMM_CORE_SOURCES} ${CMAKE_SOURCE_DIR}/libhv/lib/fmt.c
                     LIBS hv_virtio_fuzz FLAGS ${vmm_fuzz})
    vmm_host_library(vmm_a64_fuzz SOURCES ${VMM_AARCH64_SOURCES}
                     LIBS vmm_core_fuzz FLAGS ${vmm_fuzz})
  endif()
endif()
