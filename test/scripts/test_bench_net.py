#!/usr/bin/env python3
"""Tests of scripts/bench-net's arithmetic and parsing: the lines the guest and the VMM print
become the figures docs/network.md defines (MB/s, mean round trip, exits, IPC messages and frames
per MiB or per round trip), and the ratio is Duet's performance over bare's either way."""

import importlib.machinery
import importlib.util
import os
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                    "bench-net")
loader = importlib.machinery.SourceFileLoader("bench_net", PATH)
spec = importlib.util.spec_from_loader("bench_net", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)

BEFORE = ["VMM-NET-STATS work vmm exits=100 net_kicks=10 net_irqs=10 net_events=10",
          "VMM-NET-STATS work port tx_frames=50 rx_frames=50 tx_dropped=1 rx_dropped=0",
          "VMM-NET-STATS work srv srv_signals=10 srv_wakeups=20 srv_nic_irqs=5"]
AFTER = ["VMM-NET-STATS work vmm exits=1100 net_kicks=210 net_irqs=310 net_events=410",
         "VMM-NET-STATS work port tx_frames=850 rx_frames=1050 tx_dropped=1 rx_dropped=0",
         "VMM-NET-STATS work srv srv_signals=410 srv_wakeups=520 srv_nic_irqs=305"]


def stats_of(lines):
    """The counters of a reset's lines, merged as run_once merges them."""
    out = {}
    for line in lines:
        m = bench.STATS.search("[work:vmm] " + line)
        assert m, line
        out.update(bench.kv(m.group(2)))
    return out


class Parsing(unittest.TestCase):
    def test_tcp_line(self):
        m = bench.TCP.search("[work] DUET-NETBENCH work send DUET-NETTOOL tcp send kib=8192 "
                             "ms=2000 kib-per-s=4096")
        self.assertEqual(m.group(1), "send")
        self.assertEqual(m.groups()[1:], ("8192", "2000", "4096"))

    def test_rtt_line(self):
        m = bench.RTT.search("[work] DUET-NETBENCH work rtt DUET-NETTOOL rate rtt n=1000 lost=0 "
                             "ms=10000 per-s=100 rtt-mean-us=640 rtt-max-us=9000")
        self.assertEqual(m.groups(), ("1000", "0", "10000", "100", "640", "9000"))

    def test_error_line(self):
        self.assertTrue(bench.ERROR.search("DUET-NETBENCH work send DUET-NETTOOL error connect 111"))
        self.assertFalse(bench.ERROR.search("DUET-NETBENCH work send begin"))

    def test_other_partition_ignored(self):
        self.assertIsNone(bench.STATS.search("VMM-NET-STATS personal vmm exits=1"))
        self.assertIsNone(bench.TCP.search("DUET-NETBENCH personal send DUET-NETTOOL tcp send "
                                           "kib=1 ms=1 kib-per-s=1"))


class Figures(unittest.TestCase):
    def test_throughput_is_decimal_megabytes(self):
        self.assertAlmostEqual(bench.figure("send", {"kib": 8192, "ms": 1000}), 8.388608)

    def test_rtt_is_the_mean(self):
        self.assertEqual(bench.figure("rtt", {"rtt_mean_us": 640, "n": 5}), 640)

    def test_ipc_counts_every_message(self):
        d = {"exits": 1000, "net_kicks": 200, "srv_signals": 400, "srv_nic_irqs": 300,
             "srv_wakeups": 500, "net_events": 400}
        self.assertEqual(bench.ipc_messages(d), 2000 + 200 + 400 + 300 + 500 + 800)

    def test_costs_per_mib(self):
        c = bench.phase_costs("send", stats_of(BEFORE), stats_of(AFTER), {"kib": 2048})
        self.assertEqual(c["counters"]["exits"], 1000)
        self.assertEqual(c["exits_per_unit"], 500)
        self.assertEqual(c["frames_per_unit"], (800 + 1000) / 2)
        self.assertEqual(c["ipc_per_unit"], (2000 + 200 + 400 + 300 + 500 + 800) / 2)

    def test_costs_per_round_trip(self):
        c = bench.phase_costs("rtt", stats_of(BEFORE), stats_of(AFTER), {"n": 100})
        self.assertEqual(c["exits_per_unit"], 10)


if __name__ == "__main__":
    unittest.main()
