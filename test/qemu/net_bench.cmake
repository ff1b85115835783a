# The network benchmark's one-partition system (scripts/bench-net, `scripts/hv bench net`,
# docs/network.md "Benchmark"): declared for every arch, not a test.
foreach(arch ${DUET_ARCHES})
  duet_system_image(NAME linux-netbench ARCH ${arch}
                    MANIFEST ${CMAKE_SOURCE_DIR}/test/manifests/linux-netbench-${arch}.dts)
endforeach()
