#!/usr/bin/env python3
"""Tests of scripts/check-log, the judge of the Linux tests' console logs: a judge that passes
a broken log, or fails a good one, makes those tests say nothing. Each case writes a small log
and runs check-log on it as the tests do."""

import os
import subprocess
import sys
import tempfile
import unittest

CHECK_LOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                         "check-log")


def judge(lines, *checks, end="\n"):
    """check-log's exit status and output on a log made of lines (the last one ending in end:
    "" for a log cut inside a line when QEMU was stopped)."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write("\n".join(lines) + end)
    try:
        p = subprocess.run([sys.executable, CHECK_LOG, *checks, "--log", f.name],
                           capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout
    finally:
        os.unlink(f.name)


class Tags(unittest.TestCase):
    def test_own_tags_pass(self):
        rc, out = judge(["[work] DUET-COUNT work 1", "[personal] / # DUET-COUNT personal 2",
                         "personal: x86: unknown port read 0x87 size 1 (reads all ones)"],
                        "--tags")
        self.assertEqual(rc, 0, out)

    def test_line_of_another_partition_fails(self):
        rc, out = judge(["[personal] DUET-COUNT work 3"], "--tags")
        self.assertEqual(rc, 1, out)
        self.assertIn("tagged with another partition's name", out)

    def test_broken_prompt_redrawn_whole_passes(self):
        # the console server broke personal's shown partial line for work's, then showed the
        # whole line again: the piece is cut inside the name
        rc, out = judge(["[personal] DUET-CPU persona",
                         "[work] DUET-CPU work model name : QEMU",
                         "[personal] DUET-CPU personal model name : QEMU"], "--tags")
        self.assertEqual(rc, 0, out)

    def test_piece_never_redrawn_fails(self):
        rc, out = judge(["[personal] DUET-CPU persona", "[work] DUET-CPU work x"], "--tags")
        self.assertEqual(rc, 1, out)

    def test_piece_redrawn_under_another_tag_fails(self):
        rc, out = judge(["[personal] DUET-CPU wor", "[work] DUET-CPU work x"], "--tags")
        self.assertEqual(rc, 1, out)

    def test_last_line_cut_by_the_stop_is_not_judged(self):
        # QEMU stopped while work printed: the log ends inside its name, without a newline
        log = ["[personal] DUET-COUNT personal 44", "[work] DUET-COUNT wo"]
        rc, out = judge(log, "--tags", end="")
        self.assertEqual(rc, 0, out)
        # the same line ended by its newline was printed so: it is judged, and fails
        rc, out = judge(log, "--tags")
        self.assertEqual(rc, 1, out)
        # only the last line gets that leave
        rc, out = judge(["[work] DUET-COUNT wo", "[personal] DUET-COUNT personal 4"], "--tags",
                        end="")
        self.assertEqual(rc, 1, out)


class Redrawn(unittest.TestCase):
    # the console server showed personal's partial line, broke it for work's, and showed it
    # whole again: the guest printed it once
    BROKEN = ["[personal] DUET-GUEST-UP personal", "[work] DUET-GUEST-UP work",
              "[personal] DUET-GUEST-UP personal", "[personal] DUET-UNAME perso",
              "[work] DUET-UNAME work Linux", "[personal] DUET-UNAME personal Linux"]

    def test_partial_then_whole_counts_once(self):
        for pattern in ("DUET-GUEST-UP personal", "DUET-UNAME perso"):
            rc, out = judge(self.BROKEN, "--at-most", pattern, "1")
            self.assertEqual(rc, 0, out)
        # the other checks see the lines as shown
        rc, out = judge(self.BROKEN, "--at-least", "DUET-GUEST-UP personal", "2")
        self.assertEqual(rc, 0, out)

    def test_a_line_printed_twice_counts_twice(self):
        # a second boot: the partition's own lines come between the two
        log = ["[personal] DUET-GUEST-UP personal", "[work] DUET-COUNT work 1",
               "[personal] [ 0.1] Linux version", "[personal] DUET-GUEST-UP personal"]
        rc, out = judge(log, "--at-most", "DUET-GUEST-UP personal", "1")
        self.assertEqual(rc, 1, out)
        # twice in a row with nothing between: the console draws it on one line, not two
        rc, out = judge(["[personal] DUET-GUEST-UP personal"] * 2, "--at-most",
                        "DUET-GUEST-UP personal", "1")
        self.assertEqual(rc, 1, out)

    def test_piece_never_redrawn_counts(self):
        log = ["[personal] DUET-GUEST-UP personal", "[work] DUET-COUNT work 1",
               "[personal] DUET-COUNT personal 1", "[personal] DUET-GUEST-UP personal"]
        rc, out = judge(log, "--at-most", "DUET-GUEST-UP personal", "1")
        self.assertEqual(rc, 1, out)

    def test_reject_sees_the_piece(self):
        rc, out = judge(self.BROKEN, "--reject", "DUET-UNAME perso$")
        self.assertEqual(rc, 1, out)


class Counts(unittest.TestCase):
    def test_reject_and_at_least(self):
        log = ["[work] DUET-COUNT work 1", "[work] DUET-COUNT work 2"]
        self.assertEqual(judge(log, "--at-least", "DUET-COUNT work", "2")[0], 0)
        self.assertEqual(judge(log, "--at-least", "DUET-COUNT work", "3")[0], 1)
        self.assertEqual(judge(log, "--reject", "Kernel panic")[0], 0)
        self.assertEqual(judge(log + ["[work] Kernel panic - not syncing"],
                               "--reject", "Kernel panic")[0], 1)

    def test_advance(self):
        log = ["[work] DUET-COUNT work 1", "[personal] DUET-DEVMEM-DONE personal",
               "[work] DUET-COUNT work 2", "[work] DUET-COUNT work 4"]
        self.assertEqual(judge(log, "--advance", "work", "DEVMEM-DONE", "3")[0], 0)
        self.assertEqual(judge(log, "--advance", "work", "DEVMEM-DONE", "4")[0], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
