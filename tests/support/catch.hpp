// Catch2 2.x (Debian 12) and Catch2 3.x behind one include.
#ifndef WSOUT_TESTS_SUPPORT_CATCH_HPP
#define WSOUT_TESTS_SUPPORT_CATCH_HPP
#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#include <catch2/catch.hpp>
#endif
#endif
