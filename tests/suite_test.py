#!/usr/bin/env python3
"""End-to-end tests of the ec2bench executable: run, probe, compare, report.

    suite_test.py <path to ec2bench> <path to docs/results.schema.json> [unittest args]

Every run has AWS_EC2_METADATA_DISABLED=true unless a test points the probe at its own fake
metadata server on 127.0.0.1: nothing here may reach 169.254.169.254, even on an EC2 host.
"""
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

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
        self.assertIn(f"base:    {self.out}", r.stdout)
        self.assertIn("stats/histogram/record", r.stdout)
        self.assertIn("same", r.stdout)
        j = json.loads(run(["compare", self.out, self.out, "--format=json"]).stdout)
        self.assertTrue(all(row["verdict"] == "same" for row in j["rows"]))

    def test_report(self):
        r = run(["report", self.dir, "--format=csv"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "file,instance,zone,arch,cpu,cpus,triad GB/s,primes/s 1T (M),"
                                   "primes/s all (M),fdatasync IOPS,fdatasync p99 us,hist record ns")
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[1].startswith("quick.json,-,-,"))


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
             "ec2bench: --alpha=2: expected a number in (0, 1), e.g. 0.05 (see --help)\n"),
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
                                   "compare or report (see --help)\n")

    def test_garbage_json(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write("{\"context\": [1, 2,")
        try:
            r = run(["compare", f.name, f.name])
            self.assertEqual(r.returncode, 2)
            self.assertTrue(r.stderr.startswith(f"ec2bench: results file '{f.name}' is not valid JSON: "
                                                "parse error at line 1, column 19"), r.stderr)
            r = run(["report", f.name])
            self.assertEqual(r.returncode, 1)
            self.assertTrue(r.stderr.startswith(f"ec2bench: skipped: results file '{f.name}' is not valid JSON"))
        finally:
            os.unlink(f.name)

    def test_report_flags(self):
        r = run(["report", "--sort=colour", "x.json"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--sort=colour: expected instance_type, triad_gbps", r.stderr)
        r = run(["compare", "a.json"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "ec2bench: compare: expected two results files, BASE and NEW; got 1\n")


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
                  "/latest/meta-data/local-ipv4": "10.0.0.12"}
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


if __name__ == "__main__":
    EXE, SCHEMA = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
