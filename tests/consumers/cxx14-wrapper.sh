#!/bin/sh
# A "compiler without C++17": the real compiler with -std=c++14 forced last, which wins.
exec "${EC2BENCH_REAL_CXX:-c++}" "$@" -std=c++14
