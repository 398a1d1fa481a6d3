# cmake -DBUILD_DIR=<build tree> -DTARGET=<target> [-DCONFIG=<config>] -P must_not_compile.cmake
#
# Builds one compile-fail target, which must not compile, and prints the compiler's error lines (and only
# those) for the test's PASS_REGULAR_EXPRESSION to match. A build that succeeds, or fails without any
# compiler error line, prints the marker LOWP_COMPILE_FAIL_UNEXPECTED that the test's
# FAIL_REGULAR_EXPRESSION looks for.
cmake_minimum_required(VERSION 3.25)

set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${TARGET}" ${config_args}
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output  # the same variable: stdout and stderr interleaved as produced
  RESULT_VARIABLE result)

if(result EQUAL 0)
  message("LOWP_COMPILE_FAIL_UNEXPECTED: ${TARGET} compiled, but it must not.")
  return()
endif()

# GCC and Clang write "error:" (also "fatal error:"), MSVC "error C1234:". MATCHALL joins its matches
# with ';'; each match ends in a newline, so removing the ';' after a newline restores the text without
# ever splitting it as a list (error lines are C++ and may hold ';' or brackets of their own).
string(REGEX MATCHALL "[^\n]*error( C[0-9]+)?:[^\n]*\n" error_lines "${output}\n")
string(REPLACE "\n;" "\n" error_lines "${error_lines}")
if(error_lines STREQUAL "")
  message("LOWP_COMPILE_FAIL_UNEXPECTED: building ${TARGET} failed without a compiler error line:\n${output}")
  return()
endif()
message("${error_lines}")
