#!/bin/sh
# Builds the kernel tests for aarch64 (Graviton's architecture) and runs them under qemu-user, so
# the NEON/STNP code paths run here too. ctest registers this only when aarch64-linux-gnu-g++ and
# qemu-aarch64 are installed (Debian: g++-aarch64-linux-gnu qemu-user).
set -eu
src=$1 out=$2
shift 2
mkdir -p "$out/inc/doctest"
# Only doctest's header from the host: the cross compiler brings its own standard library.
doctest=$(find /usr/include/doctest -name doctest.h | head -n 1)
cp "$doctest" "$out/inc/doctest/doctest.h"
for test in "$@"; do
  name=$(basename "$test" .cpp)
  aarch64-linux-gnu-g++ -std=c++17 -O2 -mcpu=neoverse-n1 -Wall -Wextra -Wconversion -Wshadow -Werror \
    -I"$src/include" -I"$out/inc" "$src/tests/main.cpp" "$src/tests/$test" -o "$out/$name" -pthread
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/$name" --no-colors
done
