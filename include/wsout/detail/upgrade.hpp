//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_UPGRADE_HPP
#define WSOUT_DETAIL_UPGRADE_HPP

// The client side of the RFC 6455 opening handshake: building the upgrade
// request and checking the server's answer.

#include <wsout/config.hpp>
#include <wsout/detail/base64.hpp>
#include <wsout/detail/config_text.hpp>
#include <wsout/detail/deflate.hpp>
#include <wsout/error.hpp>
#include <wsout/handshake.hpp>
#include <wsout/version.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/string_body.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsout {
inline namespace v1 {
namespace detail {
namespace upgrade {

using handshake_response = boost::beast::http::response<boost::beast::http::string_body>;

/// A fresh Sec-WebSocket-Key: 16 random bytes, base64 (RFC 6455 4.1).
inline std::string make_websocket_key()
{
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1)
        throw std::runtime_error("wsout: OpenSSL's RAND_bytes failed");
    return detail::codec::base64_encode(std::string_view(reinterpret_cast<char const*>(raw), sizeof raw));
}

/// base64(SHA-1(key + GUID)), the Sec-WebSocket-Accept a server must send.
inline std::string expected_accept(std::string_view key)
{
    std::string s(key);
    s += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_Digest(s.data(), s.size(), md, &len, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("wsout: OpenSSL's SHA-1 failed");
    return detail::codec::base64_encode(std::string_view(reinterpret_cast<char const*>(md), len));
}

inline std::string_view sv(boost::beast::string_view s) noexcept
{
    return {s.data(), s.size()};
}

/// Whether a comma-separated header value holds `token` (case-insensitive).
inline bool has_token(std::string_view value, std::string_view token)
{
    for (auto const& t :
         boost::beast::http::token_list(boost::beast::string_view(value.data(), value.size())))
        if (iequals(std::string_view(t.data(), t.size()), token))
            return true;
    return false;
}

/** Build the upgrade request (everything but the auth policy's part). */
inline handshake_request make_upgrade_request(url const& server, config const& cfg, std::string const& key)
{
    namespace http = boost::beast::http;
    handshake_request req{http::verb::get, server.target(), 11};
    req.set(http::field::host, server.host_header());
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::sec_websocket_key, key);
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::user_agent, default_user_agent);
    if (!cfg.subprotocols.empty())
    {
        std::string protocols;
        for (auto const& p : cfg.subprotocols)
        {
            if (!protocols.empty())
                protocols += ", ";
            protocols += p;
        }
        req.set(http::field::sec_websocket_protocol, protocols);
    }
    if (cfg.compression)
        req.set(http::field::sec_websocket_extensions, pmd_offer);
    // Config headers were validated (no CR/LF, no reserved names); a
    // user-set User-Agent replaces ours.
    for (auto const& [name, value] : cfg.headers)
        req.set(name, value);
    return req;
}

/** Check a server's answer to the upgrade.

    @param pmd Receives the permessage-deflate parameters the server agreed
    to (`enabled` false when it declined or compression is off).
    @param detail Receives a description of a bad extension answer.
    @return The error, or success for a valid 101.
*/
inline error_code check_upgrade_response(handshake_response const& res,
                                         std::string const& key,
                                         config const& cfg,
                                         pmd_config* pmd = nullptr,
                                         std::string* detail = nullptr)
{
    if (pmd)
        *pmd = pmd_config{};
    namespace http = boost::beast::http;
    if (res.result_int() < 100 || res.result_int() > 599)
        return error::bad_http_response; // "HTTP/1.1 000": not a status at all
    if (res.result_int() != 101)
        return make_http_status_error(res.result_int());
    if (res.version() != 11)
        return error::bad_upgrade_response;
    if (!iequals(sv(res[http::field::upgrade]), "websocket") ||
        !has_token(sv(res[http::field::connection]), "upgrade"))
        return error::bad_upgrade_response;
    if (sv(res[http::field::sec_websocket_accept]) != expected_accept(key))
        return error::bad_accept_key;
    auto it = res.find(http::field::sec_websocket_protocol);
    if (it != res.end())
    {
        auto chosen = it->value();
        bool offered =
            std::any_of(cfg.subprotocols.begin(), cfg.subprotocols.end(), [&](std::string const& p) {
                return std::string_view(p) == std::string_view(chosen.data(), chosen.size());
            });
        if (!offered)
            return error::bad_subprotocol;
    }
    // Several Sec-WebSocket-Extensions fields form one list (RFC 7230 3.2.2).
    std::string extensions;
    for (auto const& f : res)
    {
        if (f.name() != http::field::sec_websocket_extensions)
            continue;
        if (!extensions.empty())
            extensions += ", ";
        extensions += sv(f.value());
    }
    if (extensions.find_first_not_of(" \t,") == std::string::npos)
        return {};
    if (!cfg.compression)
    {
        if (detail)
            *detail = "the server answered with extensions \"" + extensions.substr(0, 100) +
                      "\"; none was offered (compression is off)";
        return error::bad_extension;
    }
    pmd_config agreed;
    std::string why;
    if (auto ec = check_pmd_response(extensions, agreed, why))
    {
        if (detail)
            *detail = why;
        return ec;
    }
    if (pmd)
        *pmd = agreed;
    return {};
}

} // namespace upgrade
} // namespace detail
} // namespace v1
} // namespace wsout

#endif
