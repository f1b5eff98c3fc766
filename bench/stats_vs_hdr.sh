#!/usr/bin/env bash
# Builds bench/stats_vs_hdr.cpp against a checkout of HdrHistogram_c and runs it: our record
# benchmarks and HdrHistogram_c's hdr_record_value over the same 65,536 lognormal latencies, in
# one process, interleaved. Prints per round each benchmark's median ns/record and its ratio to
# the raw store (stats/sample_buffer/record), then the median of each over the rounds.
#
# usage: bench/stats_vs_hdr.sh --hdr=DIR [--rounds=N] [--march=ARCH] [--wrap=CMD]
#   --hdr=DIR    a checkout of https://github.com/HdrHistogram/HdrHistogram_c (DIR/src and
#                DIR/include); its hdr_histogram.c is compiled as a library would be: -O3
#                -march=ARCH, its own translation unit, no LTO
#   --march=ARCH both programs' -march (native); x86-64 for the portable build's code
#   --rounds=N   processes run, each with 10 interleaved repetitions per benchmark (5)
#   --wrap=CMD   prefix for every run, e.g. --wrap='flock -x /tmp/bench.lock'
# Needs: g++, gcc, python3, libbenchmark-dev (the repository's own dependencies).
set -euo pipefail

hdr=""
rounds=5
march=native
wrap=""
for arg in "$@"; do
  case "$arg" in
    --hdr=*) hdr="${arg#--hdr=}" ;;
    --rounds=*) rounds="${arg#--rounds=}" ;;
    --march=*) march="${arg#--march=}" ;;
    --wrap=*) wrap="${arg#--wrap=}" ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "stats_vs_hdr.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$hdr" ] || { echo "stats_vs_hdr.sh: --hdr=DIR is required (a checkout of HdrHistogram_c)" >&2; exit 2; }
if [ ! -f "$hdr/src/hdr_histogram.c" ] || [ ! -f "$hdr/include/hdr/hdr_histogram.h" ]; then
  echo "stats_vs_hdr.sh: --hdr=$hdr: expected src/hdr_histogram.c and include/hdr/hdr_histogram.h there" >&2
  exit 2
fi
case "$rounds" in ''|*[!0-9]*|0) echo "stats_vs_hdr.sh: --rounds=$rounds: expected a whole number >= 1" >&2; exit 2 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -std=gnu11 -O3 "-march=$march" -DNDEBUG -I"$hdr/include" -I"$hdr/src" \
  -c "$hdr/src/hdr_histogram.c" -o "$work/hdr_histogram.o"
g++ -std=c++17 -O3 "-march=$march" -DNDEBUG -I"$root/include" -I"$hdr/include" \
  "$root/bench/stats_vs_hdr.cpp" "$work/hdr_histogram.o" -o "$work/stats_vs_hdr" \
  -lbenchmark -lpthread -lm

filter='stats/(sample_buffer/record|histogram/(record|record_u32|record_batch|increments|index_increments))$|peer/'
for ((r = 1; r <= rounds; r++)); do
  # shellcheck disable=SC2086  # $wrap is a command prefix
  $wrap "$work/stats_vs_hdr" --benchmark_filter="$filter" --benchmark_repetitions=10 \
    --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.2 --benchmark_format=json 2>/dev/null > "$work/round$r.json"
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
per = {}
for r in range(1, rounds + 1):
    with open(f"{work}/round{r}.json") as f:
        j = json.load(f)
    ns = {b["run_name"]: b["real_time"] / 65536 for b in j["benchmarks"]
          if b.get("aggregate_name") == "median"}
    floor = ns["stats/sample_buffer/record"]
    print(f"round {r}: " + "  ".join(f"{k} {v:.2f} ns {v / floor:.2f}x" for k, v in sorted(ns.items())))
    for k, v in ns.items():
        per.setdefault(k, []).append((v, v / floor))
print(f"\nmedian of {rounds} rounds (ns/record, x the raw store):")
for k, vs in sorted(per.items()):
    print(f"  {k:36s} {statistics.median(v for v, _ in vs):6.2f} ns {statistics.median(x for _, x in vs):6.2f}x")
hdr = per["peer/hdr_record_value"]
ours = per["stats/histogram/record"]
ratio = statistics.median(h[0] / o[0] for h, o in zip(hdr, ours))
print(f"\nhdr_record_value / our recorder, median of the per-round ratios: {ratio:.2f}x")
PY
