# BearSSL's SHA-256 (measured boot, docs/manifest.md): Debian's source package, fetched into
# the cache by scripts/fetch-bearssl when the build is configured (nothing of it is in git),
# and compiled by libhv/sha256/ with each build's own flags. The host build passes the
# directory on to the per-arch cross builds.
set(DUET_BEARSSL_DIR "" CACHE PATH "Unpacked BearSSL source tree (empty: scripts/fetch-bearssl)")
if(NOT EXISTS "${DUET_BEARSSL_DIR}/src/hash/sha2small.c")
  execute_process(COMMAND ${CMAKE_SOURCE_DIR}/scripts/fetch-bearssl
                  OUTPUT_VARIABLE dir RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc OR NOT EXISTS "${dir}/src/hash/sha2small.c")
    message(FATAL_ERROR "BearSSL's source could not be fetched (scripts/fetch-bearssl failed): "
                        "measured boot needs its SHA-256")
  endif()
  set(DUET_BEARSSL_DIR ${dir} CACHE PATH "Unpacked BearSSL source tree (empty: scripts/fetch-bearssl)"
      FORCE)
endif()
# SHA-256 itself and the two big-endian codec loops it calls; inc/ and src/ for its headers.
set(DUET_BEARSSL_SHA256_SOURCES
  ${DUET_BEARSSL_DIR}/src/hash/sha2small.c
  ${DUET_BEARSSL_DIR}/src/codec/dec32be.c
  ${DUET_BEARSSL_DIR}/src/codec/enc32be.c)
set(DUET_BEARSSL_INCLUDE_DIRS ${DUET_BEARSSL_DIR}/inc ${DUET_BEARSSL_DIR}/src)
