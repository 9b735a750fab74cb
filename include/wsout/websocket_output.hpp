//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_WEBSOCKET_OUTPUT_HPP
#define WSOUT_WEBSOCKET_OUTPUT_HPP

#include <wsout/auth/concept.hpp>
#include <wsout/auth/none.hpp>
#include <wsout/basic_output.hpp>
#include <wsout/config.hpp>
#include <wsout/detail/policy_checks.hpp>
#include <wsout/error.hpp>
#include <wsout/log.hpp>
#include <wsout/stats.hpp>
#include <wsout/transport/plain.hpp>

#include <boost/asio/any_io_executor.hpp>
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
} // namespace detail

class output;

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
class websocket_output : public basic_output<detail::output_impl<Transport, Auth>>
{
    // What every constructor needs; the constructors that build a policy
    // from the config check for that constructor themselves.
    static_assert(detail::check_transport_policy<Transport>());
    static_assert(auth::check_auth_policy<Auth, false>());

    using impl_type = detail::output_impl<Transport, Auth>;
    using base_type = basic_output<impl_type>;
    friend class output;

public:
    /// The executor type of the output (and the default of its completion handlers).
    using executor_type = boost::asio::any_io_executor;
    /// The Transport policy.
    using transport_type = Transport;
    /// The Auth policy.
    using auth_type = Auth;

    /** Construct an output. No I/O happens until `connect`.

        The config is validated, the url parsed and checked against the
        transport's scheme, and both policies are built from the config
        (so both need a constructor from `wsout::config const&`; a
        `static_assert` says so otherwise).

        @param ex The executor the output runs its I/O on (through a strand
        of it).
        @param cfg The config; the output keeps its own copy.
        @throws config_error for any bad setting (the message names the JSON
        pointer of the bad value).
    */
    websocket_output(executor_type ex, config cfg);

    /** Construct an output running on an io_context.

        @param ioc The io_context; it must outlive the output's operations.
        @param cfg The config.
        @throws config_error for any bad setting.
    */
    websocket_output(boost::asio::io_context& ioc, config cfg);

    /** Construct an output with policies built by the caller (e.g. an auth
        policy with an injected clock, or a transport holding an
        already-connected socket). Neither policy needs a constructor from
        the config here.

        @param ex The executor the output runs its I/O on.
        @param cfg The config.
        @param transport The Transport policy object, moved into the output.
        @param auth The Auth policy object, moved into the output.
        @throws config_error for any bad setting.
    */
    websocket_output(executor_type ex, config cfg, Transport transport, Auth auth);

    /** The transport policy object.

        @par Thread Safety
        The output calls the policy on its strand; touching it from another
        thread while the output runs is up to the policy's own safety.
    */
    Transport& transport() noexcept;

    /// The auth policy object; see `transport()` for thread safety.
    Auth& auth() noexcept;
};

/// Plain `ws://`, no auth. More combinations are in <wsout/outputs.hpp>.
using plain_output = websocket_output<transport::plain, auth::none>;

} // namespace v1
} // namespace wsout

#include <wsout/impl/websocket_output.hpp>
#if !WSOUT_HEADER_ONLY
#define WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT
#include <wsout/detail/extern_templates.hpp>
#endif

#endif
