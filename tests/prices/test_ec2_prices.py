#!/usr/bin/env python3
"""scripts/ec2-prices on offer files written here in AWS's official layout (offer.json,
offer-terms-first.json, offer.csv: SKUs made up), and the bundled snapshot
data/prices/ec2-on-demand-us-east-1.csv. Run: python3 tests/prices/test_ec2_prices.py"""

import csv
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(ROOT, "scripts", "ec2-prices")
SNAPSHOT = os.path.join(ROOT, "data", "prices", "ec2-on-demand-us-east-1.csv")
HEADER = "instance_type,region,market,usd_per_hour,effective_date,source"


def load_script():
    loader = importlib.machinery.SourceFileLoader("ec2_prices", SCRIPT)
    spec = importlib.util.spec_from_loader("ec2_prices", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def run(*args):
    p = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def fixture(name):
    return os.path.join(HERE, name)


# What the fixtures must reduce to: Windows, Dedicated, unused and allocated capacity
# reservations, SQL Web, the Local Zone, EBS and the Reserved term all left out.
EXPECTED = """instance_type,region,market,usd_per_hour,effective_date,source
c7i.large,us-east-1,on-demand,0.08925,2026-01-19,aws-price-list@20260119185229
m7g.large,us-east-1,on-demand,0.0816,2026-01-19,aws-price-list@20260119185229
m7g.large,us-west-2,on-demand,0.0816,2026-01-19,aws-price-list@20260119185229
m7g.xlarge,us-east-1,on-demand,0.1632,2026-01-19,aws-price-list@20260119185229
m7g.2xlarge,us-east-1,on-demand,0.3264,2026-01-19,aws-price-list@20260119185229
"""


class OfferFile(unittest.TestCase):
    def test_json(self):
        self.assertEqual(run(fixture("offer.json")), (0, EXPECTED, ""))

    def test_json_terms_before_products(self):
        self.assertEqual(run(fixture("offer-terms-first.json")), (0, EXPECTED, ""))

    def test_csv_with_its_five_metadata_lines(self):
        self.assertEqual(run(fixture("offer.csv")), (0, EXPECTED, ""))

    def test_region(self):
        want = "".join(line + "\n" for line in EXPECTED.splitlines() if "us-west-2" not in line)
        self.assertEqual(run("--region", "us-east-1", fixture("offer.json")), (0, want, ""))
        self.assertEqual(run("--region=us-east-1", fixture("offer.csv")), (0, want, ""))
        code, out, err = run("--region", "us-west-2", fixture("offer.json"))
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines()[1:], ["m7g.large,us-west-2,on-demand,0.0816,2026-01-19,aws-price-list@20260119185229"])

    def test_nothing_in_the_region(self):
        self.assertEqual(
            run("--region", "eu-west-1", fixture("offer.json")),
            (1, "", f"ec2-prices: {fixture('offer.json')}: no Linux on-demand instance prices in eu-west-1\n"),
        )

    def test_usage(self):
        usage = "usage: ec2-prices [--region R] OFFER_FILE > prices.csv\n"
        self.assertEqual(run(), (2, "", "ec2-prices: expected one OFFER_FILE\n" + usage))
        self.assertEqual(run("--region"), (2, "", "ec2-prices: --region needs a region, such as us-east-1\n" + usage))
        self.assertEqual(run("--zone", "x", "f"), (2, "", "ec2-prices: unknown option '--zone'\n" + usage))
        code, out, _ = run("--help")
        self.assertEqual(code, 0)
        self.assertIn("Usage: ec2-prices [--region R] OFFER_FILE > prices.csv", out)

    def test_missing_file(self):
        self.assertEqual(run("/nonexistent/index.json"),
                         (1, "", "ec2-prices: /nonexistent/index.json: No such file or directory\n"))

    def test_two_prices_for_one_type_is_an_error(self):
        offer = json.load(open(fixture("offer.json")))
        offer["terms"]["OnDemand"]["KKKK0000"]["KKKK0000.JRTCKXETXF"]["priceDimensions"][
            "KKKK0000.JRTCKXETXF.6YS6EN2CT7"]["pricePerUnit"]["USD"] = "0.2000000000"
        offer["products"]["KKKK0000"]["attributes"]["instanceType"] = "m7g.large"
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(offer, f)
        try:
            self.assertEqual(run(f.name), (
                1, "", "ec2-prices: two on-demand prices for m7g.large in us-east-1: 0.0816 (SKU AAAA1111) "
                       "and 0.2 (SKU KKKK0000)\n"))
        finally:
            os.unlink(f.name)

    def test_truncated_json(self):
        text = open(fixture("offer.json")).read()
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(text[: len(text) // 2])
        try:
            code, out, err = run(f.name)
            self.assertEqual((code, out), (1, ""))
            self.assertTrue(err.startswith(f"ec2-prices: {f.name}: "), err)
        finally:
            os.unlink(f.name)

    def test_csv_without_a_needed_column(self):
        rows = list(csv.reader(open(fixture("offer.csv"))))
        i = rows[5].index("CapacityStatus")
        for r in rows[5:]:
            del r[i]
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as f:
            csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)
        try:
            self.assertEqual(run(f.name), (1, "", f"ec2-prices: {f.name}:6: no column 'CapacityStatus'\n"))
        finally:
            os.unlink(f.name)


class Streaming(unittest.TestCase):
    """The scanner in pieces much smaller than a product: the same answer, and a buffer that
    never holds more than a piece beside the value being decoded."""

    def test_small_pieces_and_the_memory_bound(self):
        m = load_script()
        text = open(fixture("offer.json")).read()
        offer = json.loads(text)
        # The longest product or SKU's on-demand terms as the file spells it (indented 4 spaces a
        # level, at most 3 levels deep).
        values = list(offer["products"].values()) + list(offer["terms"]["OnDemand"].values())
        largest_value = max(len(textwrap.indent(json.dumps(v, indent=4), " " * 12)) for v in values)
        self.assertLess(largest_value * 4, len(text))
        for size in (1, 7, 64, 1000):
            m.READ_SIZE = size
            longest = [0]
            fill = m.Scanner.fill

            def measured(self, fill=fill):
                r = fill(self)
                longest[0] = max(longest[0], len(self.buf))
                return r

            m.Scanner.fill = measured
            try:
                for name in ("offer.json", "offer-terms-first.json"):
                    with open(fixture(name), newline="") as f:
                        prices, date, version = m.read_json(f, name, None)
                    out = io.StringIO()
                    prices.write(out, date[:10], "aws-price-list@" + version)
                    self.assertEqual(out.getvalue(), EXPECTED, (size, name))
                    # A value is decoded only once it is whole in the buffer: the buffer holds
                    # at most the largest product or SKU's terms and one more piece.
                    self.assertLessEqual(longest[0], largest_value + 2 * size + 64, (size, name))
            finally:
                m.Scanner.fill = fill

    def test_skip_passes_over_strings_with_braces_and_escapes(self):
        m = load_script()
        m.READ_SIZE = 3
        s = m.Scanner(io.StringIO('{"a": {"x": "}\\"]{", "y": [1, {"z": "\\\\"}]}, "b": 12, "c": "d"}'), "t")
        seen = {}
        for key in s.members():
            if key == "c":
                seen[key] = s.value()
            else:
                s.skip()
                seen[key] = None
        self.assertEqual(seen, {"a": None, "b": None, "c": "d"})


# The issue's list: the large, xlarge and 2xlarge sizes of these families.
FAMILIES = ["c5", "c6i", "c6a", "c6g", "c7i", "c7a", "c7g", "c8g", "m5", "m6i", "m6a", "m6g", "m7i", "m7a",
            "m7g", "m8g", "r6i", "r7i", "r7g", "t3", "t3a", "t4g"]


class Snapshot(unittest.TestCase):
    """The bundled snapshot: '#' comments on top (its date and sources), the header, one honest
    row per type; every type the issue asks for is either there or named missing."""

    def setUp(self):
        self.lines = open(SNAPSHOT, encoding="utf-8").read().splitlines()

    def test_layout(self):
        comments = [l for l in self.lines if l.startswith("#")]
        rest = [l for l in self.lines if not l.startswith("#")]
        self.assertEqual(self.lines[: len(comments)], comments, "comments only at the top")
        self.assertEqual(rest[0], HEADER)
        self.assertTrue(any(re.match(r"# read on \d{4}-\d{2}-\d{2}", l) for l in comments), comments)
        self.assertTrue(any(l.startswith("# sources:") for l in comments), comments)

    def rows(self):
        return list(csv.DictReader(l for l in self.lines if not l.startswith("#")))

    def test_rows(self):
        seen = set()
        for r in self.rows():
            with self.subTest(r["instance_type"]):
                self.assertRegex(r["instance_type"], r"^[a-z0-9-]+\.[a-z0-9-]+$")
                self.assertEqual(r["region"], "us-east-1")
                self.assertEqual(r["market"], "on-demand")
                self.assertRegex(r["usd_per_hour"], r"^\d+\.\d+$")
                self.assertGreater(float(r["usd_per_hour"]), 0)
                self.assertRegex(r["effective_date"], r"^\d{4}-\d{2}-\d{2}$")
                # Two independent sources at least, short names joined by '+'.
                names = r["source"].split("+")
                self.assertGreaterEqual(len(names), 2, r["source"])
                self.assertEqual(len(set(names)), len(names), r["source"])
                self.assertNotIn(r["instance_type"], seen)
                seen.add(r["instance_type"])

    def test_every_type_asked_for_is_there_or_named_missing(self):
        missing = set()
        for l in self.lines:
            if l.startswith("# missing:"):
                missing |= {t for t in l[len("# missing:"):].replace(",", " ").split() if "." in t}
        have = {r["instance_type"] for r in self.rows()}
        wanted = {f"{f}.{s}" for f in FAMILIES for s in ("large", "xlarge", "2xlarge")}
        self.assertEqual(wanted - have, missing, "the '# missing:' line names exactly the types left out")
        self.assertFalse(have & missing)

    def test_at_least_sixty_types_as_the_issue_asks(self):
        have = {r["instance_type"] for r in self.rows()}
        wanted = {f"{f}.{s}" for f in FAMILIES for s in ("large", "xlarge", "2xlarge")}
        self.assertGreaterEqual(len(have & wanted), 60)

    def test_every_source_on_a_row_is_described_in_the_comments(self):
        # A row may only cite a short name that the '# sources:' comment defines ("name = where").
        comments = "\n".join(l for l in self.lines if l.startswith("#"))
        described = set(re.findall(r"([\w.-]+) = ", comments))
        self.assertIn("karpenter", described)
        for r in self.rows():
            with self.subTest(r["instance_type"]):
                self.assertLessEqual(set(r["source"].split("+")), described, r["source"])

    def test_sizes_double(self):
        # On-demand Linux prices in a family are linear in the size: xlarge = 2 x large, 2xlarge =
        # 4 x large, to the cent. A typo in one row breaks this.
        price = {r["instance_type"]: float(r["usd_per_hour"]) for r in self.rows()}
        for f in FAMILIES:
            large = price.get(f + ".large")
            for size, k in (("xlarge", 2), ("2xlarge", 4)):
                other = price.get(f"{f}.{size}")
                if large is not None and other is not None:
                    with self.subTest(f"{f}.{size}"):
                        self.assertAlmostEqual(other, k * large, delta=0.0051)


if __name__ == "__main__":
    unittest.main()
