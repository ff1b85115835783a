# kbd-keys-<arch> (kbd_keys.py, docs/trusted-path.md): keys from the machine's keyboard through
# the keyboard server into the focused partition's /dev/input/event* and no other's. The Linux
# pair of linux.cmake with both partitions given the keyboard and the screen, both running the
# `keys` scenario (duet-evread on the VMM's "Duet keyboard").
foreach(arch ${DUET_ARCHES})
  set(SCENARIO keys)
  set(EXTRA_ARGS " duet.keys=200,900")
  set(WORK_SCENARIO "keys duet.keys=200,900")
  set(PRIORITY 50)
  set(BUDGET "40 100")
  if(arch STREQUAL "aarch64")
    set(WORK_INITRAMFS initramfs-debian-arm64.cpio.gz)
  else()
    set(WORK_INITRAMFS initramfs-debian-amd64.cpio.gz)
  endif()
  set(PERSONAL_NET "\t\t\tkeyboard;\n\t\t\tscreen;\n\t\t\tcolour = <0x2e7d32>;\n")
  set(WORK_NET "\t\t\tkeyboard;\n\t\t\tscreen;\n\t\t\tcolour = <0xc62828>;\n")
  set(manifest ${CMAKE_CURRENT_BINARY_DIR}/manifests/linux-kbd-keys-${arch}.dts)
  configure_file(${CMAKE_SOURCE_DIR}/test/manifests/linux-pair-${arch}.dts.in ${manifest} @ONLY)
  duet_system_image(NAME linux-kbd-keys ARCH ${arch} MANIFEST ${manifest})
endforeach()

foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  add_test(NAME kbd-keys-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target image-${arch}-linux-kbd-keys)
  set_tests_properties(kbd-keys-images-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP kbd-keys-images-${arch} RESOURCE_LOCK duet-build)
  linux_disk(${arch} disk)
  add_test(NAME kbd-keys-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/kbd_keys.py --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/linux-kbd-keys.elf
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/kbd-keys-${arch}.log --timeout 600
                   -- --disk ${disk} --disk-snapshot
                   "--send=^\\[work\\] DUET-EVREAD work KEY 31 0=\\x141")
  set_tests_properties(kbd-keys-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 700
                       FIXTURES_REQUIRED "kbd-keys-images-${arch};disk-${arch}")
endforeach()
