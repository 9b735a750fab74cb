//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_CONFIG_HPP
#define WSOUT_DETAIL_CONFIG_HPP

// Header-only (the default) or separately compiled, as Beast
// (BOOST_BEAST_SEPARATE_COMPILATION) and spdlog (SPDLOG_COMPILED_LIB) offer.
//
// Non-template functions are defined in impl/*.ipp files and marked
// WSOUT_DECL. Header-only, the public headers include those files and
// WSOUT_DECL is `inline`. With WSOUT_SEPARATE_COMPILATION defined (for every
// translation unit of the program), the public headers leave the .ipp files
// out, WSOUT_DECL is empty, and exactly one translation unit includes
// <wsout/src.hpp>, which defines them all and explicitly instantiates the
// common outputs (see detail/extern_templates.hpp). CMake users link
// wsout::compiled instead of wsout::wsout.
#if defined(WSOUT_SEPARATE_COMPILATION)
#define WSOUT_HEADER_ONLY 0
#define WSOUT_DECL
#else
#define WSOUT_HEADER_ONLY 1
#define WSOUT_DECL inline
#endif

#endif
