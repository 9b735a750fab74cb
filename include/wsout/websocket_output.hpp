//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_WEBSOCKET_OUTPUT_HPP
#define WSOUT_WEBSOCKET_OUTPUT_HPP

#include <wsout/auth/none.hpp>
#include <wsout/config.hpp>
#include <wsout/detail/policy_checks.hpp>
#include <wsout/error.hpp>
#include <wsout/log.hpp>
#include <wsout/stats.hpp>
#include <wsout/transport/plain.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wsout {
inline namespace v1 {

namespace detail {
template<class Transport, class Auth>
class output_impl;
struct write_entry;
} // namespace detail

/** Sends messages to a WebSocket server.

    A `websocket_output` connects to the config's `url`, signs the upgrade
    with its Auth policy, and sends each message as one WebSocket message
    (binary, or text with `message_type: text`). Messages written while a
    previous write is still on its way are packed into the same socket
    write, so a pipelining caller gets many messages per system call.

    @par Delivery contract
    Every message accepted by a write operation is reported exactly once:
    sent (its last byte was handed to the transport) or failed (with the
    error). Messages are sent in the order they were accepted. After a
    connection loss, messages not yet sent wait and are sent, in order, on
    the next connection (a message whose bytes were partly written is sent
    again whole). Permanent failures (HTTP 4xx on the handshake, certificate
    errors, protocol violations) stop the reconnecting and fail what waits.

    @par Connection lifetime
    `connect` makes one attempt and reports its outcome. Once connected, the
    output keeps itself connected (reconnecting with the config's `backoff`)
    until `close` or destruction. Inbound messages are read and discarded,
    pings answered, and a ping is sent every `keepalive.ping_interval`.

    @par Thread Safety
    All member functions may be called concurrently from any thread. The
    output runs its I/O on a strand of the given executor; completion
    handlers run on their associated executor (by default the output's).
    Destroying the output while operations are pending completes them with
    `boost::asio::error::operation_aborted` and never blocks.

    @tparam Transport How bytes reach the server: `transport::plain` for
    `ws://`, `transport::tls` for `wss://`, or your own (see the concept in
    <wsout/transport/plain.hpp>).
    @tparam Auth What signs the upgrade request: `auth::none`, `auth::basic`,
    `auth::oauth1`, `auth::jwt`, or your own (see <wsout/auth/none.hpp>).

    @par Example
    @code
    boost::asio::io_context ioc;
    wsout::config cfg;
    cfg.url = "ws://127.0.0.1:4195/post/ws";
    wsout::plain_output out(ioc, cfg);
    out.connect();
    out.write("hello");
    out.close();
    @endcode
*/
template<class Transport, class Auth>
class websocket_output
{
    static_assert(detail::check_transport_policy<Transport>());
    static_assert(detail::check_auth_policy<Auth>());

    using impl_type = detail::output_impl<Transport, Auth>;

public:
    using executor_type = boost::asio::any_io_executor;
    using transport_type = Transport;
    using auth_type = Auth;

    /** Construct an output. No I/O happens until `connect`.

        The config is validated, the url parsed and checked against the
        transport's scheme, and both policies are built from the config.

        @throws config_error for any bad setting (the message names the JSON
        pointer of the bad value).
    */
    websocket_output(executor_type ex, config cfg);

    /// Construct an output running on an io_context.
    websocket_output(boost::asio::io_context& ioc, config cfg);

    /** Construct an output with policies built by the caller (e.g. an auth
        policy with an injected clock, or a transport holding a socket).

        @throws config_error for any bad setting.
    */
    websocket_output(executor_type ex, config cfg, Transport transport, Auth auth);

    /// Stops everything without blocking; pending operations complete with
    /// `operation_aborted`. Call `close` first for a graceful goodbye.
    ~websocket_output();

    websocket_output(websocket_output&&) noexcept = default;
    websocket_output& operator=(websocket_output&&) = delete;
    websocket_output(websocket_output const&) = delete;
    websocket_output& operator=(websocket_output const&) = delete;

    /// The executor the output was constructed with.
    executor_type get_executor() const noexcept;

    /// The validated config.
    config const& get_config() const noexcept;

    /// The transport policy object.
    Transport& transport() noexcept;

    /// The auth policy object.
    Auth& auth() noexcept;

    /** Set the log hook (connect, disconnect, retry, security warnings).
        Thread-safe; takes effect for the next event.
    */
    void set_log_hook(log_hook hook);

    //------------------------------------------------------------------
    /** Connect to the server.

        The call blocks until one of the following is true:
        @li the WebSocket handshake completed;
        @li an error occurred (resolve, TCP connect, proxy, TLS, handshake:
            `last_failure()` says which step and why);
        @li the connect or handshake timeout expired.

        A refused handshake yields an error in `wsout::http_status_category()`
        whose value is the HTTP status (e.g. 401).

        @throws system_error on failure, with a message naming the step.
    */
    void connect();

    /// Connect; on failure `ec` is set. See `connect()`.
    void connect(error_code& ec);

    /** Start connecting. Signature of the completion: `void(error_code)`.

        @param token A completion token: a callback, `boost::asio::use_future`,
        `boost::asio::use_awaitable`, ...
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_connect(CompletionToken&& token = {});

    //------------------------------------------------------------------
    /** Send one message and wait until it was sent.

        The call blocks until the message's last byte was handed to the
        transport, or until it failed (the output was never connected,
        reconnecting gave up, the output was closed).

        @throws system_error on failure.
    */
    void write(std::string_view message);

    /// Send one message; on failure `ec` is set. See `write(std::string_view)`.
    void write(std::string_view message, error_code& ec);

    /** Send one message, the caller's bytes used in place.

        @param message The payload. The memory must stay valid until the
        completion handler is called.
        @param token Completion token; signature `void(error_code)`.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write(boost::asio::const_buffer message, CompletionToken&& token = {});

    /** Send one message the output takes ownership of.

        @param message The payload, moved into the output.
        @param token Completion token; signature `void(error_code)`.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write(std::string message, CompletionToken&& token = {});

    /** Queue one message without ever waiting.

        @return false with `ec == wsout::error::would_block` when the
        in-flight limits (`max_in_flight`, `max_in_flight_bytes`) are
        reached, or with the reason the output refuses writes; true when
        the message was accepted. An accepted message's outcome is counted in
        `stats()` (and logged when it fails).
    */
    bool try_write(std::string message, error_code& ec);

    //------------------------------------------------------------------
    /** Send each element as its own message, in order, and wait.

        @param messages A range of values convertible to `std::string_view`.
        @throws system_error on failure (some leading messages may have been
        sent; `stats()` counts them).
    */
    template<class Range>
    void write_batch(Range const& messages);

    /// Send a batch; on failure `ec` is set.
    template<class Range>
    void write_batch(Range const& messages, error_code& ec);

    /** Send each string as its own message, in order; one completion for
        the whole batch (the first failure, or success).
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write_batch(std::vector<std::string> messages, CompletionToken&& token = {});

    /** Send each buffer as its own message, in order; the memory must stay
        valid until the completion handler is called.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write_batch(std::vector<boost::asio::const_buffer> messages, CompletionToken&& token = {});

    //------------------------------------------------------------------
    /** Close gracefully.

        New writes are refused; the call blocks until every accepted message
        was sent, the close frame (1000) went out, the server's close frame
        came back and the transport was shut down; or until
        `timeouts.close` expired, in which case what was still pending fails
        with `wsout::error::close_timeout`. Closing an output that is not
        connected succeeds at once.

        @throws system_error on failure.
    */
    void close();

    /// Close; on failure `ec` is set. See `close()`.
    void close(error_code& ec);

    /// Start closing. Signature of the completion: `void(error_code)`.
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_close(CompletionToken&& token = {});

    //------------------------------------------------------------------
    /// A snapshot of the counters and the current state. Thread-safe.
    output_stats stats() const;

    /// The last failure, described in words. Thread-safe.
    failure_info last_failure() const;

private:
    template<class Range>
    detail::write_entry make_batch_entry(Range const& messages);

    [[noreturn]] void throw_failure(error_code ec, char const* what) const;

    std::shared_ptr<impl_type> impl_;
};

/// Plain `ws://`, no auth.
using plain_output = websocket_output<transport::plain, auth::none>;

} // namespace v1
} // namespace wsout

#include <wsout/impl/websocket_output.hpp>

#endif
