# Host build: unit tests, fuzzers, boot tests in QEMU, and the per-arch cross builds.
include(CTest)
include(cmake/DuetBearSSL.cmake)
include(ExternalProject)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CHECK REQUIRED IMPORTED_TARGET check)
# OpenSSL's libcrypto: the reference SHA-256 of the unit tests (never linked into a program).
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET GLOBAL libcrypto)

option(DUET_FUZZ "Build libFuzzer targets (clang only)" ON)
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  set(DUET_FUZZ OFF)
endif()

set(DUET_HOST_WARNINGS -Wall -Wextra -Werror -Wno-unused-parameter)

# duet_add_check_test(<name> SOURCES <files...> [LIBS <targets...>] [INCLUDES <dirs...>])
# A Check test binary on the host, registered with ctest under the same name.
function(duet_add_check_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;INCLUDES;DEFINES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${DUET_HOST_WARNINGS} -g -fsanitize=address,undefined
                         -fno-sanitize-recover=undefined)
  target_link_options(${name} PRIVATE -fsanitize=address,undefined)
  target_include_directories(${name} PRIVATE ${T_INCLUDES})
  target_compile_definitions(${name} PRIVATE ${T_DEFINES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CHECK)
  add_test(NAME ${name} COMMAND ${name})
  # Check's own 4 s per-case limit is too tight for ASan builds beside fuzzers on 2 cores.
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300
                       ENVIRONMENT CK_DEFAULT_TIMEOUT=120)
endfunction()

# duet_add_host_library(<name> SOURCES <files...>)
# A freestanding library (libhv includes, no libc beyond memcpy/memset) built for the host once
# per instrumentation, since a sanitizer or fuzzer only sees code compiled with it: <name> plain
# (servers' host builds), <name>_sanitized (ASan + UBSan, for Check tests) and, with DUET_FUZZ,
# <name>_fuzz (libFuzzer coverage from inside the library too).
function(duet_add_host_library name)
  cmake_parse_arguments(L "" "" "SOURCES" ${ARGN})
  set(flags "") # the plain build
  set(flags_sanitized -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  set(flags_fuzz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined)
  set(suffixes "" _sanitized)
  if(DUET_FUZZ)
    list(APPEND suffixes _fuzz)
  endif()
  foreach(suffix IN LISTS suffixes)
    add_library(${name}${suffix} STATIC ${L_SOURCES})
    target_include_directories(${name}${suffix} PUBLIC ${CMAKE_SOURCE_DIR}/libhv/include)
    target_compile_options(${name}${suffix} PRIVATE ${DUET_HOST_WARNINGS} -g ${flags${suffix}})
    target_link_options(${name}${suffix} INTERFACE ${flags${suffix}})
  endforeach()
endfunction()

# duet_add_fuzzer(<name> SOURCES <files...> [LIBS ...] [INCLUDES ...] [SEEDS <dir>])
# A libFuzzer binary; ctest runs it for DUET_FUZZ_SECONDS over its seed corpus.
set(DUET_FUZZ_SECONDS 30 CACHE STRING "Seconds each fuzzer runs under ctest")
function(duet_add_fuzzer name)
  if(NOT DUET_FUZZ)
    return()
  endif()
  cmake_parse_arguments(F "" "SEEDS" "SOURCES;LIBS;INCLUDES;DEFINES" ${ARGN})
  add_executable(${name} ${F_SOURCES})
  target_compile_options(${name} PRIVATE ${DUET_HOST_WARNINGS} -g
                         -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_include_directories(${name} PRIVATE ${F_INCLUDES})
  target_compile_definitions(${name} PRIVATE ${F_DEFINES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  set(corpus ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
  file(MAKE_DIRECTORY ${corpus})
  set(seeds "")
  if(F_SEEDS)
    set(seeds ${F_SEEDS})
  endif()
  add_test(NAME fuzz-${name}
           COMMAND ${name} -max_total_time=${DUET_FUZZ_SECONDS} -print_final_stats=1
                   ${corpus} ${seeds})
  set_tests_properties(fuzz-${name} PROPERTIES LABELS fuzz
                       TIMEOUT 600)
endfunction()

# Host-side libraries and tests. Each directory owns its own CMakeLists.txt. Arch code that is
# pure logic (descriptor formats, loader-info parsers) is tested on the host from
# test/unit/arch_<arch>/.
foreach(dir libhv test/unit test/fuzz test/scripts)
  if(EXISTS ${CMAKE_SOURCE_DIR}/${dir}/CMakeLists.txt)
    add_subdirectory(${dir})
  endif()
endforeach()

# The image builder (a host tool) and the system images built from the default manifests:
# build/host/<arch>/images/system.elf, made only on request (`image-<arch>-system`).
add_subdirectory(tools/mkimage)
# The network simulator the NIC tests connect to (docs/network.md).
add_subdirectory(tools/netsim)
# The per-arch kernel images, each its own cross build with its own toolchain. An empty list
# (scripts/hv-fuzz --coverage) builds the host programs only.
set(DUET_ARCHES aarch64 x86_64 CACHE STRING "Arches whose images the host build makes")
include(cmake/DuetSystemImage.cmake)
if(aarch64 IN_LIST DUET_ARCHES)
  duet_system_image(NAME system ARCH aarch64 MANIFEST ${CMAKE_SOURCE_DIR}/platform/qemu-virt/system.dts)
endif()
if(x86_64 IN_LIST DUET_ARCHES)
  duet_system_image(NAME system ARCH x86_64 MANIFEST ${CMAKE_SOURCE_DIR}/platform/qemu-q35/system.dts)
endif()
foreach(arch ${DUET_ARCHES})
  ExternalProject_Add(image-${arch}
    SOURCE_DIR ${CMAKE_SOURCE_DIR}
    BINARY_DIR ${CMAKE_BINARY_DIR}/${arch}
    CMAKE_ARGS -G Ninja
               -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchain-${arch}.cmake
               -DDUET_ARCH=${arch}
               -DCMAKE_BUILD_TYPE=RelWithDebInfo
               -DDUET_BEARSSL_DIR=${DUET_BEARSSL_DIR}
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    USES_TERMINAL_BUILD ON)
endforeach()

if(EXISTS ${CMAKE_SOURCE_DIR}/test/qemu/CMakeLists.txt)
  add_subdirectory(test/qemu)
endif()
