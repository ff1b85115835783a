# The security evaluation harness's guest and system images (docs/eval.md). Per arch: the
# attack/victim guest (test/eval/guest, on the test-guest library), the two-partition system
# eval-pair (attacker on a 40 % budget beside the victim) and its control eval-hog (the attacker
# given the whole CPU above the victim, on purpose), and the ctest test eval-<arch> that runs
# the catalogue's CI subset through scripts/hv eval.
include(${CMAKE_SOURCE_DIR}/test/guests/guests.cmake)

set(eval_dir ${CMAKE_SOURCE_DIR}/test/eval)
# AArch64's FP/SIMD registers are named in assembly only (the guests are built without them).
set(regs_asm_aarch64 ${eval_dir}/guest/regs_aarch64_fp.S)
set(regs_asm_x86_64 "")

foreach(arch ${DUET_ARCHES})
  if(arch STREQUAL "aarch64")
    set(guest ${CMAKE_BINARY_DIR}/guests/arm64/eval-aarch64.img)
  else()
    set(guest ${CMAKE_BINARY_DIR}/guests/amd64/eval-x86_64.bzImage)
  endif()
  duet_test_guest(NAME eval ARCH ${arch} OUTPUT ${guest}
                  SOURCES ${eval_dir}/guest/main.c ${eval_dir}/guest/attacker.c
                          ${eval_dir}/guest/victim.c ${eval_dir}/guest/attacks_common.c
                          ${eval_dir}/guest/attacks_console.c
                          ${eval_dir}/guest/attacks_${arch}.c
                          ${eval_dir}/guest/attacks_regs.c ${eval_dir}/guest/regs_${arch}.c
                          ${regs_asm_${arch}}
                          ${CMAKE_SOURCE_DIR}/libhv/lib/cmdline.c)
  set(images "")
  # eval-rogue and eval-rogue-hog: the same systems with the rogue VMM (test/eval/rogue) as
  # partition attacker's VMM: the root task starts the boot archive's vmm.attacker in place of
  # vmm (docs/manifest.md). Only these test images carry it.
  # eval-disk and eval-disk-granted: the rogue VMM with a slice of the storage server's disk
  # (scripts/mkdisk's duet-personal, the victim's duet-work right after it on the disk); in
  # the granted control the slices are swapped, so that the rogue's own slice is the one the
  # harness reads (DS-21).
  # eval-keepregs: eval-pair with vmm-keepregs as the attacker's VMM (it does not reset its vcpu
  # after a guest reset): the control of SA-2/SA-3.
  # eval-rogue-server and eval-rogue-server-granted: the disk systems with the rogue storage
  # server (test/eval/rogue/rogue_server.c) in place of the storage server, both partitions its
  # clients; the normal VMMs and guests.
  # eval-rogue-server-rootlog: the rogue server as storage.eval-rootlog, which the root task
  # lets log through its own cap, untagged (IF-30's control).
  foreach(variant pair hog rogue rogue-hog disk disk-granted keepregs rogue-server
          rogue-server-granted rogue-server-rootlog)
    set(ATTACKER_DISK "")
    set(VICTIM_DISK "")
    if(variant STREQUAL "disk" OR variant MATCHES "rogue-server")
      set(ATTACKER_DISK "\n\t\t\tdisk = \"duet-personal\";\n\t\t\tdisk-access = \"read-write\";")
      set(VICTIM_DISK "\n\t\t\tdisk = \"duet-work\";\n\t\t\tdisk-access = \"read-write\";")
    elseif(variant STREQUAL "disk-granted")
      set(ATTACKER_DISK "\n\t\t\tdisk = \"duet-work\";\n\t\t\tdisk-access = \"read-write\";")
      set(VICTIM_DISK "\n\t\t\tdisk = \"duet-personal\";\n\t\t\tdisk-access = \"read-write\";")
    endif()
    if(variant MATCHES "hog")
      set(ATTACKER_BUDGET 10)
      set(ATTACKER_PRIORITY 60)
    else()
      set(ATTACKER_BUDGET 4)
      set(ATTACKER_PRIORITY 50)
    endif()
    set(programs "")
    if(variant STREQUAL "rogue-server")
      set(programs PROGRAMS storage.eval=rogue-server)
    elseif(variant STREQUAL "rogue-server-granted")
      set(programs PROGRAMS storage.eval=rogue-server-granted)
    elseif(variant STREQUAL "rogue-server-rootlog")
      set(programs PROGRAMS storage.eval-rootlog=rogue-server)
    elseif(variant MATCHES "rogue|disk")
      set(programs PROGRAMS vmm.attacker=rogue-vmm)
    elseif(variant STREQUAL "keepregs")
      set(programs PROGRAMS vmm.attacker=vmm-keepregs)
    endif()
    set(manifest ${CMAKE_BINARY_DIR}/test/manifests/eval-${variant}-${arch}.dts)
    configure_file(${eval_dir}/manifests/eval-pair-${arch}.dts.in ${manifest} @ONLY)
    duet_system_image(NAME eval-${variant} ARCH ${arch} MANIFEST ${manifest} ${programs})
    # mkimage must run again when the guest changes (duet_system_image knows only the manifest).
    add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/eval-${variant}/payload/bootfs.list
                       APPEND DEPENDS ${guest})
    list(APPEND images image-${arch}-eval-${variant})
  endforeach()
  # eval-sec-m1-hog: sec-m1's system (test/qemu/sec_m1.cmake) with its resetting partition
  # (the looper, the whole CPU) above the waiter's priority on purpose: the control of AV-11,
  # whose waiter then never gets its reset served.
  set(sec_m1_dts ${CMAKE_SOURCE_DIR}/test/manifests/sec-m1-${arch}.dts)
  if(arch STREQUAL "aarch64")
    set(reset_guest ${CMAKE_BINARY_DIR}/guests/arm64/reset-aarch64.img)
  else()
    set(reset_guest ${CMAKE_BINARY_DIR}/guests/amd64/reset-x86_64.bzImage)
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sec_m1_dts})
  file(READ ${sec_m1_dts} sec_m1_text)
  string(REPLACE "priority = <50>;" "priority = <70>;	// above the waiter, on purpose (eval)"
         sec_m1_text "${sec_m1_text}")
  set(manifest ${CMAKE_BINARY_DIR}/test/manifests/eval-sec-m1-hog-${arch}.dts)
  file(WRITE ${manifest} "${sec_m1_text}")
  duet_system_image(NAME eval-sec-m1-hog ARCH ${arch} MANIFEST ${manifest})
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/eval-sec-m1-hog/payload/bootfs.list
                     APPEND DEPENDS ${reset_guest})
  list(APPEND images image-${arch}-eval-sec-m1-hog)
  add_custom_target(eval-images-${arch} DEPENDS test-guest-${arch}-eval)
  add_dependencies(eval-images-${arch} ${images})
endforeach()

# CI: the catalogue's CI subset (test/eval/catalogue.py CI) on each arch with its controls, a
# minute or two per arch: the guest cases that exercise each kind of oracle (canary through
# the monitor, VMM audit, sanitization across a reset, the machine's power, the budget) and the
# ktest SEC cases. The Linux cases and SEC-M1 are ctest tests of their own already.
foreach(arch ${DUET_ARCHES})
  add_test(NAME eval-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target eval-images-${arch})
  set_tests_properties(eval-images-${arch} PROPERTIES LABELS "qemu;eval" TIMEOUT 1800
                       FIXTURES_SETUP eval-images-${arch} RESOURCE_LOCK duet-build)
  add_test(NAME eval-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/eval --arch ${arch} --ci --control
                   --build ${CMAKE_BINARY_DIR} --out ${CMAKE_BINARY_DIR}/eval-ci-${arch})
  set_tests_properties(eval-${arch} PROPERTIES LABELS "qemu;eval" TIMEOUT 400
                       FIXTURES_REQUIRED eval-images-${arch})
endforeach()
