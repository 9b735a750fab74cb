//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_ERROR_HPP
#define WSOUT_ERROR_HPP

#include <wsout/detail/config.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <type_traits>

namespace wsout {
inline namespace v1 {

/// The error code type used throughout wsout.
using error_code = boost::system::error_code;
/// The exception thrown by the throwing overloads.
using system_error = boost::system::system_error;

/** Errors raised by wsout itself.

    Errors from below (resolver, socket, TLS) keep their own category so the
    original cause stays testable: `asio::error::connection_refused`, the
    SSL category for certificate failures, and so on.
*/
enum class error
{
    /// A write or close was requested on an output that is not connected.
    not_connected = 1,
    /// `connect` was called on an output that is already connected.
    already_connected,
    /// The output was closed; no further writes are accepted.
    output_closed,
    /// `try_write` found the in-flight queue full (nothing was queued).
    would_block,
    /// The server answered the upgrade with something that is not HTTP.
    bad_http_response,
    /// The server's `Sec-WebSocket-Accept` does not match our key.
    bad_accept_key,
    /// The 101 response lacks `Upgrade: websocket` or `Connection: upgrade`.
    bad_upgrade_response,
    /// The server selected a subprotocol we did not offer.
    bad_subprotocol,
    /// The server selected an extension we did not offer.
    bad_extension,
    /// The handshake response headers exceeded the limits.
    response_too_large,
    /// Connecting (resolve, TCP, proxy, TLS) took longer than `timeouts.connect`.
    connect_timeout,
    /// The WebSocket handshake took longer than `timeouts.handshake`.
    handshake_timeout,
    /// A write did not complete within `timeouts.write`.
    write_timeout,
    /// The close handshake did not complete within `timeouts.close`.
    close_timeout,
    /// No pong or other traffic arrived within `keepalive.pong_timeout`.
    pong_timeout,
    /// The server sent a close frame.
    closed_by_server,
    /// The server broke RFC 6455 (masked frame, reserved bits, bad opcode,
    /// fragmented control frame, bad close code, invalid UTF-8 in text...).
    protocol_violation,
    /// The server sent a message larger than `max_inbound_message_bytes`.
    inbound_message_too_big,
    /// The auth policy failed to produce credentials for the handshake.
    auth_failed,
    /// Reconnecting stopped after `backoff.max_elapsed_time`.
    retries_exhausted,
    /// The HTTP proxy's answer to CONNECT was not HTTP.
    bad_proxy_response,
};

/// The category of `wsout::error`.
WSOUT_DECL boost::system::error_category const& error_category() noexcept;

/** The category of a refused WebSocket handshake: the code's value is the
    HTTP status the server answered with (401, 404, ...).
*/
WSOUT_DECL boost::system::error_category const& http_status_category() noexcept;

/** The category of a refused proxy `CONNECT`: the value is the proxy's
    HTTP status (403, 407, 502, ...).
*/
WSOUT_DECL boost::system::error_category const& proxy_status_category() noexcept;

/// Make an error code from a `wsout::error`.
WSOUT_DECL error_code make_error_code(error e) noexcept;

/// An error code carrying the server's HTTP status for a refused handshake.
WSOUT_DECL error_code make_http_status_error(unsigned status) noexcept;

/// An error code carrying the proxy's HTTP status for a refused CONNECT.
WSOUT_DECL error_code make_proxy_status_error(unsigned status) noexcept;

/** Categories of failure to test an `error_code` against with `==`.

    @par Example
    @code
    if (ec == wsout::condition::handshake_rejected) ...
    @endcode
*/
enum class condition
{
    /// The server refused or botched the WebSocket upgrade (any HTTP status
    /// other than 101, or a malformed 101).
    handshake_rejected = 1,
    /// The HTTP proxy refused or botched `CONNECT`.
    proxy_refused,
    /// Any wsout timeout.
    timeout,
    /// Failures that retrying will not fix: HTTP 4xx on the handshake
    /// (except 408 and 429), handshake violations, auth and
    /// certificate failures, a closed output.
    permanent,
};

/// The category of `wsout::condition`.
WSOUT_DECL boost::system::error_category const& condition_category() noexcept;

/// Make an error condition from a `wsout::condition`.
WSOUT_DECL boost::system::error_condition make_error_condition(condition c) noexcept;

} // namespace v1
} // namespace wsout

namespace boost {
namespace system {
template<>
struct is_error_code_enum<::wsout::error> : std::true_type
{};
template<>
struct is_error_condition_enum<::wsout::condition> : std::true_type
{};
} // namespace system
} // namespace boost

#if WSOUT_HEADER_ONLY
#include <wsout/impl/error.ipp>
#endif

#endif
