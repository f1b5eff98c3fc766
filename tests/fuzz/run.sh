#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*.cpp) with clang++-14 under AddressSanitizer and
# UndefinedBehaviorSanitizer into build/fuzz, then runs each for SECONDS (default 60). Fails on
# the first crash, leak, sanitizer report or time-out, naming the input that caused it.
# docs/fuzzing.md says how to run them longer and how to keep a crash as a test.
#
#   tests/fuzz/run.sh          # 60 s a target
#   tests/fuzz/run.sh 600      # 10 min a target
set -euo pipefail
seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "usage: tests/fuzz/run.sh [SECONDS]   (SECONDS: a positive integer, default 60)" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${EC2BENCH_FUZZ_DIR:-$root/build/fuzz}
cxx=${EC2BENCH_FUZZ_CXX:-clang++-14}
targets=(fuzz_results fuzz_imds fuzz_sizes)
# The library's headers are the code under test; fmt header-only so that nothing prebuilt
# (compiled without the sanitizers) is linked in.
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -fno-omit-frame-pointer -DFMT_HEADER_ONLY -I"$root/include"
       -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror)
declare -A max_len=([fuzz_results]=16384 [fuzz_imds]=16384 [fuzz_sizes]=64)

mkdir -p "$out/artifacts"
for t in "${targets[@]}"; do
  # Rebuilt when the target or any header it may include is newer than the binary.
  if [[ ! -x $out/$t ]] || [[ -n $(find "$root/include" "$root/bench/cli/parse.hpp" "$root/tests/fuzz/$t.cpp" \
                                     -newer "$out/$t" -print -quit) ]]; then
    echo "+ build $t"
    # libbenchmark: document.hpp includes Google Benchmark's header, whose static initialiser
    # it needs.
    "$cxx" "${flags[@]}" "$root/tests/fuzz/$t.cpp" -o "$out/$t" -lbenchmark -pthread
  fi
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t"
  dict=()
  [[ -f $root/tests/fuzz/$t.dict ]] && dict=(-dict="$root/tests/fuzz/$t.dict")
  log=$out/$t.log
  # New inputs go to build/fuzz/corpus (the first directory); the seeds in the source tree are
  # only read.
  if "$out/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$t]}" \
       -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" "${dict[@]}" \
       "$out/corpus/$t" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "$t: ${runs:-?} executions in ${seconds} s, no crash"
  else
    failed=1
    echo "$t: FAILED; the log is $log, the input that failed:" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_[a-z]+: property|artifact_prefix|Test unit written)' "$log" | head -20 >&2 || tail -30 "$log" >&2
  fi
done
exit "$failed"
