# The display server in QEMU (test/qemu/display_screen.py, docs/trusted-path.md "Display"):
# a ramfb screen, both partitions with screens filling their /dev/fb0 and probing around it;
# a QMP screendump must show the focused partition's strip (rendered on the host by the
# server's own code, display_strip_render) and its guest's pattern right below it.
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  duet_system_image(NAME display ARCH ${arch}
                    MANIFEST ${CMAKE_SOURCE_DIR}/test/manifests/display-${arch}.dts)
  add_test(NAME display-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target image-${arch}-display
                   display_strip_render)
  set_tests_properties(display-images-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP display-images-${arch} RESOURCE_LOCK duet-build)
  add_test(NAME display-screen-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/display_screen.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/display.elf
                   $<TARGET_FILE:display_strip_render> ${logs}/display-screen-${arch})
  set_tests_properties(display-screen-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 400
                       FIXTURES_REQUIRED display-images-${arch})
endforeach()
