include_guard(GLOBAL)

# Every dependency comes from the distribution. When one is missing, the message names the
# Debian/Ubuntu package that provides it. Macros, not functions: the *_FOUND variables and the
# imported targets must be visible to the caller.

set(_ec2bench_install_hint "sudo apt-get install -y")

macro(_ec2bench_report_missing _required _what)
  if(_ec2bench_missing_pkgs)
    list(JOIN _ec2bench_missing_pkgs " " _pkgs)
    list(JOIN _ec2bench_missing_names ", " _names)
    if(${_required})
      message(FATAL_ERROR
        "ec2bench: ${_what} needs ${_names}, not found. Install with:\n"
        "  ${_ec2bench_install_hint} ${_pkgs}\n"
        "or point CMAKE_PREFIX_PATH at an installation, then configure a fresh build directory.")
    else()
      message(STATUS "ec2bench: ${_what} not built (missing ${_names}; package: ${_pkgs})")
    endif()
  endif()
endmacro()

macro(_ec2bench_find_config _pkg _debian _name)
  if(NOT ${_pkg}_FOUND)
    find_package(${_pkg} CONFIG QUIET)
  endif()
  if(NOT ${_pkg}_FOUND)
    list(APPEND _ec2bench_missing_pkgs ${_debian})
    list(APPEND _ec2bench_missing_names "${_name}")
  endif()
endmacro()

# libcurl for the IMDS transport (ec2bench::ec2).
macro(ec2bench_find_curl)
  set(EC2BENCH_HAVE_CURL OFF)
  if(EC2BENCH_WITH_CURL)
    set(_ec2bench_missing_pkgs "")
    set(_ec2bench_missing_names "")
    if(NOT TARGET CURL::libcurl)
      find_package(CURL QUIET)
    endif()
    if(TARGET CURL::libcurl)
      set(EC2BENCH_HAVE_CURL ON)
    else()
      list(APPEND _ec2bench_missing_pkgs libcurl4-openssl-dev)
      list(APPEND _ec2bench_missing_names "libcurl")
    endif()
    _ec2bench_report_missing(EC2BENCH_NEED_CURL "the IMDS probe (ec2bench::ec2)")
  endif()
endmacro()

# Google Benchmark, fmt, nlohmann/json and zlib (HdrHistogram's compressed histograms) for
# ec2bench::gbench and the executables.
macro(ec2bench_find_gbench_deps)
  set(_ec2bench_missing_pkgs "")
  set(_ec2bench_missing_names "")
  _ec2bench_find_config(benchmark libbenchmark-dev "Google Benchmark")
  _ec2bench_find_config(fmt libfmt-dev "fmt")
  _ec2bench_find_config(nlohmann_json nlohmann-json3-dev "nlohmann/json")
  if(NOT TARGET ZLIB::ZLIB)
    find_package(ZLIB QUIET)  # CMake's own module: zlib ships no package config
  endif()
  if(NOT TARGET ZLIB::ZLIB)
    list(APPEND _ec2bench_missing_pkgs zlib1g-dev)
    list(APPEND _ec2bench_missing_names "zlib")
  endif()
  set(EC2BENCH_HAVE_GBENCH_DEPS OFF)
  if(NOT _ec2bench_missing_pkgs)
    set(EC2BENCH_HAVE_GBENCH_DEPS ON)
  endif()
  _ec2bench_report_missing(EC2BENCH_NEED_GBENCH
    "ec2bench::gbench (needed by the tests, benchmarks and examples)")
endmacro()

# doctest for the tests.
macro(ec2bench_find_doctest)
  set(_ec2bench_missing_pkgs "")
  set(_ec2bench_missing_names "")
  _ec2bench_find_config(doctest doctest-dev "doctest")
  set(_ec2bench_tests_required ON)
  _ec2bench_report_missing(_ec2bench_tests_required "the tests (EC2BENCH_BUILD_TESTS)")
endmacro()

# CLI11 for the executables' flags (never for the library: the parser is the executables'
# business).
macro(ec2bench_find_cli11)
  set(_ec2bench_missing_pkgs "")
  set(_ec2bench_missing_names "")
  _ec2bench_find_config(CLI11 libcli11-dev "CLI11")
  set(_ec2bench_cli11_required ON)
  _ec2bench_report_missing(_ec2bench_cli11_required "the executables (EC2BENCH_BUILD_BENCH)")
endmacro()
