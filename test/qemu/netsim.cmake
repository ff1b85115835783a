# netsim-bare-<arch> (docs/network.md): a Debian guest on bare QEMU, no Duet, with one
# virtio-net NIC on the network simulator (tools/netsim) through -netdev dgram; judged by
# test/qemu/netsim_bare.py from the guest's DUET-NET lines, the simulator's log and its pcap.
# The baseline of the network benchmark.
foreach(arch ${DUET_ARCHES})
  if(arch STREQUAL "aarch64")
    set(deb arm64)
  else()
    set(deb amd64)
  endif()
  set(initramfs ${CMAKE_BINARY_DIR}/guests/${deb}/initramfs-debian-${deb}.cpio.gz)
  # The guest initramfs is a rule of the system images (cmake/DuetSystemImage.cmake); this
  # target names it, so the fixture builds only it and the simulator, not a system image.
  add_custom_target(netsim-guest-${arch} DEPENDS ${initramfs})
  add_test(NAME netsim-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target netsim netsim-guest-${arch})
  set_tests_properties(netsim-images-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP netsim-images-${arch} RESOURCE_LOCK duet-build)
  add_test(NAME netsim-bare-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/netsim_bare.py --arch ${arch}
                   --netsim $<TARGET_FILE:netsim>
                   --kernel ${DUET_GUEST_CACHE}/debian-${deb}/root/boot/vmlinuz-debian-${deb}
                   --initramfs ${initramfs} --out ${logs} --timeout 300)
  set_tests_properties(netsim-bare-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 360
                       FIXTURES_REQUIRED netsim-images-${arch})
endforeach()
