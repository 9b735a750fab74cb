//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_OUTPUTS_HPP
#define WSOUT_OUTPUTS_HPP

// Names for the common combinations of policies, as spdlog names its sinks
// (`_mt`, `_st`). `plain_output` lives in <wsout/websocket_output.hpp>,
// which needs neither TLS nor the auth policies.

#include <wsout/auth/basic.hpp>
#include <wsout/auth/jwt.hpp>
#include <wsout/auth/none.hpp>
#include <wsout/auth/oauth1.hpp>
#include <wsout/transport/plain.hpp>
#include <wsout/transport/tls.hpp>
#include <wsout/websocket_output.hpp>

namespace wsout {
inline namespace v1 {

/// `wss://`, no auth.
using tls_output = websocket_output<transport::tls, auth::none>;

/// `ws://` with HTTP basic auth.
using plain_basic_output = websocket_output<transport::plain, auth::basic>;
/// `wss://` with HTTP basic auth.
using tls_basic_output = websocket_output<transport::tls, auth::basic>;

/// `ws://` signed with OAuth 1.0a.
using plain_oauth1_output = websocket_output<transport::plain, auth::oauth1>;
/// `wss://` signed with OAuth 1.0a.
using tls_oauth1_output = websocket_output<transport::tls, auth::oauth1>;

/// `ws://` with a JWT bearer token.
using plain_jwt_output = websocket_output<transport::plain, auth::jwt>;
/// `wss://` with a JWT bearer token.
using tls_jwt_output = websocket_output<transport::tls, auth::jwt>;

} // namespace v1
} // namespace wsout

#endif
