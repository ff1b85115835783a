"""The storage server's disk for the evaluation's disk cases (DS-21): a private copy of
scripts/mkdisk's image of the arch for each run (sparse: a few MiB of data), attached as QEMU
attaches it for the Linux tests, read by the harness after QEMU stopped, then deleted; and where
a GPT partition starts on it, from the image's own GPT."""

import os
import struct
import subprocess

from harness import machine

DRIVE = "disk0"
DEVICES = {"aarch64": "virtio-blk-device", "x86_64": "virtio-blk-pci"}  # scripts/duet-qemu
SECTOR = 512


def image(arch):
    cache = os.environ.get("DUET_CACHE", os.path.join(machine.ROOT, "build", "cache"))
    return os.path.join(cache, "disks", f"{arch}.img")


def private_copy(arch, path):
    subprocess.run(["cp", "--sparse=always", image(arch), path], check=True)
    return path


def qemu_args(arch, path):
    return ["-drive", f"if=none,id={DRIVE},format=raw,file={path}",
            "-device", f"{DEVICES[arch]},drive={DRIVE}"]


def slice_start(path, name, sectors):
    """(byte offset, length) of the first `sectors` sectors of the GPT partition called name."""
    with open(path, "rb") as f:
        f.seek(SECTOR)
        hdr = f.read(92)
        if hdr[:8] != b"EFI PART":
            raise OSError(f"{path}: no GPT header")
        entries_lba, count, size = struct.unpack_from("<QII", hdr, 72)
        f.seek(entries_lba * SECTOR)
        table = f.read(count * size)
    for i in range(count):
        e = table[i * size:(i + 1) * size]
        first = struct.unpack_from("<Q", e, 32)[0]
        if e[56:56 + 72].decode("utf-16-le", "replace").rstrip("\0") == name:
            return (first * SECTOR, sectors * SECTOR)
    raise OSError(f"{path}: no GPT partition named {name}")
