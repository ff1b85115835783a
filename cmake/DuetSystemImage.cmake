# System images: a kernel image per system manifest, carrying the manifest's partitions (Debian
# guests, their initramfs, DTBs and partition table) in its boot archive (docs/manifest.md).
#
# Two halves, because the boot archive needs both host tools and the cross-built programs:
#   host build   duet_system_image(): fetch-guests, mkinitramfs and mkimage write the payload
#                to <build>/<arch>/images/<name>/payload/, and a target image-<arch>-<name>
#                then asks the arch's cross build for kernel-<name>;
#   cross build  duet_system_kernels() (kernel/CMakeLists.txt): for every name the host
#                declared, the boot archive (programs + payload) and
#                <build>/<arch>/images/<name>.elf: the kernel's objects (compiled once per arch)
#                linked with that archive.
# Nothing here runs unless an image-<arch>-<name> target is built: guests are fetched on demand
# and the download stays cached in build/cache (scripts/fetch-guests).

set(DUET_SYSTEM_IMAGE_PROGRAMS "" CACHE STRING
    "Programs of a system image's boot archive (empty: root, then every program of servers/)")

# --- host half ------------------------------------------------------------------------------

# The guest initramfs of one Debian arch, built once however many images use it.
function(_duet_guest_payload deb out_var)
  set(dir ${CMAKE_BINARY_DIR}/guests/${deb})
  set(initramfs ${dir}/initramfs-debian-${deb}.cpio.gz)
  set(${out_var} ${dir} PARENT_SCOPE)
  get_property(done GLOBAL PROPERTY DUET_GUEST_PAYLOAD_${deb})
  if(done)
    return()
  endif()
  set_property(GLOBAL PROPERTY DUET_GUEST_PAYLOAD_${deb} ON)
  set(s ${CMAKE_SOURCE_DIR}/scripts)
  # fetch-guests is cheap when cached (it refreshes package lists once a day); its stamp
  # makes the initramfs follow a new kernel package.
  add_custom_command(OUTPUT ${dir}/fetched.stamp
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${s}/fetch-guests ${deb}
    COMMAND ${CMAKE_COMMAND} -E touch ${dir}/fetched.stamp
    DEPENDS ${s}/fetch-guests
    COMMENT "Fetching the Debian ${deb} guest packages (cached in build/cache)" VERBATIM)
  add_custom_command(OUTPUT ${initramfs}
    COMMAND python3 ${s}/mkinitramfs ${deb} ${initramfs}
            --root ${DUET_GUEST_CACHE}/debian-${deb}/root
    DEPENDS ${dir}/fetched.stamp ${s}/mkinitramfs ${CMAKE_SOURCE_DIR}/test/guest/init
            ${CMAKE_SOURCE_DIR}/test/guest/scenarios.sh ${CMAKE_SOURCE_DIR}/test/guest/attack.c
            ${CMAKE_SOURCE_DIR}/test/guest/udp.c
            ${CMAKE_SOURCE_DIR}/test/guest/blkbench.c
            ${CMAKE_SOURCE_DIR}/test/guest/disklat.c
            ${CMAKE_SOURCE_DIR}/test/guest/fbfill.c
            ${CMAKE_SOURCE_DIR}/test/guest/nettool.c
            ${CMAKE_SOURCE_DIR}/test/guest/evread.c
            ${CMAKE_SOURCE_DIR}/test/guest/sys.h
    COMMENT "Building the ${deb} guest initramfs" VERBATIM)
endfunction()

# duet_system_image(NAME <name> ARCH <aarch64|x86_64> MANIFEST <system.dts>
#                   [PROGRAMS <archive name>=<cross target>...])
# PROGRAMS: more programs of the cross build in this image's boot archive only, under the names
# given: a test image's rogue VMM as vmm.<partition> (docs/manifest.md).
function(duet_system_image)
  cmake_parse_arguments(S "" "NAME;ARCH;MANIFEST" "PROGRAMS" ${ARGN})
  if(S_ARCH STREQUAL "aarch64")
    set(deb arm64)
    set(board qemu-virt)
  elseif(S_ARCH STREQUAL "x86_64")
    set(deb amd64)
    set(board qemu-q35)
  else()
    message(FATAL_ERROR "duet_system_image(${S_NAME}): ARCH must be aarch64 or x86_64")
  endif()
  if(NOT S_NAME MATCHES "^[a-z0-9_-]+$" OR NOT S_MANIFEST)
    message(FATAL_ERROR "duet_system_image: NAME [a-z0-9_-]+ and MANIFEST are required")
  endif()
  _duet_guest_payload(${deb} guests)
  set(out ${CMAKE_BINARY_DIR}/${S_ARCH}/images/${S_NAME}/payload)
  add_custom_command(OUTPUT ${out}/bootfs.list ${out}/partitions
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND mkimage --arch ${S_ARCH} --manifest ${S_MANIFEST}
            --qemu-args ${CMAKE_SOURCE_DIR}/platform/${board}/qemu.args
            --search ${DUET_GUEST_CACHE}/debian-${deb}/root/boot --search ${guests}
            --out ${out}
    DEPENDS mkimage ${S_MANIFEST} ${guests}/initramfs-debian-${deb}.cpio.gz
            ${guests}/fetched.stamp
    COMMENT "Checking ${S_MANIFEST} and building its partitions (mkimage)" VERBATIM)
  # Read by the cross build's duet_system_kernels(); rewritten only on change.
  set(programs_file ${CMAKE_BINARY_DIR}/${S_ARCH}/images/${S_NAME}/programs.txt)
  string(REPLACE ";" "\n" programs "${S_PROGRAMS}")
  set(old "")
  if(EXISTS ${programs_file})
    file(READ ${programs_file} old)
  endif()
  if(NOT old STREQUAL programs)
    file(WRITE ${programs_file} "${programs}")
  endif()
  add_custom_target(image-${S_ARCH}-${S_NAME}
    COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR}/${S_ARCH} --target kernel-${S_NAME}
    DEPENDS ${out}/bootfs.list
    COMMENT "Linking ${CMAKE_BINARY_DIR}/${S_ARCH}/images/${S_NAME}.elf"
    USES_TERMINAL)
  add_dependencies(image-${S_ARCH}-${S_NAME} image-${S_ARCH})
  # Tell the cross build which images exist; rewritten only on change, so that it is not
  # reconfigured for nothing.
  get_property(names GLOBAL PROPERTY DUET_SYSTEM_IMAGES_${S_ARCH})
  list(APPEND names ${S_NAME})
  set_property(GLOBAL PROPERTY DUET_SYSTEM_IMAGES_${S_ARCH} ${names})
  string(REPLACE ";" "\n" content "${names}\n")
  set(file ${CMAKE_BINARY_DIR}/${S_ARCH}/system-images.txt)
  set(old "")
  if(EXISTS ${file})
    file(READ ${file} old)
  endif()
  if(NOT old STREQUAL content)
    file(WRITE ${file} "${content}")
  endif()
endfunction()

set(DUET_GUEST_CACHE ${CMAKE_SOURCE_DIR}/build/cache)
if(DEFINED ENV{DUET_CACHE})
  set(DUET_GUEST_CACHE $ENV{DUET_CACHE})
endif()

# --- cross half -----------------------------------------------------------------------------

# Called after duet_kernel_image() exists (kernel/CMakeLists.txt): one more kernel per system
# image, the kernel's objects linked with a boot archive of the programs + the image's payload.
# Not built by default (EXCLUDE_FROM_ALL): the host's image-<arch>-<name> target asks for it.
function(duet_system_kernels)
  set(list_file ${CMAKE_BINARY_DIR}/system-images.txt)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${list_file})
  if(NOT EXISTS ${list_file})
    return()
  endif()
  file(STRINGS ${list_file} names)
  set(wanted ${DUET_SYSTEM_IMAGE_PROGRAMS})
  if(NOT wanted)
    # Each servers/<x>/ builds the program <x> (docs/boot-image.md); the root task goes first.
    file(GLOB dirs LIST_DIRECTORIES true RELATIVE ${CMAKE_SOURCE_DIR}/servers
         ${CMAKE_SOURCE_DIR}/servers/*)
    set(wanted root)
    foreach(d ${dirs})
      if(TARGET ${d} AND NOT d STREQUAL "root")
        list(APPEND wanted ${d})
      endif()
    endforeach()
  endif()
  set(programs "")
  foreach(p ${wanted})
    list(APPEND programs ${p}=$<TARGET_FILE:${p}>)
  endforeach()
  foreach(name ${names})
    set(dir ${CMAKE_BINARY_DIR}/images/${name})
    set(bootfs ${dir}/bootfs.img)
    # The image's own programs (duet_system_image PROGRAMS): name=target, one a line.
    set(extra "")
    set(extra_targets "")
    if(EXISTS ${dir}/programs.txt)
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/programs.txt)
      file(STRINGS ${dir}/programs.txt entries)
      foreach(e ${entries})
        string(REPLACE "=" ";" kv "${e}")
        list(GET kv 0 archive_name)
        list(GET kv 1 target)
        list(APPEND extra ${archive_name}=$<TARGET_FILE:${target}>)
        list(APPEND extra_targets ${target})
      endforeach()
    endif()
    add_custom_command(OUTPUT ${bootfs}
      # The payload list is written by the host build (mkimage), one NAME=PATH a line.
      COMMAND sh -c "exec python3 \"$0\" \"$@\" $(cat ${dir}/payload/bootfs.list)"
              ${CMAKE_SOURCE_DIR}/scripts/mkbootfs ${bootfs} ${programs} ${extra}
      DEPENDS ${wanted} ${extra_targets} ${dir}/payload/bootfs.list ${dir}/payload/partitions
              ${CMAKE_SOURCE_DIR}/scripts/mkbootfs
      COMMENT "Building the boot archive of system image ${name}" VERBATIM)
    duet_kernel_image(kernel-${name} EXCLUDE_FROM_ALL BOOTFS ${bootfs}
                      OUTPUT ${CMAKE_BINARY_DIR}/images/${name}.elf
                      MAP ${CMAKE_BINARY_DIR}/images/${name}.map)
  endforeach()
endfunction()
