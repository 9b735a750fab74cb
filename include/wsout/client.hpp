//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_CLIENT_HPP
#define WSOUT_CLIENT_HPP

#include <wsout/config.hpp>
#include <wsout/detail/config.hpp>
#include <wsout/error.hpp>
#include <wsout/log.hpp>
#include <wsout/stats.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>

namespace wsout {
inline namespace v1 {

namespace detail {
class client_impl;
} // namespace detail

/** The completion of one message sent through a `client`.

    Called exactly once per accepted message, on the client's I/O thread,
    with an empty `error_code` when the message was sent or the reason it
    failed. It must not block for long (it holds up the I/O thread) and
    must not destroy the client. An exception it throws is caught and
    reported through the log hook.
*/
using send_handler = std::function<void(error_code)>;

/// Settings of a `client` that are not part of the output's `config`.
struct client_options
{
    /** How long `send` waits for room when the in-flight limits
        (`max_in_flight`, `max_in_flight_bytes`) are reached, before it
        gives up with `wsout::error::would_block`. Zero makes `send`
        behave like `try_send`.
    */
    std::chrono::milliseconds send_timeout{100};

    /** Receives the output's connect, disconnect and retry events and the
        client's own (first-connect retries, callback exceptions). Called
        on the I/O thread, never concurrently with itself.
    */
    log_hook log;
};

/// Where a `client` is in its life.
enum class client_state
{
    connecting, ///< the first connect is being tried (messages wait in the client)
    connected,  ///< the first connect succeeded; the output keeps itself connected
    closing,    ///< `close` is draining; new sends are refused
    closed,     ///< closed; new sends are refused with `error::output_closed`
    failed      ///< the first connect failed permanently or gave up; sends are refused with that error
};

/// `"connecting"`, `"connected"`, `"closing"`, `"closed"` or `"failed"`.
inline constexpr char const* to_string(client_state s) noexcept
{
    switch (s)
    {
    case client_state::connecting: return "connecting";
    case client_state::connected: return "connected";
    case client_state::closing: return "closing";
    case client_state::closed: return "closed";
    case client_state::failed: return "failed";
    }
    return "?";
}

/** A snapshot of a client's counters.

    The client's own counters describe what callers saw; `output` is the
    underlying output's view (connects, losses, retries, frames).
    `accepted == sent + failed + in_flight` at every snapshot.
*/
struct client_stats
{
    std::uint64_t accepted = 0;         ///< messages `send`/`try_send` accepted
    std::uint64_t sent = 0;             ///< accepted messages reported sent
    std::uint64_t failed = 0;           ///< accepted messages reported failed
    std::uint64_t refused = 0;          ///< sends refused (would_block, closed, failed); not accepted
    std::uint64_t in_flight = 0;        ///< accepted, not yet reported
    std::uint64_t in_flight_bytes = 0;  ///< their payload bytes
    std::uint64_t connect_attempts = 0; ///< first-connect attempts made by the client
    client_state state = client_state::connecting; ///< the state when the snapshot was taken
    error_code last_error;                         ///< the last failed message's or connect attempt's error
    output_stats output;                           ///< the output's own counters
};

/** A WebSocket output with its own I/O thread, for programs without an
    event loop: game loops, telemetry agents, plugins.

    The client builds a `wsout::output` from the config with `make_output`
    (so `ws://`/`wss://` and the enabled auth are chosen at run time), runs
    it on an `io_context` driven by one thread the client owns, and offers
    thread-safe calls that never block the caller for long.

    @par Connecting in the background
    The constructor returns at once; the client connects on its I/O thread.
    A failed first connect is retried with the config's `backoff`
    (`initial_interval`, growing by `multiplier` up to `max_interval`, each
    wait scaled by a random factor in [1 - jitter, 1 + jitter]) until it
    succeeds or `max_elapsed_time` (0: forever) runs out; a permanent
    failure (an HTTP 4xx answer to the handshake other than 408/429, a
    certificate or auth failure: `wsout::condition::permanent`) stops the
    retrying at once. Messages sent meanwhile wait in the client, in order,
    counting against the in-flight limits, and go out when the connection
    is up; if connecting fails for good, they fail with its error. Once
    connected, the output itself reconnects after a connection loss
    (see `websocket_output`).

    @par Delivery contract
    Every message `send` or `try_send` accepted is reported exactly once,
    as sent or failed: through its `send_handler` when it has one, its
    future for `send_with_future`, and always in `stats()`. Messages sent
    from one thread are sent in the order of the calls. A refused send
    (the return value is an error) was not accepted and is not reported
    again.

    @par Backpressure
    At most `max_in_flight` messages and `max_in_flight_bytes` payload
    bytes are accepted and not yet reported (a single message larger than
    the byte limit is accepted when nothing else is in flight). When full,
    `try_send` refuses with `wsout::error::would_block` at once and `send`
    waits up to `client_options::send_timeout` for a message to be
    reported, then refuses likewise. Memory therefore stays bounded
    whatever the server does.

    @par Thread Safety
    Every member function may be called concurrently from any thread,
    except that the client must not be destroyed from one of its own
    callbacks or its log hook. Called from the I/O thread (inside a
    callback), `send` does not wait and `flush` and `close` do not block.

    @par Example
    @code
    wsout::config cfg;
    cfg.url = "ws://127.0.0.1:4195/post/ws";
    wsout::client c(cfg);
    for (int frame = 0; running; ++frame)
    {
        if (c.try_send(snapshot_json()) == wsout::error::would_block)
            ++dropped; // the server is slow or away: drop, never stall
        sleep_until_next_frame();
    }
    c.close(std::chrono::seconds(2));
    @endcode
*/
class client
{
public:
    /** Build the output from `cfg` and start connecting in the background.

        The call does not wait for the connection.

        @param cfg The output's config (validated here).
        @param opts Client settings: send timeout, log hook.
        @throws config_error for any bad setting; nothing is started then.
    */
    explicit client(config cfg, client_options opts = {});

    /** Close and stop, bounded.

        Closes as `close` would, waiting at most `timeouts.close` + 1 s
        (5 s + 1 s when the close timeout is 0), then stops the I/O thread
        (after at most 2 s more) and joins it. Messages not reported by
        then are reported failed with `boost::asio::error::operation_aborted`
        (their handlers then run on the destroying thread). Never hangs.
    */
    ~client();

    client(client const&) = delete;
    client& operator=(client const&) = delete;

    //------------------------------------------------------------------
    /** Queue one message, waiting a bounded time for room.

        The call blocks until one of the following is true:
        @li the message was accepted (it will be reported sent or failed);
        @li `client_options::send_timeout` expired with the in-flight
            limits still reached: `wsout::error::would_block` is returned;
        @li the client refuses messages: `wsout::error::output_closed` after
            `close`, or the error the first connect failed with.

        It does not wait for the message to be sent.

        @param message The payload, moved into the client.
        @return An empty `error_code` when the message was accepted.
    */
    error_code send(std::string message);

    /** Queue one message with a completion callback; see `send(std::string)`.

        @param message The payload, moved into the client.
        @param on_done Called once, on the I/O thread, with the message's
        outcome, only when the message was accepted.
        @return An empty `error_code` when the message was accepted.
    */
    error_code send(std::string message, send_handler on_done);

    /** Queue one message, never waiting.

        @return `wsout::error::would_block` when the in-flight limits are
        reached (a game loop drops or coalesces the message), the reason
        the client refuses messages, or an empty `error_code` when the
        message was accepted.
    */
    error_code try_send(std::string message);

    /** Queue one message without waiting, with a completion callback.

        Never blocks; a refusal is returned at once, as by
        `try_send(std::string)`, and then `on_done` is not called.

        @param message The payload, moved into the client.
        @param on_done Called once, on the I/O thread, with the outcome of
        the accepted message (sent, or the error it failed with).
        @return An empty `error_code` when the message was accepted;
        `wsout::error::would_block` or the reason the client refuses
        messages otherwise.
    */
    error_code try_send(std::string message, send_handler on_done);

    /** Queue one message (waiting as `send` does) and get its outcome as a
        future.

        @return A future that becomes ready when the message was reported:
        `get()` returns when it was sent and throws `wsout::system_error`
        when it failed or was refused.
    */
    std::future<void> send_with_future(std::string message);

    //------------------------------------------------------------------
    /** Wait until every message accepted before the call was reported
        (sent or failed).

        The call blocks until that is true or `timeout` expires. Messages
        waiting for the first connect count: flushing a client that cannot
        connect waits the whole timeout.

        @return true when everything was reported within the timeout.
    */
    bool flush(std::chrono::milliseconds timeout);

    /** Wait until the first connect succeeded (or failed for good).

        @return true when the client is connected within `timeout`.
    */
    bool wait_connected(std::chrono::milliseconds timeout);

    /** Close gracefully, bounded by `timeout`.

        New sends are refused from the start of the call. The call blocks
        until every accepted message was reported and the output's close
        handshake completed, or until `timeout` expired. Messages still
        waiting for a first connection at the end of the flush fail with
        `wsout::error::output_closed`. Closing twice returns the first
        close's result.

        @return An empty `error_code` when everything was reported and the
        close handshake completed (or there was no connection to close);
        `wsout::error::close_timeout` when `timeout` expired first (what is
        left is reported later, at the latest by the destructor); the
        output's close error otherwise. Called from the I/O thread (inside
        a callback), it only starts the close and returns
        `wsout::error::close_timeout`.
    */
    error_code close(std::chrono::milliseconds timeout);

    //------------------------------------------------------------------
    /// A snapshot of the counters and the state. Thread-safe.
    client_stats stats() const;

    /// The output's last failure, described in words (no secrets). Thread-safe.
    failure_info last_failure() const;

    /// The validated config. Thread-safe (it never changes).
    config const& get_config() const noexcept;

private:
    std::unique_ptr<detail::client_impl> impl_;
};

} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/impl/client.ipp>
#endif

#endif
