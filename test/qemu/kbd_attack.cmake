# kbd-attack-<arch> (kbd_attack.py, docs/trusted-path.md): work attacks its own "Duet keyboard"
# (devmem floods of its virtio-mmio window, device resets, virtio_input unbind/bind) while
# personal has the focus and reads keys; every key must reach personal, none work, and after
# Ctrl+Alt+F12 work's re-bound keyboard must give keys as before. The Linux pair of linux.cmake
# as kbd_keys.cmake builds it, work running the `kbd-attack` scenario.
foreach(arch ${DUET_ARCHES})
  set(SCENARIO keys)
  set(EXTRA_ARGS " duet.keys=18,900")
  set(WORK_SCENARIO "kbd-attack duet.kattack=10 duet.keys=2,900")
  set(PRIORITY 50)
  set(BUDGET "40 100")
  if(arch STREQUAL "aarch64")
    set(WORK_INITRAMFS initramfs-debian-arm64.cpio.gz)
  else()
    set(WORK_INITRAMFS initramfs-debian-amd64.cpio.gz)
  endif()
  set(PERSONAL_NET "\t\t\tkeyboard;\n\t\t\tscreen;\n\t\t\tcolour = <0x2e7d32>;\n")
  set(WORK_NET "\t\t\tkeyboard;\n\t\t\tscreen;\n\t\t\tcolour = <0xc62828>;\n")
  set(manifest ${CMAKE_CURRENT_BINARY_DIR}/manifests/linux-kbd-attack-${arch}.dts)
  configure_file(${CMAKE_SOURCE_DIR}/test/manifests/linux-pair-${arch}.dts.in ${manifest} @ONLY)
  duet_system_image(NAME linux-kbd-attack ARCH ${arch} MANIFEST ${manifest})
endforeach()

foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  add_test(NAME kbd-attack-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target image-${arch}-linux-kbd-attack)
  set_tests_properties(kbd-attack-images-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP kbd-attack-images-${arch} RESOURCE_LOCK duet-build)
  linux_disk(${arch} disk)
  add_test(NAME kbd-attack-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/kbd_attack.py --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/linux-kbd-attack.elf
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/kbd-attack-${arch}.log --timeout 900
                   -- --disk ${disk} --disk-snapshot)
  set_tests_properties(kbd-attack-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1000
                       FIXTURES_REQUIRED "kbd-attack-images-${arch};disk-${arch}")
endforeach()
