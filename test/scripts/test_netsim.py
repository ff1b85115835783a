#!/usr/bin/env python3
"""Tests of the network simulator's program (tools/netsim) on its real socket, without QEMU,
and of netsim-bare's judge (test/qemu/netsim_bare.py): this script plays QEMU's end of
-netdev dgram, sends frames and checks the answers, the line log, the pcap written with
libpcap, the stop on SIGTERM or --duration, the refusal of addresses off the machine, and
that datagrams from anyone but the peer are not taken. Then the judge: it must pass a good
run's records and fail each kind of bad one.

usage: test_netsim.py NETSIM_BINARY"""

import importlib.util
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "netsim_bare", os.path.join(HERE, "..", "qemu", "netsim_bare.py"))
bare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bare)
NETSIM = None  # set from argv

GUEST_MAC = bytes.fromhex("525400000214")
ROUTER_MAC = bytes.fromhex("02005e000201")
GUEST_IP = socket.inet_aton("192.0.2.20")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def arp_request(target):
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, GUEST_MAC, GUEST_IP, b"\0" * 6,
                      socket.inet_aton(target))
    return b"\xff" * 6 + GUEST_MAC + b"\x08\x06" + arp


def icmp_echo(dst, payload=b"duet"):
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x77, 1) + payload
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0x4000, 64, 1, 0, GUEST_IP,
                     socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ROUTER_MAC + GUEST_MAC + b"\x08\x00" + ip + icmp


class Program(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.qemu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # QEMU's end
        self.qemu.bind(("127.0.0.1", 0))
        self.qemu.settimeout(10)
        self.pcap = os.path.join(self.dir.name, "n.pcap")
        self.log = os.path.join(self.dir.name, "n.log")

    def tearDown(self):
        self.qemu.close()
        self.dir.cleanup()

    def start(self, duration=60):
        self.sim, port = bare.start_netsim(NETSIM, self.qemu.getsockname()[1], self.pcap,
                                           self.log, duration)
        self.addr = ("127.0.0.1", port)

    def stop(self):
        self.sim.send_signal(signal.SIGTERM)
        _, err = self.sim.communicate(timeout=30)
        return err

    def records(self):
        out, summary = [], None
        with open(self.log) as f:
            lines = f.readlines()
        for line in lines:
            m = bare.LOG_LINE.match(line.rstrip("\n"))
            if m:
                out.append(dict(zip(("rx", "len", "smac", "dmac", "src", "dst", "kind", "flags",
                                     "route", "verdict"), m.groups())))
            elif line.startswith("netsim: stopped"):
                summary = line.strip()
        return out, summary

    def test_answers_log_and_capture(self):
        self.start()
        sent = [arp_request("192.0.2.1"), icmp_echo("198.51.100.1"), b"\x01\x02\x03\x04\x05"]
        self.qemu.sendto(sent[0], self.addr)
        reply, _ = self.qemu.recvfrom(2048)
        self.assertEqual(reply[:6], GUEST_MAC)
        self.assertEqual(reply[12:14], b"\x08\x06")
        self.assertEqual(reply[14 + 8:14 + 14], ROUTER_MAC)  # the router's MAC, answered
        self.qemu.sendto(sent[1], self.addr)
        reply, _ = self.qemu.recvfrom(2048)
        self.assertEqual(reply[14 + 20], 0)  # echo reply
        self.assertEqual(reply[14 + 12:14 + 16], socket.inet_aton("198.51.100.1"))
        self.assertEqual(reply[14 + 28:], b"duet")
        self.qemu.sendto(sent[2], self.addr)
        # A stranger on the same machine is not the peer: the connected socket never takes it.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
            stranger.sendto(icmp_echo("203.0.113.10"), self.addr)
        err = self.stop()
        self.assertEqual(self.sim.returncode, 0, err)
        recs, summary = self.records()
        self.assertEqual([(r["kind"], r["route"], r["verdict"]) for r in recs],
                         [("arp/request", "router", "answered"),
                          ("icmp/echo-request", "corporate", "answered"),
                          ("malformed", "dropped", "short")])
        self.assertIn("stopped (SIGTERM): rx=3 tx=2 router=1 internet=0 corporate=1 dropped=1",
                      summary)
        linktype, frames = bare.read_pcap(self.pcap)
        self.assertEqual(linktype, 1)
        self.assertEqual(frames, sent)  # as received, byte for byte

    def test_duration_ends_it(self):
        self.start(duration=1)
        self.sim.communicate(timeout=30)
        self.assertEqual(self.sim.returncode, 0)
        self.assertIn("stopped (duration)", self.records()[1])

    def test_addresses_off_the_machine_are_refused(self):
        for listen, peer in (("0.0.0.0:0", "127.0.0.1:9"), ("127.0.0.1:0", "192.0.2.1:9"),
                             ("127.0.0.1:0", "127.0.0.1:0")):
            r = subprocess.run([NETSIM, "--listen", listen, "--peer", peer],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 2, (listen, peer))
            self.assertIn("netsim: ", r.stderr)


def record(**kw):
    r = {"rx": "1", "len": "60", "smac": bare.GUEST_MAC, "dmac": "02:00:5e:00:02:01",
         "src": bare.GUEST_IP, "dst": "192.0.2.1", "kind": "icmp/echo-request", "flags": None,
         "route": "router", "verdict": "answered"}
    r.update(kw)
    return r


def good_records():
    return [record(kind="arp/request", src=bare.GUEST_IP),
            record(),
            record(dst="198.51.100.1", route="corporate"),
            record(dst="198.51.100.10", route="corporate"),
            record(dst="203.0.113.10", route="internet"),
            record(kind="udp/7", dst="203.0.113.10", route="internet"),
            record(kind="udp/7", dst="198.51.100.10", route="corporate"),
            record(kind="udp/9", dst="203.0.113.10", route="internet", verdict="unreachable"),
            record(kind="tcp/7", flags="S", dst="203.0.113.10", route="internet"),
            record(kind="tcp/7", flags="S", dst="198.51.100.10", route="corporate"),
            record(kind="tcp/23", flags="S", dst="203.0.113.10", route="internet",
                   verdict="unreachable")]


class Judge(unittest.TestCase):
    SUMMARY = "netsim: stopped (SIGTERM): rx=11"

    def failures(self, records, summary=SUMMARY):
        j = bare.Judge()
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                bare.judge_log(j, records, summary)
            finally:
                sys.stdout = stdout
        return j.failures

    def test_a_good_run_passes(self):
        self.assertEqual(self.failures(good_records()), 0)

    def test_each_bad_run_fails(self):
        recs = good_records()
        self.assertGreater(self.failures(recs[1:]), 0)  # no ARP answered
        self.assertGreater(self.failures(recs + [record(dst="203.0.113.10", route="corporate")]),
                           0)  # routed against the plan
        self.assertGreater(self.failures(recs + [record(verdict="bad-checksum")]), 0)
        self.assertGreater(self.failures([r for r in recs if r["route"] != "corporate"]), 0)
        self.assertGreater(self.failures(recs, "netsim: stopped (duration)"), 0)
        self.assertGreater(self.failures([]), 0)

    def test_pcap_must_match_the_log(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.pcap")
            frames = [bytes.fromhex("02005e000201") + bytes.fromhex("525400000214") + b"\0" * 48]

            def write(frames, linktype=1):
                with open(path, "wb") as f:
                    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
                    for fr in frames:
                        f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)

            def fails(recs):
                j = bare.Judge()
                with open(os.devnull, "w") as quiet:
                    stdout, sys.stdout = sys.stdout, quiet
                    try:
                        bare.judge_pcap(j, path, recs)
                    finally:
                        sys.stdout = stdout
                return j.failures

            write(frames)
            self.assertEqual(fails([record(len="60")]), 0)
            self.assertGreater(fails([record(len="60"), record(len="60")]), 0)  # one missing
            self.assertGreater(fails([record(len="61")]), 0)
            self.assertGreater(fails([record(len="60", smac="52:54:00:00:02:0a")]), 0)
            write(frames, linktype=101)
            self.assertGreater(fails([record(len="60")]), 0)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    NETSIM = sys.argv.pop(1)
    unittest.main(verbosity=2)
