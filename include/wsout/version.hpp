//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_VERSION_HPP
#define WSOUT_VERSION_HPP

/// wsout's version as three numbers; bump all three places together.
#define WSOUT_VERSION_MAJOR 0
#define WSOUT_VERSION_MINOR 1
#define WSOUT_VERSION_PATCH 0

/// The version as a string, e.g. "0.1.0".
#define WSOUT_VERSION_STRING "0.1.0"

namespace wsout {
inline namespace v1 {

/// The version string sent in the `User-Agent: wsout/<version>` handshake header.
inline constexpr char const* version_string = WSOUT_VERSION_STRING;

/// The default `User-Agent` header value.
inline constexpr char const* default_user_agent = "wsout/" WSOUT_VERSION_STRING;

} // namespace v1
} // namespace wsout

#endif
