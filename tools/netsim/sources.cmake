# The network simulator's sources, shared by the tool (CMakeLists.txt), its unit tests
# (test/unit/netsim) and its fuzzer (test/fuzz/netsim). The core (NETSIM_CORE_SOURCES) has no
# I/O; the program adds the socket, the options and the capture. Absolute paths.
set(NETSIM_DIR ${CMAKE_CURRENT_LIST_DIR})
set(NETSIM_CORE_SOURCES
  ${NETSIM_DIR}/arp.c
  ${NETSIM_DIR}/event.c
  ${NETSIM_DIR}/hosts.c
  ${NETSIM_DIR}/icmp.c
  ${NETSIM_DIR}/netsim.c
  ${NETSIM_DIR}/tcp.c
  ${NETSIM_DIR}/udp.c
  ${NETSIM_DIR}/wire.c)
set(NETSIM_OPTIONS_SOURCES ${NETSIM_DIR}/options.c)
set(NETSIM_INCLUDE_DIRS ${NETSIM_DIR})
