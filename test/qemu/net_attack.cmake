# linux-net-attack-<arch> (test/qemu/net_attack.py, docs/network.md "Attack tests"): personal
# spoofs work's addresses, sends to work, floods broadcasts and resets its virtio-net device
# mid-transfer, through the radio server onto the network simulator; work listens and times its
# UDP echoes before and during. personal runs below work (priority 30 against 50, as in the disk
# flood test): what its flood can take from work is through the radio path, not the CPU.
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  linux_image(${arch} linux-net-attack net-attack WORK net-measure NET PRIORITY 30
              ARGS duet.net.ip=192.0.2.10/24)
  add_test(NAME linux-net-attack-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target image-${arch}-linux-net-attack netsim)
  set_tests_properties(linux-net-attack-images-${arch} PROPERTIES LABELS "qemu;linux"
                       TIMEOUT 1800 FIXTURES_SETUP linux-net-attack-images-${arch}
                       RESOURCE_LOCK duet-build)
  add_test(NAME linux-net-attack-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/net_attack.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/linux-net-attack.elf $<TARGET_FILE:netsim>
                   ${CMAKE_BINARY_DIR}/radio ${logs}/linux-net-attack-${arch}.log)
  set_tests_properties(linux-net-attack-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 720
                       FIXTURES_REQUIRED linux-net-attack-images-${arch})
endforeach()

# linux-net-attack-spent-<arch>: the same with a CPU spinner in personal from its flood on
# (duet.net.spin=1), so that personal's budget (40/100) is spent in every period of the flood
# and the reset, and its thread of the radio server (on personal's scheduling context) is
# parked with it: work's echoes must keep their rate and lose none (docs/network.md, "Threads
# and whose CPU time").
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  linux_image(${arch} linux-net-attack-spent net-attack WORK net-measure NET PRIORITY 30
              ARGS duet.net.ip=192.0.2.10/24 duet.net.spin=1)
  add_test(NAME linux-net-attack-spent-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target image-${arch}-linux-net-attack-spent netsim)
  set_tests_properties(linux-net-attack-spent-images-${arch} PROPERTIES LABELS "qemu;linux"
                       TIMEOUT 1800 FIXTURES_SETUP linux-net-attack-spent-images-${arch}
                       RESOURCE_LOCK duet-build)
  add_test(NAME linux-net-attack-spent-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/net_attack.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/linux-net-attack-spent.elf
                   $<TARGET_FILE:netsim> ${CMAKE_BINARY_DIR}/radio
                   ${logs}/linux-net-attack-spent-${arch}.log)
  set_tests_properties(linux-net-attack-spent-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 720
                       FIXTURES_REQUIRED linux-net-attack-spent-images-${arch})
endforeach()
