# Cross-compiling for 64-bit Arm Linux (Graviton) on a Debian or Ubuntu amd64 machine, with the
# dependencies from the distribution's arm64 multiarch packages (scripts/install-deps --test):
#   g++-aarch64-linux-gnu, qemu-user, libbenchmark-dev:arm64, libfmt-dev:arm64,
#   libcurl4-openssl-dev:arm64, zlib1g-dev:arm64 (the header-only ones are arch: all).
# Tests run under qemu-aarch64 through CMAKE_CROSSCOMPILING_EMULATOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(_ec2bench_triplet aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${_ec2bench_triplet}-gcc)
set(CMAKE_CXX_COMPILER ${_ec2bench_triplet}-g++)
# Multiarch: the arm64 libraries and their CMake package files live under
# /usr/lib/aarch64-linux-gnu, the headers in /usr/include (shared) and
# /usr/include/aarch64-linux-gnu. Setting the library architecture makes find_package and
# find_library look there, and not in the build machine's /usr/lib/x86_64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE ${_ec2bench_triplet})
# pkg-config (FindCURL asks it first) must see the arm64 .pc files only.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${_ec2bench_triplet}/pkgconfig:/usr/share/pkgconfig")

# The arm64 programs run with the arm64 multiarch libc6 (a dependency of the -dev packages above)
# through its /lib/ld-linux-aarch64.so.1, like every library they load. Not with
# `-L /usr/aarch64-linux-gnu`: that takes the cross toolchain's older ld.so, which then loads the
# multiarch libc.so.6 through the host's ld.so.cache, and with that mismatch pthread_create
# never returns.
find_program(EC2BENCH_QEMU_AARCH64 qemu-aarch64)
if(EC2BENCH_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${EC2BENCH_QEMU_AARCH64}")
endif()
