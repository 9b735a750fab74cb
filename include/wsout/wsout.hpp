//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_WSOUT_HPP
#define WSOUT_WSOUT_HPP

// Everything wsout offers. Include the narrower headers to compile less:
// <wsout/websocket_output.hpp> alone gives ws:// without TLS or auth.

#include <wsout/auth/any.hpp>
#include <wsout/auth/basic.hpp>
#include <wsout/auth/jwt.hpp>
#include <wsout/auth/none.hpp>
#include <wsout/auth/oauth1.hpp>
#include <wsout/basic_output.hpp>
#include <wsout/client.hpp>
#include <wsout/config.hpp>
#include <wsout/config_schema.hpp>
#include <wsout/error.hpp>
#include <wsout/handshake.hpp>
#include <wsout/log.hpp>
#include <wsout/output.hpp>
#include <wsout/outputs.hpp>
#include <wsout/proxy.hpp>
#include <wsout/stats.hpp>
#include <wsout/transport/plain.hpp>
#include <wsout/transport/tcp.hpp>
#include <wsout/transport/tls.hpp>
#include <wsout/url.hpp>
#include <wsout/version.hpp>
#include <wsout/websocket_output.hpp>

#endif
