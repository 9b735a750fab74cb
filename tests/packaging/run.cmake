#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Driver of one packaging test: cmake -DMODE=... -DWORK_DIR=... -P run.cmake
#   MODE                    add_subdirectory | find_package | fetchcontent | install_programs
#   BUILD_DIR               (install_programs) the build tree to install from;
#                           (find_package, optional) a built tree with wsout::compiled
#   WSOUT_SOURCE_DIR        the wsout source tree
#   WSOUT_EXPECTED_VERSION  the version the consumer must see
#   CONSUMERS_DIR           tests/packaging
#   WORK_DIR                scratch directory (wiped first)
#   GENERATOR, MAKE_PROGRAM, CXX_COMPILER, CXX_COMPILER_LAUNCHER: the parent build's

cmake_minimum_required(VERSION 3.19)

foreach(_v MODE WSOUT_SOURCE_DIR WSOUT_EXPECTED_VERSION CONSUMERS_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: ${_v} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Settings every configure shares: the parent build's generator and compiler.
set(_common -G "${GENERATOR}")
if(MAKE_PROGRAM)
  list(APPEND _common "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND _common "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(CXX_COMPILER_LAUNCHER)
  list(APPEND _common "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}")
endif()

function(step what)
  message(STATUS "[packaging.${MODE}] ${what}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "[packaging.${MODE}] FAILED (${_rc}): ${what}")
  endif()
endfunction()

# Configure, build and run the consumer in CONSUMERS_DIR/<MODE>.
function(build_and_run_consumer)
  set(_build "${WORK_DIR}/consumer-build")
  step("configure the consumer project"
       ${CMAKE_COMMAND} -S "${CONSUMERS_DIR}/${MODE}" -B "${_build}" ${_common}
       "-DWSOUT_EXPECTED_VERSION=${WSOUT_EXPECTED_VERSION}" ${ARGN})
  step("build the consumer" ${CMAKE_COMMAND} --build "${_build}")
  step("run the consumer" "${_build}/wsout_consumer" "${MODE}")
  if(EXISTS "${_build}/wsout_consumer_compiled")
    step("run the consumer linked to wsout::compiled" "${_build}/wsout_consumer_compiled" "${MODE}+compiled")
  endif()
endfunction()

if(MODE STREQUAL "add_subdirectory")
  build_and_run_consumer("-DWSOUT_SOURCE_DIR=${WSOUT_SOURCE_DIR}")

elseif(MODE STREQUAL "find_package")
  # Configure wsout as a user or packager would (nothing but the library),
  # install it, then move the prefix: the package must be relocatable.
  set(_wsout_build "${WORK_DIR}/wsout-build")
  set(_staging "${WORK_DIR}/staging-prefix")
  set(_prefix "${WORK_DIR}/prefix")
  step("configure wsout (library only)"
       ${CMAKE_COMMAND} -S "${WSOUT_SOURCE_DIR}" -B "${_wsout_build}" ${_common}
       -DWSOUT_BUILD_TESTS=OFF -DWSOUT_BUILD_EXAMPLES=OFF -DWSOUT_BUILD_BENCH=OFF -DWSOUT_BUILD_COMPILED=ON
       "-DCMAKE_INSTALL_PREFIX=${_staging}")
  if(DEFINED BUILD_DIR AND NOT "${BUILD_DIR}" STREQUAL "")
    # The same install rules, run on the calling build tree, which has built
    # wsout::compiled already (compiling <wsout/src.hpp> takes minutes).
    step("install wsout from ${BUILD_DIR}" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${_staging}")
  else()
    # With wsout::compiled, which must then be built before the install.
    step("build wsout::compiled" ${CMAKE_COMMAND} --build "${_wsout_build}")
    step("install wsout" ${CMAKE_COMMAND} --install "${_wsout_build}" --prefix "${_staging}")
  endif()
  file(RENAME "${_staging}" "${_prefix}")
  foreach(_f include/wsout/version.hpp include/wsout/config.hpp
             share/cmake/wsout/wsoutConfig.cmake share/cmake/wsout/wsoutConfigVersion.cmake
             share/cmake/wsout/wsoutTargets.cmake share/doc/wsout/LICENSE)
    if(NOT EXISTS "${_prefix}/${_f}")
      message(FATAL_ERROR "[packaging.find_package] not installed: ${_f}")
    endif()
  endforeach()
  file(GLOB_RECURSE _lib RELATIVE "${_prefix}" "${_prefix}/lib*/libwsout.a")
  if(NOT _lib)
    message(FATAL_ERROR "[packaging.find_package] not installed: the wsout::compiled library (libwsout.a)")
  endif()
  file(GLOB_RECURSE _leaked RELATIVE "${_prefix}" "${_prefix}/include/*")
  list(FILTER _leaked EXCLUDE REGEX "\\.(hpp|ipp)$")
  if(_leaked)
    message(FATAL_ERROR "[packaging.find_package] non-header files installed: ${_leaked}")
  endif()
  file(READ "${_prefix}/share/cmake/wsout/wsoutTargets.cmake" _targets)
  if(_targets MATCHES "${WSOUT_SOURCE_DIR}|${WORK_DIR}")
    message(FATAL_ERROR "[packaging.find_package] wsoutTargets.cmake holds an absolute build/source path")
  endif()
  build_and_run_consumer("-DCMAKE_PREFIX_PATH=${_prefix}")

elseif(MODE STREQUAL "fetchcontent")
  # What a release tarball holds: the library and its build files only.
  set(_tarball "${WORK_DIR}/wsout-${WSOUT_EXPECTED_VERSION}.tar.gz")
  set(_stage "${WORK_DIR}/tarball-stage/wsout-${WSOUT_EXPECTED_VERSION}")
  file(MAKE_DIRECTORY "${_stage}")
  foreach(_item CMakeLists.txt cmake include LICENSE README.md)
    if(EXISTS "${WSOUT_SOURCE_DIR}/${_item}")
      file(COPY "${WSOUT_SOURCE_DIR}/${_item}" DESTINATION "${_stage}")
    endif()
  endforeach()
  step("make ${_tarball}"
       ${CMAKE_COMMAND} -E chdir "${WORK_DIR}/tarball-stage"
       ${CMAKE_COMMAND} -E tar czf "${_tarball}" "wsout-${WSOUT_EXPECTED_VERSION}")
  file(SHA256 "${_tarball}" _sha)
  build_and_run_consumer("-DWSOUT_TARBALL=${_tarball}" "-DWSOUT_TARBALL_SHA256=${_sha}")

elseif(MODE STREQUAL "install_programs")
  set(_prefix "${WORK_DIR}/prefix")
  step("install the wsout_Runtime component of ${BUILD_DIR}"
       ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${_prefix}" --component wsout_Runtime)
  foreach(_p wsout-cat wsout-sink)
    if(NOT EXISTS "${_prefix}/bin/${_p}")
      message(FATAL_ERROR "[packaging.install_programs] not installed: bin/${_p}")
    endif()
    step("run the installed ${_p} --help" "${_prefix}/bin/${_p}" --help)
  endforeach()

else()
  message(FATAL_ERROR "run.cmake: unknown MODE '${MODE}'")
endif()

message(STATUS "[packaging.${MODE}] passed")
