# The input benchmark's system image (scripts/bench-input, docs/trusted-path.md "Benchmark"):
# the Linux pair of kbd_keys.cmake (both partitions with the keyboard and a screen, in their
# manifest colours) with personal reading up to 4000 key events (the latency phase's keys) and
# work reading one key (press and release) and then leaving its shell on the console, where the
# benchmark types the loop that redraws work's console for the CPU phase.
foreach(arch ${DUET_ARCHES})
  set(SCENARIO keys)
  set(EXTRA_ARGS " duet.keys=4000,3600")
  set(WORK_SCENARIO "keys duet.keys=2,3600")
  set(PRIORITY 50)
  set(BUDGET "40 100")
  if(arch STREQUAL "aarch64")
    set(WORK_INITRAMFS initramfs-debian-arm64.cpio.gz)
  else()
    set(WORK_INITRAMFS initramfs-debian-amd64.cpio.gz)
  endif()
  set(PERSONAL_NET "\t\t\tkeyboard;\n\t\t\tscreen;\n\t\t\tcolour = <0x2e7d32>;\n")
  set(WORK_NET "\t\t\tkeyboard;\n\t\t\tscreen;\n\t\t\tcolour = <0xc62828>;\n")
  set(manifest ${CMAKE_CURRENT_BINARY_DIR}/manifests/linux-inputbench-${arch}.dts)
  configure_file(${CMAKE_SOURCE_DIR}/test/manifests/linux-pair-${arch}.dts.in ${manifest} @ONLY)
  duet_system_image(NAME linux-inputbench ARCH ${arch} MANIFEST ${manifest})
endforeach()
