# Device servers that fault (docs/device-servers.md, "A server that faults"): per arch, two
# partitions with a disk and a network port each (test/manifests/dev-fault-<arch>.dts), the
# rogue device server (test/eval/rogue/rogue_device.c) in place of both servers: as storage.eval
# it tries its fault cap (a receive and a copy, both refused: it is write-only), answers ready
# and its own event thread faults on the first VMM's call, with that call
# unanswered; as radio.eval it faults before it is ready. The root task's watcher must remove
# each: the radio's start ends (before the watcher, the root task waited for ever and no
# partition started), the VMM's call to the storage server ends with an error and the other's
# finds no server (before, that VMM waited for ever and its guest never ran). Both partitions
# then run without disk and network, and a key reaches personal, which resets and runs again
# (its VMM's open failing again). dev-fault-forge: below.

# The machine's disk for the storage server to be started on at all: the rogue never reads it.
set(dev_fault_disk ${CMAKE_BINARY_DIR}/qemu-logs/dev-fault-disk.img)
add_test(NAME dev-fault-disk
         COMMAND python3 -c "import os,sys; os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True); open(sys.argv[1], 'wb').truncate(1 << 20)"
                 ${dev_fault_disk})
set_tests_properties(dev-fault-disk PROPERTIES FIXTURES_SETUP dev-fault-disk)

set(dev_fault_port 47310) # the NIC's UDP ports on the loopback: nothing is sent on them

set(vmm_disk "disk: the storage server did not open it \\(error [0-9]+\\): the disk is absent")
foreach(arch ${DUET_ARCHES})
  reset_guest_image(dev-fault ${arch} ${CMAKE_SOURCE_DIR}/test/manifests/dev-fault-${arch}.dts
                    storage.eval=rogue-device radio.eval=rogue-device-early)
  math(EXPR local "${dev_fault_port} + 1")
  math(EXPR remote "${dev_fault_port} + 2")
  math(EXPR dev_fault_port "${dev_fault_port} + 2")
  add_test(NAME dev-fault-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/check-log
                   --reject "^FATAL: "
                   --reject "^kernel: .*(panic|assert)"
                   --reject "^radio: device.eval: ready"
                   --at-most "^root: the storage server faulted" 1
                   --at-most "^root: the radio server faulted" 1
                   --at-most "^storage: device.eval: ready" 1
                   --
                   test --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/dev-fault.elf --name dev-fault-${arch}
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/dev-fault-${arch}.log --timeout 240
                   --disk ${dev_fault_disk} --disk-snapshot --nic ${local}:${remote}
                   --expect "^root: the storage server is the program storage.eval of this test image"
                   --expect "^root: the radio server is the program radio.eval of this test image"
                   --expect "^radio: device.eval: faulting before it is ready"
                   --expect "^root: the radio server faulted \\(fault [0-9]+ at 0x8, pc 0x[0-9a-f]+\\)"
                   --expect "^root: the radio server did not start \\(error 13\\)"
                   --expect "^storage: device.eval: its fault cap: receive 11, copy 11$"
                   --expect "^storage: device.eval: ready \\(event thread: 0\\)"
                   --expect "^storage: device.eval: a VMM's call: its event thread faults with it unanswered"
                   --expect "^root: the storage server faulted \\(fault [0-9]+ at 0x8, pc 0x[0-9a-f]+\\)"
                   --expect "^\\[personal:vmm\\] personal: ${vmm_disk}"
                   --expect "^\\[work:vmm\\] work: ${vmm_disk}"
                   --until "^\\[personal\\] RESET-GUEST: waiting for a key"
                   --send "^\\[personal\\] RESET-GUEST: waiting for a key=k"
                   --until "^root: partition personal resets \\(1\\)$"
                   --until "^\\[personal\\] RESET-GUEST: waiting for a key")
  set_tests_properties(dev-fault-${arch} PROPERTIES LABELS qemu TIMEOUT 270
                       FIXTURES_REQUIRED "dev-fault-images-${arch};dev-fault-disk")

  # A storage server that sends a made-up fault on its fault cap (rogue-device-forge) beside the
  # real radio server: the root stops the storage server, whose cap's badge it is, and no other.
  reset_guest_image(dev-fault-forge ${arch} ${CMAKE_SOURCE_DIR}/test/manifests/dev-fault-${arch}.dts
                    storage.eval=rogue-device-forge)
  math(EXPR local "${dev_fault_port} + 1")
  math(EXPR remote "${dev_fault_port} + 2")
  math(EXPR dev_fault_port "${dev_fault_port} + 2")
  add_test(NAME dev-fault-forge-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/check-log
                   --reject "^FATAL: "
                   --reject "^kernel: .*(panic|assert)"
                   --reject "^root: the radio server (faulted|did not start)"
                   --reject "network: .*absent"
                   --at-most "^root: the storage server faulted" 1
                   --
                   test --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/dev-fault-forge.elf
                   --name dev-fault-forge-${arch}
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/dev-fault-forge-${arch}.log --timeout 240
                   --disk ${dev_fault_disk} --disk-snapshot --nic ${local}:${remote}
                   --expect "^storage: device.eval: a VMM's call: its event thread sends a made-up fault"
                   --expect "^root: the storage server faulted \\(fault 1 at 0xdead, pc 0xbeef\\)"
                   --expect "^radio: serving 2 partition\\(s\\)"
                   --expect "^\\[personal:vmm\\] personal: ${vmm_disk}"
                   --expect "^\\[work:vmm\\] work: ${vmm_disk}"
                   --expect "^\\[work\\] RESET-GUEST: waiting for a key"
                   --until "^\\[(personal|work)\\] RESET-GUEST: waiting for a key"
                   --until "^\\[(personal|work)\\] RESET-GUEST: waiting for a key")
  set_tests_properties(dev-fault-forge-${arch} PROPERTIES LABELS qemu TIMEOUT 270
                       FIXTURES_REQUIRED "dev-fault-forge-images-${arch};dev-fault-disk")
endforeach()
