# Script mode (cmake -DIN=file -DOUT=file.c -DSYMBOL=name -P bin2c.cmake): writes a C file that
# defines the bytes of IN as `const unsigned char SYMBOL[]` and its length as SYMBOL_size.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR size "${digits} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# 16 bytes a line (CMake's regular expressions have no {n})
set(byte "0x[0-9a-f][0-9a-f],")
string(REGEX REPLACE "(${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte}${byte})"
       "\\1\n    " bytes "${bytes}")
get_filename_component(name ${IN} NAME)
file(WRITE ${OUT}.tmp
     "/* ${name}, embedded by cmake/bin2c.cmake at build time: generated, not edited. */\n"
     "const unsigned char ${SYMBOL}[] = {\n    ${bytes}\n};\n"
     "const unsigned int ${SYMBOL}_size = ${size};\n")
file(RENAME ${OUT}.tmp ${OUT})
