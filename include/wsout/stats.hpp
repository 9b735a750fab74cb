//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_STATS_HPP
#define WSOUT_STATS_HPP

#include <wsout/error.hpp>
#include <wsout/transport/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace wsout {
inline namespace v1 {

/// Where an output is in its life.
/// Where an output is in its life (`output_stats::state`).
enum class output_state
{
    idle,         ///< never connected, or closed: `connect` may be called
    connecting,   ///< the first connect (or one asked for by `connect`) is in progress
    open,         ///< connected; messages flow
    reconnecting, ///< the connection was lost; retrying with backoff, messages wait
    closing,      ///< `close` is draining the queue and closing
    failed        ///< reconnecting gave up (permanent error or max_elapsed_time)
};

/// "idle", "connecting", "open", "reconnecting", "closing", "failed".
/// `"idle"`, `"connecting"`, `"open"`, `"reconnecting"`, `"closing"` or `"failed"`.
inline constexpr char const* to_string(output_state s) noexcept
{
    switch (s)
    {
    case output_state::idle: return "idle";
    case output_state::connecting: return "connecting";
    case output_state::open: return "open";
    case output_state::reconnecting: return "reconnecting";
    case output_state::closing: return "closing";
    case output_state::failed: return "failed";
    }
    return "?";
}

/** A snapshot of an output's counters.

    Names mirror Benthos' output metrics where one exists.
*/
struct output_stats
{
    std::uint64_t output_sent = 0;              ///< messages reported sent
    std::uint64_t output_sent_bytes = 0;        ///< payload bytes reported sent
    std::uint64_t output_batch_sent = 0;        ///< write_batch calls reported sent
    std::uint64_t output_error = 0;             ///< messages reported failed
    std::uint64_t output_retried = 0;           ///< messages resent after a connection loss
    std::uint64_t output_connection_up = 0;     ///< successful connects (reconnects included)
    std::uint64_t output_connection_failed = 0; ///< failed connect attempts
    std::uint64_t output_connection_lost = 0;   ///< connections lost after being up
    std::uint64_t in_flight = 0;                ///< messages accepted, not yet reported
    std::uint64_t in_flight_bytes = 0;          ///< their payload bytes
    std::uint64_t frames_written = 0;           ///< data frames written to the transport
    std::uint64_t socket_writes = 0;            ///< write operations on the transport
    std::uint64_t inbound_messages = 0;         ///< messages the server sent (discarded)
    output_state state = output_state::idle;    ///< the state when the snapshot was taken
    error_code last_error;                      ///< the last failure's code
};

/** The last failure, described for a person.

    `message` says what failed, at which step, against which server and why,
    e.g. "WebSocket handshake with ws://127.0.0.1:8080/post/ws failed: HTTP
    401 Unauthorized". It never contains secrets.
*/
struct failure_info
{
    /// The error (empty when nothing failed yet).
    error_code code;
    /// The connection step that failed (see `while_connecting`).
    transport::connect_step step = transport::connect_step::resolve;
    /// Whether the failure happened while connecting (step is meaningful).
    bool while_connecting = false;
    /// The description in words; never holds secrets.
    std::string message;
};

} // namespace v1
} // namespace wsout

#endif
