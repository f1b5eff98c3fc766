#!/usr/bin/env python3
"""ec2bench-stream against STREAM's own plain OpenMP loop, run interleaved at the same size and
thread count, with likwid-bench's stream_mem_avx_fma as a second peer when it is installed.

    bench/stream_vs_omp.py [--build build/release] [--elements 80000000] [--threads 2] [--rounds 5]

Each round runs, back to back: stream-omp, ec2bench-stream, ec2bench-stream --nt=off,
ec2bench-stream --pages=4k (the last two show what streaming stores and huge pages contribute),
and likwid-bench. Every run does 10 timed passes after one dropped pass, as STREAM's NTIMES=11.
Printed: the median over rounds of each run's best pass (GB/s, 1e9 bytes, STREAM's counting), and
ec2bench's ratio to the plain loop. The peer is pinned (OMP_PROC_BIND=spread, OMP_PLACES=cores).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

KERNELS = ["copy", "scale", "add", "triad"]


def run(cmd, env=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}{p.stdout}")
    return p.stdout


def omp_round(exe, elements, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_PROC_BIND="spread", OMP_PLACES="cores")
    out = run([exe, str(elements), "11"], env)
    if "valid=1" not in out:
        sys.exit("stream-omp failed STREAM's validation:\n" + out)
    rates = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] in KERNELS:
            rates[parts[0]] = float(parts[1])
    return rates


def ec2bench_round(exe, elements, threads, extra):
    out = run([exe, f"--elements={elements}", f"--threads={threads}", "--passes=10",
               "--types=double", "--sweep=off", "--benchmark_format=json"] + extra)
    rates = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("error_occurred"):
            sys.exit(f"{b['name']}: {b.get('error_message')}")
        kernel = b["name"].split("/")[1]
        rates[kernel] = b["best_bytes_per_second"] / 1e9
    return rates


def likwid_round(elements, threads):
    exe = shutil.which("likwid-bench")
    if exe is None:
        return None
    size_mb = elements * 8 * 3 // 1_000_000
    out = run([exe, "-t", "stream_mem_avx_fma", "-w", f"S0:{size_mb}MB:{threads}"])
    for line in out.splitlines():
        if line.startswith("MByte/s:"):
            return float(line.split()[1]) / 1000
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--elements", type=int, default=80_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-ablation", action="store_true",
                    help="skip the nt=off and 4k-pages runs (more rounds in the same time)")
    a = ap.parse_args()
    omp = os.path.join(a.build, "bench", "stream-omp")
    ours = os.path.join(a.build, "bench", "ec2bench-stream")
    for exe in (omp, ours):
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe} not found: build the release preset first")

    series = {"omp": [], "ec2bench": [], "nt=off": [], "4k pages": []}
    likwid = []
    for r in range(a.rounds):
        series["omp"].append(omp_round(omp, a.elements, a.threads))
        series["ec2bench"].append(ec2bench_round(ours, a.elements, a.threads, []))
        if not a.no_ablation:
            series["nt=off"].append(ec2bench_round(ours, a.elements, a.threads, ["--nt=off"]))
            series["4k pages"].append(ec2bench_round(ours, a.elements, a.threads, ["--pages=4k"]))
        lk = likwid_round(a.elements, a.threads)
        if lk is not None:
            likwid.append(lk)
        print(f"round {r + 1}/{a.rounds}: triad omp {series['omp'][-1]['triad']:.1f}, "
              f"ec2bench {series['ec2bench'][-1]['triad']:.1f} GB/s", file=sys.stderr)

    med = {name: {k: statistics.median(run[k] for run in runs) if runs else float("nan")
                  for k in KERNELS}
           for name, runs in series.items()}
    print(f"STREAM, {a.elements} doubles per array, {a.threads} threads, {a.rounds} interleaved "
          f"rounds; median of each run's best pass, GB/s (1e9 bytes, STREAM's counting)")
    print(f"{'kernel':8}{'plain OpenMP':>14}{'ec2bench':>10}{'ratio':>8}{'nt=off':>9}{'4k pages':>10}")
    for k in KERNELS:
        print(f"{k:8}{med['omp'][k]:14.1f}{med['ec2bench'][k]:10.1f}"
              f"{med['ec2bench'][k] / med['omp'][k]:7.2f}x{med['nt=off'][k]:9.1f}{med['4k pages'][k]:10.1f}")
    if likwid:
        print(f"likwid-bench stream_mem_avx_fma (triad with streaming stores, mean over its "
              f"iterations): {statistics.median(likwid):.1f} GB/s median")


if __name__ == "__main__":
    main()
