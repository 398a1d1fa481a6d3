# cmake -DMODE=install|fetchcontent|subdirectory -DLOWP_SOURCE_DIR=<lowp source tree>
#       -DLOWP_BUILD_DIR=<configured lowp build tree> -DWORK_DIR=<scratch directory>
#       -DGENERATOR=<generator> [-DMAKE_PROGRAM=<path>] [-DCXX_COMPILER=<path>] [-DCONFIG=<config>]
#       -P run_consumer.cmake
#
# Configures, builds and runs the consumer project beside this script from an empty WORK_DIR, getting
# lowp in the way MODE names (MODE=install first installs LOWP_BUILD_DIR into WORK_DIR/prefix).
cmake_minimum_required(VERSION 3.25)

foreach(var IN ITEMS MODE LOWP_SOURCE_DIR LOWP_BUILD_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()

function(run_step what)
  message(STATUS "package.${MODE}: ${what}")
  execute_process(COMMAND ${ARGN}
    OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "package.${MODE}: ${what} failed (${result})\n$ ${command}\n${output}")
  endif()
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(config_args "")
set(build_type Release)
if(CONFIG)
  set(config_args --config "${CONFIG}")
  set(build_type "${CONFIG}")
endif()

set(configure_args
  -S "${CMAKE_CURRENT_LIST_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
  "-DCMAKE_BUILD_TYPE=${build_type}"
  "-DLOWP_CONSUME=${MODE}")
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()

if(MODE STREQUAL "install")
  run_step("install lowp into ${WORK_DIR}/prefix"
    "${CMAKE_COMMAND}" --install "${LOWP_BUILD_DIR}" --prefix "${WORK_DIR}/prefix" ${config_args})
  # Only the fresh prefix may satisfy find_package(lowp): no package registry, no system copy first.
  list(APPEND configure_args
    "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
elseif(MODE STREQUAL "fetchcontent" OR MODE STREQUAL "subdirectory")
  list(APPEND configure_args "-DLOWP_SOURCE_DIR=${LOWP_SOURCE_DIR}")
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()

run_step("configure the consumer" "${CMAKE_COMMAND}" ${configure_args})
run_step("build the consumer" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build" ${config_args})
run_step("run the consumer" "${WORK_DIR}/build/bin/consumer")

string(STRIP "${step_output}" printed)
if(NOT printed STREQUAL "1")
  message(FATAL_ERROR "package.${MODE}: the consumer printed '${printed}', expected '1'")
endif()
message(STATUS "package.${MODE}: the consumer printed ${printed}")
