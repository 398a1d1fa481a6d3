# FindMPFR
# --------
# Finds the GNU MPFR library and the GMP library it is built on (lowp's tests use MPFR as the oracle for
# correctly rounded results). Neither ships a CMake package, so headers and libraries are looked up
# directly; for a non-standard location set MPFR_ROOT (searched for both) or CMAKE_PREFIX_PATH.
#
# Imported targets:
#   MPFR::MPFR      mpfr with its include directory; links GMP::GMP
#   GMP::GMP        gmp
# Result variables:
#   MPFR_FOUND, MPFR_VERSION, MPFR_INCLUDE_DIR, MPFR_LIBRARY, GMP_INCLUDE_DIR, GMP_LIBRARY

find_path(MPFR_INCLUDE_DIR NAMES mpfr.h)
find_library(MPFR_LIBRARY NAMES mpfr)
find_path(GMP_INCLUDE_DIR NAMES gmp.h)
find_library(GMP_LIBRARY NAMES gmp)

if(MPFR_INCLUDE_DIR AND EXISTS "${MPFR_INCLUDE_DIR}/mpfr.h")
  file(STRINGS "${MPFR_INCLUDE_DIR}/mpfr.h" _mpfr_version_line
    REGEX "^#define[ \t]+MPFR_VERSION_STRING[ \t]+\"[^\"]+\"")
  if(_mpfr_version_line MATCHES "\"([^\"]+)\"")
    set(MPFR_VERSION "${CMAKE_MATCH_1}")
  endif()
  unset(_mpfr_version_line)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MPFR
  REQUIRED_VARS MPFR_LIBRARY MPFR_INCLUDE_DIR GMP_LIBRARY GMP_INCLUDE_DIR
  VERSION_VAR MPFR_VERSION)

if(MPFR_FOUND)
  if(NOT TARGET GMP::GMP)
    add_library(GMP::GMP UNKNOWN IMPORTED)
    set_target_properties(GMP::GMP PROPERTIES
      IMPORTED_LOCATION "${GMP_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${GMP_INCLUDE_DIR}")
  endif()
  if(NOT TARGET MPFR::MPFR)
    add_library(MPFR::MPFR UNKNOWN IMPORTED)
    set_target_properties(MPFR::MPFR PROPERTIES
      IMPORTED_LOCATION "${MPFR_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${MPFR_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES GMP::GMP)
  endif()
endif()

mark_as_advanced(MPFR_INCLUDE_DIR MPFR_LIBRARY GMP_INCLUDE_DIR GMP_LIBRARY)
