#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# cmake -DBUILD_DIR=... -DTARGET=... -DSOURCE=... -P expect_errors.cmake
#
# Builds TARGET (which must fail to compile) and checks that the compiler's
# output contains the text of every `// expect-error: TEXT` line of SOURCE.

foreach(v BUILD_DIR TARGET SOURCE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "expect_errors.cmake: -D${v}=... is required")
  endif()
endforeach()

execute_process(
  COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but it must not: a policy check is missing")
endif()

file(STRINGS ${SOURCE} expectations REGEX "// expect-error: ")
list(LENGTH expectations n)
if(n EQUAL 0)
  message(FATAL_ERROR "${SOURCE} has no `// expect-error:` lines")
endif()
set(missing "")
foreach(line IN LISTS expectations)
  string(REGEX REPLACE "^.*// expect-error: " "" text "${line}")
  string(FIND "${out}" "${text}" pos)
  if(pos EQUAL -1)
    string(APPEND missing "\n  ${text}")
  else()
    message(STATUS "found: ${text}")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "the compiler did not report:${missing}\n--- compiler output ---\n${out}")
endif()
message(STATUS "${TARGET}: failed to compile with all ${n} expected messages")
