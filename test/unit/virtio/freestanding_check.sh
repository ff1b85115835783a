#!/bin/bash
# Compiles libhv/virtio freestanding for both arches and fails if it needs any libc but memcpy/memset.
set -euo pipefail
cc=$1 src=$2 stub=$3 out=$4
mkdir -p "$out"
for target in aarch64-none-elf x86_64-none-elf; do
    for f in "$src"/libhv/virtio/*.c; do
        "$cc" --target="$target" -std=c11 -O2 -ffreestanding -nostdlibinc -isystem "$stub" \
            -I"$src/libhv/include" -Wall -Wextra -Werror -c "$f" \
            -o "$out/$(basename "$f" .c).$target.o"
    done
    extern=$(llvm-nm -u "$out"/*."$target".o | awk 'NF == 2 {print $2}' | sort -u)
    defined=$(llvm-nm --defined-only "$out"/*."$target".o | awk 'NF == 3 {print $3}' | sort -u)
    libc=$(comm -23 <(echo "$extern") <(echo "$defined"))
    if [[ "$libc" != $'memcpy\nmemset' && "$libc" != memcpy && "$libc" != memset ]]; then
        echo "libhv/virtio ($target) needs from outside: $libc" >&2
        exit 1
    fi
    echo "$target: only $(echo $libc) from libc"
done
