# Console fonts from Debian's console-setup-linux (/usr/share/consolefonts/*.psf.gz), turned at
# build time into C arrays a program embeds: gunzip with the system's gzip, then bin2c.cmake.
# The font's own checks are the PSF reader's, at run time and in the unit tests.
set(DUET_CONSOLEFONTS /usr/share/consolefonts CACHE PATH
    "Where Debian's console fonts are (package console-setup-linux)")

# duet_psf_font(<font name> <C symbol> <output variable>)
# Sets <output variable> to a generated C file defining
#   const unsigned char <symbol>[]; const unsigned int <symbol>_size;
# from ${DUET_CONSOLEFONTS}/<font name>.psf.gz.
function(duet_psf_font font symbol out_var)
  set(gz ${DUET_CONSOLEFONTS}/${font}.psf.gz)
  if(NOT EXISTS ${gz})
    message(FATAL_ERROR "console font ${gz} not found: it comes with Debian's "
                        "console-setup-linux package; run scripts/hv setup")
  endif()
  set(dir ${CMAKE_BINARY_DIR}/fonts)
  set(psf ${dir}/${font}.psf)
  set(c ${dir}/${symbol}.c)
  add_custom_command(OUTPUT ${psf}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND sh -c "gzip -dc \"$1\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"" gunzip ${gz} ${psf}
    DEPENDS ${gz}
    COMMENT "gunzip console font ${font}"
    VERBATIM)
  add_custom_command(OUTPUT ${c}
    COMMAND ${CMAKE_COMMAND} -DIN=${psf} -DOUT=${c} -DSYMBOL=${symbol}
            -P ${CMAKE_SOURCE_DIR}/cmake/bin2c.cmake
    DEPENDS ${psf} ${CMAKE_SOURCE_DIR}/cmake/bin2c.cmake
    COMMENT "embed console font ${font} as ${symbol}"
    VERBATIM)
  set(${out_var} ${c} PARENT_SCOPE)
endfunction()
