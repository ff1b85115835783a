#!/usr/bin/env python3
"""Tests of scripts/flip-bootfs-byte, which makes measured boot's tampered image: it must
change exactly the one byte asked for, inside the named file of the archive linked into an
image, and refuse rather than guess when the file or the archive is not found once."""

import os
import subprocess
import sys
import tempfile
import unittest

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")
FLIP = os.path.join(SCRIPTS, "flip-bootfs-byte")
MKBOOTFS = os.path.join(SCRIPTS, "mkbootfs")


class Flip(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.files = {"root": b"R" * 100, "initrd": bytes(range(256)) * 20, "dtb": b"D" * 9}
        args = []
        for name, data in self.files.items():
            open(os.path.join(d, name), "wb").write(data)
            args.append(f"{name}={os.path.join(d, name)}")
        arc = os.path.join(d, "arc")
        subprocess.run([sys.executable, MKBOOTFS, arc, *args], check=True)
        # An "image": code before the archive holding the reader's magic constant as data,
        # then the archive at a page boundary, then more bytes.
        self.archive = open(arc, "rb").read()
        self.prefix = b"\x90" * 100 + b"DUETBFS1" + b"\0" * (8192 - 108)
        self.image = os.path.join(d, "image.elf")
        open(self.image, "wb").write(self.prefix + self.archive + b"\xcc" * 333)
        self.out = os.path.join(d, "out.elf")

    def tearDown(self):
        self.dir.cleanup()

    def flip(self, *args):
        return subprocess.run([sys.executable, FLIP, self.image, self.out, *args],
                              capture_output=True, text=True, timeout=30)

    def changed(self):
        a, b = open(self.image, "rb").read(), open(self.out, "rb").read()
        self.assertEqual(len(a), len(b))
        return [(i, a[i], b[i]) for i in range(len(a)) if a[i] != b[i]]

    def test_middle_byte_of_the_named_file(self):
        p = self.flip("initrd")
        self.assertEqual(p.returncode, 0, p.stderr)
        start = len(self.prefix) + self.archive.index(self.files["initrd"])
        mid = len(self.files["initrd"]) // 2
        self.assertEqual(self.changed(), [(start + mid, self.files["initrd"][mid],
                                           self.files["initrd"][mid] ^ 0xFF)])

    def test_given_offset(self):
        p = self.flip("dtb", "8")
        self.assertEqual(p.returncode, 0, p.stderr)
        start = len(self.prefix) + self.archive.index(self.files["dtb"])
        self.assertEqual(self.changed(), [(start + 8, ord("D"), ord("D") ^ 0xFF)])

    def test_offset_outside_the_file_is_refused(self):
        p = self.flip("dtb", "9")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("outside 'dtb'", p.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_missing_file_is_refused(self):
        p = self.flip("no-such-file")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("0 boot archives", p.stderr)

    def test_two_archives_are_refused(self):
        open(self.image, "ab").write(b"\0" * (4096 - 333) + self.archive)
        p = self.flip("initrd")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("2 boot archives", p.stderr)


if __name__ == "__main__":
    unittest.main()
