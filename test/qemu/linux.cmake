# The Linux partition tests (docs/testing.md, "Linux partitions"): per arch, one QEMU with two
# Debian partitions, the scenario under test in "personal" (docs/guests.md) and "work" counting
# beside it, judged by scripts/duet-qemu (lines, order, input) and scripts/check-log (what
# regexes can't say: counters going on past an event, rates, lines that must not appear).
#
# The system images are declared always (so `scripts/hv bench boot` and a developer can build
# them), the tests for the arches of DUET_LINUX_TEST_ARCHES. Each image costs a
# kernel link with a ~34 MiB boot archive, so a test shares its image with every test of the
# same manifest.
# The arches whose Linux tests are registered: those whose partitions pass them reliably
# (docs/testing.md). Both, since the x86_64 guests got the paravirtual clock.
set(DUET_LINUX_TEST_ARCHES "aarch64;x86_64" CACHE STRING
    "Arches whose Linux partition tests ctest runs (empty: none)")

set(linux_src ${CMAKE_SOURCE_DIR}/test/manifests)
set(check_log ${CMAKE_SOURCE_DIR}/scripts/check-log)

# One manifest per scenario of "personal", written from the arch's template.
# linux_image(<arch> <image> <scenario> [PRIORITY <personal's, 50 by default>]
#             [WORK <work's scenario, count by default>]
#             [WORK_INITRAMFS <work's initramfs; by default the one personal has>]
#             [BUDGET "<budget> <period>" (personal's, "40 100" by default)]
#             [ARGS <more bootargs of personal>...])
function(linux_image arch image scenario)
  cmake_parse_arguments(I "NET" "PRIORITY;WORK;WORK_INITRAMFS;BUDGET" "ARGS;WORK_ARGS" ${ARGN})
  # NET: the default system's networks and ports (platform/*/system.dts), for the radio's tests.
  set(NETWORKS "")
  set(PERSONAL_NET "")
  set(WORK_NET "")
  if(I_NET)
    set(NETWORKS "\tnetworks {\n\t\tcompatible = \"duet,networks\";\n\t\tcorporate = \"198.51.100.0/24\";\n\t\tinternet = \"0.0.0.0/0\";\n\t};\n")
    set(PERSONAL_NET "\t\t\tnet-mac = \"52:54:00:00:02:0a\";\n\t\t\tnet-address = \"192.0.2.10/24\";\n\t\t\tnet-reach = \"internet\";\n")
    set(WORK_NET "\t\t\tnet-mac = \"52:54:00:00:02:14\";\n\t\t\tnet-address = \"192.0.2.20/24\";\n\t\t\tnet-reach = \"corporate\", \"internet\";\n")
  endif()
  set(SCENARIO ${scenario})
  set(WORK_SCENARIO count)
  if(I_WORK)
    set(WORK_SCENARIO ${I_WORK})
  endif()
  if(arch STREQUAL "aarch64")
    set(WORK_INITRAMFS initramfs-debian-arm64.cpio.gz)
  else()
    set(WORK_INITRAMFS initramfs-debian-amd64.cpio.gz)
  endif()
  if(I_WORK_INITRAMFS)
    set(WORK_INITRAMFS ${I_WORK_INITRAMFS})
  endif()
  set(PRIORITY 50)
  if(I_PRIORITY)
    set(PRIORITY ${I_PRIORITY})
  endif()
  set(BUDGET "40 100")
  if(I_BUDGET)
    set(BUDGET ${I_BUDGET})
  endif()
  set(EXTRA_ARGS "")
  if(I_ARGS)
    string(JOIN " " EXTRA_ARGS "" ${I_ARGS})
  endif()
  set(manifest ${CMAKE_CURRENT_BINARY_DIR}/manifests/${image}-${arch}.dts)
  configure_file(${linux_src}/linux-pair-${arch}.dts.in ${manifest} @ONLY)
  duet_system_image(NAME ${image} ARCH ${arch} MANIFEST ${manifest})
endfunction()

foreach(arch ${DUET_ARCHES})
  linux_image(${arch} linux-boot count)
  linux_image(${arch} linux-devmem devmem-outside)
  linux_image(${arch} linux-reboot reboot)
  linux_image(${arch} linux-poweroff poweroff)
  # Without iomem=relaxed Debian's /dev/mem refuses the claimed device registers and the
  # scenario would attack nothing (docs/guests.md).
  linux_image(${arch} linux-garbage garbage ARGS iomem=relaxed)
  # The spinner above work's priority: with fixed priorities only its budget (40/100) leaves
  # work any CPU, so a budget that isn't enforced starves work instead of sharing round-robin.
  # work reboots after each 5 counts: the root prints every partition's CPU at its resets.
  linux_image(${arch} linux-spin spin PRIORITY 60 WORK reboot)
  # linux-spin with personal's budget taken off on purpose (the whole CPU): the control of the
  # security evaluation's AV-12 (docs/eval.md), which must see work starve. An image, no test.
  linux_image(${arch} linux-spin-hog spin PRIORITY 60 BUDGET "100 100")
  # Both partitions try their disks through the storage server (test (i) below).
  linux_image(${arch} linux-disk disk WORK disk)
  # personal resets its disk under requests in flight while work uses its own (test (i2)).
  linux_image(${arch} linux-disk-reset disk-reset WORK disk ARGS iomem=relaxed)
  # personal's files survive reboot -f and a killed QEMU (test (j) below).
  linux_image(${arch} linux-persist persist)
  # Both partitions on the radio server's network (docs/network.md): each runs the net scenario
  # at its own address; personal may reach the internet only (test (m), linux_net.py).
  linux_image(${arch} linux-net net WORK net NET ARGS duet.net.ip=192.0.2.10/24)
  # The boot benchmark's one-partition system (scripts/bench-boot), not a test; and the same
  # booting with `quiet` (Debian's installed default), written from it here.
  duet_system_image(NAME linux-bench ARCH ${arch} MANIFEST ${linux_src}/linux-bench-${arch}.dts)
  file(READ ${linux_src}/linux-bench-${arch}.dts bench_dts)
  string(REPLACE "bootargs = \"" "bootargs = \"quiet " bench_dts "${bench_dts}")
  set(quiet_manifest ${CMAKE_CURRENT_BINARY_DIR}/manifests/linux-bench-quiet-${arch}.dts)
  file(WRITE ${quiet_manifest} "${bench_dts}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${linux_src}/linux-bench-${arch}.dts)
  duet_system_image(NAME linux-bench-quiet ARCH ${arch} MANIFEST ${quiet_manifest})
  # The block benchmark's one-partition system with a disk (scripts/bench-blk), not a test.
  duet_system_image(NAME linux-blkbench ARCH ${arch} MANIFEST ${linux_src}/linux-blkbench-${arch}.dts)
endforeach()

if(NOT DUET_LINUX_TEST_ARCHES)
  return()
endif()

set(linux_images boot devmem reboot poweroff garbage spin disk disk-reset persist net)

# Patterns end in \b, not $: a guest kernel's console message can land on the end of a line
# its user space is still sending (seen on x86_64: "DUET-GUEST-UP personal[    4.61] virtio-mmio
# ..." while /init loads the modules).

# Lines that mean harm, whatever the scenario: a kernel exception, a guest kernel's panic, the
# bystander hurt, reset or stopped, or a line tagged with the wrong partition (--tags).
set(linux_common_checks
  --tags
  --reject "^FATAL: "
  --reject "Kernel panic - not syncing"
  --reject "^\\[work\\] .*(Unhandled fault|Internal error|Oops|BUG: |segfault)")
# The bystander is not reset or stopped, and boots once (WORK_REBOOTS: it reboots on its own,
# and is not stopped).
set(linux_bystander_checks
  --reject "^root: partition work (resets|stopped)"
  --at-most "^\\[work\\] .*DUET-GUEST-UP work\\b" 1)
set(linux_rebooting_bystander_checks --reject "^root: partition work stopped")
# A count of work's at least N (regexes for "at least 20" etc., for UNTIL).
set(work_count "^\\[work\\] DUET-COUNT work")

# The physical disk of the storage server (docs/storage.md): scripts/mkdisk's image in the
# cache, made by this fixture if missing and never replaced. Every Linux test boots with it
# as a snapshot (QEMU keeps the writes in a temporary file), so tests can share it.
function(linux_disk arch out_var)
  set(${out_var} ${DUET_GUEST_CACHE}/disks/${arch}.img PARENT_SCOPE)
endfunction()

# linux_test(<arch> <image> TIMEOUT <s> UNTIL <regex>... [EXPECT <regex>...]
#            [SEND <regex=text>...] [CHECKS <check-log arguments>...] [WORK_REBOOTS]
#            [NAME <test name>] [DISK <image> FIXTURE <the fixture that makes it>])
function(linux_test arch image)
  cmake_parse_arguments(L "WORK_REBOOTS" "TIMEOUT;NAME;DISK;FIXTURE;DISK_OPTS"
                        "UNTIL;EXPECT;SEND;CHECKS" ${ARGN})
  set(name linux-${image}-${arch})
  if(L_NAME)
    set(name ${L_NAME})
  endif()
  set(fixtures linux-images-${arch} disk-${arch})
  if(L_DISK)
    set(disk ${L_DISK})
    list(APPEND fixtures ${L_FIXTURE})
  else()
    linux_disk(${arch} disk)
  endif()
  if(L_WORK_REBOOTS)
    set(bystander ${linux_rebooting_bystander_checks})
  else()
    set(bystander ${linux_bystander_checks})
  endif()
  set(args ${linux_common_checks} ${bystander} ${L_CHECKS} --
      test --arch ${arch} --kernel ${CMAKE_BINARY_DIR}/${arch}/images/linux-${image}.elf
      --name ${name} --log ${logs}/${name}.log --timeout ${L_TIMEOUT} --line-times
      --disk ${disk} --disk-snapshot)
  if(L_DISK_OPTS)
    list(APPEND args --disk-opts ${L_DISK_OPTS})
  endif()
  foreach(u ${L_UNTIL})
    list(APPEND args --until ${u})
  endforeach()
  foreach(e ${L_EXPECT})
    list(APPEND args --expect ${e})
  endforeach()
  foreach(s ${L_SEND})
    list(APPEND args --send ${s})
  endforeach()
  add_test(NAME ${name} COMMAND python3 ${check_log} ${args})
  math(EXPR hard_limit "${L_TIMEOUT} + 30")
  set_tests_properties(${name} PROPERTIES LABELS "qemu;linux" TIMEOUT ${hard_limit}
                       FIXTURES_REQUIRED "${fixtures}")
endfunction()

foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  # The images are not in ALL: a fixture builds every image of the arch in one build (one
  # ninja at a time in the build tree: the lock keeps the two arches' fixtures apart).
  set(targets "")
  foreach(i ${linux_images})
    list(APPEND targets image-${arch}-linux-${i})
  endforeach()
  add_test(NAME linux-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${targets})
  set_tests_properties(linux-images-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 1800
                       FIXTURES_SETUP linux-images-${arch} RESOURCE_LOCK duet-build)
  linux_disk(${arch} disk)
  add_test(NAME disk-${arch} COMMAND ${CMAKE_SOURCE_DIR}/scripts/mkdisk --arch ${arch} --out ${disk})
  set_tests_properties(disk-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 300
                       FIXTURES_SETUP disk-${arch} RESOURCE_LOCK disk-${arch})

  if(arch STREQUAL "aarch64")
    set(cpu "CPU part")
  else()
    set(cpu "model name")
  endif()

  # (a) Both guests come up with Debian's kernel, and what is typed reaches the focused
  # partition's shell (personal: the first) and no other. Then work's undisturbed counting
  # rate, ~8 s of it after boot.
  set(boot_expect "")
  foreach(p personal work)
    list(APPEND boot_expect
      "^\\[${p}\\] DUET-GUEST-UP ${p}\\b"
      "^\\[${p}\\] DUET-UNAME ${p} Linux ${p} [0-9][^ ]* #[0-9]+ SMP .*Debian"
      "^\\[${p}\\] DUET-CPU ${p} ${cpu}"
      "^\\[${p}\\] DUET-MODULES ${p} [0-9]+ of [0-9]+\\b")
  endforeach()
  set(typed SEND "DUET-SCENARIO personal=uname -a\\r")
  set(shell_out "^\\[personal\\] Linux personal [0-9][^ ]* #[0-9]+ SMP .*Debian")
  set(shell_checks --reject "^\\[work\\] .*uname -a" --reject "^\\[work\\] Linux work")
  linux_test(${arch} boot TIMEOUT 90
    UNTIL ${shell_out} "${work_count} (1[6-9]|[2-9][0-9]|[0-9]{3,})\\b"
    EXPECT ${boot_expect} ${shell_out}
    ${typed}
    CHECKS ${shell_checks}
           --at-most "DUET-GUEST-UP personal\\b" 1
           --rate work "DUET-GUEST-UP work\\b" 1.0)

  # (b) personal reads and writes guest-physical addresses outside its RAM: the access fails
  # in personal (AArch64: the VMM injects an external abort, SIGBUS, rc=135; x86_64: a PC
  # reads all ones where nothing is, and the write goes nowhere), personal goes on, and work
  # counts on past it. A broken isolation shows as rc=0 with some other partition's bytes.
  if(arch STREQUAL "aarch64")
    set(devmem_expect
      "^\\[personal\\] .*DUET-DEVMEM personal 0x100000000 32 -> rc=135"
      "^\\[personal\\] .*DUET-DEVMEM personal 0x100000000 32 0x5a5aa5a5 -> rc=135"
      "^\\[personal\\] .*DUET-DEVMEM personal 0x48000000 32 -> rc=135"
      "^\\[personal\\] .*DUET-DEVMEM personal 0x48000000 32 0x5a5aa5a5 -> rc=135")
    set(devmem_reject --reject "DUET-DEVMEM personal 0x[0-9a-f]+ 32.* -> rc=0")
  else()
    # The RAM's end comes from the e820 map the VMM writes: any address, both reads all ones.
    set(devmem_expect
      "^\\[personal\\] .*DUET-DEVMEM personal 0x100000000 32 -> rc=0 0xFFFFFFFF\\b")
    set(devmem_reject --reject "DUET-DEVMEM personal 0x[0-9a-f]+ 32 -> rc=0 0x(?!FFFFFFFF\\b)"
        --at-least "DUET-DEVMEM personal 0x[0-9a-f]+ 32 -> rc=0 0xFFFFFFFF\\b" 2)
  endif()
  linux_test(${arch} devmem TIMEOUT 90
    UNTIL "DUET-DEVMEM-DONE personal\\b" "DUET-COUNT personal 1\\b"
          "${work_count}" "${work_count}" "${work_count}"
    EXPECT "^\\[personal\\] .*DUET-DEVMEM personal ram-end 0x[0-9a-f]+\\b" ${devmem_expect}
    CHECKS ${devmem_reject}
           --advance work "DUET-DEVMEM-DONE personal\\b" 3
           --advance personal "DUET-DEVMEM-DONE personal\\b" 2)

  # (c) personal counts to 5 and resets itself (reboot -f): the root task reloads it, it boots
  # again, and work counts through it all without a restart of its own.
  linux_test(${arch} reboot TIMEOUT 120
    UNTIL "DUET-REBOOT personal\\b" "^\\[personal\\] .*DUET-GUEST-UP personal\\b"
          "${work_count}" "${work_count}" "${work_count}"
    EXPECT "^root: partition personal resets\\b"
    CHECKS --at-least "^\\[personal\\] .*DUET-GUEST-UP personal\\b" 2
           --advance work "DUET-REBOOT personal\\b" 4)

  # (d) personal counts to 5 and powers off (poweroff -f): only personal stops, and stays
  # stopped (no line of its scenario after the root's), while work counts on.
  linux_test(${arch} poweroff TIMEOUT 90
    UNTIL "^root: partition personal stopped\\b" "${work_count}" "${work_count}" "${work_count}"
          "${work_count}"
    EXPECT "DUET-POWEROFF personal\\b"
    CHECKS --quiet-after personal "^root: partition personal stopped\\b"
           --advance work "^root: partition personal stopped\\b" 4)

  # (e) personal writes garbage to every register of its emulated devices and runs
  # duet-attack (docs/guests.md): its VMM survives (personal counts again afterwards), and so
  # does work. Every attack must have run: a missing iomem=relaxed would make this vacuous.
  # On x86_64 the MSR writes the kernel must refuse (EFER.SVME, a reserved PAT type) and one
  # the VMM takes without writing (a kvmclock record outside RAM) are checked one by one, and
  # SEC-V1: a user process's REP INSB into kernel data dies of SIGSEGV, the bytes intact.
  if(arch STREQUAL "aarch64")
    set(last_attack "DUET-ATTACK hvc-at-el0 -> signal 4\\b")
    set(arch_attacks "")
  else()
    set(last_attack "DUET-ATTACK uart-wide-ports -> ")
    set(arch_attacks
      "^\\[personal\\] .*DUET-ATTACK-NOTE msr write 0xc0000080 -> -5\\b"
      "^\\[personal\\] .*DUET-ATTACK-NOTE msr write 0x277 -> -5\\b"
      "^\\[personal\\] .*DUET-ATTACK-NOTE msr write 0x4b564d01 -> 8\\b"
      "^\\[personal\\] .*DUET-ATTACK-NOTE msr write 0xc0011029 -> -5\\b"
      "^\\[personal\\] .*DUET-ATTACK msr-garbage -> exit 0\\b"
      "^\\[personal\\] .*DUET-ATTACK insb-into-kernel -> exit 0\\b")
  endif()
  linux_test(${arch} garbage TIMEOUT 120
    UNTIL "DUET-GARBAGE-DONE personal\\b" "DUET-COUNT personal 2\\b"
          "${work_count}" "${work_count}" "${work_count}"
    EXPECT "^\\[personal\\] .*${last_attack}" "^\\[personal\\] .*DUET-ATTACK-DONE"
           ${arch_attacks}
    CHECKS --reject "DUET-GARBAGE-NOTE"
           --advance work "DUET-GARBAGE-DONE personal\\b" 3
           --advance personal "DUET-GARBAGE-DONE personal\\b" 3)

  # (f) personal spins on its CPU for good, at a higher priority than work's (linux_image
  # above): only its budget (40/100) leaves work the CPU. work boots, counts to 5 and
  # reboots, again and again; at its logged resets (the 1st, 2nd, 4th, ...) the root prints
  # every partition's CPU charge, and between the first two after the spin started the
  # spinner's share must be its budget, 40 % ± 5 % (38-42 %) — above it the budget leaks,
  # below it the spinner was starved. work booting again on the rest is its proof of life.
  # (Under load personal may start spinning only after work's first reset: then the window
  # is between the 2nd and 4th.)
  set(spinning "DUET-SPIN personal [0-9]+\\b")
  linux_test(${arch} spin TIMEOUT 240 WORK_REBOOTS
    UNTIL "${spinning}" "^root: partition work resets \\([0-9]+\\)"
          "^root: partition work resets \\([0-9]+\\)"
    CHECKS --cpu-share personal "${spinning}" 0.40 0.05)
  # (g) The storage server owns the physical disk (docs/storage.md): it brings the device up
  # with its own virtio-blk driver (registers, interrupt and DMA memory through its caps),
  # reads and checks the disk's GPT (one interrupt per read) and reports the slice each
  # partition gets, as scripts/mkdisk laid them out: 256 MiB each from LBA 2048, 514 MiB in all.
  if(arch STREQUAL "aarch64")
    set(disk_at "virtio-mmio slot 31") # QEMU gives the only -device the highest slot
  else()
    set(disk_at "pci 00:[0-9a-f][0-9a-f]\\.0")
  endif()
  linux_test(${arch} boot NAME storage-${arch} TIMEOUT 90
    UNTIL "^storage: slice work: "
    EXPECT "^storage: disk at ${disk_at} \\(irq [0-9]+\\): 1052672 sectors, DMA at 0x[0-9a-f]+$"
           "^storage: GPT checked: 2 partition\\(s\\) on 1052672 sectors \\(([1-9][0-9]*) reads, \\1 interrupts\\)$"
           "^storage: slice personal: GPT partition 1 \"duet-personal\", sectors 2048\\.\\.526335 \\(256 MiB\\), read-write$"
           "^storage: slice work: GPT partition 2 \"duet-work\", sectors 526336\\.\\.1050623 \\(256 MiB\\), read-write$"
    CHECKS --reject "^storage: .*(refused|no partition)")

  # (h) The same disk with one byte of its primary GPT header changed (test/qemu/corrupt_gpt.py):
  # the server says which check failed, in one line, and serves no partition from the disk:
  # it still answers, each VMM's HV_BLK_OPEN is refused (HV_ENOENT) and its guest has no disk.
  linux_disk(${arch} disk)
  set(corrupt ${CMAKE_BINARY_DIR}/disks/${arch}-corrupt-gpt.img)
  add_test(NAME disk-corrupt-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/corrupt_gpt.py ${disk} ${corrupt})
  set_tests_properties(disk-corrupt-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 120
                       FIXTURES_SETUP disk-corrupt-${arch} FIXTURES_REQUIRED disk-${arch})
  linux_test(${arch} boot NAME storage-corrupt-${arch} TIMEOUT 90
    DISK ${corrupt} FIXTURE disk-corrupt-${arch}
    UNTIL "^storage: the disk's GPT is refused"
          "disk: the storage server did not open it \\(error [0-9]+\\): the disk is absent"
          "disk: the storage server did not open it \\(error [0-9]+\\): the disk is absent"
    EXPECT "^storage: primary GPT: header CRC32 mismatch \\(backup intact\\)$"
           "^storage: the disk's GPT is refused: no partition is served from it$"
           "^storage: serving 0 partition\\(s\\)$"
           "^\\[personal:vmm\\] personal: disk: the storage server did not open it"
           "^\\[work:vmm\\] work: disk: the storage server did not open it"
    CHECKS --reject "^storage: (slice|GPT checked)")
endforeach()

foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  # (i) Each partition's /dev/vda is its own slice, served by the storage server
  # (docs/storage.md): the slice's size (256 MiB) and its ext4 label, a pattern written at its
  # last sector and read back from the disk, a write past its end refused, a file through
  # ext4 kept over an unmount, and no other partition's pattern in the first and last MiB of
  # its disk (personal's last sector is next to work's first on the physical disk); and every
  # read and write moved by the disk straight to or from the guest's buffers (none bounced).
  set(disk_expect "")
  foreach(p personal work)
    list(APPEND disk_expect
      "^\\[${p}\\] .*DUET-DISK ${p} size 268435456\\b"
      "^\\[${p}\\] .*DUET-DISK ${p} label ${p}\\b"
      "^\\[${p}\\] .*DUET-DISK ${p} pattern ok at 524287\\b"
      "^\\[${p}\\] .*DUET-DISK ${p} past-end rc=[1-9]"
      "^\\[${p}\\] .*DUET-DISK ${p} file ${p} DUET-PATTERN ${p}\\b"
      "^\\[${p}\\] .*DUET-DISK ${p} scan 3 clean\\b"
      "^storage: ${p}: reset; so far [1-9][0-9]* requests \\([1-9][0-9]* on its own buffers, 0 bounced\\), [1-9][0-9]* doorbell wake-ups; disk interrupts [1-9][0-9]* \\(all partitions\\)$")
  endforeach()
  linux_test(${arch} disk TIMEOUT 150
    UNTIL "DUET-DISK-DONE (personal|work)\\b" "DUET-DISK-DONE (personal|work)\\b"
    EXPECT "^storage: serving 2 partition\\(s\\)$" ${disk_expect}
    CHECKS --reject "DUET-DISK [a-z]+ (absent|pattern differs|mount failed)"
           --reject "DUET-DISK [a-z]+ scan [0-9] (?!clean)"
           --reject "^storage: .*(refused|no partition)")
  # (i2) A guest that resets its disk (devmem on its Status register) while requests are in
  # flight: the storage server answers the reset only once the requests it had at the disk are
  # back (the disk writes straight into the guest's RAM, docs/storage.md), and work, using its
  # own disk throughout, passes the whole of (i).
  set(reset_expect "")
  foreach(line ${disk_expect})
    if(line MATCHES "work")
      list(APPEND reset_expect "${line}")
    endif()
  endforeach()
  # The physical disk at 50 MiB/s (QEMU's throttling): personal's 1 MiB reads (two requests each) then
  # stay at it for tens of milliseconds, so the reset finds them there however fast the host.
  linux_test(${arch} disk-reset TIMEOUT 150 DISK_OPTS throttling.bps-total=52428800
    UNTIL "DUET-DRESET-DONE personal\\b" "DUET-DISK-DONE work\\b"
    EXPECT "^storage: serving 2 partition\\(s\\)$" ${reset_expect}
           "^\\[personal\\] .*DUET-DRESET personal reset 1 in-flight [1-9]"
           "^storage: personal: reset answered once its [1-9][0-9]* request\\(s\\) at the disk were back \\(resets that waited: 1\\)$"
    CHECKS --reject "DUET-DISK work (absent|pattern differs|mount failed)"
           --reject "DUET-DISK work scan [0-9] (?!clean)"
           --reject "^storage: .*(refused|no partition)")
endforeach()

# (j) Persistence (test/qemu/disk_persist.py): on a private copy of the disk, personal writes a
# file, syncs and resets without unmounting, finds it again after the reload and unmounts; QEMU
# is then killed and the image on the host must hold the file (e2fsck -fn on personal's slice,
# debugfs reads it with the guest's checksum): a flush acknowledged too early shows here. Then a
# fresh QEMU boots the same image and personal finds the file again with the same checksum.
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  linux_disk(${arch} disk)
  add_test(NAME linux-persist-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/disk_persist.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/linux-persist.elf ${disk}
                   ${CMAKE_BINARY_DIR}/disks ${logs}/linux-persist-${arch}.log)
  set_tests_properties(linux-persist-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 500
                       FIXTURES_REQUIRED "linux-images-${arch};disk-${arch}")
endforeach()

# Measured boot: a byte of work's initramfs changed after mkimage (measured.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/measured.cmake)

# (k) Flood isolation (test/qemu/disk_flood.py, docs/storage.md): personal floods its disk with
# tiny direct requests (dd readers and writers, 64 AIO reads in flight) while work times 200
# small direct reads of its own, before and during the flood in the same boot; work's median
# and p99 during the flood must stay within the bound the script states. personal runs
# below work (priority 30, its VMM 40, against work's 50): the CPU shares of partitions are the
# budget's business (linux-spin), so that what personal's flood can do to work here is through
# the disk path alone. Its own image and fixture, so that linux_images above stays as it is.
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  linux_image(${arch} linux-disk-flood disk-flood WORK disk-latency PRIORITY 30)
  add_test(NAME linux-disk-flood-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target image-${arch}-linux-disk-flood)
  set_tests_properties(linux-disk-flood-images-${arch} PROPERTIES LABELS "qemu;linux"
                       TIMEOUT 1800 FIXTURES_SETUP linux-disk-flood-images-${arch}
                       RESOURCE_LOCK duet-build)
  linux_disk(${arch} disk)
  add_test(NAME linux-disk-flood-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/disk_flood.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/linux-disk-flood.elf ${disk}
                   ${logs}/linux-disk-flood-${arch}.log)
  set_tests_properties(linux-disk-flood-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 360
                       FIXTURES_REQUIRED "linux-disk-flood-images-${arch};disk-${arch}")
endforeach()

# (k2) A spent budget (docs/storage.md, "Whose CPU time"): the same, with personal's budget
# (40/100) spent in every period of its flood by a CPU spinner beside it (duet.floodspin; the
# budget holds a spinner to its share: linux-spin), and its dd requests of 256 KiB
# (duet.floodbs), the largest the storage server takes, each copied on personal's budget by
# its thread of the server, which is parked whenever that budget is spent. work's reads must
# stay within the same bound.
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  linux_image(${arch} linux-disk-flood-spent disk-flood WORK disk-latency PRIORITY 30
              ARGS duet.floodbs=262144 duet.floodspin=1)
  add_test(NAME linux-disk-flood-spent-images-${arch}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}
                   --target image-${arch}-linux-disk-flood-spent)
  set_tests_properties(linux-disk-flood-spent-images-${arch} PROPERTIES LABELS "qemu;linux"
                       TIMEOUT 1800 FIXTURES_SETUP linux-disk-flood-spent-images-${arch}
                       RESOURCE_LOCK duet-build)
  linux_disk(${arch} disk)
  add_test(NAME linux-disk-flood-spent-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/disk_flood.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/linux-disk-flood-spent.elf ${disk}
                   ${logs}/linux-disk-flood-spent-${arch}.log)
  set_tests_properties(linux-disk-flood-spent-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 360
                       FIXTURES_REQUIRED "linux-disk-flood-spent-images-${arch};disk-${arch}")
endforeach()

# (l) The radio server's physical side (test/qemu/radio_link.py, docs/network.md): a virtio NIC
# on the network simulator; the root task starts the radio server on it, whose ARP probe for
# the router must leave through the NIC and its answer come back (the server's line and the
# simulator's log, both).
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  add_test(NAME radio-link-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/radio_link.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/linux-boot.elf $<TARGET_FILE:netsim>
                   ${CMAKE_BINARY_DIR}/radio ${logs}/radio-link-${arch}.log)
  set_tests_properties(radio-link-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 200
                       FIXTURES_REQUIRED "linux-images-${arch};netsim-images-${arch}")
endforeach()

# (m) The network through the radio server (test/qemu/linux_net.py, docs/network.md): both
# partitions bring up their virtio-net device at the manifest's address and run the net scenario
# against the simulator; work reaches the corporate network and the internet, personal the
# internet only, and the simulator's log shows no frame of personal's on the corporate side.
foreach(arch ${DUET_LINUX_TEST_ARCHES})
  if(NOT arch IN_LIST DUET_ARCHES)
    continue()
  endif()
  add_test(NAME linux-net-${arch}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/linux_net.py ${arch}
                   ${CMAKE_BINARY_DIR}/${arch}/images/linux-net.elf $<TARGET_FILE:netsim>
                   ${CMAKE_BINARY_DIR}/radio ${logs}/linux-net-${arch}.log)
  set_tests_properties(linux-net-${arch} PROPERTIES LABELS "qemu;linux" TIMEOUT 400
                       FIXTURES_REQUIRED "linux-images-${arch};netsim-images-${arch}")
endforeach()
