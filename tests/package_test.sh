#!/usr/bin/env bash
# The packages as users get them (.ci/run, after scripts/package): as root, on a Debian/Ubuntu
# amd64 machine.
#   tests/package_test.sh amd64   dpkg-deb's view of dist/ec2bench_*_amd64.deb, then installs it
#                                 with apt-get, builds the find_package and pkg-config consumers
#                                 against /usr, runs `ec2bench run --quick --only=stats,sieve`
#                                 from /usr/bin, reads `man ec2bench`, purges the package and
#                                 checks that nothing it installed is left
#   tests/package_test.sh arm64   dpkg-deb's view of dist/ec2bench_*_arm64.deb, then its
#                                 executables, unpacked, under qemu-aarch64: --version, and the
#                                 primes below 10^7 (664579)
# Ends with 'N passed, N failed'; exits 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:?usage: tests/package_test.sh amd64|arm64}
debs=(dist/ec2bench_*_"$arch".deb)
deb=${debs[0]}
[[ -f $deb ]] || { echo "package_test: no $deb: run scripts/package $arch first" >&2; exit 1; }
version=$(dpkg-deb --field "$deb" Version)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
# check <what> <command...>: one check, its output shown only when it fails.
check() {
  local what=$1
  shift
  if "$@" >"$work/out" 2>&1; then ok "$what"; else fail "$what"; sed 's/^/  | /' "$work/out"; fi
}
has_line() { grep -qxF -- "$1" "$2"; }

# --- what dpkg-deb says ------------------------------------------------------------------------
dpkg-deb --info "$deb" >"$work/info"
dpkg-deb --contents "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' >"$work/contents"
check "$deb: Package ec2bench" test "$(dpkg-deb --field "$deb" Package)" = ec2bench
check "$deb: Architecture $arch" test "$(dpkg-deb --field "$deb" Architecture)" = "$arch"
check "$deb: file name has version $version" test "$(basename "$deb")" = "ec2bench_${version}_${arch}.deb"
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 'libstdc\+\+6' libgcc-s1 libbenchmark libfmt libcurl zlib1g; do
  check "Depends names $lib (dpkg-shlibdeps)" grep -qE "(^|, )${lib}[^,]*\(>= " <<<"$depends"
done
check "Depends has no -dev package" test -z "$(grep -oE '[a-z0-9.+-]+-dev' <<<"$depends")"
programs=(ec2bench ec2bench-stream ec2bench-sieve ec2bench-fsync ec2bench-stats)
expected=(/usr/include/ec2bench/ec2bench.hpp /usr/include/ec2bench/version.hpp
          /usr/share/cmake/ec2bench/ec2benchConfig.cmake
          /usr/share/cmake/ec2bench/ec2benchConfigVersion.cmake
          /usr/share/cmake/ec2bench/ec2benchTargets.cmake /usr/share/pkgconfig/ec2bench.pc
          /usr/share/doc/ec2bench/copyright /usr/share/doc/ec2bench/README.md
          /usr/share/doc/ec2bench/docs/getting-started.md)
for p in "${programs[@]}"; do expected+=("/usr/bin/$p" "/usr/share/man/man1/$p.1.gz"); done
for f in "${expected[@]}"; do check "contains $f" has_line "$f" "$work/contents"; done
check "contains the bundled prices (/usr/share/ec2bench/prices/*.csv)" \
  grep -qE '^/usr/share/ec2bench/prices/[^/]+\.csv$' "$work/contents"
check "nothing outside /usr" test -z "$(grep -vE '^(/usr(/.*)?)?$' "$work/contents")"
check "copyright is LICENSE" sh -c "dpkg-deb --fsys-tarfile '$deb' |
  tar -xO ./usr/share/doc/ec2bench/copyright | cmp - LICENSE"

if [[ $arch == arm64 ]]; then
  # --- the arm64 executables under qemu-aarch64 ------------------------------------------------
  dpkg-deb -x "$deb" "$work/root"
  run=(qemu-aarch64)  # the arm64 multiarch libc6, as in the aarch64 preset
  check "arm64 executables are aarch64 ELF" sh -c \
    "file -b '$work/root/usr/bin/ec2bench' | grep -q 'ARM aarch64'"
  check "ec2bench --version (qemu-aarch64) says $version" sh -c \
    "${run[*]} '$work/root/usr/bin/ec2bench' --version | grep -qx 'ec2bench $version'"
  # One count below 10^7 on one thread; the executable itself checks it against its table, this
  # against pi(10^7) = 664579 independently.
  rc=0
  "${run[@]}" "$work/root/usr/bin/ec2bench-sieve" --limit=1e7 --threads=1 \
    --benchmark_filter='sieve/count' --benchmark_min_time=0.01 --benchmark_format=json \
    >"$work/sieve.json" 2>"$work/sieve.err" || rc=$?
  check "ec2bench-sieve --limit=1e7 (qemu-aarch64) exits 0" test "$rc" -eq 0
  # Google Benchmark writes counters as doubles (6.6457900000000000e+05).
  primes=$(sed -n 's/^ *"primes": *\([-+.0-9eE]*\),*$/\1/p' "$work/sieve.json" | head -n 1)
  check "ec2bench-sieve --limit=1e7 (qemu-aarch64) counts 664579 primes (it says ${primes:-nothing})" \
    awk -v p="${primes:-0}" 'BEGIN { exit !(p + 0 == 664579) }'
  if ((rc != 0)); then
    grep -h '"error_message"' "$work/sieve.json" | sed 's/^ */  | /'
    sed 's/^/  | /' "$work/sieve.err"
  fi
else
  # --- installed on this machine -------------------------------------------------------------
  [[ $(id -u) -eq 0 ]] || { echo "package_test: amd64: run as root (apt-get install)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  # A package left by an earlier, interrupted run would hide what this one installs.
  if dpkg-query -W ec2bench >/dev/null 2>&1; then apt-get purge -y -qq ec2bench >/dev/null; fi
  check "apt-get install ./$deb" apt-get install -y -qq --no-install-recommends "./$deb"
  dpkg -L ec2bench | grep -vx '/\.' | sort >"$work/installed"
  grep -v '^$' "$work/contents" | sort >"$work/contents.sorted"
  check "dpkg -L lists every path of the package" cmp "$work/installed" "$work/contents.sorted"
  check "ec2bench is /usr/bin/ec2bench" test "$(command -v ec2bench)" = /usr/bin/ec2bench
  check "ec2bench --version says $version" sh -c "ec2bench --version | grep -qx 'ec2bench $version'"

  # find_package from /usr, with no hint where.
  for consumer in find_package find_package_gbench; do
    check "consumer $consumer builds against /usr and runs" sh -c "
      cmake -S tests/consumers/$consumer -B '$work/$consumer' -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF &&
      grep -qx 'ec2bench_DIR:PATH=/usr/share/cmake/ec2bench' '$work/$consumer/CMakeCache.txt' &&
      cmake --build '$work/$consumer' &&
      '$work/$consumer/consumer' | grep -qE '^ec2bench $version'"
  done
  check "pkg-config finds ec2bench $version in /usr" sh -c \
    "test \"\$(pkg-config --modversion ec2bench)\" = '$version' &&
     pkg-config --cflags ec2bench | grep -q -- '-I/usr/share/pkgconfig/../../include'"

  # The suite from /usr/bin, in a scratch directory (it writes results/ there); no metadata
  # service is asked, whatever machine this is.
  check "ec2bench run --quick --only=stats,sieve" sh -c "
    cd '$work' && AWS_EC2_METADATA_DISABLED=true ec2bench run --quick --only=stats,sieve &&
    ls results/*.json"
  check "man ec2bench" sh -c "MANPAGER=cat MANWIDTH=80 man ec2bench 2>&1 | grep -q 'Subcommands:'"
  for p in "${programs[@]:1}"; do
    check "man $p" sh -c "MANPAGER=cat man $p 2>/dev/null | grep -q -- '--help'"
  done

  # Removal: purge, then nothing from dpkg -L may remain but directories that other packages own.
  check "apt-get purge ec2bench" apt-get purge -y -qq ec2bench
  check "dpkg forgets ec2bench" sh -c "! dpkg-query -W ec2bench"
  : >"$work/left"
  while IFS= read -r path; do
    [[ -e $path || -L $path ]] || continue
    if [[ -d $path && ! -L $path ]] && dpkg-query -S "$path" >/dev/null 2>&1; then continue; fi
    echo "$path" >>"$work/left"
  done <"$work/installed"
  check "no file of the package left after purge" test ! -s "$work/left"
  sed 's/^/  left: /' "$work/left"
fi

echo "$passed passed, $failed failed"
((failed == 0))
