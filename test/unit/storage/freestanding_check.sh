#!/bin/bash
# Compiles the given sources freestanding for aarch64 and x86_64 and fails if, together, they
# need any symbol they do not define: the storage server's logic and libhv's virtio driver side
# must link into a freestanding server with libhv and nothing else.
set -euo pipefail
cc=$1 src=$2 stub=$3 out=$4
shift 4
mkdir -p "$out"
for target in aarch64-none-elf x86_64-none-elf; do
    rm -f "$out"/*."$target".o
    for f in "$@"; do
        "$cc" --target="$target" -std=c11 -O2 -ffreestanding -nostdlibinc -isystem "$stub" \
            -I"$src/libhv/include" -Wall -Wextra -Werror -Wno-unused-parameter -c "$f" \
            -o "$out/$(basename "$(dirname "$f")")_$(basename "$f" .c).$target.o"
    done
    extern=$(llvm-nm -u "$out"/*."$target".o | awk 'NF == 2 {print $2}' | sort -u)
    defined=$(llvm-nm --defined-only "$out"/*."$target".o | awk 'NF == 3 {print $3}' | sort -u)
    missing=$(comm -23 <(echo "$extern") <(echo "$defined"))
    if [ -n "$missing" ]; then
        echo "$target: needs from outside: $missing" >&2
        exit 1
    fi
    echo "$target: self-contained ($# sources)"
done
