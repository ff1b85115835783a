# keys-bare-<arch> (docs/trusted-path.md, "Guests"): a Debian guest on bare QEMU, no Duet, with
# QEMU's own virtio keyboard; keys sent over QMP must reach duet-evread's /dev/input/event* in
# order (test/qemu/keys_bare.py). The guest side of the keyboard before the keyboard server
# serves the partitions' "Duet keyboard".
foreach(arch ${DUET_ARCHES})
  if(arch STREQUAL "aarch64")
    set(deb arm64)
  else()
    set(deb amd64)
  endif()
  set(initramfs ${CMAKE_BINARY_DIR}/guests/${deb}/initramfs-debian-${deb}.cpio.gz)
  # The guest initramfs alone (a rule of the system images, cmake/DuetSystemImage.cmake).
  add_custom_target(keys-guest-${arch} DEPENDS ${initramfs})
  add_test(NAME keys-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target keys-guest-${arch})
  set_tests_properties(keys-images-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP keys-images-${arch} RESOURCE_LOCK duet-build)
  add_test(NAME keys-bare-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/keys_bare.py --arch ${arch}
                   --kernel ${DUET_GUEST_CACHE}/debian-${deb}/root/boot/vmlinuz-debian-${deb}
                   --initramfs ${initramfs} --out ${logs} --timeout 400)
  set_tests_properties(keys-bare-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 480
                       FIXTURES_REQUIRED keys-images-${arch})
endforeach()
