//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// Must NOT compile: each mistake below has to be reported by the policy
// checks' static_assert, in words. tests/compile_fail/expect_errors.cmake
// builds this file and looks for every `expect-error:` text in the
// compiler's output.

#include <wsout/transport/plain.hpp>
#include <wsout/websocket_output.hpp>

#include <boost/asio/io_context.hpp>

namespace {

// An Auth policy without decorate().
struct no_decorate
{
    explicit no_decorate(wsout::config const&) {}
};
// expect-error: the Auth policy lacks a member `void decorate(wsout::handshake_request& req, wsout::handshake_info const& info)`
static_assert(sizeof(wsout::websocket_output<wsout::transport::plain, no_decorate>) > 0);

// An Auth policy built by the caller (no constructor from the config),
// given to a constructor that builds it from the config.
struct hand_made_auth
{
    void decorate(wsout::handshake_request&, wsout::handshake_info const&) {}
};
// expect-error: the Auth policy lacks a constructor `explicit T(wsout::config const& cfg)`
void auth_from_config(boost::asio::io_context& ioc, wsout::config cfg)
{
    wsout::websocket_output<wsout::transport::plain, hand_made_auth> out(ioc, std::move(cfg));
}

// A Transport policy without abort().
struct no_abort : wsout::transport::plain
{
    void abort() = delete;
};
// expect-error: wsout Transport policy: add `void abort(stream_type&) noexcept`
static_assert(sizeof(wsout::websocket_output<no_abort, wsout::auth::none>) > 0);

// A Transport policy without a constructor from the config, given to a
// constructor that builds it from the config.
struct hand_made_transport : wsout::transport::plain
{
    explicit hand_made_transport(int) {}
};
// expect-error: wsout Transport policy: this output constructor builds the transport from the config
void transport_from_config(boost::asio::io_context& ioc, wsout::config cfg)
{
    wsout::websocket_output<hand_made_transport, wsout::auth::none> out(ioc, std::move(cfg));
}

} // namespace
