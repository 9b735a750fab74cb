#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Build settings for wsout's own targets only (tests, examples, bench, header
# checks). Included by the top-level CMakeLists.txt; nothing here reaches a
# project that consumes wsout::wsout.

# ccache: picked up automatically when present, unless the user chose a
# launcher (cache variable or environment). Only when wsout is top level: a
# parent project decides this for itself.
if(WSOUT_IS_TOP_LEVEL AND WSOUT_USE_CCACHE
   AND NOT DEFINED CMAKE_CXX_COMPILER_LAUNCHER
   AND NOT DEFINED ENV{CMAKE_CXX_COMPILER_LAUNCHER})
  find_program(WSOUT_CCACHE_PROGRAM ccache)
  if(WSOUT_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${WSOUT_CCACHE_PROGRAM}")
    message(STATUS "wsout: using ccache (${WSOUT_CCACHE_PROGRAM})")
  endif()
endif()

if(WSOUT_IS_TOP_LEVEL)
  # For clang-tidy and editors.
  set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
  # Standard C++ (-std=c++17, not gnu++17) for our own targets, so
  # -Wpedantic checks what users of other compilers get.
  if(NOT DEFINED CMAKE_CXX_EXTENSIONS)
    set(CMAKE_CXX_EXTENSIONS OFF)
  endif()
endif()

# wsout_warnings: link it to every target of ours. The name is historical; it
# carries the warnings, -Werror and the sanitizer flags.
add_library(wsout_warnings INTERFACE)
if(MSVC)
  target_compile_options(wsout_warnings INTERFACE /W4 $<$<BOOL:${WSOUT_WERROR}>:/WX>)
else()
  target_compile_options(wsout_warnings INTERFACE -Wall -Wextra -Wpedantic $<$<BOOL:${WSOUT_WERROR}>:-Werror>)
endif()

# Compressed debug sections (-gz): our Debug and sanitizer test binaries each
# carry the whole engine, and their debug info is most of their size (an ASan
# test binary: 313 MB, 148 MB compressed). Without it the dev, asan and tsan
# trees took about 19 GB, and CI ran out of disk (stop 13). gdb, addr2line
# and the sanitizers' symbolizer read compressed sections.
if(WSOUT_COMPRESS_DEBUG AND NOT MSVC)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-gz WSOUT_HAS_COMPRESSED_DEBUG)
  if(WSOUT_HAS_COMPRESSED_DEBUG)
    target_compile_options(wsout_warnings INTERFACE -gz)
    target_link_options(wsout_warnings INTERFACE -gz)
  endif()
endif()

# WSOUT_SANITIZE: a comma-separated list handed to -fsanitize=.
if(WSOUT_SANITIZE)
  string(REPLACE "," ";" _wsout_sanitizers "${WSOUT_SANITIZE}")
  foreach(_s IN LISTS _wsout_sanitizers)
    if(NOT _s MATCHES "^(address|undefined|thread|leak|memory)$")
      message(FATAL_ERROR "WSOUT_SANITIZE: unknown sanitizer '${_s}' (use address,undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _wsout_sanitizers AND "address" IN_LIST _wsout_sanitizers)
    message(FATAL_ERROR "WSOUT_SANITIZE: thread and address cannot be combined")
  endif()
  set(_wsout_san_flags -fsanitize=${WSOUT_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_compile_options(wsout_warnings INTERFACE ${_wsout_san_flags})
  # GCC documents that sanitizers raise false -Wmaybe-uninitialized warnings
  # (seen in libstdc++'s std::regex/std::function at -O1 and -Og); with -Werror they
  # would fail the build, so that one warning is off in sanitizer builds.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(wsout_warnings INTERFACE -Wno-maybe-uninitialized)
    # g++ 12 warns (-Wtsan) that TSan does not model the
    # atomic_thread_fence inside Asio; a warning about a tool, not our code.
    if("thread" IN_LIST _wsout_sanitizers)
      target_compile_options(wsout_warnings INTERFACE -Wno-tsan)
    endif()
  endif()
  target_link_options(wsout_warnings INTERFACE ${_wsout_san_flags})
  message(STATUS "wsout: sanitizers for wsout's own targets: ${WSOUT_SANITIZE}")

  # Runtime defaults for tests started by ctest (a value set in the
  # environment at configure time wins). The presets set the same.
  set(WSOUT_SANITIZER_TEST_ENVIRONMENT "")
  if(NOT DEFINED ENV{ASAN_OPTIONS})
    list(APPEND WSOUT_SANITIZER_TEST_ENVIRONMENT
         "ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1")
  endif()
  if(NOT DEFINED ENV{UBSAN_OPTIONS})
    list(APPEND WSOUT_SANITIZER_TEST_ENVIRONMENT "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
  endif()
  if(NOT DEFINED ENV{TSAN_OPTIONS})
    list(APPEND WSOUT_SANITIZER_TEST_ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1")
  endif()
endif()

# wsout_add_example(name src...): an example program linked like our other
# targets. examples/CMakeLists.txt may use it or plain add_executable.
# With wsout::compiled built (the dev preset), the examples link it: the
# common outputs are compiled once in it instead of in every example (about
# 110 s of Debug compile each, 8 s with it), and the tests that run the
# examples then cover separate compilation end to end. The tests themselves
# are header-only in the dev preset. OFF gives header-only examples
# (check-tidy uses that, so that tidy sees the engine instantiated from
# wsout-cat).
option(WSOUT_EXAMPLES_SEPARATE_COMPILATION "Link the examples to wsout::compiled when it is built" ON)
function(wsout_add_example name)
  add_executable(${name} ${ARGN})
  set(_library wsout::wsout)
  if(TARGET wsout_compiled AND WSOUT_EXAMPLES_SEPARATE_COMPILATION)
    set(_library wsout::compiled)
  endif()
  target_link_libraries(${name} PRIVATE ${_library} wsout_warnings)
endfunction()
