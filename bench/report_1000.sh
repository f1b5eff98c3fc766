#!/usr/bin/env bash
# The fleet report's benchmark: `ec2bench report` over 1,000 results files (about 120 KB each,
# bench/report_files.py) must take under 2 s. Prints the files' size and the time of each format.
#
#   bench/report_1000.sh [EC2BENCH] [COUNT]
#
# EC2BENCH defaults to build/release/bench/ec2bench, COUNT to 1000. Uses hyperfine when it is
# installed (3 runs after a warm-up; the files are then in the page cache, as after any first
# read), else bash's time over one warm run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exe=${1:-"$here/../build/release/bench/ec2bench"}
count=${2:-1000}
[ -x "$exe" ] || { echo "report_1000.sh: $exe is not an executable (build the ec2bench-suite target)" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/ec2bench-report-XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
python3 "$here/report_files.py" --count "$count" --out "$dir/files"
du -sh "$dir/files"
echo "nproc: $(nproc)"
for format in table json; do
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --warmup 1 --runs 3 "'$exe' report --format=$format '$dir/files' > /dev/null"
    else
        "$exe" report --format=$format "$dir/files" > /dev/null  # warm the page cache
        echo "ec2bench report --format=$format, $count files:"
        TIMEFORMAT="  %R s real, %U s user, %S s system"
        time "$exe" report --format=$format "$dir/files" > /dev/null
    fi
done
