#!/usr/bin/env python3
"""Tests of scripts/bench-boot's instruction-clock mode (--icount): the QEMU command it runs,
the counts it reads from the monitor's answers, and the figures it makes of the runs' marks."""

import importlib.machinery
import importlib.util
import os
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                    "bench-boot")
loader = importlib.machinery.SourceFileLoader("bench_boot", PATH)
spec = importlib.util.spec_from_loader("bench_boot", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)


class FakeMonitor:
    """Answers as QEMU 7.2's monitor does: the echoed command, then the answer."""

    def __init__(self, answers):
        self.answers = answers

    def command(self, text):
        return "\x1b[K" + text + "\r\n" + self.answers[text] + "(qemu) "


INFO_JIT = """Translation buffer state:
TB count            66250
Statistics:
TB flush count      0
TB invalidate count 10334
TLB full flushes    3
TLB partial flushes 131
TLB elided flushes  1039
"""


class Icount(unittest.TestCase):
    def test_command(self):
        cmd, sock = bench.icount_command(["qemu", "-monitor", "none", "-kernel", "k"], "/t")
        self.assertEqual(sock, "/t/monitor.sock")
        self.assertEqual(cmd[:5], ["qemu", "-monitor", "unix:/t/monitor.sock,server=on,wait=off",
                                   "-kernel", "k"])
        self.assertEqual(cmd[5:], ["-icount", "shift=0,sleep=off,rr=record,rrfile=/t/replay.bin"])

    def test_instructions(self):
        mon = FakeMonitor({"info replay": "Recording execution '/t/replay.bin': instruction "
                                          "count = 942161929\r\n"})
        self.assertEqual(bench.instructions(mon), 942161929)

    def test_no_instruction_count_is_an_error(self):
        mon = FakeMonitor({"info replay": "Record/replay is not active\r\n"})
        with self.assertRaises(SystemExit):
            bench.instructions(mon)

    def test_tlb_flushes_full_and_partial(self):
        self.assertEqual(bench.tlb_flushes(FakeMonitor({"info jit": INFO_JIT})), 134)

    def test_figures(self):
        runs = {"bare": [{"up": 100, "tlb_flushes": 5}, {"up": 90, "tlb_flushes": 5},
                         {"up": 110, "tlb_flushes": 7}],
                "duet": [{"up": 300, "guest_start": 180, "tlb_flushes": 50},
                         {"up": 260, "guest_start": 150, "tlb_flushes": 40},
                         {"up": 250, "guest_start": 130, "tlb_flushes": 60}]}
        f = bench.icount_figures(runs)
        self.assertEqual((f["bare"], f["duet"], f["duet_before_guest"]), (100, 260, 150))
        # The guest's part is the median of each run's own difference, not a difference of
        # medians: 120, 110, 120.
        self.assertEqual(f["duet_guest"], 120)
        self.assertAlmostEqual(f["ratio"], 2.6)
        self.assertAlmostEqual(f["guest_ratio"], 1.2)
        self.assertEqual((f["bare_tlb_flushes"], f["duet_tlb_flushes"]), (5, 50))

    def test_guest_start_line(self):
        line = "root: partition personal: 128 MiB at 0x40000000, budget 100/100: started (0)"
        self.assertTrue(bench.GUEST_START.search(line))
        self.assertFalse(bench.GUEST_START.search("root: partition personal: 3 payloads match "
                                                  "their SHA-256"))
        self.assertFalse(bench.GUEST_START.search("root: partition work: 64 MiB: started (0)"))


if __name__ == "__main__":
    unittest.main()
