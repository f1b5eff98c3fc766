#!/usr/bin/env python3
"""End-to-end tests of the ec2bench executable: run, probe, compare, report.

    suite_test.py <path to ec2bench> <path to docs/results.schema.json> [unittest args]

Every run has AWS_EC2_METADATA_DISABLED=true unless a test points the probe at its own fake
metadata server on 127.0.0.1: nothing here may reach 169.254.169.254, even on an EC2 host.
"""
import base64
import http.server
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zlib

EXE = None
SCHEMA = None


def env(**extra):
    e = dict(os.environ)
    for k in [k for k in e if k.startswith("AWS_")]:
        del e[k]
    e["AWS_EC2_METADATA_DISABLED"] = "true"
    e.update(extra)
    return e


def run(args, **kw):
    return subprocess.run([EXE] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=kw.pop("env", env()), timeout=kw.pop("timeout", 600), **kw)


def validate(test, path):
    try:
        import jsonschema
    except ImportError:
        test.skipTest("python3-jsonschema not installed")
    with open(SCHEMA) as f:
        schema = json.load(f)
    with open(path) as f:
        jsonschema.Draft202012Validator(schema).validate(json.load(f))


class Run(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ec2bench-suite-test-")
        cls.out = os.path.join(cls.dir, "quick.json")
        cls.result = run(["run", "--quick", "--only=stats,fsync", f"--dir={cls.dir}", f"--out={cls.out}",
                          "--benchmark_min_time=0.01"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_exit_status_and_progress(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertIn("[ 1/4] ", self.result.stderr)
        self.assertIn("[ 4/4] ", self.result.stderr)
        self.assertIn("fsync/fdatasync/4096/append", self.result.stderr)
        self.assertIn("median of 5 runs", self.result.stderr)  # the quick preset's repetitions

    def test_summary_table(self):
        out = self.result.stdout
        self.assertIn("fdatasync 4 KiB writes", out)
        self.assertIn("histogram record", out)
        self.assertIn(f"results: {self.out} (4 benchmarks)", out)

    def test_results_file(self):
        with open(self.out) as f:
            doc = json.load(f)
        eb = doc["ec2bench"]
        self.assertTrue(eb["complete"])
        self.assertEqual(eb["preset"], "quick")
        self.assertEqual(eb["command"][:3], ["ec2bench", "run", "--quick"])
        self.assertEqual(eb["ec2"]["imds"], "disabled")
        names = [b["name"] for b in doc["benchmarks"]]
        self.assertIn("stats/histogram/record", names)
        runs = [b for b in doc["benchmarks"] if b["run_name"] == "stats/histogram/record"]
        self.assertEqual([b.get("aggregate_name", b["run_type"]) for b in runs],
                         ["iteration"] * 5 + ["mean", "median", "stddev", "cv"])
        self.assertTrue(any(n.startswith("fsync/fdatasync/4096/append") for n in names))
        self.assertNotIn("host_name", doc["context"])
        self.assertEqual(doc["context"]["ec2bench.preset"], "quick")
        fs = [v for k, v in eb["benchmarks"].items() if k.startswith("fsync/")][0]
        self.assertEqual(fs["facts"]["directory"], os.path.realpath(self.dir))
        validate(self, self.out)

    def test_no_file_left_behind(self):
        self.assertEqual(sorted(os.listdir(self.dir)), ["quick.json"])


    def test_compare_with_itself(self):
        r = run(["compare", self.out, self.out])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"base     {self.out}", r.stdout)
        self.assertIn("stats/histogram/record", r.stdout)
        self.assertIn("unchanged", r.stdout)
        self.assertTrue(r.stdout.endswith("0 regressions, 0 improvements, 3 unchanged\n"), r.stdout)
        j = json.loads(run(["compare", self.out, self.out, "--format=json"]).stdout)
        self.assertTrue(all(row["verdict"] == "unchanged" for row in j["rows"]))

    def test_hostile_file_is_escaped_everywhere(self):
        """Terminal escapes in a results file (benchmark names, instance type, CPU model) never
        reach the terminal raw, through compare, check, report or an error line."""
        with open(self.out) as f:
            doc = json.load(f)
        evil = "\x1b[2J\x1b]0;pwned\x07|x\ny"
        doc["ec2bench"]["host"]["cpu_model"] = evil
        doc["ec2bench"]["ec2"]["instance_type"] = {"value": "m6i" + evil, "source": "dmi"}
        for b in doc["benchmarks"]:
            b["name"] = b["name"] + evil
            b["run_name"] = b["run_name"] + evil
        other = tempfile.mkdtemp(prefix="ec2bench-evil-")
        self.addCleanup(shutil.rmtree, other, True)
        path = os.path.join(other, "evil.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        runs = [["compare", path, path], ["compare", path, path, "--format=markdown"],
                ["compare", path, path, "--format=csv"], ["compare", self.out, path],
                ["report", path], ["report", path, "--format=markdown"], ["report", path, "--format=csv"],
                ["check", path, "--slo", "stats/histogram/record:items_per_second>1"]]
        for args in runs:
            with self.subTest(args=args[:2] + args[3:]):
                r = run(args)
                self.assertLess(r.returncode, 3, r.stderr)
                for text in (r.stdout, r.stderr):
                    self.assertNotIn("\x1b", text)
                    self.assertNotIn("\x07", text)
                if args[0] == "report":  # the instance type and the CPU model are columns there
                    self.assertIn("m6i\\x1b[2J", r.stdout)

    def test_gate_and_check(self):
        """The gate's exit status through the command line: a 20% slower fdatasync is a
        regression (1), the other way an improvement (0); check's objectives likewise."""
        with open(self.out) as f:
            doc = json.load(f)
        other = tempfile.mkdtemp(prefix="ec2bench-gate-")
        self.addCleanup(shutil.rmtree, other, True)
        # Known repetition values (a real run's IOPS may spread by more than 20%, as under
        # AddressSanitizer): base 1000..1040, slower the same times 0.8.
        base, slower = os.path.join(other, "base.json"), os.path.join(other, "slower.json")
        for path, factor in ((base, 1.0), (slower, 0.8)):
            k = 0
            for b in doc["benchmarks"]:
                if b["name"].startswith("fsync/") and b.get("run_type") == "iteration":
                    b["items_per_second"] = (1000 + 10 * k) * factor
                    k += 1
            with open(path, "w") as f:
                json.dump(doc, f)
        r = run(["compare", base, slower])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("regression", r.stdout)
        self.assertTrue(r.stdout.endswith("1 regression, 0 improvements, 2 unchanged\n"), r.stdout)
        r = run(["compare", slower, base])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.endswith("0 regressions, 1 improvement, 2 unchanged\n"), r.stdout)
        r = run(["compare", base, slower, "--threshold=25%"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # NEW inside the baseline's directory is not pooled into its own baseline.
        r = run(["compare", self.dir, self.out])
        self.assertEqual((r.returncode, r.stderr),
                         (2, f"ec2bench: compare: the baseline holds no results file other than NEW ({self.out})\n"))
        os.unlink(base)
        r = run(["compare", other, base.replace("base.json", "slower.json")])
        self.assertEqual((r.returncode, r.stderr),
                         (2, f"ec2bench: compare: the baseline holds no results file other than NEW ({slower})\n"))
        # check: a limit far above and far below the median.
        name = "stats/histogram/record"
        r = run(["check", self.out, "--slo", f"{name}:items_per_second>1"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = run(["check", self.out, "--slo", f"{name}:items_per_second>1e15"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("violated", r.stdout)
        # Every --slo counts, not only the first: the second one here is violated.
        r = run(["check", self.out, "--slo", f"{name}:items_per_second>1", "--slo", f"{name}:items_per_second>1e15"])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        r = run(["check", self.out, "--slo", f"{name}:items_per_second>1", "--slo", "garbage"])
        self.assertEqual((r.returncode, r.stderr),
                         (2, "ec2bench: --slo 'garbage': expected BENCHMARK:METRIC<LIMIT with one of the "
                             "operators <, <=, >, >= (such as 'fsync/fdatasync/4096/append:p99_us<2000')\n"))
        r = run(["check", self.out])
        self.assertEqual((r.returncode, r.stderr),
                         (2, "ec2bench: check: expected at least one --slo 'BENCHMARK:METRIC<LIMIT'\n"))
        r = run(["report", self.out, "--format=github-action-benchmark", "--better=bigger"])
        self.assertEqual(r.returncode, 0, r.stderr)
        entries = json.loads(r.stdout)
        self.assertTrue(entries and all({"name", "unit", "value"} <= set(e) for e in entries), r.stdout)
        r = run(["report", self.out, "--format=github-action-benchmark"])
        self.assertEqual(r.returncode, 2)

    def test_report(self):
        # One file per group: a real run's headlines, off EC2 (grouped by CPU), without a price.
        r = run(["report", self.dir, "--format=json", "--group-by=file"])
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        self.assertEqual([g["key"] for g in j["groups"]], [self.out])
        ids = [m["id"] for m in j["groups"][0]["metrics"]]
        self.assertEqual(ids, ["fdatasync_iops", "fdatasync_p99_us", "histogram_record_ns"])
        self.assertEqual(j["groups"][0]["metrics"][0]["repetitions"], 5)
        self.assertIn("no price: no instance type (not run on EC2)", j["groups"][0]["warnings"])


class OutDirectory(unittest.TestCase):
    def test_out_naming_a_directory_gets_the_default_name_inside(self):
        d = tempfile.mkdtemp(prefix="ec2bench-suite-out-")
        try:
            r = run(["run", "--only=stats", f"--out={d}/", "--benchmark_filter=record",
                     "--benchmark_min_time=0.01", "--benchmark_repetitions=2"])
            self.assertEqual(r.returncode, 0, r.stderr)
            files = os.listdir(d)
            self.assertEqual(len(files), 1)
            with open(os.path.join(d, files[0])) as f:
                doc = json.load(f)
            # The user's --benchmark_repetitions, not the default preset's 10.
            reps = [b["repetition_index"] for b in doc["benchmarks"]
                    if b["run_name"] == "stats/histogram/record" and b["run_type"] == "iteration"]
            self.assertEqual(reps, [0, 1])
            # Off EC2 the architecture names the file, never the host name.
            self.assertRegex(files[0], r"^(x86_64|aarch64|[a-z0-9_]+)-[0-9]{8}T[0-9]{6}Z\.json$")
            self.assertNotIn(os.uname().nodename, files[0])
        finally:
            shutil.rmtree(d, ignore_errors=True)


class Interrupt(unittest.TestCase):
    def interrupt(self, sig):
        d = tempfile.mkdtemp(prefix="ec2bench-suite-int-")
        try:
            out = os.path.join(d, "int.json")
            # Not interleaved: the first benchmark then finishes early, and the second is
            # interrupted.
            p = subprocess.Popen([EXE, "run", "--only=fsync", "--interleave=off", f"--dir={d}", f"--out={out}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
            lines = []
            # Wait for the first benchmark to finish, then interrupt the second.
            while True:
                line = p.stderr.readline()
                self.assertNotEqual(line, "", "the suite ended before it could be interrupted")
                lines.append(line)
                if line.startswith("[ 1/"):
                    break
            time.sleep(0.3)
            p.send_signal(sig)
            rest = p.stderr.read()
            rc = p.wait(timeout=60)
            p.stdout.close()
            p.stderr.close()
            self.assertEqual(rc, 128 + sig, "".join(lines) + rest)
            name = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM", signal.SIGQUIT: "SIGQUIT"}[sig]
            self.assertIn(f"interrupted by {name}: kept", rest)
            with open(out) as f:
                doc = json.load(f)
            self.assertFalse(doc["ec2bench"]["complete"])
            self.assertEqual(doc["ec2bench"]["interrupted_by"], name)
            self.assertGreaterEqual(len(doc["benchmarks"]), 1)
            validate(self, out)
            self.assertEqual(os.listdir(d), ["int.json"])  # the fsync file is gone
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_sigint(self):
        self.interrupt(signal.SIGINT)

    def test_sigterm(self):
        self.interrupt(signal.SIGTERM)

    def test_sigquit(self):
        self.interrupt(signal.SIGQUIT)

    def test_nohup(self):
        """A SIGHUP the run inherited as ignored (nohup) stays ignored: the run goes on."""
        d = tempfile.mkdtemp(prefix="ec2bench-suite-hup-")
        try:
            out = os.path.join(d, "hup.json")
            p = subprocess.Popen([EXE, "run", "--quick", "--only=stats", f"--out={out}",
                                  "--benchmark_min_time=0.01"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
                                 preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
            first = p.stderr.readline()
            self.assertIn("(quick preset)", first)
            time.sleep(0.5)
            p.send_signal(signal.SIGHUP)
            rest = p.stderr.read()
            rc = p.wait(timeout=300)
            p.stdout.close()
            p.stderr.close()
            self.assertEqual(rc, 0, first + rest)
            self.assertNotIn("interrupted", rest)
            with open(out) as f:
                doc = json.load(f)
            self.assertTrue(doc["ec2bench"]["complete"])
        finally:
            shutil.rmtree(d, ignore_errors=True)


class BadInput(unittest.TestCase):
    def test_refused_flags(self):
        """Every bad flag or input: exit status 2 and one line naming the flag, the value and what
        is allowed; nothing is allocated or run first."""
        bench = os.path.dirname(EXE)
        d = tempfile.mkdtemp(prefix="ec2bench-bad-")
        a_file = os.path.join(d, "file")
        open(a_file, "w").close()
        cases = [
            (["run", "--only=gpu"],
             "ec2bench: --only=gpu: 'gpu' is not one of stream,sieve,fsync,stats (see --help)\n"),
            (["run", "--only="], "ec2bench: --only=: an empty value; expected LIST (see --help)\n"),
            (["run", "--out="], "ec2bench: --out=: an empty value; expected PATH (see --help)\n"),
            (["run", "--quick", "--only=stats", "--benchmark_repetitions=-3"],
             "ec2bench: --benchmark_repetitions=-3: expected a whole number from 1 to 100000\n"),
            (["run", "--only=stats", "--benchmark_format=xml"],
             "ec2bench: --benchmark_format=xml: expected console, json or csv\n"),
            (["run", "--threads=0"], "ec2bench: --threads=0: expected from 1 to 4096 (see --help)\n"),
            (["run", "--interleave=maybe"], "ec2bench: --interleave=maybe: expected on or off (see --help)\n"),
            (["run", "--only=fsync", "--dir=/nonexistent"],
             "ec2bench: --dir=/nonexistent: does not exist; expected an existing directory\n"),
            (["run", "--only=fsync", "--dir=/proc"],
             "ec2bench: --dir=/proc: on a filesystem without storage (it has no blocks, as /proc and "
             "/sys); expected a directory on a disk\n"),
            (["probe", "--benchmark_filter=x"],
             "ec2bench: --benchmark_filter=x: Google Benchmark's flags are for ec2bench run only\n"),
            (["compare", "--alpha=2", "a.json", "b.json"],
             "ec2bench: --alpha=2: expected a number between 0 and 1, such as 0.05 (see --help)\n"),
            ([os.path.join(bench, "ec2bench-fsync"), "--dir=/missing"],
             "ec2bench-fsync: --dir=/missing: does not exist; expected an existing directory\n"),
            ([os.path.join(bench, "ec2bench-fsync"), f"--dir={a_file}"],
             f"ec2bench-fsync: --dir={a_file}: not a directory; expected a directory\n"),
            ([os.path.join(bench, "ec2bench-fsync"), "--dir=/proc"],
             "ec2bench-fsync: --dir=/proc: on a filesystem without storage (it has no blocks, as "
             "/proc and /sys); expected a directory on a disk\n"),
            ([os.path.join(bench, "ec2bench-fsync"), f"--dir={d}", "--ops=1e18"],
             "ec2bench-fsync: --ops=1e18: with --warmup=16 and 4096-byte blocks the "
             "file would exceed --max-file-size=1073741824; expected at most 262128 (or raise "
             "--max-file-size)\n"),
            ([os.path.join(bench, "ec2bench-fsync"), "--block-size=1000"],
             "ec2bench-fsync: --block-size=1000: 1000 must be a positive multiple of 512, at most "
             "64M (see --help)\n"),
            ([os.path.join(bench, "ec2bench-stream"), "--elements=0"],
             "ec2bench-stream: --elements=0: expected at least 1 (see --help)\n"),
            ([os.path.join(bench, "ec2bench-sieve"), "--limit=1e6", "--start=2e6"],
             "ec2bench-sieve: --start=2000000 is above --limit=1000000: expected start <= limit\n"),
            ([os.path.join(bench, "ec2bench-sieve"), "--limit=1e6", "--benchmark_filter=nothing"],
             None),
        ]
        try:
            for args, message in cases:
                with self.subTest(args=args):
                    cmd = args if args[0].startswith("/") else [EXE] + args
                    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       env=env(), timeout=60)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    if message is not None:
                        self.assertEqual(r.stderr, message)
            # Sizes past memory name MemAvailable; the exact numbers are this machine's.
            for exe, flag, needle in [
                    ("ec2bench-stream", "--elements=1e12", "3 arrays of doubles need"),
                    ("ec2bench-stats", "--sample-buffer=1e18", "(8-byte samples in half of MemAvailable)"),
                    ("ec2bench-stats", "--latencies=1e15", "(8-byte samples in half of MemAvailable)")]:
                with self.subTest(flag=flag):
                    r = subprocess.run([os.path.join(bench, exe), flag], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, env=env(), timeout=60)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertTrue(r.stderr.startswith(f"{exe}: {flag}"), r.stderr)
                    self.assertIn(needle, r.stderr)
                    self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_unwritable_results(self):
        r = run(["run", "--only=stats", "--out=/nonexistent/dir/r.json"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "ec2bench: cannot write the results file '/nonexistent/dir/r.json': "
                                   "No such file or directory (directory '/nonexistent/dir'); choose "
                                   "another with --out\n")

    def test_display_aggregates_only_refused(self):
        r = run(["run", "--only=stats", "--benchmark_display_aggregates_only=true"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--benchmark_display_aggregates_only is not supported by ec2bench run", r.stderr)

    def test_unknown_benchmark_flag(self):
        r = run(["run", "--only=stats", "--benchmark_colour=blue"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--benchmark_colour=blue", r.stderr)

    def test_unknown_command(self):
        r = run(["bench"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "ec2bench: unknown command 'bench': expected run, probe, "
                                   "compare, check, report or hlog (see --help)\n")

    def test_garbage_json(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write("{\"context\": [1, 2,")
        try:
            r = run(["compare", f.name, f.name])
            self.assertEqual(r.returncode, 2)
            self.assertTrue(r.stderr.startswith(f"ec2bench: {f.name} is not valid JSON: "
                                                "parse error at line 1, column 19"), r.stderr)
            r = run(["report", f.name])
            self.assertEqual(r.returncode, 2)
            self.assertTrue(r.stderr.startswith(f"ec2bench: skipped: {f.name} is not valid JSON"))
        finally:
            os.unlink(f.name)

    def test_report_flags(self):
        r = run(["report", "--sort=colour", "x.json"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--sort=colour: expected instance_type, triad_gbps", r.stderr)
        r = run(["compare", "a.json"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "ec2bench: compare: expected two results files, BASE and NEW; got 1\n")


def fleet_file(path, itype="c5.large", region="us-east-1", triad=(), iops=(), market=None, kernel="6.1.0",
               cpu="Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz"):
    """A results file with known repetition values: STREAM triad best GB/s and fdatasync IOPS."""
    def it(name, i, n, **counters):
        r = {"name": name, "run_name": name, "run_type": "iteration", "repetitions": n,
             "repetition_index": i, "threads": 1, "iterations": 1, "real_time": 1000.0,
             "cpu_time": 1000.0, "time_unit": "ms"}
        r.update(counters)
        return r
    triad_name = "stream/triad/double/iterations:1/manual_time"
    fsync_name = "fsync/fdatasync/4096/append/iterations:1/manual_time"
    runs = [it(triad_name, i, len(triad), best_bytes_per_second=v * 1e9) for i, v in enumerate(triad)]
    runs += [it(fsync_name, i, len(iops), items_per_second=v, p50_us=100.0 + i, p95_us=200.0 + i,
                p99_us=300.0 + i, p999_us=400.0 + i) for i, v in enumerate(iops)]
    fact = lambda v: {"value": v, "source": "imdsv2"} if v else None  # noqa: E731
    doc = {"context": {"json_schema_version": 1}, "benchmarks": runs,
           "ec2bench": {"schema_version": 2, "version": "0.1.0", "started_at": "2026-12-01T10:00:00Z",
                        "complete": True,
                        "host": {"architecture": "x86_64", "cpu_model": cpu, "logical_cpus": 2, "kernel": kernel},
                        "ec2": {"on_ec2": bool(itype), "instance_type": fact(itype), "region": fact(region),
                                "market": fact(market)},
                        "benchmarks": {}}}
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


class Report(unittest.TestCase):
    """ec2bench report on synthetic files: pooling, ranks, the price lookup through the command
    line and the bundled snapshot, every format, --out, and the error lines."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ec2bench-report-")
        cls.fleet = os.path.join(cls.dir, "fleet")
        os.mkdir(cls.fleet)
        f = lambda name: os.path.join(cls.fleet, name)  # noqa: E731
        # c5.large: two files, 12 values 10..21 (median 15.5, interval [12, 19]); m7g.large: two
        # files, 30..39 ([31, 38]): wholly better, rank 1.
        fleet_file(f("c5-1.json"), "c5.large", triad=[10, 11, 12, 13, 14, 15], iops=[1000] * 6)
        fleet_file(f("c5-2.json"), "c5.large", triad=[16, 17, 18, 19, 20, 21], iops=[1000] * 6)
        fleet_file(f("m7g-1.json"), "m7g.large", triad=[30, 31, 32, 33, 34], iops=[900] * 5)
        fleet_file(f("m7g-2.json"), "m7g.large", triad=[35, 36, 37, 38, 39], iops=[900] * 5)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def report(self, *args):
        r = run(["report", self.fleet, *args])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        return r.stdout

    def group(self, j, key):
        return next(g for g in j["groups"] if g["key"] == key)

    def test_pooled_and_ranked(self):
        j = json.loads(self.report("--format=json"))
        self.assertEqual([g["key"] for g in j["groups"]], ["m7g.large", "c5.large"])
        c5 = self.group(j, "c5.large")
        self.assertEqual(c5["files"], [os.path.join(self.fleet, "c5-1.json"), os.path.join(self.fleet, "c5-2.json")])
        triad = c5["metrics"][0]
        self.assertEqual(triad["id"], "triad_gbps")
        self.assertEqual((triad["median"]["value"], triad["median"]["low"], triad["median"]["high"]), (15.5, 12, 19))
        self.assertEqual((triad["files"], triad["repetitions"], triad["rank"]), (2, 12, 2))
        self.assertEqual(self.group(j, "m7g.large")["metrics"][0]["rank"], 1)
        # The IOPS are equal within each type and overlap nowhere: ranks 1 and 2.
        self.assertEqual(c5["metrics"][1]["rank"], 1)
        self.assertEqual([q["label"] for q in c5["fsync_latency"]], ["p50", "p95", "p99", "p99.9"])

        text = self.report()
        self.assertIn("STREAM triad (double), best, GB/s (higher is better)\n", text)
        self.assertRegex(text, r"\n   2  c5\.large     15\.5  \[12\.0, 19\.0\]      2    12   0\.085 ")

    def test_prices_in_order_of_the_flags(self):
        # No flag: the bundled snapshot, found beside the executable or in the source tree.
        c5 = self.group(json.loads(self.report("--format=json")), "c5.large")
        self.assertEqual((c5["price"]["origin"], c5["price"]["usd_per_hour"]), ("bundled", 0.085))
        self.assertEqual(c5["metrics"][0]["per_dollar"]["median"]["value"], 15.5 / 0.085)
        prices = os.path.join(self.dir, "prices.csv")
        with open(prices, "w") as f:
            f.write("instance_type,region,market,usd_per_hour,effective_date,source\n"
                    "c5.large,us-east-1,on-demand,0.09,2099-01-01,negotiated\n")
        c5 = self.group(json.loads(self.report("--format=json", f"--prices={prices}")), "c5.large")
        self.assertEqual((c5["price"]["origin"], c5["price"]["usd_per_hour"]), ("--prices", 0.09))
        self.assertEqual(c5["warnings"], [])
        # The inputs may follow --price VALUE: it takes one value.
        r = run(["report", "--price", "c5.large=0.1", self.fleet, "--format=json", f"--prices={prices}",
                 "--price=m7g.large=0.2"])
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        c5 = self.group(j, "c5.large")
        self.assertEqual((c5["price"]["origin"], c5["price"]["usd_per_hour"]), ("--price", 0.1))
        self.assertEqual(self.group(j, "m7g.large")["price"]["usd_per_hour"], 0.2)
        spot = os.path.join(self.dir, "spot.json")
        with open(spot, "w") as f:
            json.dump({"SpotPriceHistory": [
                {"AvailabilityZone": "us-east-1a", "InstanceType": "c5.large", "ProductDescription": "Linux/UNIX",
                 "SpotPrice": "0.031000", "Timestamp": "2099-01-01T00:00:00+00:00"}]}, f)
        c5 = self.group(json.loads(self.report("--format=json", f"--spot-prices={spot}")), "c5.large")
        self.assertEqual((c5["price"]["origin"], c5["price"]["market"]), ("--spot-prices", "spot"))

    def test_region_market_and_warnings(self):
        other = os.path.join(self.dir, "other")
        os.makedirs(other, exist_ok=True)
        fleet_file(os.path.join(other, "a.json"), "c5.large", region=None, triad=list(range(6)))
        fleet_file(os.path.join(other, "b.json"), "c5.xlarge", region="eu-west-1", triad=list(range(6)))
        fleet_file(os.path.join(other, "c.json"), "c5.2xlarge", market="spot", triad=list(range(6)))
        r = run(["report", other, "--format=json", "--region=us-east-1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(r.stdout)
        a = self.group(j, "c5.large")
        self.assertTrue(a["region_from_flag"])
        self.assertEqual(a["price"]["usd_per_hour"], 0.085)
        self.assertIn("no price for c5.xlarge in eu-west-1 (pass --price c5.xlarge=USD or --prices=FILE)",
                      self.group(j, "c5.xlarge")["warnings"])
        self.assertIn("no spot price for c5.2xlarge in us-east-1 (pass --price c5.2xlarge=USD or --prices=FILE)",
                      self.group(j, "c5.2xlarge")["warnings"])
        # The bundled prices are dated 2026-01-19: older than 180 days from mid-July 2026 on.
        self.assertTrue(any(w.startswith("the price of c5.large (bundled, 2026-01-19) is ") for w in a["warnings"]))
        text = run(["report", other]).stdout
        self.assertIn("\nwarnings\n", text)
        self.assertIn("c5.xlarge   no price for c5.xlarge in eu-west-1", text)

    def test_group_by_and_formats(self):
        j = json.loads(self.report("--format=json", "--group-by=file"))
        self.assertEqual(len(j["groups"]), 4)
        self.assertEqual(j["group_by"], "file")
        j = json.loads(self.report("--format=json", "--group-by=cpu"))
        self.assertEqual(len(j["groups"]), 1)  # both types have the same CPU model here
        self.assertEqual(j["groups"][0]["key"], "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz x 2")
        csv = self.report("--format=csv").splitlines()
        self.assertTrue(csv[0].startswith("group,instance_type,region,market,architecture,cpu,cpus,group_files,kind,"))
        self.assertIn("c5.large,c5.large,us-east-1,,x86_64,Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz,2,2,metric,"
                      "triad_gbps,\"STREAM triad (double), best\",GB/s,true,15.5,12,19,order statistics,", "\n".join(csv))
        self.assertIn("\n### STREAM triad (double), best, GB/s (higher is better)\n\n| rank |",
                      self.report("--format=markdown"))
        self.assertTrue(self.report("--format=html").startswith("<!DOCTYPE html>"))
        self.assertEqual([g["key"] for g in json.loads(self.report("--format=json", "--sort=instance_type"))["groups"]],
                         ["c5.large", "m7g.large"])

    def test_out_is_written_atomically(self):
        out = os.path.join(self.dir, "out", "report.json")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        self.assertEqual(self.report("--format=json", f"--out={out}"), "")
        with open(out) as f:
            self.assertEqual(json.load(f)["ec2bench_report"], 1)
        self.assertEqual(os.listdir(os.path.dirname(out)), ["report.json"])
        r = run(["report", self.fleet, "--out=/nonexistent-ec2bench/r.txt"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, "ec2bench: report --out: cannot write '/nonexistent-ec2bench/r.txt': cannot "
                                   "create a temporary file in '/nonexistent-ec2bench' (the directory does not "
                                   "exist): No such file or directory\n")

    def test_error_lines(self):
        bad_csv = os.path.join(self.dir, "bad.csv")
        with open(bad_csv, "w") as f:
            f.write("instance_type,region,market,usd_per_hour,effective_date,source\n"
                    "c5.large,us-east-1,ondemand,0.085,2026-01-19,aws\n")
        not_json = os.path.join(self.dir, "spot.txt")
        with open(not_json, "w") as f:
            f.write("SpotPriceHistory")
        garbage = os.path.join(self.dir, "garbage.json")
        with open(garbage, "w") as f:
            f.write("[1,")
        cases = [
            (["--group-by=type"], "ec2bench: --group-by=type: expected instance_type, cpu or file (see --help)\n"),
            (["--price", "m7g=0.08"], "ec2bench: --price 'm7g=0.08': 'm7g' is not an instance type such as m7g.large (see --help)\n"),
            (["--price=m7g.large=$1"], "ec2bench: --price 'm7g.large=$1': '$1' is not a price in US dollars per hour "
                                       "such as 0.0816 (see --help)\n"),
            (["--region=us_east_1"], "ec2bench: --region=us_east_1: expected a region such as us-east-1 (see --help)\n"),
            (["--format=pdf"], "ec2bench: --format=pdf: expected table, markdown, csv, json, html or "
                               "github-action-benchmark (see --help)\n"),
            ([f"--prices={self.dir}/missing.csv"], f"ec2bench: {self.dir}/missing.csv: cannot open the prices file\n"),
            ([f"--prices={bad_csv}"], f"ec2bench: {bad_csv}:2: market 'ondemand': expected on-demand or spot\n"),
            (["--better=bigger"], "ec2bench: report: --better goes with --format=github-action-benchmark\n"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = run(["report", self.fleet] + args)
                self.assertEqual((r.returncode, r.stderr, r.stdout), (2, message, ""))
        r = run(["report", self.fleet, f"--spot-prices={not_json}"])
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.startswith(f"ec2bench: {not_json}: not JSON ("), r.stderr)
        r = run(["report", garbage])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.splitlines()[-1], "ec2bench: report: no results file could be read (1 given)")
        # One bad file among good ones: reported, listed, exit 2.
        r = run(["report", self.fleet, garbage])
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.startswith(f"ec2bench: skipped: {garbage} is not valid JSON"), r.stderr)
        self.assertIn("(skipped)", r.stdout)


class FakeImds(http.server.BaseHTTPRequestHandler):
    doc = json.dumps({"accountId": "123456789012", "architecture": "x86_64", "region": "eu-west-1",
                      "availabilityZone": "eu-west-1b", "imageId": "ami-0abcdef1234567890",
                      "instanceId": "i-0123456789abcdef0", "instanceType": "m6i.large"})

    def log_message(self, *args):
        pass

    def reply(self, status, body=""):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        ok = self.path == "/latest/api/token" and "X-aws-ec2-metadata-token-ttl-seconds" in self.headers
        self.reply(200 if ok else 400, "AQAEAFAKE" if ok else "")

    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != "AQAEAFAKE":
            return self.reply(401)
        routes = {"/latest/dynamic/instance-identity/document": self.doc,
                  "/latest/meta-data/placement/availability-zone-id": "euw1-az3",
                  "/latest/meta-data/instance-id": "i-0123456789abcdef0",
                  "/latest/meta-data/local-ipv4": "10.0.0.12",
                  "/latest/meta-data/instance-life-cycle": "spot"}
        if self.path in routes:
            return self.reply(200, routes[self.path])
        self.reply(404)


class Probe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.HTTPServer(("127.0.0.1", 0), FakeImds)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.endpoint = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def probe(self, *args, **extra):
        e = env(**extra)
        del e["AWS_EC2_METADATA_DISABLED"]
        r = run(["probe"] + list(args), env=e)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout, json.loads(r.stdout)

    def test_facts_from_the_fake_service(self):
        text, j = self.probe(AWS_EC2_METADATA_SERVICE_ENDPOINT=self.endpoint)
        ec2 = j["ec2"]
        self.assertEqual(ec2["imds"], "v2")
        self.assertEqual(ec2["instance_type"], {"value": "m6i.large", "source": "imdsv2"})
        self.assertEqual(ec2["availability_zone_id"]["value"], "euw1-az3")
        self.assertEqual(ec2["market"], {"value": "spot", "source": "imdsv2"})
        self.assertNotIn("123456789012", text)  # never, unless asked
        self.assertNotIn("i-0123456789abcdef0", text)
        self.assertNotIn("10.0.0.12", text)
        self.assertGreater(len(j["host"]["cpu_model"]), 0)

    def test_identifiers_when_asked(self):
        text, j = self.probe("--include-identifiers", AWS_EC2_METADATA_SERVICE_ENDPOINT=self.endpoint)
        self.assertEqual(j["ec2"]["account_id"]["value"], "123456789012")
        self.assertEqual(j["ec2"]["instance_id"]["value"], "i-0123456789abcdef0")

    def test_disabled(self):
        r = run(["probe"])
        self.assertEqual(json.loads(r.stdout)["ec2"]["imds"], "disabled")

def decode_hdr_v2(text):
    """HdrHistogram's V2 compressed histogram (base64), decoded here without the C++ reader:
    the header fields and the counts from index 0 up."""
    raw = base64.b64decode(text, validate=True)
    cookie, length = struct.unpack(">II", raw[:8])
    assert cookie & ~0xF0 == 0x1C849304, hex(cookie)  # compressed, wrapping...
    plain = zlib.decompress(raw[8:8 + length])
    (cookie, payload_length, offset, digits, lowest, highest,
     ratio) = struct.unpack(">IIiiqqd", plain[:40])
    assert cookie & ~0xF0 == 0x1C849303, hex(cookie)  # ...the V2 encoding
    payload = plain[40:40 + payload_length]
    assert len(payload) == payload_length
    counts, i = [], 0
    while i < len(payload):
        # LEB128: 7 bits a byte for 8 bytes, all 8 bits of a ninth; then ZigZag.
        value = 0
        for k in range(9):
            b = payload[i]
            i += 1
            if k == 8:
                value |= b << 56
                break
            value |= (b & 0x7F) << (7 * k)
            if not b & 0x80:
                break
        v = (value >> 1) ^ -(value & 1)
        if v < 0:
            counts.extend([0] * -v)  # a run of empty buckets
        else:
            counts.append(v)
    header = {"normalizing_offset": offset, "digits": digits, "lowest": lowest,
              "highest": highest, "ratio": ratio}
    return header, counts


def hdr_highest_equivalent(index, sub_bucket_bits=10):
    """The highest value of bucket `index` in HdrHistogram's layout with lowest value 1 and
    2^(sub_bucket_bits+1) sub-buckets (3 significant digits: 2048)."""
    half = 1 << sub_bucket_bits
    bucket = (index >> sub_bucket_bits) - 1
    sub = (index & (half - 1)) + half
    if bucket < 0:
        sub -= half
        bucket = 0
    return (sub << bucket) + (1 << bucket) - 1


class HdrLog(unittest.TestCase):
    """ec2bench-fsync --hlog writes HdrHistogram's interval log of every run; ec2bench hlog
    prints a log's distribution as HistogramLogProcessor does."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ec2bench-hlog-test-")
        cls.log = os.path.join(cls.dir, "x.hlog")
        cls.fsync = os.path.join(os.path.dirname(EXE), "ec2bench-fsync")
        cls.result = subprocess.run(
            [cls.fsync, f"--dir={cls.dir}", "--ops=300", "--method=fdatasync,none",
             f"--hlog={cls.log}", "--hlog-interval=0.05", "--benchmark_min_time=0.01",
             "--benchmark_format=json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), timeout=600)
        cls.interop = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                   "shared", "interop", "hdrhistogram")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def intervals(self):
        """(tag, start, length, max column, header, counts) of every interval line."""
        out = []
        with open(self.log) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "#[Logged with ec2bench-fsync " + lines[0].split()[-1])
        self.assertEqual(lines[1], "#[Histogram log format version 1.3]")
        self.assertTrue(lines[2].startswith("#[StartTime: "), lines[2])
        self.assertTrue(lines[3].startswith("#[BaseTime: "), lines[3])
        self.assertEqual(lines[2][len("#[StartTime: "):].split()[0],
                         lines[3][len("#[BaseTime: "):].split()[0])
        self.assertEqual(lines[4], '"StartTimestamp","Interval_Length","Interval_Max",'
                                   '"Interval_Compressed_Histogram"')
        for line in lines[5:]:
            self.assertTrue(line.startswith("Tag="), line)
            tag, start, length, max_column, text = line[4:].split(",")
            header, counts = decode_hdr_v2(text)
            out.append((tag, float(start), float(length), max_column, header, counts))
        return out

    def test_log_holds_every_write_of_every_run(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        doc = json.loads(self.result.stdout)
        ops = {b["run_name"].split("/iterations:")[0]: b["ops"] for b in doc["benchmarks"]}
        self.assertEqual(sorted(ops), ["fsync/fdatasync/4096/append", "fsync/none/4096/append"])
        intervals = self.intervals()
        self.assertEqual({i[0] for i in intervals}, set(ops))
        for name, n in ops.items():
            mine = [i for i in intervals if i[0] == name]
            self.assertEqual(sum(sum(i[5]) for i in mine), n, name)
            self.assertEqual(n, 300)
        previous_end = 0.0
        for tag, start, length, max_column, header, counts in intervals:
            # latency_histogram's layout: 1 ns to one hour, 3 significant digits.
            self.assertEqual(header, {"normalizing_offset": 0, "digits": 3, "lowest": 1,
                                      "highest": 3_600_000_000_000, "ratio": 1.0})
            self.assertGreater(sum(counts), 0)
            self.assertLessEqual(length, 0.05)
            self.assertGreater(length, 0)
            # One after the other, the runs too (3 decimals each).
            self.assertGreaterEqual(start + 0.0015, previous_end)
            previous_end = start + length
            top = max(k for k, c in enumerate(counts) if c)
            self.assertEqual(max_column, f"{hdr_highest_equivalent(top) / 1e6:.3f}")
        self.assertEqual(sorted(os.listdir(self.dir)), ["x.hlog"])

    def test_hlog_prints_the_distribution_of_a_tag(self):
        tag = "fsync/fdatasync/4096/append"
        r = run(["hlog", self.log, f"--tag={tag}"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("#[StartTime: "), lines[0])
        self.assertEqual(lines[1], "       Value     Percentile TotalCount 1/(1-Percentile)")
        self.assertEqual(lines[2], "")
        mine = [i for i in self.intervals() if i[0] == tag]
        top = max(max(k for k, c in enumerate(i[5]) if c) for i in mine)
        max_ms = f"{hdr_highest_equivalent(top) / 1e6:.3f}"
        self.assertEqual(lines[-2], f"#[Max     = {max_ms:>12}, Total count    = {300:>12}]")
        self.assertEqual(lines[-1], "#[Buckets = " + lines[-1][12:24] + ", SubBuckets     =         2048]")
        self.assertTrue(lines[-4].endswith(" 1.000000000000        300"), lines[-4])
        # Microseconds, and CSV.
        r = run(["hlog", self.log, f"--tag={tag}", "--unit-ratio=1e3", "--csv", "--ticks=1"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[1], '"Value","Percentile","TotalCount","1/(1-Percentile)"')
        self.assertEqual(lines[-1], f"{hdr_highest_equivalent(top) / 1e3:.3f},1.000000000000,300,Infinity")
        # A time range past the log selects nothing.
        r = run(["hlog", self.log, f"--tag={tag}", "--start=3600"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, f"ec2bench: hlog: {self.log}: no interval histograms with tag "
                                   f"'{tag}' in the time range; its tags: fsync/fdatasync/4096/append, "
                                   "fsync/none/4096/append (choose one with --tag, list them with "
                                   "--list-tags)\n")

    def test_hlog_lists_tags_and_needs_one(self):
        r = run(["hlog", "--list-tags", self.log])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "Tags found in input file:\nfsync/fdatasync/4096/append\n"
                                   "fsync/none/4096/append\n")
        # As HistogramLogProcessor: without --tag, only untagged intervals, and there are none.
        r = run(["hlog", self.log])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, f"ec2bench: hlog: {self.log}: no interval histograms without a "
                                   "tag; its tags: fsync/fdatasync/4096/append, "
                                   "fsync/none/4096/append (choose one with --tag, list them with "
                                   "--list-tags)\n")

    def test_hlog_on_jhiccups_log(self):
        v2 = os.path.join(self.interop, "jHiccup-2.0.7S.logV2.hlog")
        if not os.path.exists(v2):
            # Under CI the oracle must run; elsewhere a clone need not sit beside shared/.
            self.assertFalse(os.environ.get("CI"), f"{v2} is absent under CI")
            self.skipTest(f"{v2} is absent (the shared interop data sits beside the repository)")
        r = run(["hlog", v2])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "#[StartTime: 1441812279.474 (seconds since epoch), "
                                   "Wed Sep 09 15:24:39 UTC 2015]")
        self.assertEqual(lines[1], "       Value     Percentile TotalCount 1/(1-Percentile)")
        self.assertEqual(lines[-2], "#[Max     =      1803.55, Total count    =        48761]")
        self.assertEqual(lines[-1], "#[Buckets =           21, SubBuckets     =          256]")
        r = run(["hlog", "--list-tags", os.path.join(self.interop, "jHiccup-2.0.7S.logV3.hlog")])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "Tags found in input file:\n[NO TAG (default)]\na1.134a\n"
                                   "a3.134a\na5.132a\na7.133a\n")

    def test_strings_from_the_file_are_escaped(self):
        with open(self.log) as f:
            text = f.read().splitlines()[5].split(",")[-1]
        evil = os.path.join(self.dir, "evil.hlog")
        with open(evil, "w") as f:
            f.write(f"Tag=x\x1b]0;owned\x07,0.000,1.000,0.001,{text}\n")
        try:
            r = run(["hlog", "--list-tags", evil])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, "Tags found in input file:\nx\\x1b]0;owned\\x07\n")
            r = run(["hlog", evil])
            self.assertEqual(r.returncode, 2)
            self.assertNotIn("\x1b", r.stderr)
            self.assertIn("its tags: x\\x1b]0;owned\\x07 (choose one", r.stderr)
        finally:
            os.unlink(evil)

    def test_interrupted_run_leaves_a_valid_log(self):
        # Under the working directory (ctest's build tree, on disk), where a sync takes time.
        d = tempfile.mkdtemp(prefix="ec2bench-hlog-int-", dir=os.getcwd())
        log = os.path.join(d, "int.hlog")

        def interval_lines():
            try:
                with open(log) as f:
                    return sum(line.startswith("Tag=") for line in f)
            except FileNotFoundError:
                return 0

        try:
            p = subprocess.Popen([self.fsync, f"--dir={d}", "--ops=20000", "--seconds=60",
                                  f"--hlog={log}", "--hlog-interval=0.001"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                 env=env())
            deadline = time.time() + 60
            while interval_lines() < 3 and time.time() < deadline and p.poll() is None:
                time.sleep(0.005)
            p.send_signal(signal.SIGINT)
            p.communicate(timeout=60)
            if p.returncode == 0:
                self.skipTest("the run ended before the signal: syncs here cost nothing")
            self.assertEqual(p.returncode, -signal.SIGINT)
            self.assertEqual(os.listdir(d), ["int.hlog"])  # the test file is gone
            self.assertGreaterEqual(interval_lines(), 3)
            r = run(["hlog", log, "--tag=fsync/fdatasync/4096/append"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(", SubBuckets     =         2048]", r.stdout.splitlines()[-1])
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_bad_input(self):
        garbage = os.path.join(self.dir, "garbage.hlog")
        with open(garbage, "w") as f:
            f.write("1.0,2.0,3.0,\x1b[2J\n")
        words = os.path.join(self.dir, "words.hlog")
        with open(words, "w") as f:
            f.write("hello world\n")
        cases = [
            (["hlog", os.path.join(self.dir, "missing.hlog")],
             f"ec2bench: hlog: cannot read '{self.dir}/missing.hlog': No such file or directory\n"),
            (["hlog", self.dir],
             f"ec2bench: hlog: '{self.dir}' is not a regular file; expected an interval log\n"),
            (["hlog", garbage],
             f"ec2bench: hlog: {garbage}:1: hdr: invalid base64 character '\\x1b' at offset 0\n"),
            (["hlog", words],
             f"ec2bench: hlog: {words}:1: expected StartTimestamp,Interval_Length,Interval_Max,"
             "histogram (4 fields after any Tag=), found 1\n"),
            (["hlog", "--list-tags", garbage],
             f"ec2bench: hlog: {garbage}:1: hdr: invalid base64 character '\\x1b' at offset 0\n"),
            (["hlog"], "ec2bench: hlog: expected an interval log file (ec2bench-fsync "
                       "--hlog=FILE writes one)\n"),
            (["hlog", self.log, "--ticks=0"],
             "ec2bench: hlog: --ticks=0: expected from 1 to 1000 (see --help)\n"),
            (["hlog", self.log, "--unit-ratio=-1"],
             "ec2bench: hlog: --unit-ratio=-1: expected a positive number, such as 1e6 or 1e3 "
             "(see --help)\n"),
            (["hlog", self.log, "--start=soon"],
             "ec2bench: hlog: --start=soon: expected seconds after the log's start time, 0 or "
             "more (see --help)\n"),
            (["hlog", self.log, "--start=5", "--end=2"],
             "ec2bench: hlog: --end=2 is before --start=5: expected start <= end\n"),
            (["hlog", self.log, "--tag=fsync/none/512/append"],
             f"ec2bench: hlog: {self.log}: no interval histograms with tag "
             "'fsync/none/512/append'; its tags: fsync/fdatasync/4096/append, "
             "fsync/none/4096/append (choose one with --tag, list them with --list-tags)\n"),
            ([self.fsync, f"--dir={self.dir}", "--hlog=/nonexistent/dir/x.hlog"],
             "ec2bench-fsync: --hlog=/nonexistent/dir/x.hlog: No such file or directory\n"),
            ([self.fsync, f"--dir={self.dir}", f"--hlog={self.dir}"],
             f"ec2bench-fsync: --hlog={self.dir}: Is a directory\n"),
            ([self.fsync, f"--dir={self.dir}", f"--hlog={self.log}", "--hlog-interval=0"],
             "ec2bench-fsync: --hlog-interval=0: expected seconds from 0.001 to 3600 (see --help)\n"),
            ([self.fsync, f"--dir={self.dir}", f"--hlog={self.log}", "--hlog-interval=3601"],
             "ec2bench-fsync: --hlog-interval=3601: expected seconds from 0.001 to 3600 (see --help)\n"),
            ([self.fsync, f"--dir={self.dir}", "--hlog-interval=0.5"],
             "ec2bench-fsync: --hlog-interval=0.5: goes with --hlog=FILE\n"),
        ]
        try:
            for args, message in cases:
                with self.subTest(args=args):
                    cmd = args if args[0].startswith("/") else [EXE] + args
                    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, env=env(), timeout=60)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertEqual(r.stderr, message)
                    self.assertEqual(r.stdout, "")
        finally:
            os.unlink(garbage)
            os.unlink(words)


if __name__ == "__main__":
    EXE, SCHEMA = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
