# lowp_require_package(<name>): make the targets of one third-party package available.
#
#   name        targets defined                          Debian package
#   Eigen3      Eigen3::Eigen                            libeigen3-dev
#   fmt         fmt::fmt                                 libfmt-dev
#   GTest       GTest::gtest, GTest::gtest_main,         libgtest-dev, libgmock-dev
#               GTest::gmock
#   benchmark   benchmark::benchmark, ::benchmark_main   libbenchmark-dev
#   MPFR        MPFR::MPFR                               libmpfr-dev, libgmp-dev
#
# The installed package is always tried first (find_package). When it is missing, configuration stops
# with the name of the Debian package to install, unless LOWP_FETCH_DEPENDENCIES is ON: then Eigen, fmt,
# GoogleTest and Google Benchmark are downloaded with FetchContent at pinned versions. Downloading is
# opt-in so that an offline or packaged build never reaches the network behind the user's back. MPFR is
# never downloaded (it is an autotools project); it only serves as the tests' oracle.
include_guard(GLOBAL)
include(FetchContent)

function(_lowp_missing_package name debian)
  set(hint "")
  if(NOT name STREQUAL "MPFR")
    set(hint " or configure with -DLOWP_FETCH_DEPENDENCIES=ON to download it")
  endif()
  message(FATAL_ERROR
    "lowp: ${name} was not found. On Debian/Ubuntu install it with\n"
    "    sudo apt-get install ${debian}\n"
    "(scripts/deps.sh installs everything lowp needs)${hint}. If it is installed in a non-standard "
    "location, point CMAKE_PREFIX_PATH at it.")
endfunction()

function(lowp_require_package name)
  if(name STREQUAL "Eigen3")
    if(TARGET Eigen3::Eigen)
      return()
    endif()
    find_package(Eigen3 3.4 QUIET NO_MODULE)
    if(TARGET Eigen3::Eigen)
      return()
    elseif(NOT LOWP_FETCH_DEPENDENCIES)
      _lowp_missing_package(Eigen3 libeigen3-dev)
    endif()
    message(STATUS "lowp: Eigen3 not found, downloading Eigen 3.4.0")
    # lowp needs only Eigen's headers, not its CMake project (which sets up Eigen's own test suite and
    # documentation): SOURCE_SUBDIR names a directory without a CMakeLists.txt, so MakeAvailable only
    # downloads and unpacks.
    FetchContent_Declare(lowp_eigen
      URL https://gitlab.com/libeigen/eigen/-/archive/3.4.0/eigen-3.4.0.tar.gz
      URL_HASH SHA256=8586084f71f9bde545ee7fa6d00288b264a2b7ac3607b974e54d13e7162c1c72
      DOWNLOAD_EXTRACT_TIMESTAMP TRUE
      SOURCE_SUBDIR lowp-headers-only)
    FetchContent_MakeAvailable(lowp_eigen)
    # IMPORTED (not a normal target) so that lowp's export set may name it; the installed lowpConfig.cmake
    # then expects an installed Eigen, as it does in every other configuration.
    add_library(Eigen3::Eigen INTERFACE IMPORTED GLOBAL)
    target_include_directories(Eigen3::Eigen INTERFACE "${lowp_eigen_SOURCE_DIR}")

  elseif(name STREQUAL "fmt")
    if(TARGET fmt::fmt)
      return()
    endif()
    find_package(fmt QUIET)
    if(TARGET fmt::fmt)
      return()
    elseif(NOT LOWP_FETCH_DEPENDENCIES)
      _lowp_missing_package(fmt libfmt-dev)
    endif()
    message(STATUS "lowp: fmt not found, downloading fmt 10.2.1")
    # fmt must install its own export set: lowp's export names fmt::fmt, and CMake refuses to export a
    # target whose dependency is in no export set.
    set(FMT_INSTALL ON CACHE BOOL "lowp: install the downloaded fmt alongside lowp")
    FetchContent_Declare(lowp_fmt
      URL https://github.com/fmtlib/fmt/archive/refs/tags/10.2.1.tar.gz
      URL_HASH SHA256=1250e4cc58bf06ee631567523f48848dc4596133e163f02615c97f78bab6c811
      DOWNLOAD_EXTRACT_TIMESTAMP TRUE)
    FetchContent_MakeAvailable(lowp_fmt)

  elseif(name STREQUAL "GTest")
    if(TARGET GTest::gtest_main AND TARGET GTest::gmock)
      return()
    endif()
    find_package(GTest QUIET)
    if(TARGET GTest::gtest_main AND TARGET GTest::gmock)
      return()
    elseif(NOT LOWP_FETCH_DEPENDENCIES)
      _lowp_missing_package(GTest "libgtest-dev libgmock-dev")
    endif()
    message(STATUS "lowp: GoogleTest not found, downloading GoogleTest 1.14.0")
    # Cache variables rather than plain ones: they hold whatever the policy settings of the fetched
    # project are (CMP0077).
    set(INSTALL_GTEST OFF CACHE BOOL "lowp: do not install the downloaded GoogleTest")
    set(gtest_force_shared_crt ON CACHE BOOL "lowp: use the shared C runtime on MSVC, as lowp's tests do")
    FetchContent_Declare(lowp_googletest
      URL https://github.com/google/googletest/archive/refs/tags/v1.14.0.tar.gz
      URL_HASH SHA256=8ad598c73ad796e0d8280b082cebd82a630d73e73cd3c70057938a6501bba5d7
      DOWNLOAD_EXTRACT_TIMESTAMP TRUE)
    FetchContent_MakeAvailable(lowp_googletest)

  elseif(name STREQUAL "benchmark")
    if(TARGET benchmark::benchmark_main)
      return()
    endif()
    find_package(benchmark QUIET)
    if(TARGET benchmark::benchmark_main)
      return()
    elseif(NOT LOWP_FETCH_DEPENDENCIES)
      _lowp_missing_package(benchmark libbenchmark-dev)
    endif()
    message(STATUS "lowp: Google Benchmark not found, downloading Google Benchmark 1.8.3")
    set(BENCHMARK_ENABLE_TESTING OFF CACHE BOOL "lowp: do not build Google Benchmark's own tests")
    set(BENCHMARK_ENABLE_INSTALL OFF CACHE BOOL "lowp: do not install the downloaded Google Benchmark")
    set(BENCHMARK_ENABLE_WERROR OFF CACHE BOOL "lowp: newer compilers may warn in Google Benchmark")
    FetchContent_Declare(lowp_benchmark
      URL https://github.com/google/benchmark/archive/refs/tags/v1.8.3.tar.gz
      URL_HASH SHA256=6bc180a57d23d4d9515519f92b0c83d61b05b5bab188961f36ac7b06b0d9e9ce
      DOWNLOAD_EXTRACT_TIMESTAMP TRUE)
    FetchContent_MakeAvailable(lowp_benchmark)

  elseif(name STREQUAL "MPFR")
    if(TARGET MPFR::MPFR)
      return()
    endif()
    find_package(MPFR QUIET)
    if(NOT TARGET MPFR::MPFR)
      _lowp_missing_package(MPFR "libmpfr-dev libgmp-dev")
    endif()

  else()
    message(FATAL_ERROR "lowp_require_package: unknown package '${name}'")
  endif()
endfunction()
