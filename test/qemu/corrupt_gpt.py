#!/usr/bin/env python3
"""Copies a disk image (sparse) and flips one byte of its primary GPT header, for the storage
server's refusal test: usage corrupt_gpt.py SOURCE DEST. The byte is FirstUsableLBA's lowest
(header offset 0x28), so the header's CRC32 no longer matches and the backup stays intact."""

import os
import subprocess
import sys

SECTOR = 512
FIRST_USABLE_LBA = 0x28


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: corrupt_gpt.py SOURCE DEST")
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    subprocess.run(["cp", "--sparse=always", src, dst + ".tmp"], check=True)
    with open(dst + ".tmp", "r+b") as f:
        f.seek(SECTOR)
        if f.read(8) != b"EFI PART":
            sys.exit(f"corrupt_gpt.py: {src} has no primary GPT header at LBA 1")
        f.seek(SECTOR + FIRST_USABLE_LBA)
        b = f.read(1)[0]
        f.seek(SECTOR + FIRST_USABLE_LBA)
        f.write(bytes([b ^ 0xFF]))
    subprocess.run(["mv", dst + ".tmp", dst], check=True)


if __name__ == "__main__":
    main()
