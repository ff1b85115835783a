#!/usr/bin/env python3
"""Tests of scripts/bench-input's arithmetic and parsing: nearest-rank percentiles and the
summaries in microseconds, duet-evread's key lines (bare and console-tagged), the strip pixel
read out of a screendump's PPM, and QEMU's CPU per wall second."""

import importlib.machinery
import importlib.util
import os
import unittest

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                    "bench-input")
loader = importlib.machinery.SourceFileLoader("bench_input", PATH)
spec = importlib.util.spec_from_loader("bench_input", loader)
bench = importlib.util.module_from_spec(spec)
loader.exec_module(bench)


def ppm(w, h, pixel):
    """A P6 image whose pixel (x, y) is pixel(x, y) (0xRRGGBB)."""
    body = bytearray()
    for y in range(h):
        for x in range(w):
            c = pixel(x, y)
            body += bytes([c >> 16, c >> 8 & 255, c & 255])
    return b"P6\n%d %d\n255\n" % (w, h) + bytes(body)


class Percentiles(unittest.TestCase):
    def test_nearest_rank(self):
        values = list(range(1, 201))  # 1..200
        self.assertEqual(bench.percentile(values, 99), 198)
        self.assertEqual(bench.percentile(values, 50), 100)
        self.assertEqual(bench.percentile(values, 100), 200)
        self.assertEqual(bench.percentile([7], 99), 7)

    def test_unsorted_and_outlier(self):
        values = [5] * 99 + [1000]
        self.assertEqual(bench.percentile(list(reversed(values)), 99), 5)
        self.assertEqual(bench.percentile(values + [2000], 99), 1000)

    def test_empty_refused(self):
        with self.assertRaises(ValueError):
            bench.percentile([], 99)

    def test_summary_in_microseconds(self):
        s = bench.summary([1_000_000, 2_000_000, 3_000_000, 4_000_000])  # ns
        self.assertEqual(s, {"n": 4, "median_us": 2500.0, "p99_us": 4000.0, "min_us": 1000.0,
                             "max_us": 4000.0})


class Lines(unittest.TestCase):
    def test_bare_and_tagged_key_lines(self):
        self.assertEqual(bench.parse_key("DUET-EVREAD personal KEY 30 1"), ("personal", 30, 1))
        self.assertEqual(bench.parse_key("[work] DUET-EVREAD work KEY 31 0"), ("work", 31, 0))
        self.assertIsNone(bench.parse_key("[personal] DUET-EVREAD personal ready /dev/input/event0"))
        self.assertIsNone(bench.parse_key("DUET-COUNT personal 3"))

    def test_focus_and_display_lines(self):
        self.assertEqual(bench.FOCUS.search("[duet] focus: work").group(1), "work")
        self.assertIsNone(bench.FOCUS.search("[personal] [duet] focus: work"))
        self.assertEqual(bench.SHOWING.search("display: showing personal").group(1), "personal")


class Screendump(unittest.TestCase):
    def test_pixel_at(self):
        data = ppm(8, 4, lambda x, y: 0xC62828 if y < 2 else x << 8 | y)
        self.assertEqual(bench.ppm_pixel(data, 7, 1), 0xC62828)
        self.assertEqual(bench.ppm_pixel(data, 5, 3), 0x000503)

    def test_comment_free_header_with_spaces(self):
        data = b"P6 2 1 255 " + bytes([0x2E, 0x7D, 0x32, 1, 2, 3])
        self.assertEqual(bench.ppm_pixel(data, 0, 0), 0x2E7D32)
        self.assertEqual(bench.ppm_pixel(data, 1, 0), 0x010203)

    def test_bad_images_refused(self):
        with self.assertRaises(ValueError):
            bench.ppm_pixel(b"\x89PNG\r\n", 0, 0)
        with self.assertRaises(ValueError):
            bench.ppm_pixel(ppm(2, 2, lambda x, y: 0), 2, 0)
        with self.assertRaises(ValueError):
            bench.ppm_pixel(ppm(2, 2, lambda x, y: 0)[:-1], 1, 1)
        with self.assertRaises(ValueError):
            bench.ppm_pixel(b"P6\n1 1\n65535\n" + bytes(6), 0, 0)


class Cpu(unittest.TestCase):
    def test_rate(self):
        self.assertAlmostEqual(bench.cpu_rate(10.0, 15.0, 100.0, 110.0), 0.5)

    def test_no_time_refused(self):
        with self.assertRaises(ValueError):
            bench.cpu_rate(1.0, 2.0, 5.0, 5.0)


if __name__ == "__main__":
    unittest.main()
