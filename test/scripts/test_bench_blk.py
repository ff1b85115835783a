#!/usr/bin/env python3
"""Tests of scripts/bench-blk's arithmetic and parsing: the lines the guest and the VMM print
become the figures docs/storage.md defines (MB/s, IOPS, exits and IPC messages per MiB), a
ratio is duet/bare of the medians, and the bare disk is a byte-exact sparse copy of the slice."""

import importlib.machinery
import importlib.util
import os
import tempfile
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                    "bench-blk")
loader = importlib.machinery.SourceFileLoader("bench_blk", PATH)
spec = importlib.util.spec_from_loader("bench_blk", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)

# What a Duet run prints around one phase (the counters as the VMM logs them at two resets).
BEFORE = ["VMM-BLK-STATS personal kinds exit_mmio=100 exit_hvc=10",
          "VMM-BLK-STATS personal vmm exits=110 blk_kicks=3 blk_irqs=3 blk_events=3",
          "VMM-BLK-STATS personal srv srv_requests=3 srv_doorbell_wakeups=3 "
          "srv_completion_signals=3 srv_wakeups=6 srv_disk_irqs=3",
          "VMM-BLK-STATS personal hops srv_timed=2 srv_in_cycles=100 srv_device_cycles=900 "
          "srv_out_cycles=50",
          "VMM-BLK-STATS personal hops2 srv_kicks_timed=3 srv_kick_cycles=30 events_timed=3 "
          "event_cycles=60"]
AFTER = ["VMM-BLK-STATS personal kinds exit_mmio=1100 exit_hvc=10",
         "VMM-BLK-STATS personal vmm exits=1110 blk_kicks=259 blk_irqs=203 blk_events=200",
         "VMM-BLK-STATS personal srv srv_requests=259 srv_doorbell_wakeups=256 "
         "srv_completion_signals=203 srv_wakeups=406 srv_disk_irqs=210",
         "VMM-BLK-STATS personal hops srv_timed=202 srv_in_cycles=2100 srv_device_cycles=60900 "
         "srv_out_cycles=1050",
         "VMM-BLK-STATS personal hops2 srv_kicks_timed=253 srv_kick_cycles=2530 "
         "events_timed=203 event_cycles=4060"]


def stats_of(lines):
    """The counters of a reset's lines, merged as run_once merges them."""
    out = {}
    for line in lines:
        m = bench.STATS.search("[personal:vmm] " + line)
        assert m, line
        out.update(bench.kv(m.group(2)))
    return out


class Figures(unittest.TestCase):
    def test_throughput_units(self):
        # 64 MiB in 0.5 s: 134.2 MB/s (10^6 bytes); 1000 reads in 2 s: 500 IOPS.
        line = "[personal] DUET-BLKBENCH personal read bytes=67108864 ns=500000000 bad_pages=0"
        m = bench.RESULT.search(line)
        self.assertEqual(m.group(1), "read")
        self.assertAlmostEqual(bench.throughput(bench.kv(m.group(2))), 134.217728)
        rand = bench.kv("ops=1000 bytes=4096000 ns=2000000000 bad_pages=0")
        self.assertAlmostEqual(bench.throughput(rand), 500.0)

    def test_begin_and_error_lines_are_not_results(self):
        self.assertIsNone(bench.RESULT.search("DUET-BLKBENCH personal write begin"))
        self.assertTrue(bench.BEGIN.search("DUET-BLKBENCH personal write begin"))
        self.assertTrue(bench.ERROR.search("DUET-BLKBENCH personal read error pread errno=5"))
        self.assertIsNone(bench.RESULT.search("DUET-BLKBENCH personal read error pread errno=5"))

    def test_costs_per_mib(self):
        c = bench.phase_costs(stats_of(BEFORE), stats_of(AFTER), 64)
        d = c["counters"]
        self.assertEqual(d["exits"], 1000)
        self.assertEqual(d["exit_mmio"], 1000)
        self.assertEqual(d["srv_requests"], 256)
        # 2*1000 exits + 256 doorbells + 200 completion signals + 207 disk interrupts
        # + 400 signals between the server's threads + 2*197 VMM completion events
        # = 3457 messages.
        self.assertEqual(bench.ipc_messages(d), 3457)
        self.assertAlmostEqual(c["ipc_per_mib"], 3457 / 64)
        self.assertAlmostEqual(c["exits_per_mib"], 1000 / 64)
        self.assertAlmostEqual(c["requests_per_mib"], 4.0)
        # 200 requests timed in the phase: 2000, 60000 and 1000 cycles over them.
        self.assertEqual(c["hops"], {"kick": 10.0, "in": 10.0, "device": 300.0, "out": 5.0,
                                     "event": 20.0})

    def test_kernel_rung_doorbells_count_by_the_servers_wakeups(self):
        before, after = stats_of(BEFORE), stats_of(AFTER)
        before["blk_kicks"] = after["blk_kicks"] = 0
        d = bench.phase_costs(before, after, 64)["counters"]
        # 3457 as above, with the 253 doorbell wake-ups in place of the 256 kicks.
        self.assertEqual(bench.ipc_messages(d), 3457 - 256 + 253)

    def test_hops_without_timed_requests(self):
        before, after = stats_of(BEFORE), stats_of(BEFORE)
        c = bench.phase_costs(before, after, 64)
        self.assertEqual(c["hops"], {"kick": 0.0, "in": 0.0, "device": 0.0, "out": 0.0,
                                     "event": 0.0})

    def test_ratio_is_of_the_medians(self):
        def run(mbs, cpu):
            r = {"bytes": int(mbs * 1e6), "ns": 1000000000, "qemu_cpu_ns": int(cpu * 1e9)}
            return {p: dict(r) for p in bench.PHASES}
        runs = {"bare": [run(100, 1.0), run(300, 1.0), run(200, 1.0)],
                "duet": [run(50, 0.5), run(90, 0.5), run(10, 0.5)]}
        cost = {p: {"exits_per_mib": 1, "ipc_per_mib": 2, "requests_per_mib": 4,
                    "hops": {"kick": 0.5, "in": 1.0, "device": 2.0, "out": 3.0, "event": 4.0}}
                for p in bench.PHASES}
        f = bench.summarise(runs, [cost])["read"]
        self.assertAlmostEqual(f["bare"], 200.0)
        self.assertAlmostEqual(f["duet"], 50.0)
        self.assertAlmostEqual(f["ratio"], 0.25)
        # Per CPU-second Duet got half the CPU: twice its wall-time figure.
        self.assertAlmostEqual(f["ratio_cpu"], 0.5)
        self.assertIsNone(f["disk_us_bare"])

    def test_disk_time_per_request(self):
        r = bench.kv("ops=1000 bytes=4096000 ns=2000000000 bad_pages=0 disk_ios=1000 disk_ms=150")
        self.assertAlmostEqual(bench.disk_us(r), 150.0)
        self.assertIsNone(bench.disk_us(bench.kv("ops=1 ns=1 disk_ios=0 disk_ms=0")))

    def test_guest_speed(self):
        m = bench.CPU_PROBE.search("[personal] DUET-BLKBENCH personal cpu rounds=50 ns=500000000")
        self.assertAlmostEqual(bench.guest_speed({"cpu": bench.kv(m.group(1))}), 100.0)
        self.assertIsNone(bench.guest_speed({}))
        # Its own line: never taken for a phase's result.
        self.assertIsNone(bench.RESULT.search("DUET-BLKBENCH personal cpu rounds=50 ns=5"))


class SliceCopy(unittest.TestCase):
    def test_sparse_copy_of_a_slice_is_exact(self):
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "disk"), os.path.join(d, "slice")
            mib = 1 << 20
            with open(src, "wb") as f:
                f.truncate(8 * mib)
                f.seek(2 * mib + 5)
                f.write(b"slice data")
                f.seek(5 * mib - 3)
                f.write(b"end!")
            bench.sparse_copy(src, dst, 2 * mib, 3 * mib)
            with open(src, "rb") as f:
                f.seek(2 * mib)
                want = f.read(3 * mib)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), want)


if __name__ == "__main__":
    unittest.main()
