#!/usr/bin/env bash
# Runs primesieve (Debian package primesieve) and ec2bench-sieve interleaved on this machine and
# prints, per configuration, the median seconds of each and the ratio of throughputs
# (primesieve seconds / ec2bench-sieve seconds: above 1 means ec2bench-sieve is faster).
#
# usage: bench/sieve_vs_primesieve.sh [--rounds=N] [--sieve=PATH] [--sieve-args=ARGS] [--wrap=CMD]
#                                     [[START-]LIMIT:THREADS ...]
#   LIMIT:THREADS  count the primes below LIMIT on THREADS threads ("all": every CPU we may run
#                  on, nproc); default: 1e10:1 1e11:1 1e10:all
#   START-LIMIT:THREADS  the primes in [START, LIMIT), e.g. 99999e9-1e14:1 for the large primes
#   --rounds=N     runs of each program per configuration, alternating which goes first (5)
#   --sieve=PATH   the ec2bench-sieve executable (build/release/bench/ec2bench-sieve)
#   --sieve-args=ARGS  more flags for ec2bench-sieve, e.g. --sieve-args='--segment-bytes=128k'
#   --wrap=CMD     prefix for every timed command, e.g. --wrap='flock -x /tmp/bench.lock' or
#                  --wrap='taskset -c 0'
# Needs only Debian packages: bash, coreutils, python3, primesieve.
set -euo pipefail

rounds=5
sieve=build/release/bench/ec2bench-sieve
wrap=""
sieve_args=""
configs=()
for arg in "$@"; do
  case "$arg" in
    --rounds=*) rounds="${arg#--rounds=}" ;;
    --sieve=*) sieve="${arg#--sieve=}" ;;
    --sieve-args=*) sieve_args="${arg#--sieve-args=}" ;;
    --wrap=*) wrap="${arg#--wrap=}" ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *:*) configs+=("$arg") ;;
    *) echo "sieve_vs_primesieve.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#configs[@]} -eq 0 ] && configs=(1e10:1 1e11:1 1e10:all)
command -v primesieve >/dev/null || { echo "primesieve not found: apt-get install primesieve" >&2; exit 2; }
[ -x "$sieve" ] || { echo "ec2bench-sieve not found at $sieve (see --sieve)" >&2; exit 2; }

# An exact integer from 1e10, 2^32 or digits.
to_int() {
  python3 -c 'import decimal, sys
s = sys.argv[1].replace("_", "").replace("'"'"'", "")
print(2 ** int(s.split("^")[1]) if "^" in s else int(decimal.Decimal(s)))' "$1"
}

# Prints "seconds count" for one primesieve run over [$1, $2) on $3 threads (its STOP is
# inclusive).
run_primesieve() {
  $wrap primesieve "$1" "$(($2 - 1))" --threads="$3" --time -q |
    python3 -c 'import sys
lines = sys.stdin.read().split()
# -q --time prints "Seconds: <s>" then the count
print(lines[lines.index("Seconds:") + 1], lines[-1])'
}

# Prints "seconds count" for one ec2bench-sieve iteration over [$1, $2) on $3 threads (threads
# and buffers made beforehand).
run_ours() {
  # shellcheck disable=SC2086  # $sieve_args holds several flags
  $wrap "$sieve" --start="$1" --limit="$2" --threads="$3" $sieve_args \
    --benchmark_filter='^sieve/count/' \
    --benchmark_min_time=0.01 --benchmark_format=json 2>/dev/null |
    python3 -c 'import json, sys
b = json.load(sys.stdin)["benchmarks"][0]
if "error_message" in b: sys.exit("ec2bench-sieve: " + b["error_message"])
scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
print(b["real_time"] * scale, int(b["primes"]))'
}

echo "# $(primesieve --version | head -1); ec2bench-sieve: $sieve $sieve_args; rounds: $rounds"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs"
printf '%-12s %7s %12s %12s %8s  %s\n' interval threads primesieve_s ec2bench_s ratio samples
for cfg in "${configs[@]}"; do
  spec="${cfg%%:*}"
  threads="${cfg##*:}"
  if [[ "$spec" == *-* ]]; then
    start="$(to_int "${spec%%-*}")"
    limit="$(to_int "${spec##*-}")"
  else
    start=0
    limit="$(to_int "$spec")"
  fi
  [ "$threads" = all ] && threads="$(nproc)"
  ps_times=()
  our_times=()
  for ((r = 0; r < rounds; r++)); do
    # Alternate the order so that drift (turbo, neighbours) favours neither program.
    for who in $([ $((r % 2)) -eq 0 ] && echo "ps ours" || echo "ours ps"); do
      if [ "$who" = ps ]; then
        read -r t n < <(run_primesieve "$start" "$limit" "$threads")
        ps_times+=("$t")
        ps_count="$n"
      else
        read -r t n < <(run_ours "$start" "$limit" "$threads")
        our_times+=("$t")
        our_count="$n"
      fi
    done
    if [ "$ps_count" != "$our_count" ]; then
      echo "count mismatch in $spec: primesieve $ps_count, ec2bench-sieve $our_count" >&2
      exit 1
    fi
  done
  python3 - "$spec" "$threads" "${ps_times[*]}" "${our_times[*]}" <<'PY'
import statistics, sys
limit, threads, ps, ours = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
ps = [float(x) for x in ps]
ours = [float(x) for x in ours]
mp, mo = statistics.median(ps), statistics.median(ours)
samples = "primesieve " + " ".join(f"{x:.3f}" for x in ps) + " | ec2bench " + " ".join(f"{x:.3f}" for x in ours)
print(f"{limit:<12} {threads:>7} {mp:12.3f} {mo:12.3f} {mp / mo:8.3f}  {samples}")
PY
done
