# The keyboard server and the machine's one focus (docs/trusted-path.md): per arch, the system
# image kbd-focus (test/manifests/kbd-focus-<arch>.dts: personal and work may take focus, plain
# may not), each partition the SEC-M1 guest waiting for a key (sec_m1.cmake builds it). Keys
# go in on the machine's physical keyboard through QMP (i8042 on q35, virtio keyboard on virt)
# and on the serial console; the console's "[duet] focus:" lines say where the focus went.
foreach(arch ${DUET_ARCHES})
  duet_system_image(NAME kbd-focus ARCH ${arch}
                    MANIFEST ${CMAKE_SOURCE_DIR}/test/manifests/kbd-focus-${arch}.dts)
  if(arch STREQUAL "aarch64")
    set(guest ${CMAKE_BINARY_DIR}/guests/arm64/reset-aarch64.img)
  else()
    set(guest ${CMAKE_BINARY_DIR}/guests/amd64/reset-x86_64.bzImage)
  endif()
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${arch}/images/kbd-focus/payload/bootfs.list
                     APPEND DEPENDS ${guest})
  add_test(NAME kbd-focus-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target test-guest-${arch}-reset image-${arch}-kbd-focus)
  set_tests_properties(kbd-focus-images-${arch} PROPERTIES LABELS qemu TIMEOUT 1800
                       FIXTURES_SETUP kbd-focus-images-${arch} RESOURCE_LOCK duet-build)
  # In order, each step once the line before it is out:
  # 1. Ctrl+Alt+F12 moves the focus from personal to work, past plain (not focusable);
  # 2. again, back to personal;
  # 3. Ctrl-T 2 asks for plain: the owner refuses, the focus stays;
  # 4. Ctrl-T 3 asks for work: the same focus moves;
  # 5. Ctrl+Alt+F12 moves on from where Ctrl-T put it: to personal (from personal it would
  #    have been work: the keyboard and the console move one focus);
  # 6. a key typed on the console reaches personal, and neither of the others.
  set(moved "^\\[duet\\] focus: ")
  add_test(NAME kbd-focus-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/check-log
                   --reject "^FATAL: "
                   --reject "^\\[(work|plain)\\] RESET-GUEST: key typed"
                   --reject "keyboard: .*(refused|does not answer|broke a rule)"
                   --at-most "${moved}" 5
                   --
                   test --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/kbd-focus.elf --name kbd-focus-${arch}
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/kbd-focus-${arch}.log --timeout 240
                   --expect "^keyboard: (i8042 at ports 0x60/0x64 \\(irq 1\\)|virtio keyboard at virtio-mmio slot)"
                   --qmp-send "^keyboard: focus owner of 3 partition\\(s\\) \\(focusable 0x5\\)=ctrl-alt-f12"
                   --until "${moved}work$"
                   --qmp-send "${moved}work$=ctrl-alt-f12"
                   --until "${moved}personal$"
                   --send "${moved}personal$=\\x142"
                   --until "${moved}plain may not take the focus"
                   --send "${moved}plain may not take the focus=\\x143"
                   --until "${moved}work$"
                   --qmp-send "${moved}work$=ctrl-alt-f12"
                   --until "${moved}personal$"
                   --send "${moved}personal$=k"
                   --until "^\\[personal\\] RESET-GUEST: key typed")
  set_tests_properties(kbd-focus-${arch} PROPERTIES LABELS qemu TIMEOUT 270
                       FIXTURES_REQUIRED kbd-focus-images-${arch})
endforeach()
