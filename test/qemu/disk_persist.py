#!/usr/bin/env python3
"""Persistence of a partition's disk (issue 14, docs/storage.md): boots the system on a private
copy of the physical disk image, not a snapshot. personal writes a file, syncs and resets
without unmounting (scenario `persist`); after the reload it finds the file with the same
checksum and unmounts. Then QEMU is killed, and the image on the host must hold the file:
personal's GPT slice passes `e2fsck -fn` and `debugfs` reads the file with the checksum the
guest printed. A flush the storage server acknowledged before the disk had the data shows up
here as a missing or different file. Last, a fresh QEMU boots the same image: personal must
find the file again with the same checksum (still there after QEMU is restarted).

usage: disk_persist.py <arch> <kernel.elf> <cached disk image> <work dir> <log>
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECTOR = 512


def tool(name):
    """e2fsprogs and fdisk's tools live in /sbin on Debian, not always on a user's PATH."""
    return shutil.which(name) or shutil.which(name, path="/sbin:/usr/sbin") or sys.exit(
        f"disk_persist: {name} not found (Debian packages e2fsprogs, fdisk)")


def fail(msg):
    print(f"disk_persist: FAILED: {msg}")
    sys.exit(1)


def slice_of(image, name):
    """(first sector, sectors) of the GPT partition called name, as sfdisk reads the table."""
    out = subprocess.run([tool("sfdisk"), "--json", image], capture_output=True, text=True,
                         check=True).stdout
    for p in json.loads(out)["partitiontable"]["partitions"]:
        if p.get("name") == name:
            return p["start"], p["size"]
    fail(f"no GPT partition {name!r} in {image}")


def boot(arch, kernel, disk, log, name, until):
    """One QEMU on the image (writes reach it: no snapshot) until the lines of until appear."""
    return subprocess.run(
        ["python3", os.path.join(ROOT, "scripts", "duet-qemu"), "test", "--arch", arch,
         "--kernel", kernel, "--name", name, "--log", log, "--timeout", "200",
         "--disk", disk, *[a for u in until for a in ("--until", u)]]).returncode


def checksums(log, what):
    """The distinct MD5s of personal's `DUET-PERSIST personal <what>` lines. A line can show
    twice: the console draws the focused partition's unfinished line at once, and draws it whole
    again when another partition's line came between (docs/console.md). The file's bytes are
    random, so two writes (or a find of another file) differ in MD5."""
    text = open(log, errors="replace").read()
    return sorted(set(re.findall(rf"DUET-PERSIST personal {what} ([0-9a-f]{{32}})\b", text)))


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    arch, kernel, cached, work, log = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    disk = os.path.join(work, f"persist-{arch}.img")
    subprocess.run(["cp", "--sparse=always", cached, disk], check=True)
    if boot(arch, kernel, disk, log, f"linux-persist-{arch}",
            [r"DUET-PERSIST personal wrote [0-9a-f]{32}\b", r"DUET-PERSIST-UNMOUNTED personal\b"]):
        fail("the guest did not write, reset, find and unmount its file (see the log above)")
    wrote, found = checksums(log, "wrote"), checksums(log, "found")
    if len(wrote) != 1 or len(found) != 1:
        fail(f"expected one file written and found, saw MD5s {wrote} written, {found} found")
    if wrote[0] != found[0]:
        fail(f"after reboot -f the file's MD5 is {found[0]}, written {wrote[0]}")
    print(f"disk_persist: ok: the file survived reboot -f (MD5 {wrote[0]})")

    start, size = slice_of(disk, "duet-personal")
    part = os.path.join(work, f"persist-{arch}-personal.ext4")
    with open(disk, "rb") as src, open(part, "wb") as dst:
        src.seek(start * SECTOR)
        left = size * SECTOR
        while left:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                fail("the image ends inside personal's slice")
            dst.write(chunk)
            left -= len(chunk)
    fsck = subprocess.run([tool("e2fsck"), "-fn", part], capture_output=True, text=True)
    if fsck.returncode:
        fail(f"e2fsck -fn on personal's slice: exit {fsck.returncode}\n{fsck.stdout}{fsck.stderr}")
    print("disk_persist: ok: e2fsck -fn finds personal's filesystem clean on the host")
    cat = subprocess.run([tool("debugfs"), "-R", "cat /duet-persist", part], capture_output=True)
    got = hashlib.md5(cat.stdout).hexdigest()
    if cat.returncode or got != wrote[0]:
        fail(f"debugfs reads /duet-persist as {len(cat.stdout)} bytes with MD5 {got}, "
             f"the guest wrote {wrote[0]}")
    print(f"disk_persist: ok: debugfs reads the file from the host image, MD5 {got}")
    os.remove(part)

    # A fresh QEMU on the same image: the file was written in the first QEMU, so this boot only
    # finds it (the scenario writes only when the file is missing).
    relog = re.sub(r"(\.log)?$", "-restart.log", log, count=1)
    if boot(arch, kernel, disk, relog, f"linux-persist-restart-{arch}",
            [r"DUET-PERSIST-UNMOUNTED personal\b"]):
        fail("after QEMU was restarted the guest did not find and unmount its file "
             f"(see {relog})")
    rewrote, refound = checksums(relog, "wrote"), checksums(relog, "found")
    if rewrote or refound != wrote:
        fail(f"after QEMU was restarted the guest found MD5s {refound} and wrote {rewrote}; "
             f"the file written before has MD5 {wrote[0]}")
    print(f"disk_persist: ok: the file is still there after QEMU is restarted (MD5 {wrote[0]})")
    os.remove(disk)


if __name__ == "__main__":
    main()
