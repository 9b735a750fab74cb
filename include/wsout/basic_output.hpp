//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_BASIC_OUTPUT_HPP
#define WSOUT_BASIC_OUTPUT_HPP

#include <wsout/config.hpp>
#include <wsout/detail/output_core.hpp>
#include <wsout/error.hpp>
#include <wsout/log.hpp>
#include <wsout/stats.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wsout {
inline namespace v1 {

/** The operations every output offers: connect, write, write_batch,
    try_write, close, stats.

    This is the common base of `websocket_output<Transport, Auth>` (policies
    fixed at compile time) and `wsout::output` (chosen from the config at
    run time by `make_output`); see `websocket_output` for the delivery
    contract and the connection lifetime.

    Each operation comes in three forms, as in Beast: a synchronous one that
    throws `wsout::system_error`, a synchronous one that sets an
    `error_code&`, and an asynchronous one taking any Asio completion token
    (a callback, `boost::asio::use_future`, `boost::asio::use_awaitable`,
    ...) with the signature `void(error_code)`.

    @par Synchronous calls
    A synchronous call waits for its asynchronous twin. When the output's
    executor belongs to an `io_context`, the waiting thread runs that
    io_context itself, so a program with no I/O thread of its own works as
    with Beast's blocking calls. Calling a synchronous operation from a
    thread that is running the output's executor would wait forever; it
    fails with `errc::resource_deadlock_would_occur` instead.

    @par Thread Safety
    Every member function may be called concurrently from any thread.

    @tparam Core The engine type (internal).
*/
template<class Core>
class basic_output
{
public:
    /// The executor type; the default executor of completion handlers is the output's.
    using executor_type = boost::asio::any_io_executor;

    /// Stops everything without blocking; pending operations complete with
    /// `operation_aborted`. Call `close` first for a graceful goodbye.
    ~basic_output();

    /// Move: the new object owns the connection; the moved-from one may only be destroyed or assigned to.
    basic_output(basic_output&&) noexcept = default;

    /// Stop this output (as the destructor does), then take over `other`'s connection.
    basic_output& operator=(basic_output&& other) noexcept;

    basic_output(basic_output const&) = delete;
    basic_output& operator=(basic_output const&) = delete;

    /// The executor the output was constructed with.
    executor_type get_executor() const noexcept;

    /// The validated config.
    config const& get_config() const noexcept;

    /** Set the log hook (connect, disconnect, retry, security warnings).
        Thread-safe; takes effect for the next event.

        @param hook Called on the output's strand; an empty hook discards
        everything. See `wsout::log_hook`.
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

        Never blocks: when the in-flight limits are reached the message
        waits in the output (the caller paces itself with the
        completions). The completion reports the message sent (its last
        byte was handed to the transport) or failed: `not_connected`,
        `output_closed`, `retries_exhausted`, `close_timeout`,
        `operation_aborted` when the output is destroyed, ...

        @param message The payload. The memory must stay valid until the
        completion handler is called.
        @param token Completion token; signature `void(error_code)`.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write(boost::asio::const_buffer message, CompletionToken&& token = {});

    /** Send one message the output takes ownership of; see the buffer
        overload for the outcome.

        @param message The payload, moved into the output.
        @param token Completion token; signature `void(error_code)`.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write(std::string message, CompletionToken&& token = {});

    /** Queue one message without ever waiting.

        @param message The payload, taken by value (to retry a refused
        message later, pass a copy rather than moving it in).
        @param ec Cleared when accepted; the refusal reason otherwise.
        @return false with `ec == wsout::error::would_block` when the
        in-flight limits (`max_in_flight`, `max_in_flight_bytes`) are
        reached, or with the reason the output refuses writes; true when
        the message was accepted. An accepted message's outcome is counted in
        `stats()` (and logged when it fails).
    */
    bool try_write(std::string message, error_code& ec);

    /** Queue one message without ever waiting, and be told its outcome.

        Like `try_write(std::string, error_code&)`: the call never blocks,
        and a refusal is returned at once (`wsout::error::would_block` when
        the in-flight limits are reached, or the reason the output refuses
        writes). In addition, an accepted message's outcome is delivered to
        `handler`, exactly once, as `async_write` would: an empty
        `error_code` when the message was sent, the error when it failed.

        @param message The payload, taken by value (to retry a refused
        message later, pass a copy rather than moving it in).
        @param ec Cleared when the message was accepted; set to the reason
        when it was refused.
        @param handler A completion handler with the signature
        `void(wsout::error_code)`. It runs as if by `boost::asio::post` on
        its associated executor (by default the output's), never inside
        this call. When the message is refused the handler is destroyed
        without being called (the return value is the outcome).
        @return true when the message was accepted.

        @par Thread Safety
        May be called concurrently from any thread, including from a
        completion handler running on the output's executor.
    */
    template<class Handler>
    bool try_write(std::string message, error_code& ec, Handler&& handler);

    //------------------------------------------------------------------
    /** Send each element as its own message, in order, and wait.

        @param messages A range of values convertible to `std::string_view`.
        @throws system_error on failure (some leading messages may have been
        sent; `stats()` counts them).
    */
    template<class Range>
    void write_batch(Range const& messages);

    /// Send a batch; on failure `ec` is set. See `write_batch(Range const&)`.
    template<class Range>
    void write_batch(Range const& messages, error_code& ec);

    /** Send each string as its own message, in order; one completion for
        the whole batch (the first failure, or success).

        @param messages The payloads, moved into the output.
        @param token Completion token; signature `void(error_code)`.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write_batch(std::vector<std::string> messages, CompletionToken&& token = {});

    /** Send each buffer as its own message, in order; the memory must stay
        valid until the completion handler is called.

        @param messages The payloads, used in place.
        @param token Completion token; signature `void(error_code)`.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_write_batch(std::vector<boost::asio::const_buffer> const& messages,
                           CompletionToken&& token = {});

    //------------------------------------------------------------------
    /** Close gracefully.

        New writes are refused; the call blocks until every accepted message
        was sent, the close frame (1000) went out, the server's close frame
        came back and the transport was shut down; or until
        `timeouts.close` expired, in which case what was still pending fails
        with `wsout::error::close_timeout`. The timeout bounds the whole
        close: if the connection is lost while messages are still unsent
        (or close() is called while reconnecting with messages waiting),
        the output reconnects with its backoff and delivers them first; a
        permanent error or exhausted retries fail them with that error
        instead. A loss after every message was sent ends the close with
        the connection's error (a reset: the server may not have read them
        all), or cleanly for an orderly TCP close (FIN). Closing an output
        that is not connected and holds no messages succeeds at once.

        @throws system_error on failure.
    */
    void close();

    /// Close; on failure `ec` is set. See `close()`.
    void close(error_code& ec);

    /** Start closing; see `close()`.

        @param token Completion token; signature `void(error_code)`.
    */
    template<class CompletionToken = boost::asio::default_completion_token_t<executor_type>>
    auto async_close(CompletionToken&& token = {});

    //------------------------------------------------------------------
    /// A snapshot of the counters and the current state. Thread-safe.
    output_stats stats() const;

    /// The last failure, described in words. Thread-safe.
    failure_info last_failure() const;

protected:
    explicit basic_output(std::shared_ptr<Core> core) noexcept;

    Core& core() const noexcept { return *impl_; }

    /// Hands the engine over (to a type-erased `wsout::output`).
    std::shared_ptr<Core> release() noexcept { return std::move(impl_); }

private:
    template<class Range>
    detail::write_entry make_batch_entry(Range const& messages);

    [[noreturn]] void throw_failure(error_code ec, char const* what) const;

    std::shared_ptr<Core> impl_;
};

} // namespace v1
} // namespace wsout

#include <wsout/impl/basic_output.hpp>

#endif
