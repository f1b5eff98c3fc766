# Every public header compiles on its own, and each with only the dependencies its layer allows:
# layers 1-2 (detail, kernels, stats, system) see nothing but ec2bench::ec2bench, so a stray
# #include of fmt or Google Benchmark there fails this build.
file(GLOB_RECURSE _headers RELATIVE "${PROJECT_SOURCE_DIR}/include"
     CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/include/ec2bench/*.hpp")
set(_core_sources "")
set(_curl_sources "")
set(_gbench_sources "")
foreach(_h IN LISTS _headers)
  string(MAKE_C_IDENTIFIER "${_h}" _id)
  set(_src "${CMAKE_CURRENT_BINARY_DIR}/standalone/${_id}.cpp")
  file(CONFIGURE OUTPUT "${_src}" CONTENT "#include <${_h}>\n#include <${_h}>  // include guard\n")
  if(_h MATCHES "^ec2bench/(gbench|results)[/.]")
    list(APPEND _gbench_sources "${_src}")
  elseif(_h STREQUAL "ec2bench/system/imds_curl.hpp")
    list(APPEND _curl_sources "${_src}")
  else()
    list(APPEND _core_sources "${_src}")
  endif()
endforeach()

add_library(ec2bench_headers_core OBJECT EXCLUDE_FROM_ALL ${_core_sources})
target_link_libraries(ec2bench_headers_core PRIVATE ec2bench::ec2bench ec2bench_warnings)
set(_header_targets ec2bench_headers_core)
if(_gbench_sources)
  add_library(ec2bench_headers_gbench OBJECT EXCLUDE_FROM_ALL ${_gbench_sources})
  target_link_libraries(ec2bench_headers_gbench PRIVATE ec2bench::gbench ec2bench_warnings)
  list(APPEND _header_targets ec2bench_headers_gbench)
endif()
if(TARGET ec2bench::ec2)
  # The probe's libcurl transport, compiled where it is enabled.
  add_library(ec2bench_headers_curl OBJECT EXCLUDE_FROM_ALL ${_curl_sources})
  target_link_libraries(ec2bench_headers_curl PRIVATE ec2bench::ec2 ec2bench_warnings)
  list(APPEND _header_targets ec2bench_headers_curl)
endif()
add_custom_target(ec2bench_headers DEPENDS ${_header_targets})
add_test(NAME headers.standalone
         COMMAND "${CMAKE_COMMAND}" --build "${PROJECT_BINARY_DIR}" --target ec2bench_headers)
set_tests_properties(headers.standalone PROPERTIES RESOURCE_LOCK build_tree)

# ODR: two translation units that include everything link into one program. A non-inline
# function or variable defined in a header fails the link with a multiple-definition error.
add_executable(test_odr odr/odr_a.cpp odr/odr_b.cpp odr/odr_main.cpp)
target_link_libraries(test_odr PRIVATE ec2bench::gbench ec2bench_warnings)
if(TARGET ec2bench::ec2)
  target_link_libraries(test_odr PRIVATE ec2bench::ec2)
endif()
add_test(NAME odr COMMAND test_odr)

# The license on every header (issue 14): the SPDX line first.
add_test(NAME headers.spdx
         COMMAND "${CMAKE_COMMAND}" -DROOT=${PROJECT_SOURCE_DIR} -P "${CMAKE_CURRENT_SOURCE_DIR}/check_spdx.cmake")
