#!/usr/bin/env python3
"""Tests of scripts/bench-budget's judge: a share outside its budget's +-5 % must fail, one
inside must pass, and a run that lost a line or hit trouble must not yield a figure at all."""

import contextlib
import importlib.machinery
import importlib.util
import io
import os
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                    "bench-budget")
loader = importlib.machinery.SourceFileLoader("bench_budget", PATH)
spec = importlib.util.spec_from_loader("bench_budget", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)


def log(forty_cpu=1440000, thirty_cpu=1080000, extra=()):
    """A pair run's log as the root task and the guests print it (3.6 s, whole periods)."""
    return [
        "root: partition forty: 16 MiB at 0x40000000, budget 4/10: started (0)",
        "root: partition thirty: 16 MiB at 0x40000000, budget 3/10: started (0)",
        "[forty] BUDGET-GUEST: load=spin window_us=3100000 iterations=42754848 ran_us=1240000 "
        "sleeps=0 ticks_met=124 aligned=1",
        "[forty:vmm] VMM-STATS forty exits=467 mmio=466",
        f"root: partition forty: cpu {forty_cpu} us of 3600000 us",
        "root: partition forty stopped",
        "[thirty] BUDGET-GUEST: load=spin window_us=3100000 iterations=32066485 ran_us=930000 "
        "sleeps=0 ticks_met=93 aligned=1",
        f"root: partition thirty: cpu {thirty_cpu} us of 3600000 us",
        "root: partition thirty stopped",
    ] + list(extra)


def judge(lines, rate=None):
    """The failures judge() reports, and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parts = bench.parse(lines, "budget-spin", "test.log")
        failures = bench.judge("aarch64", "spin", parts, rate)
    return failures, out.getvalue()


class Judge(unittest.TestCase):
    def test_budgets_met_pass(self):
        failures, out = judge(log(), rate=34.473)
        self.assertEqual(failures, [], out)
        self.assertIn('"share": 0.4,', out)
        self.assertIn('"guest_share_iterations": 0.4001', out)

    def test_edges_of_the_tolerance(self):
        # 38 % and 31.5 % are in; 37.9 % and 31.6 % are out
        self.assertEqual(judge(log(1368000, 1134000))[0], [])
        failures, _ = judge(log(1364400, 1137600))
        self.assertEqual(len(failures), 2, failures)

    def test_a_dodger_over_its_budget_fails(self):
        failures, out = judge(log(forty_cpu=3528000))
        self.assertEqual(len(failures), 1, out)
        self.assertIn("forty", failures[0])
        self.assertIn('"pass": false', out)

    def test_missing_cpu_line_is_no_figure(self):
        lines = [l for l in log() if not l.startswith("root: partition thirty: cpu")]
        with self.assertRaises(bench.RunError):
            judge(lines)

    def test_kernel_fatal_is_no_figure(self):
        with self.assertRaises(bench.RunError):
            judge(log(extra=["FATAL: kernel exception: vector 14"]))

    def test_guest_complaint_is_no_figure(self):
        with self.assertRaises(bench.RunError):
            judge(log(extra=["[forty] BUDGET-GUEST-FAIL: command line ''"]))


if __name__ == "__main__":
    unittest.main()
