/* The module the loader guests are given (the -initrd file of the bare run, the initramfs of
 * the partition): LOADER_MODULE_SIZE bytes, a magic then a pattern, written by the build
 * (loaders.cmake) and checked byte for byte by the guests. */
#pragma once

#define LOADER_MODULE_FILE "loader-module.bin"
#define LOADER_MODULE_MAGIC "DUETMOD1"
#define LOADER_MODULE_SIZE 5000u /* not a page multiple: the size must be the file's */
#define LOADER_MODULE_BYTE(i) ((unsigned char)((i) * 7u + 3u))
