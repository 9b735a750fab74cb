//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_CONFIG_HPP
#define WSOUT_DETAIL_CONFIG_HPP

// WSOUT_DECL marks the non-template functions defined in impl/*.hpp.
// Header-only (the default) they are inline. Defining
// WSOUT_SEPARATE_COMPILATION makes them ordinary declarations, compiled once
// in a translation unit that includes <wsout/src.hpp>, as Beast and spdlog do.
#if defined(WSOUT_SEPARATE_COMPILATION)
#define WSOUT_DECL
#else
#define WSOUT_DECL inline
#endif

#endif
