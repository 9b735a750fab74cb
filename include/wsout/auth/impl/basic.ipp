//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_IMPL_BASIC_IPP
#define WSOUT_AUTH_IMPL_BASIC_IPP

#include <wsout/detail/base64.hpp>

#include <boost/beast/http/field.hpp>

#include <string_view>

namespace wsout {
inline namespace v1 {
namespace auth {
namespace detail {

// Position of the first control character (RFC 5234 CTL: %x00-1F / %x7F)
// or npos.
inline std::size_t find_control_char(std::string_view s) noexcept
{
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F)
            return i;
    }
    return std::string_view::npos;
}

inline char const* describe_control_char(char c) noexcept
{
    switch (c)
    {
    case '\r': return "a carriage return (CR)";
    case '\n': return "a line feed (LF)";
    case '\0': return "a NUL byte";
    case '\t': return "a tab";
    default: return "a control character";
    }
}

} // namespace detail

WSOUT_DECL
basic::basic(config const& cfg)
{
    auto const& b = cfg.basic_auth;
    if (!b.enabled)
        throw config_error("/basic_auth/enabled",
                           "the basic auth policy was chosen but basic_auth.enabled is false");
    if (b.username.find(':') != std::string::npos)
        throw config_error("/basic_auth/username",
                           "must not contain ':' (RFC 7617: the colon separates username and password)");
    auto const u = detail::find_control_char(b.username);
    if (u != std::string::npos)
        throw config_error("/basic_auth/username",
                           std::string("must not contain control characters; found ") +
                               detail::describe_control_char(b.username[u]) + " at offset " +
                               std::to_string(u));
    auto const p = detail::find_control_char(b.password);
    if (p != std::string::npos)
        throw config_error("/basic_auth/password",
                           std::string("must not contain control characters; found ") +
                               detail::describe_control_char(b.password[p]) + " at offset " +
                               std::to_string(p));
    std::string credentials;
    credentials.reserve(b.username.size() + 1 + b.password.size());
    credentials.append(b.username).push_back(':');
    credentials.append(b.password);
    authorization_ = "Basic " + wsout::detail::codec::base64_encode(credentials);
}

WSOUT_DECL
void basic::decorate(handshake_request& req, handshake_info const&) const
{
    req.set(boost::beast::http::field::authorization, authorization_);
}

} // namespace auth
} // namespace v1
} // namespace wsout

#endif
