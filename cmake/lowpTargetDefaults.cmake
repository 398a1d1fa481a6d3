# lowp_target_defaults(<target> [NO_SANITIZE] [SANITIZE_OPTIMIZED])
#
# Settings shared by lowp's own tests, benchmarks and examples (never by the lowp INTERFACE target, whose
# users choose their own flags): C++20 without compiler extensions, warnings (errors with LOWP_WERROR),
# -march=native with LOWP_NATIVE, and AddressSanitizer + UndefinedBehaviorSanitizer with LOWP_SANITIZE.
# NO_SANITIZE keeps the sanitizers off a target even then (benchmarks: instrumented timings mean nothing).
# A sanitized target compiles at -O0: under ASan+UBSan, clang's -O1 takes 2 to 10 times as long to compile
# as -O0 (block_quantize_test 10 s at -O0), for the same checks, and most tests and examples run for well
# under a second. SANITIZE_OPTIMIZED keeps the build type's optimization, for the long-running tests.
include_guard(GLOBAL)
include(CheckCXXCompilerFlag)

function(lowp_target_defaults target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_SANITIZE;SANITIZE_OPTIMIZED" "" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "lowp_target_defaults: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()

  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)

  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive- $<$<BOOL:${LOWP_WERROR}>:/WX>)
    return()  # -march=native and the sanitizer flags below are GCC/Clang spellings
  endif()

  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic $<$<BOOL:${LOWP_WERROR}>:-Werror>)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GCC" OR CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports -Wmaybe-uninitialized inside Eigen's own AVX-512 float/double GEMM kernels (the
    # _mm512_undefined_* idiom of its intrinsics headers), in code lowp does not own.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()

  if(LOWP_NATIVE)
    check_cxx_compiler_flag(-march=native LOWP_HAVE_MARCH_NATIVE)
    if(LOWP_HAVE_MARCH_NATIVE)
      target_compile_options(${target} PRIVATE -march=native)
    endif()
  endif()

  if(LOWP_SANITIZE AND NOT arg_NO_SANITIZE)
    # -fno-sanitize-recover=all: a UBSan finding aborts the test instead of printing and passing.
    set(flags -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PRIVATE ${flags})
    if(NOT arg_SANITIZE_OPTIMIZED)
      target_compile_options(${target} PRIVATE -O0)  # after the build type's level on the command line
    endif()
  endif()
endfunction()
