#!/bin/sh
# Runs the portable build's kernel and statistics tests under qemu-user's x86-64 emulation with
# an SSE-only CPU model (Westmere: SSE4.2, no AVX) and an AVX2 one (Haswell; qemu's emulation
# stops at AVX2), so that the baseline and AVX2 paths run the whole suite of their tests, and an
# instruction outside the model (an AVX2 or AVX-512 function chosen wrongly, or code compiled
# for a newer CPU than the build's baseline) stops the test with SIGILL. EC2BENCH_ISA is unset:
# each model must be detected as its own level (EC2BENCH_EXPECT_ISA, checked by test_detail).
#
#     tests/qemu_x86.sh build/release/tests          (from .ci/run, after the release build)
#
# About three minutes on 2 busy cores: the two longest sieve cases are left out
# (EC2BENCH_QEMU_FULL=1 keeps them, for about five more). Needs qemu-x86_64 (Debian: apt-get install qemu-user) and an x86-64 host build.
set -eu
bin=${1:?usage: tests/qemu_x86.sh <directory of the built test executables>}
if ! command -v qemu-x86_64 >/dev/null 2>&1; then
  echo "qemu_x86.sh: qemu-x86_64 not found: install qemu-user (apt-get install qemu-user)" >&2
  exit 1
fi
for t in test_detail test_stats test_stream test_sieve; do
  if [ ! -x "$bin/$t" ]; then
    echo "qemu_x86.sh: $bin/$t not found: build it first (cmake --build --preset release)" >&2
    exit 1
  fi
done
unset EC2BENCH_ISA
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The two sieve cases that take minutes under emulation (pi(2^32) on 1 to 4 threads, the top
# of 2^64): the same pre-sieve and counting as the shorter cases, over more numbers.
exclude='pi(2^32)*,near 2^64*'
if [ "${EC2BENCH_QEMU_FULL:-0}" = 1 ]; then
  exclude='-'  # a name no test has
fi

status=0
for pair in Westmere:baseline Haswell:avx2; do
  model=${pair%%:*}
  level=${pair#*:}
  for t in test_detail test_stats test_stream test_sieve; do
    echo "+ qemu-x86_64 -cpu $model $t (detected level must be $level)"
    # qemu's warnings about model features TCG lacks (pcid, x2apic, ...) go to the log only.
    if EC2BENCH_EXPECT_ISA=$level qemu-x86_64 -cpu "$model" "$bin/$t" --no-colors \
         "--test-case-exclude=$exclude" >"$log" 2>&1; then
      grep -E '^\[doctest\] (test cases|assertions)' "$log" || true
    else
      status=1
      grep -v "TCG doesn't support requested feature" "$log" | tail -n 60
      echo "qemu_x86.sh: $t failed under -cpu $model" >&2
    fi
  done
done
exit $status
