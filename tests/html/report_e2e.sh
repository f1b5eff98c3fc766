#!/bin/sh
# The fleet report end to end: 40 synthetic results files of 20 instance types
# (bench/report_files.py, two instances each), `ec2bench report --format=html --out=...` over
# them, and the page in headless Chromium (tests/html/chromium_test.py): no console message, no
# request, and every chart the data calls for.
#   report_e2e.sh PYTHON EC2BENCH SOURCE_DIR CHROMIUM WORK_DIR
# EC2BENCH_EMULATOR, when set, prefixes EC2BENCH (qemu-aarch64 for a cross build).
set -eu
py=$1 exe=$2 src=$3 chromium=$4 work=$5
rm -rf "$work"
mkdir -p "$work"
"$py" "$src/bench/report_files.py" --count 40 --out "$work/files" > /dev/null
# shellcheck disable=SC2086  # the emulator may be a command with arguments
${EC2BENCH_EMULATOR:-} "$exe" report "$work/files" --format=html --out="$work/report.html"
# Six headline metrics: a bar chart and a price scatter each; fdatasync percentiles; the sweep.
exec "$py" "$src/tests/html/chromium_test.py" --chromium "$chromium" \
  --expect chart-bars=6 --expect chart-scatter=6 --expect chart-fsync=1 --expect chart-sweep=1 \
  "$work/report.html"
