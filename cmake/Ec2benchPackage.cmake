# The Debian package (CPack's DEB generator): scripts/package drives it, docs/getting-started.md
# says what it holds. Included after Ec2benchInstall, whose install rules are the package's
# contents; this adds the man pages, the docs and the copyright file, and the package metadata.
include_guard(GLOBAL)
include(GNUInstallDirs)

# --- man pages: one per installed executable, from its --help (help2man) ------------------------
# Not part of `all`: building needs no help2man. scripts/package builds the target ec2bench-man
# before cpack; without it the install rules below skip the pages (OPTIONAL).
set(EC2BENCH_MAN_PROGRAMS ec2bench ec2bench-stream ec2bench-sieve ec2bench-fsync ec2bench-stats)
set(_ec2bench_man_targets ec2bench-suite ec2bench-stream ec2bench-sieve ec2bench-fsync
    ec2bench-stats)
# The one-line NAME of each page, in the order of EC2BENCH_MAN_PROGRAMS.
set(_ec2bench_man_names
  "the benchmark suite and its tools: run, probe, compare, check, report, hlog"
  "STREAM memory bandwidth (copy, scale, add, triad)"
  "the segmented prime sieve: primes counted per second, on one thread and on all"
  "durable-write latency and IOPS by fsync, fdatasync, O_DSYNC, O_SYNC or O_DIRECT"
  "the cost of recording latencies and of computing percentiles")
set(_ec2bench_man_dir "${PROJECT_BINARY_DIR}/man")
find_program(EC2BENCH_HELP2MAN help2man)
if(EC2BENCH_BUILD_BENCH)
  set(_ec2bench_man_pages "")
  foreach(_prog _target _name IN ZIP_LISTS EC2BENCH_MAN_PROGRAMS _ec2bench_man_targets
                                            _ec2bench_man_names)
    # help2man names the page after the program it runs, so a cross build runs a wrapper of
    # that name which starts the executable under the emulator (qemu-aarch64).
    if(CMAKE_CROSSCOMPILING_EMULATOR)
      list(JOIN CMAKE_CROSSCOMPILING_EMULATOR "\" \"" _emu)
      file(GENERATE OUTPUT "${_ec2bench_man_dir}/run/${_prog}"
           CONTENT "#!/bin/sh\nexec \"${_emu}\" \"$<TARGET_FILE:${_target}>\" \"$@\"\n"
           FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                            WORLD_READ WORLD_EXECUTE)
      set(_run "${_ec2bench_man_dir}/run/${_prog}")
    else()
      set(_run "$<TARGET_FILE:${_target}>")
    endif()
    set(_page "${_ec2bench_man_dir}/${_prog}.1")
    # --version-string: the kernel executables have no --version. The date in the page comes
    # from SOURCE_DATE_EPOCH when set (help2man honours it), gzip -n drops the name and time.
    # ec2bench-stats' --help prints a limit from this machine's MemAvailable: the page states
    # the rule instead, so that two builds make the same page.
    add_custom_command(OUTPUT "${_page}.gz"
      COMMAND "${EC2BENCH_HELP2MAN}" --no-info --no-discard-stderr
              "--version-string=${PROJECT_VERSION}" "--name=${_name}"
              --section=1 --output=${_page} "${_run}"
      COMMAND sed -i -E "s/at most [0-9]+ samples: half of MemAvailable/at most half of MemAvailable, in samples/" "${_page}"
      COMMAND gzip -9nf "${_page}"
      DEPENDS ${_target}
      COMMENT "help2man: ${_prog}.1"
      VERBATIM)
    list(APPEND _ec2bench_man_pages "${_page}.gz")
  endforeach()
  if(EC2BENCH_HELP2MAN)
    add_custom_target(ec2bench-man DEPENDS ${_ec2bench_man_pages})
  else()
    add_custom_target(ec2bench-man COMMAND "${CMAKE_COMMAND}" -E echo
      "man pages need help2man (apt-get install help2man), then a fresh configure" COMMAND false
      VERBATIM)
  endif()
  install(FILES ${_ec2bench_man_pages} DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" OPTIONAL)
endif()

# --- docs and the copyright file ----------------------------------------------------------------
# Beside README.md (Ec2benchInstall), under docs/ so that the README's links still resolve.
install(DIRECTORY docs/ DESTINATION "${CMAKE_INSTALL_DOCDIR}/docs"
        FILES_MATCHING PATTERN "*.md" PATTERN "*.json")
install(FILES LICENSE DESTINATION "${CMAKE_INSTALL_DOCDIR}" RENAME copyright)

# --- CPack: the .deb ----------------------------------------------------------------------------
# Debian's name for the architecture the executables are built for (not the build machine's,
# which is what CPack would ask dpkg for).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(EC2BENCH_DEB_ARCH arm64)
  set(_ec2bench_gnu_triplet aarch64-linux-gnu)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(EC2BENCH_DEB_ARCH amd64)
  set(_ec2bench_gnu_triplet x86_64-linux-gnu)
else()
  set(EC2BENCH_DEB_ARCH "${CMAKE_SYSTEM_PROCESSOR}")
  set(_ec2bench_gnu_triplet "")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ec2bench)
set(CPACK_PACKAGE_VENDOR "The ec2bench authors")
set(CPACK_PACKAGE_CONTACT "The ec2bench authors")  # Maintainer; bugs go to the homepage
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "STREAM memory bandwidth, a segmented prime sieve, durable-write (fsync) latency and IOPS and
percentile statistics, with the EC2 instance facts attached to every result. The executables
(ec2bench, ec2bench-stream, -sieve, -fsync, -stats) write Google Benchmark JSON; the header-only
C++17 library and its CMake and pkg-config files are included for use in your own programs.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ec2bench_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${EC2BENCH_DEB_ARCH}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
# Depends from the executables' ELF dependencies (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What find_package(ec2bench COMPONENTS gbench ec2) needs for compiling against the headers:
# suggested only, so that a fleet instance that runs the executables installs no compiler stack.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
  "g++ (>= 4:11), cmake (>= 3.22), libbenchmark-dev, libfmt-dev, nlohmann-json3-dev, libcurl4-openssl-dev, zlib1g-dev")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The build machine's dpkg-shlibdeps, told the package's architecture so that it reads the
# executables with the matching objdump (aarch64-linux-gnu-objdump) and looks up the libraries
# of that architecture (the arm64 multiarch packages). Set in the environment of cpack.
set(EC2BENCH_CPACK_ARCH_FILE "${PROJECT_BINARY_DIR}/Ec2benchCPackArch.cmake")
file(WRITE "${EC2BENCH_CPACK_ARCH_FILE}"
  "# Generated by cmake/Ec2benchPackage.cmake\nset(ENV{DEB_HOST_ARCH} \"${EC2BENCH_DEB_ARCH}\")\n")
if(_ec2bench_gnu_triplet)
  file(APPEND "${EC2BENCH_CPACK_ARCH_FILE}"
    "set(ENV{DEB_HOST_GNU_TYPE} \"${_ec2bench_gnu_triplet}\")\n"
    "set(ENV{DEB_HOST_MULTIARCH} \"${_ec2bench_gnu_triplet}\")\n")
endif()
set(CPACK_PROJECT_CONFIG_FILE "${EC2BENCH_CPACK_ARCH_FILE}")

include(CPack)
