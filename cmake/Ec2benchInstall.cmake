include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(EC2BENCH_CMAKE_DIR "${CMAKE_INSTALL_DATADIR}/cmake/ec2bench"
    CACHE STRING "Where the package config files are installed, relative to the prefix")

install(DIRECTORY include/ec2bench DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")

# One export file per component, so that find_package loads (and needs) only what was asked for.
install(TARGETS ec2bench EXPORT ec2benchTargets)
install(EXPORT ec2benchTargets NAMESPACE ec2bench:: DESTINATION "${EC2BENCH_CMAKE_DIR}")
if(TARGET ec2bench_ec2)
  install(TARGETS ec2bench_ec2 EXPORT ec2benchEc2Targets)
  install(EXPORT ec2benchEc2Targets NAMESPACE ec2bench:: DESTINATION "${EC2BENCH_CMAKE_DIR}")
endif()
if(TARGET ec2bench_gbench)
  install(TARGETS ec2bench_gbench EXPORT ec2benchGbenchTargets)
  install(EXPORT ec2benchGbenchTargets NAMESPACE ec2bench:: DESTINATION "${EC2BENCH_CMAKE_DIR}")
endif()

configure_package_config_file(cmake/ec2benchConfig.cmake.in
  "${PROJECT_BINARY_DIR}/ec2benchConfig.cmake"
  INSTALL_DESTINATION "${EC2BENCH_CMAKE_DIR}")
# Header-only: any architecture may use an installed copy.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/ec2benchConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/ec2benchConfig.cmake"
              "${PROJECT_BINARY_DIR}/ec2benchConfigVersion.cmake"
        DESTINATION "${EC2BENCH_CMAKE_DIR}")

configure_file(cmake/ec2bench.pc.in "${PROJECT_BINARY_DIR}/ec2bench.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/ec2bench.pc" DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")

install(FILES LICENSE README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# The bundled price snapshot that the fleet report falls back to (docs/report.md).
install(DIRECTORY data/prices DESTINATION "${CMAKE_INSTALL_DATADIR}/ec2bench" FILES_MATCHING PATTERN "*.csv")
