#!/bin/sh
# Builds and runs the consumer program with only pkg-config's flags from an installed prefix.
# Arguments after the fourth: the emulator that runs it (a cross build), if any.
set -eu
prefix=$1 cxx=$2 src=$3 out=$4
shift 4
PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --exists ec2bench
flags=$(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags --libs ec2bench)
case "$flags" in *"$prefix/share/pkgconfig/../../include"*) ;; *) echo "unexpected flags: $flags"; exit 1 ;; esac
# shellcheck disable=SC2086 # the flags are words
"$cxx" -std=c++17 -o "$out" "$src" $flags
"$@" "$out"
