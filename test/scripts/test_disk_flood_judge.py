#!/usr/bin/env python3
"""Tests of test/qemu/disk_flood.py's judge on made-up logs: work's reads within the bound pass;
a median or a p99 over it, a missing round, a flood that stopped, or two different rounds of
one kind fail."""

import contextlib
import importlib.util
import io
import os
import tempfile
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qemu", "disk_flood.py")
spec = importlib.util.spec_from_file_location("disk_flood", PATH)
flood = importlib.util.module_from_spec(spec)
spec.loader.exec_module(flood)


def lat(kind, p50, p99, mx=None):
    """A DUET-LAT line of work's, figures in microseconds."""
    mx = mx or p99
    return (f"[work] DUET-LAT work {kind} n=200 p50={p50} p90={p50 * 2} p99={p99} max={mx} "
            f"mean={p50 + 10} us")


def log(base=(400, 1500), during=(450, 6000), reads_after=5000, extra=()):
    """A run's log in the order the test paces it."""
    return [
        "[personal] DUET-FLOOD personal waiting",
        "[duet] focus: work",
        "[work] DUET-LAT work waiting",
        lat("baseline", *base),
        "[duet] focus: personal",
        "[personal] DUET-FLOOD personal aio depth 64 of 512-byte direct reads: 4096 done in 4000 ms",
        "[personal] DUET-FLOOD personal running: reads 4000 writes 50 in-flight 12",
        "[duet] focus: work",
        lat("flood", *during),
        "[work] DUET-LAT-DONE work",
        f"[personal] DUET-FLOOD personal reads {reads_after} writes 80 in-flight 3",
    ] + list(extra)


def judge(lines):
    """None if the judge passes the log, else what it said when it failed."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            flood.judge(f.name)
        return None
    except SystemExit:
        return out.getvalue()
    finally:
        os.remove(f.name)


class Judge(unittest.TestCase):
    def test_within_the_bound_passes(self):
        self.assertIsNone(judge(log()))

    def test_at_the_bounds_passes(self):
        # 3 x 400 + 1000 us and 4 x 1500 + 100000 us exactly.
        self.assertIsNone(judge(log(during=(2200, 106000))))

    def test_median_over_the_bound_fails(self):
        self.assertIn("p50 2.20 ms > 2.20 ms", judge(log(during=(2201, 6000))) or "")

    def test_p99_over_the_bound_fails(self):
        self.assertIn("p99 106.00 ms > 106.00 ms", judge(log(during=(450, 106001))) or "")

    def test_slowest_read_alone_does_not_fail(self):
        self.assertIsNone(judge(log(during=(450, 6000, 900000))))

    def test_missing_flood_round_fails(self):
        lines = [l for l in log() if "DUET-LAT work flood" not in l]
        self.assertIn("rounds missing", judge(lines) or "")

    def test_flood_that_stopped_fails(self):
        self.assertIn("no flood", judge(log(reads_after=4100)) or "")

    def test_counters_only_before_the_round_fail(self):
        lines = [l for l in log() if "personal reads" not in l]
        self.assertIn("counters", judge(lines) or "")

    def test_line_drawn_twice_passes(self):
        self.assertIsNone(judge(log(extra=[lat("flood", 450, 6000)])))

    def test_two_different_rounds_fail(self):
        self.assertIn("two different flood rounds",
                      judge(log(extra=[lat("flood", 451, 6000)])) or "")

    def test_another_partition_cannot_speak_for_work(self):
        lines = [l for l in log() if "DUET-LAT work flood" not in l]
        lines.append("[personal] " + lat("flood", 450, 6000)[len("[work] "):])
        self.assertIn("rounds missing", judge(lines) or "")


if __name__ == "__main__":
    unittest.main()
