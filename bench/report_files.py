#!/usr/bin/env python3
"""Writes synthetic but realistic ec2bench results files, for timing `ec2bench report`.

    bench/report_files.py --count 1000 --out DIR [--seed 1]

Each file has the shape of an `ec2bench run` (schema version 2): STREAM copy, scale, add and
triad in double, the triad thread sweep, the sieve's count and thread sweep, fdatasync, the
histogram's record; 10 repetitions each with Google Benchmark's mean, median, stddev and cv
aggregates, and ec2bench's per-repetition extras. About 100 to 150 KB each (the 8-CPU types'
sweeps are longer), pretty-printed as `ec2bench run` writes them. The files are spread over 20
instance types from the bundled price snapshot, with noisy values around a per-type level.
Standard library only.
"""
import argparse
import json
import os
import random
import sys
import zlib

TYPES = [  # type, vCPUs, architecture, CPU model
    ("c5.large", 2, "x86_64", "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz"),
    ("c5.xlarge", 4, "x86_64", "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz"),
    ("c5.2xlarge", 8, "x86_64", "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz"),
    ("c6a.large", 2, "x86_64", "AMD EPYC 7R13 Processor"),
    ("c6a.2xlarge", 8, "x86_64", "AMD EPYC 7R13 Processor"),
    ("c6i.xlarge", 4, "x86_64", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"),
    ("c6i.2xlarge", 8, "x86_64", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"),
    ("c6g.large", 2, "aarch64", "Neoverse-N1"),
    ("c6g.xlarge", 4, "aarch64", "Neoverse-N1"),
    ("c7a.large", 2, "x86_64", "AMD EPYC 9R14"),
    ("c7g.xlarge", 4, "aarch64", "Neoverse-V1"),
    ("c7i.large", 2, "x86_64", "Intel(R) Xeon(R) Platinum 8488C"),
    ("m5.xlarge", 4, "x86_64", "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz"),
    ("m6i.xlarge", 4, "x86_64", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"),
    ("m7g.large", 2, "aarch64", "Neoverse-V1"),
    ("m7g.xlarge", 4, "aarch64", "Neoverse-V1"),
    ("m7i.xlarge", 4, "x86_64", "Intel(R) Xeon(R) Platinum 8488C"),
    ("t3.large", 2, "x86_64", "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz"),
    ("t3a.xlarge", 4, "x86_64", "AMD EPYC 7571"),
    ("t4g.large", 2, "aarch64", "Neoverse-N1"),
]
REPETITIONS = 10


def aggregates(name, rows, keys):
    out = []
    for agg in ("mean", "median", "stddev", "cv"):
        a = dict(rows[0])
        a.update({"name": f"{name}_{agg}", "run_type": "aggregate", "aggregate_name": agg,
                  "aggregate_unit": "percentage" if agg == "cv" else "time"})
        a.pop("repetition_index", None)
        for k in keys:
            v = sorted(r[k] for r in rows)
            mean = sum(v) / len(v)
            sd = (sum((x - mean) ** 2 for x in v) / (len(v) - 1)) ** 0.5
            a[k] = {"mean": mean, "median": (v[4] + v[5]) / 2, "stddev": sd, "cv": sd / mean if mean else 0}[agg]
        out.append(a)
    return out


def benchmark(rng, name, family_index, level, noise, counters, threads=1):
    """REPETITIONS iterations and the aggregates; `counters(value)` gives a run's counters."""
    rows = []
    for i in range(REPETITIONS):
        v = level * (1 + rng.gauss(0, noise))
        ms = rng.uniform(50, 400)
        row = {"name": name, "family_index": family_index, "per_family_instance_index": 0,
               "run_name": name, "run_type": "iteration", "repetitions": REPETITIONS,
               "repetition_index": i, "threads": threads, "iterations": 1, "real_time": ms,
               "cpu_time": ms * rng.uniform(0.9, 1.0), "time_unit": "ms"}
        row.update(counters(v, ms))
        rows.append(row)
    keys = [k for k, x in rows[0].items() if isinstance(x, float) and k not in ("real_time", "cpu_time")]
    return rows + aggregates(name, rows, keys + ["real_time", "cpu_time"])


def extras(rng, facts, value_names):
    reps = []
    for _ in range(REPETITIONS):
        reps.append({"values": {k: rng.uniform(0, 1000) for k in value_names}})
    agg = {a: {k: rng.uniform(0, 1000) for k in value_names} for a in ("mean", "median", "stddev", "cv")}
    return {"facts": facts, "warnings": [], "repetitions": reps, "aggregates": agg}


def results_file(rng, itype, cpus, arch, cpu, replica, day):
    speed = (zlib.crc32(itype.encode()) % 1000) / 1000 + 0.5  # a per-type level, the same every run
    mem = 8 + 30 * speed * cpus / 4
    benchmarks, extra = [], {}
    fam = 0
    for t, kernels in (("double", ("copy", "scale", "add", "triad")),):
        for k in kernels:
            name = f"stream/{k}/{t}/iterations:1/manual_time"
            benchmarks += benchmark(rng, name, fam, mem, 0.02, lambda v, ms: {
                "best_bytes_per_second": v * 1e9, "bytes_per_second": v * 0.95e9,
                "best_wa_bytes_per_second": v * 1.3e9, "valid": 1.0, "elements": 80000000.0,
                "threads": float(cpus), "nt": 1.0}, cpus)
            extra[name] = extras(rng, {"nt": "on", "pages": "default", "pin": "compact"},
                                 ["best_s", "median_s", "worst_s", "passes"])
            fam += 1
    t = 1
    while t <= cpus:
        name = f"stream/sweep/triad/double/threads:{t}/manual_time"
        benchmarks += benchmark(rng, name, fam, mem * min(1.0, 0.35 * t), 0.03, lambda v, ms: {
            "best_bytes_per_second": v * 1e9, "bytes_per_second": v * 0.95e9, "valid": 1.0}, t)
        fam += 1
        t *= 2
    sieve_rate = 150 * speed
    name = f"sieve/count/1000000000/threads:{cpus}/manual_time"
    benchmarks += benchmark(rng, name, fam, sieve_rate * cpus * 0.9, 0.01, lambda v, ms: {
        "items_per_second": v * 1e6 * 19.7, "primes": v * 1e6 * ms / 1000}, cpus)
    fam += 1
    t = 1
    while t <= cpus:
        name = f"sieve/sweep/threads:{t}/manual_time"
        benchmarks += benchmark(rng, name, fam, sieve_rate * t * 0.95, 0.01, lambda v, ms: {
            "items_per_second": v * 1e6 * 19.7, "primes": v * 1e6 * ms / 1000}, t)
        fam += 1
        t *= 2
    for method in ("fdatasync",):
        name = f"fsync/{method}/4096/append/iterations:1/manual_time"
        iops = 2200 * (0.8 + 0.4 * speed)
        benchmarks += benchmark(rng, name, fam, iops, 0.05, lambda v, ms: {
            "items_per_second": v, "bytes_per_second": v * 4096, "p50_us": 1e6 / v * 0.9,
            "p95_us": 1e6 / v * 1.4, "p99_us": 1e6 / v * 2.1, "p999_us": 1e6 / v * 4.5,
            "max_us": 1e6 / v * 9, "mean_us": 1e6 / v, "ops": 2000.0, "sync_p99_us": 1e6 / v * 1.9})
        extra[name] = extras(rng, {"directory": "/data", "method": method, "prepare": "append",
                                   "filesystem": "xfs", "device": "nvme1n1", "write_cache": "write through",
                                   "rotational": "0", "device_model": "Amazon Elastic Block Store",
                                   "percentiles": "exact"},
                             ["write_p50_us", "write_p99_us", "sync_p50_us", "sync_p99_us", "block_size",
                              "short_writes", "eintr_retries"])
        fam += 1
    for s in ("record",):
        name = f"stats/histogram/{s}"
        benchmarks += benchmark(rng, name, fam, 4e8 * speed, 0.02, lambda v, ms: {"items_per_second": v})
        fam += 1
    zone = "us-east-1" + "abcdef"[replica % 6]
    started = f"2026-11-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
    fact = lambda v, src="imdsv2": {"value": v, "source": src}  # noqa: E731
    return {
        "context": {"date": started, "executable": "ec2bench", "num_cpus": cpus, "mhz_per_cpu": 2900,
                    "cpu_scaling_enabled": False, "caches": [
                        {"type": "Data", "level": 1, "size": 49152, "num_sharing": 2},
                        {"type": "Unified", "level": 2, "size": 1310720, "num_sharing": 2},
                        {"type": "Unified", "level": 3, "size": 56623104, "num_sharing": cpus}],
                    "load_avg": [0.1, 0.2, 0.3], "library_build_type": "release",
                    "json_schema_version": 1, "ec2bench.preset": "default"},
        "benchmarks": benchmarks,
        "ec2bench": {
            "schema_version": 2, "version": "0.1.0", "started_at": started,
            "finished_at": started, "command": ["ec2bench", "run", "--dir=/data"], "preset": "default",
            "complete": True, "include_identifiers": False, "interrupted_by": "",
            "host": {"architecture": arch, "cpu_vendor": "", "cpu_model": cpu, "microarchitecture": "",
                     "ec2_processor_hint": "", "logical_cpus": cpus, "allowed_cpus": cpus,
                     "physical_cores": max(1, cpus // 2), "sockets": 1, "numa_nodes": 1, "caches": [],
                     "memory_bytes": cpus * 4 << 30, "memory_available_bytes": cpus * 3 << 30,
                     "kernel": "6.1.0-28-cloud-amd64", "os": "Debian GNU/Linux 12 (bookworm)",
                     "transparent_hugepages": "madvise", "clocksource": "kvm-clock",
                     "cpufreq_governor": "", "load_average": [0.1, 0.2, 0.3]},
            "ec2": {"on_ec2": True, "hypervisor": "nitro", "imds": "imdsv2",
                    "instance_type": fact(itype, "dmi"), "region": fact("us-east-1"),
                    "availability_zone": fact(zone), "availability_zone_id": fact("use1-az4"),
                    "ami_id": fact("ami-0abcdef1234567890"), "architecture": fact(arch),
                    "market": fact("on-demand"), "notes": [], "probe_seconds": 0.004},
            "benchmarks": extra,
        },
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--out", required=True, help="directory to write into (created)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.count < 1:
        p.error("--count: expected at least 1")
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    total = 0
    for i in range(a.count):
        itype, cpus, arch, cpu = TYPES[i % len(TYPES)]
        doc = results_file(rng, itype, cpus, arch, cpu, i // len(TYPES), 1 + i % 28)
        path = os.path.join(a.out, f"{itype}-{i:05d}.json")
        text = json.dumps(doc, indent=2) + "\n"
        with open(path, "w") as f:
            f.write(text)
        total += len(text)
    print(f"{a.count} files, {total / a.count / 1024:.0f} KiB each on average, in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
