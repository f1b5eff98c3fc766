# Consumer projects, configured, built and run by ctest: add_subdirectory, FetchContent from the
# local source tree, and find_package against a real `cmake --install` into a temporary prefix.
set(_consumers "${CMAKE_CURRENT_SOURCE_DIR}/consumers")
set(_out "${CMAKE_CURRENT_BINARY_DIR}/consumers")
# The consumer builds use the same compiler and (sanitizer) flags as this build.
set(_common_options
  "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${CMAKE_CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${CMAKE_EXE_LINKER_FLAGS}"
  "-DCMAKE_BUILD_TYPE=Release"
  "-DEC2BENCH_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
# A cross build (the aarch64 preset): the consumers are cross-built too and run under its emulator.
if(CMAKE_TOOLCHAIN_FILE)
  list(APPEND _common_options "-DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}")
endif()
set(_run "")
if(CMAKE_CROSSCOMPILING_EMULATOR)
  set(_run ${CMAKE_CROSSCOMPILING_EMULATOR})
endif()

function(_ec2bench_consumer name dir)
  add_test(NAME consumer.${name}
    COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test "${_consumers}/${dir}" "${_out}/${name}"
            --build-generator "${CMAKE_GENERATOR}" --build-makeprogram "${CMAKE_MAKE_PROGRAM}"
            --build-options ${_common_options} ${ARGN}
            --test-command ${_run} "${_out}/${name}/consumer")
  set_tests_properties(consumer.${name} PROPERTIES LABELS consumer PASS_REGULAR_EXPRESSION "ec2bench [0-9]+\\.[0-9]+\\.[0-9]+")
endfunction()

_ec2bench_consumer(add_subdirectory add_subdirectory)
_ec2bench_consumer(fetch_content fetch_content
                   "-DFETCHCONTENT_SOURCE_DIR_EC2BENCH=${PROJECT_SOURCE_DIR}")

set(_prefix "${_out}/install-prefix")
add_test(NAME consumer.install
  COMMAND "${CMAKE_COMMAND}" -DPREFIX=${_prefix} -DBUILD_DIR=${PROJECT_BINARY_DIR}
          -P "${_consumers}/install.cmake")
set_tests_properties(consumer.install PROPERTIES FIXTURES_SETUP ec2bench_installed
                     LABELS consumer RESOURCE_LOCK build_tree)

_ec2bench_consumer(find_package find_package "-DCMAKE_PREFIX_PATH=${_prefix}"
                   "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF")
_ec2bench_consumer(find_package_gbench find_package_gbench "-DCMAKE_PREFIX_PATH=${_prefix}")
set_tests_properties(consumer.find_package consumer.find_package_gbench
                     PROPERTIES FIXTURES_REQUIRED ec2bench_installed)

# find_package(ec2bench COMPONENTS gbench) without Google Benchmark: a clear failure.
add_test(NAME consumer.find_package_gbench_missing
  COMMAND "${CMAKE_COMMAND}" -S "${_consumers}/find_package_gbench"
          -B "${_out}/find_package_gbench_missing" ${_common_options}
          "-DCMAKE_PREFIX_PATH=${_prefix}" -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON)
set_tests_properties(consumer.find_package_gbench_missing PROPERTIES
  FIXTURES_REQUIRED ec2bench_installed LABELS consumer
  PASS_REGULAR_EXPRESSION "component gbench needs Google Benchmark[ \n]+\\(Debian/Ubuntu:[ \n]+apt-get[ \n]+install[ \n]+libbenchmark-dev\\)")

find_program(EC2BENCH_PKG_CONFIG pkg-config)
if(EC2BENCH_PKG_CONFIG)
  add_test(NAME consumer.pkg_config
    COMMAND sh "${_consumers}/pkg_config.sh" "${_prefix}" "${CMAKE_CXX_COMPILER}"
            "${_consumers}/app.cpp" "${_out}/pkg_config_consumer" ${_run})
  set_tests_properties(consumer.pkg_config PROPERTIES FIXTURES_REQUIRED ec2bench_installed
                       LABELS consumer PASS_REGULAR_EXPRESSION "ec2bench [0-9]+\\.[0-9]+\\.[0-9]+ works")
  if(CMAKE_CXX_FLAGS MATCHES "sanitize")
    set_tests_properties(consumer.pkg_config PROPERTIES DISABLED TRUE)  # flags not carried over
  endif()
endif()

# A bad configuration stops with a message that says what to install or change.
add_test(NAME configure.missing_dependency
  COMMAND "${CMAKE_COMMAND}" -S "${PROJECT_SOURCE_DIR}" -B "${_out}/missing_dependency"
          -G "${CMAKE_GENERATOR}" "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}"
          -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON)
set_tests_properties(configure.missing_dependency PROPERTIES LABELS consumer
  PASS_REGULAR_EXPRESSION "needs fmt, not found\\.[ \n]+Install with:[ \n]+sudo apt-get install -y libfmt-dev")

add_test(NAME configure.no_cxx17
  COMMAND "${CMAKE_COMMAND}" -S "${PROJECT_SOURCE_DIR}" -B "${_out}/no_cxx17"
          -G "${CMAKE_GENERATOR}" "-DCMAKE_CXX_COMPILER=${_consumers}/cxx14-wrapper.sh")
set_tests_properties(configure.no_cxx17 PROPERTIES LABELS consumer
  ENVIRONMENT "EC2BENCH_REAL_CXX=${CMAKE_CXX_COMPILER}"
  PASS_REGULAR_EXPRESSION "ec2bench needs C\\+\\+17, but a C\\+\\+17 test program does not[ \n]+compile")
