# Measured boot (docs/manifest.md, "Measured boot"): per arch, the Linux pair with `work`'s
# initramfs a copy of its own (so that personal shares none of work's payloads), built by
# mkimage and then changed by one byte inside the finished kernel image
# (scripts/flip-bootfs-byte). The root task must refuse work, naming it and its initramfs,
# and personal must boot to its shell beside it. The same image unchanged is the control:
# there work's payloads match and it starts.
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  if(arch STREQUAL "aarch64")
    set(deb arm64)
    set(nloads_personal 3) # kernel, initramfs, device tree
  else()
    set(deb amd64)
    set(nloads_personal 4) # setup header, kernel, initramfs, command line
  endif()
  set(guests ${CMAKE_BINARY_DIR}/guests/${deb})
  set(work_initramfs initramfs-work-debian-${deb}.cpio.gz)
  add_custom_command(OUTPUT ${guests}/${work_initramfs}
    COMMAND ${CMAKE_COMMAND} -E copy ${guests}/initramfs-debian-${deb}.cpio.gz
            ${guests}/${work_initramfs}
    DEPENDS ${guests}/initramfs-debian-${deb}.cpio.gz
    COMMENT "work's own initramfs for the measured-boot test" VERBATIM)
  linux_image(${arch} linux-measured count WORK_INITRAMFS ${work_initramfs})
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/linux-measured/payload/bootfs.list
                     APPEND DEPENDS ${guests}/${work_initramfs})

  set(image ${CMAKE_BINARY_DIR}/${arch}/images/linux-measured.elf)
  set(tampered ${CMAKE_BINARY_DIR}/${arch}/images/linux-measured-tampered.elf)
  add_test(NAME measured-images-${arch}
           COMMAND sh -c "\"$0\" --build \"$1\" --target image-${arch}-linux-measured && python3 \"$2\" \"$3\" \"$4\" ${work_initramfs}"
                   ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scripts/flip-bootfs-byte
                   ${image} ${tampered})
  set_tests_properties(measured-images-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP measured-images-${arch} RESOURCE_LOCK duet-build)

  # The tampered image: work refused with the message, personal up and answering at its shell,
  # nothing of work's ever running.
  set(name measured-tampered-${arch})
  set(shell_out "^\\[personal\\] Linux personal [0-9][^ ]* #[0-9]+ SMP .*Debian")
  add_test(NAME ${name}
    COMMAND python3 ${check_log} --reject "^\\[work\\]" --reject "^root: partition work: "
            --reject "^FATAL: " --reject "Kernel panic - not syncing"
            --
            test --arch ${arch} --kernel ${tampered} --name ${name} --log ${logs}/${name}.log
            --timeout 120 --line-times
            --expect "^root: partition work refused: its initramfs \\(${work_initramfs}, [0-9]+ bytes\\) is not what the image was built with: SHA-256 [0-9a-f]{16}\\.\\.\\., recorded [0-9a-f]{16}\\.\\.\\.$"
            --expect "^root: partition personal: ${nloads_personal} payloads match their SHA-256$"
            --expect "^root: partition personal: [0-9]+ MiB at 0x[0-9a-f]+, budget 40/100: started"
            --expect "^\\[personal\\] DUET-GUEST-UP personal\\b"
            --send "DUET-SCENARIO personal=uname -a\\r"
            --until ${shell_out} --until "^\\[personal\\] DUET-COUNT personal")
  set_tests_properties(${name} PROPERTIES LABELS "qemu;linux" TIMEOUT 150
                       FIXTURES_REQUIRED measured-images-${arch})

  # The control: the same image unchanged starts work (its payloads match); it runs until the
  # root has started it.
  set(name measured-intact-${arch})
  add_test(NAME ${name}
    COMMAND python3 ${check_log} --reject " refused" --
            test --arch ${arch} --kernel ${image} --name ${name} --log ${logs}/${name}.log
            --timeout 90
            --expect "^root: partition personal: ${nloads_personal} payloads match their SHA-256$"
            --expect "^root: partition work: ${nloads_personal} payloads match their SHA-256$"
            --until "^root: partition work: [0-9]+ MiB at 0x[0-9a-f]+, budget 40/100: started")
  set_tests_properties(${name} PROPERTIES LABELS "qemu;linux" TIMEOUT 120
                       FIXTURES_REQUIRED measured-images-${arch})
endforeach()
