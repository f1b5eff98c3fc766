#!/usr/bin/env python3
"""ec2bench-fsync against fio, run interleaved on the same directory with the same writes.

    bench/fsync_vs_fio.py --dir DIR [--build build/release] [--ops 2000] [--rounds 5]
                          [--configs fdatasync:4k,fsync:4k,dsync:4k,direct+fdatasync:4k]
                          [--prepare append|preallocate|overwrite]

For each configuration, each round runs fio and ec2bench-fsync on DIR (alternating which goes
first), writing the same number of blocks sequentially to a fresh file. Printed: the median over rounds of IOPS, and of each
side's write and sync latency percentiles (microseconds), and ec2bench's IOPS ratio to fio.

fio is run as the issue states: --rw=write --ioengine=psync --bs=<size>, with the sync flag of
the method (--fdatasync=1, --fsync=1, --sync=dsync, --sync=sync, --direct=1 [+ --fdatasync=1]),
and its file layout matched to --prepare (append: --fallocate=none; preallocate:
--fallocate=native, which is fallocate(2) mode 0 like ours; overwrite: --overwrite=1).
ec2bench runs with --warmup=0 so both sides time every write.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

FIO_METHOD = {
    "fdatasync": ["--fdatasync=1"],
    "fsync": ["--fsync=1"],
    "dsync": ["--sync=dsync"],
    "sync": ["--sync=sync"],
    "direct": ["--direct=1"],
    "direct+fdatasync": ["--direct=1", "--fdatasync=1"],
    "none": [],
}
FIO_PREPARE = {"append": ["--fallocate=none"], "preallocate": ["--fallocate=native"],
               "overwrite": ["--fallocate=none", "--overwrite=1"]}


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}{p.stdout}")
    return p.stdout


def size_bytes(s):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    s = s.lower()
    return int(s[:-1]) * units[s[-1]] if s[-1] in units else int(s)


def fio_round(directory, method, bs, ops, prepare):
    out = run(["fio", "--name=ec2bench-peer", f"--directory={directory}", "--rw=write",
               "--ioengine=psync", f"--bs={bs}", f"--size={ops * size_bytes(bs)}", "--unlink=1",
               "--output-format=json"] + FIO_METHOD[method] + FIO_PREPARE[prepare])
    job = json.loads(out[out.index("{"):])["jobs"][0]
    w = job["write"]
    sync = job.get("sync", {}).get("lat_ns", {})
    pct = lambda d, p: d.get("percentile", {}).get(p, float("nan")) / 1e3
    return {"iops": w["iops"],
            "write_p50": pct(w["clat_ns"], "50.000000"), "write_p99": pct(w["clat_ns"], "99.000000"),
            "sync_p50": pct(sync, "50.000000"), "sync_p99": pct(sync, "99.000000")}


def ours_round(exe, directory, method, bs, ops, prepare):
    out = run([exe, f"--dir={directory}", f"--method={method}", f"--block-size={bs}", f"--ops={ops}",
               "--warmup=0", "--seconds=600", f"--prepare={prepare}", "--benchmark_format=json"])
    b = json.loads(out)["benchmarks"][0]
    if b.get("error_occurred"):
        sys.exit(f"{b['name']}: {b['error_message']}")
    return {"iops": b["items_per_second"], "p50": b["p50_us"], "p99": b["p99_us"],
            "sync_p99": b.get("sync_p99_us", float("nan"))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--ops", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--configs", default="fdatasync:4k")
    ap.add_argument("--prepare", default="append", choices=sorted(FIO_PREPARE))
    a = ap.parse_args()
    exe = os.path.join(a.build, "bench", "ec2bench-fsync")
    if not os.access(exe, os.X_OK):
        sys.exit(f"{exe} not found: build the release preset first")
    if shutil.which("fio") is None:
        sys.exit("fio not found: apt-get install fio")

    print(f"fsync I/O in {a.dir} ({a.prepare}), {a.ops} writes per run, {a.rounds} interleaved rounds; "
          "medians over rounds")
    print(f"{'config':24}{'fio IOPS':>10}{'ec2bench':>10}{'ratio':>8}   "
          f"{'fio w p50/p99 us':>18}{'fio sync p50/p99':>18}{'ours p50/p99 us':>18}")
    for cfg in a.configs.split(","):
        method, bs = cfg.split(":")
        theirs, ours = [], []
        for r in range(a.rounds):
            # Alternate who goes first, so a device that drifts during the run favours neither.
            if r % 2 == 0:
                theirs.append(fio_round(a.dir, method, bs, a.ops, a.prepare))
                ours.append(ours_round(exe, a.dir, method, bs, a.ops, a.prepare))
            else:
                ours.append(ours_round(exe, a.dir, method, bs, a.ops, a.prepare))
                theirs.append(fio_round(a.dir, method, bs, a.ops, a.prepare))
        med = lambda rows, k: statistics.median(r[k] for r in rows)
        f_iops, o_iops = med(theirs, "iops"), med(ours, "iops")
        print(f"{cfg:24}{f_iops:10.0f}{o_iops:10.0f}{o_iops / f_iops:7.2f}x   "
              f"{med(theirs, 'write_p50'):8.1f}/{med(theirs, 'write_p99'):<9.1f}"
              f"{med(theirs, 'sync_p50'):8.1f}/{med(theirs, 'sync_p99'):<9.1f}"
              f"{med(ours, 'p50'):8.1f}/{med(ours, 'p99'):<9.1f}")
        print(f"{'':24}per round, ec2bench/fio IOPS: "
              + " ".join(f"{o['iops'] / t['iops']:.2f}" for o, t in zip(ours, theirs)))


if __name__ == "__main__":
    main()
