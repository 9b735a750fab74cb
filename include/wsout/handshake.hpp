//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_HANDSHAKE_HPP
#define WSOUT_HANDSHAKE_HPP

#include <wsout/config.hpp>
#include <wsout/url.hpp>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

namespace wsout {
inline namespace v1 {

/// The HTTP upgrade request an Auth policy decorates.
using handshake_request = boost::beast::http::request<boost::beast::http::empty_body>;

/** What an Auth policy is told about the handshake it signs.

    The request it receives already has its method (`GET`), target, `Host`,
    `Upgrade`, `Connection`, `Sec-WebSocket-*`, `User-Agent` and the config's
    `headers`; the policy adds its own fields (usually `Authorization`).
*/
struct handshake_info
{
    /// The server url being connected to (`ws://` or `wss://`).
    url const& server;
    /// The HTTP method of the upgrade request: always `GET`.
    char const* method = "GET";
};

} // namespace v1
} // namespace wsout

#endif
