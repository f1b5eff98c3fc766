# ctest fixture: a fresh `cmake --install` of the build tree into PREFIX.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(f share/cmake/ec2bench/ec2benchConfig.cmake share/cmake/ec2bench/ec2benchConfigVersion.cmake
          share/pkgconfig/ec2bench.pc include/ec2bench/version.hpp include/ec2bench/ec2bench.hpp)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()
