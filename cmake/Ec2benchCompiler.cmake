include_guard(GLOBAL)
include(GNUInstallDirs)
include(CheckCXXSourceCompiles)

# Stops with a message naming what to change when the compiler cannot build C++17. The feature
# list alone is not enough: a wrapper or a flag such as -std=c++14 can still defeat it, so this
# compiles a probe with the flags our targets will use.
function(ec2bench_require_cxx17)
  if(NOT "cxx_std_17" IN_LIST CMAKE_CXX_COMPILE_FEATURES)
    message(FATAL_ERROR
      "ec2bench needs a C++17 compiler, and ${CMAKE_CXX_COMPILER} "
      "(${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}) has no C++17 mode. "
      "Install g++ 11 or newer (apt-get install g++) or clang 14 or newer, and configure a fresh "
      "build directory with -DCMAKE_CXX_COMPILER=g++ (or clang++).")
  endif()
  set(CMAKE_REQUIRED_FLAGS "${CMAKE_CXX17_STANDARD_COMPILE_OPTION}")
  set(CMAKE_REQUIRED_QUIET ON)
  check_cxx_source_compiles([=[
    #include <optional>
    #include <string_view>
    #if __cplusplus < 201703L
    #error not C++17
    #endif
    template <class T> constexpr int f() { if constexpr (sizeof(T) > 1) return 1; else return 0; }
    int main() { std::optional<std::string_view> s; auto [a, b] = std::pair<int, int>{f<int>(), 0};
                 return s ? a : b; }
  ]=] EC2BENCH_CXX17_WORKS)
  if(NOT EC2BENCH_CXX17_WORKS)
    unset(EC2BENCH_CXX17_WORKS CACHE)
    message(FATAL_ERROR
      "ec2bench needs C++17, but a C++17 test program does not compile with ${CMAKE_CXX_COMPILER} "
      "(${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}) and flags "
      "'${CMAKE_CXX_FLAGS} ${CMAKE_CXX17_STANDARD_COMPILE_OPTION}'. Remove any -std= older than "
      "c++17 from CMAKE_CXX_FLAGS, or install g++ 11+ / clang 14+ and pass -DCMAKE_CXX_COMPILER.")
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 11)
    message(WARNING "ec2bench is tested with g++ 11 and newer; ${CMAKE_CXX_COMPILER_VERSION} may work.")
  elseif(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 14)
    message(WARNING "ec2bench is tested with clang 14 and newer; ${CMAKE_CXX_COMPILER_VERSION} may work.")
  endif()
endfunction()

function(ec2bench_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} INTERFACE
      -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
      -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference
      -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
    if(EC2BENCH_WARNINGS_AS_ERRORS)
      target_compile_options(${target} INTERFACE -Werror)
    endif()
  endif()
endfunction()
