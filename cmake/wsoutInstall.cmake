#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Install rules. Components:
#   wsout_Development  headers, CMake package files, license
#   wsout_Runtime      the example programs wsout-cat and wsout-sink (if built)

include(CMakePackageConfigHelpers)

# Header-only: the package files are architecture independent, so they go to
# share/ like nlohmann_json's (with wsout::compiled the library goes to lib/).
set(WSOUT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/wsout"
    CACHE STRING "Where wsoutConfig.cmake is installed (relative to the prefix)")
mark_as_advanced(WSOUT_INSTALL_CMAKEDIR)

install(TARGETS wsout EXPORT wsoutTargets)
# wsout::compiled (WSOUT_BUILD_COMPILED): the static library of the separate
# compilation mode, in the same export set.
if(TARGET wsout_compiled)
  install(TARGETS wsout_compiled EXPORT wsoutTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT wsout_Development)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/wsout
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT wsout_Development
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.ipp")
install(EXPORT wsoutTargets
        NAMESPACE wsout::
        DESTINATION ${WSOUT_INSTALL_CMAKEDIR}
        COMPONENT wsout_Development)

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/wsoutConfig.cmake.in
  ${PROJECT_BINARY_DIR}/wsoutConfig.cmake
  INSTALL_DESTINATION ${WSOUT_INSTALL_CMAKEDIR})

# 0.x: a minor release may break the API (semantic versioning), so only the
# same minor version is compatible; from 1.0 on, the same major version.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_wsout_compat SameMinorVersion)
else()
  set(_wsout_compat SameMajorVersion)
endif()
# Architecture independent unless the package holds wsout::compiled.
if(TARGET wsout_compiled)
  set(_wsout_arch "")
else()
  set(_wsout_arch ARCH_INDEPENDENT)
endif()
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/wsoutConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY ${_wsout_compat}
  ${_wsout_arch})

install(FILES
          ${PROJECT_BINARY_DIR}/wsoutConfig.cmake
          ${PROJECT_BINARY_DIR}/wsoutConfigVersion.cmake
        DESTINATION ${WSOUT_INSTALL_CMAKEDIR}
        COMPONENT wsout_Development)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT wsout_Development)

# The example programs, created in examples/ (guarded: they exist only when
# examples are built and once their sources are there).
foreach(_wsout_prog IN ITEMS wsout-cat wsout-sink)
  if(TARGET ${_wsout_prog})
    install(TARGETS ${_wsout_prog}
            RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
            COMPONENT wsout_Runtime)
  endif()
endforeach()
