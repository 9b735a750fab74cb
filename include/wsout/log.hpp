//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_LOG_HPP
#define WSOUT_LOG_HPP

#include <functional>
#include <string_view>

namespace wsout {
inline namespace v1 {

/// Severity of a log event.
enum class log_level
{
    debug, ///< detail for troubleshooting
    info,  ///< connected, reconnecting in N, closed
    warn,  ///< a connection lost or an attempt failed; security checks turned off
    error  ///< giving up (reconnecting stopped); a user callback threw
};

/// "debug", "info", "warn", "error".
inline constexpr char const* to_string(log_level l) noexcept
{
    switch (l)
    {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
    }
    return "?";
}

/** The library's only way to say anything: wsout never writes to stdout or
    stderr itself.

    Called on the output's strand for connect, disconnect, retry and security
    events (e.g. certificate verification turned off). Messages never hold
    secrets. An empty hook discards everything.
*/
using log_hook = std::function<void(log_level, std::string_view)>;

} // namespace v1
} // namespace wsout

#endif
