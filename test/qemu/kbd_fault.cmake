# A keyboard server that faults (docs/trusted-path.md, "A keyboard server that faults"): per
# arch, the kbd-focus system (test/manifests/kbd-focus-<arch>.dts) with the rogue keyboard
# server (test/eval/rogue/rogue_keyboard.c) as the archive's keyboard.eval. The console follows
# it as the focus owner; Ctrl-T 3 asks it for work, and it faults with that call unanswered.
# The root task's watcher must end the call and remove the focus endpoint: the console says no
# owner answers and moves its own focus to work; a second Ctrl-T (1: personal) then needs no
# owner at all. Before the watcher, the console's input thread waited for ever.

foreach(arch ${DUET_ARCHES})
  reset_guest_image(kbd-fault ${arch} ${CMAKE_SOURCE_DIR}/test/manifests/kbd-focus-${arch}.dts
                    keyboard.eval=rogue-keyboard)
  set(moved "^\\[duet\\] focus: ")
  add_test(NAME kbd-fault-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/check-log
                   --reject "^FATAL: "
                   --reject "^kernel: .*(panic|assert)"
                   --at-most "^root: the keyboard server faulted" 1
                   --
                   test --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/kbd-fault.elf --name kbd-fault-${arch}
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/kbd-fault-${arch}.log --timeout 240
                   --expect "^root: the keyboard server is the program keyboard.eval of this test image"
                   --expect "^keyboard: keyboard.eval: the console's focus request: faulting with it unanswered"
                   --expect "^root: the keyboard server faulted \\(fault [0-9]+ at 0x8, pc 0x[0-9a-f]+\\)"
                   --expect "${moved}no focus owner answers: the console keeps its own focus"
                   --send "^root: partition plain: .*started=\\x143"
                   --until "${moved}work$"
                   --send "${moved}work$=\\x141"
                   --until "${moved}personal$")
  set_tests_properties(kbd-fault-${arch} PROPERTIES LABELS qemu TIMEOUT 270
                       FIXTURES_REQUIRED kbd-fault-images-${arch})

  # The same server faulting before it says it is ready: the root task's start of it must end
  # (the watcher signals the word it waits for), the partitions start, and the console keeps
  # its own focus from the beginning. Before the watcher the root task waited for ever.
  reset_guest_image(kbd-fault-early ${arch} ${CMAKE_SOURCE_DIR}/test/manifests/kbd-focus-${arch}.dts
                    keyboard.eval=rogue-keyboard-early)
  add_test(NAME kbd-fault-early-${arch}
           COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/check-log
                   --reject "^FATAL: "
                   --reject "^kernel: .*(panic|assert)"
                   --reject "^keyboard: keyboard.eval: ready"
                   --
                   test --arch ${arch}
                   --kernel ${CMAKE_BINARY_DIR}/${arch}/images/kbd-fault-early.elf
                   --name kbd-fault-early-${arch}
                   --log ${CMAKE_BINARY_DIR}/qemu-logs/kbd-fault-early-${arch}.log --timeout 240
                   --expect "^keyboard: keyboard.eval: faulting before it is ready"
                   --expect "^root: the keyboard server faulted \\(fault [0-9]+ at 0x8, pc 0x[0-9a-f]+\\)"
                   --expect "^root: the keyboard server did not start \\(error 13\\): the console keeps its own focus"
                   --send "^root: partition plain: .*started=\\x143"
                   --until "${moved}work$")
  set_tests_properties(kbd-fault-early-${arch} PROPERTIES LABELS qemu TIMEOUT 270
                       FIXTURES_REQUIRED kbd-fault-early-images-${arch})
endforeach()
