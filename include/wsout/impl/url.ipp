//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_URL_IPP
#define WSOUT_IMPL_URL_IPP

#include <wsout/config.hpp>
#include <wsout/detail/config_text.hpp>

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsout {
inline namespace v1 {

namespace detail {

inline std::uint16_t url_default_port(std::string const& scheme) noexcept
{
    if (scheme == "ws" || scheme == "http")
        return 80;
    if (scheme == "wss" || scheme == "https")
        return 443;
    return 0;
}

// RFC 4291 textual form: up to 8 groups of 1-4 hex digits, at most one
// "::", optionally ending in a dotted IPv4 address. Zone ids are not
// supported (they make no sense in a url that leaves the machine).
inline bool is_ipv4_literal(std::string_view s) noexcept
{
    int parts = 0;
    std::size_t i = 0;
    while (true)
    {
        std::size_t start = i;
        unsigned value = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
        {
            value = value * 10 + unsigned(s[i] - '0');
            if (value > 255 || i - start >= 3)
                return false;
            ++i;
        }
        if (i == start)
            return false;
        if (i - start > 1 && s[start] == '0')
            return false; // no octal-looking leading zeros
        ++parts;
        if (i == s.size())
            break;
        if (s[i] != '.' || parts == 4)
            return false;
        ++i;
    }
    return parts == 4;
}

inline bool is_ipv6_literal(std::string_view s) noexcept
{
    if (s.empty())
        return false;
    int groups = 0;
    bool double_colon = false;
    std::size_t i = 0;
    if (s.substr(0, 2) == "::")
    {
        double_colon = true;
        i = 2;
        if (i == s.size())
            return true;
    }
    else if (s[0] == ':')
        return false;
    while (i < s.size())
    {
        // An IPv4 tail?
        std::size_t end = s.find(':', i);
        std::string_view piece =
            s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        if (end == std::string_view::npos && piece.find('.') != std::string_view::npos)
        {
            if (!is_ipv4_literal(piece))
                return false;
            groups += 2; // the tail ends the address
            break;
        }
        if (piece.empty() || piece.size() > 4)
            return false;
        for (char c : piece)
            if (!std::isxdigit(static_cast<unsigned char>(c)))
                return false;
        ++groups;
        i += piece.size();
        if (i == s.size())
            break;
        // at a ':'
        if (i + 1 < s.size() && s[i + 1] == ':')
        {
            if (double_colon)
                return false;
            double_colon = true;
            i += 2;
            if (i == s.size())
                break;
        }
        else
        {
            ++i;
            if (i == s.size())
                return false; // trailing single ':'
        }
    }
    return double_colon ? groups < 8 : groups == 8;
}

// Characters allowed unencoded in a path or query: everything printable in
// ASCII except space and '#'. Anything else must be percent-encoded, and
// every '%' must start a valid escape.
inline void check_url_chars(std::string_view s, char const* what)
{
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c <= 0x20 || c >= 0x7f)
            throw config_error("", std::string("invalid character ") + describe_char(c) + " in the " + what +
                                       " (percent-encode it)");
        if (c == '%')
        {
            if (i + 2 >= s.size())
                throw config_error("", std::string("truncated percent-escape in the ") + what);
            if (!std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
                !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
                throw config_error("", std::string("invalid percent-escape in the ") + what);
        }
    }
}

inline std::string scheme_list_text(std::string_view allowed)
{
    std::string out;
    std::size_t start = 0;
    std::vector<std::string> items;
    while (start <= allowed.size())
    {
        std::size_t comma = allowed.find(',', start);
        if (comma == std::string_view::npos)
            comma = allowed.size();
        items.emplace_back(allowed.substr(start, comma - start));
        start = comma + 1;
    }
    for (std::size_t i = 0; i < items.size(); ++i)
    {
        if (i > 0)
            out += (i + 1 == items.size()) ? " or " : ", ";
        out += items[i] + "://";
    }
    return out;
}

inline bool scheme_allowed(std::string const& scheme, std::string_view allowed)
{
    std::size_t start = 0;
    while (start <= allowed.size())
    {
        std::size_t comma = allowed.find(',', start);
        if (comma == std::string_view::npos)
            comma = allowed.size();
        if (allowed.substr(start, comma - start) == scheme)
            return true;
        start = comma + 1;
    }
    return false;
}

} // namespace detail

WSOUT_DECL bool url::host_is_ipv6() const noexcept
{
    return host.find(':') != std::string::npos;
}

WSOUT_DECL bool url::host_is_ip_literal() const noexcept
{
    return host_is_ipv6() || detail::is_ipv4_literal(host);
}

WSOUT_DECL bool url::default_port() const noexcept
{
    return port == detail::url_default_port(scheme);
}

WSOUT_DECL bool url::secure() const noexcept
{
    return scheme == "wss" || scheme == "https";
}

WSOUT_DECL std::string url::target() const
{
    std::string t = path.empty() ? std::string("/") : path;
    if (has_query)
    {
        t += '?';
        t += query;
    }
    return t;
}

WSOUT_DECL std::string url::host_header() const
{
    std::string h = host_is_ipv6() ? "[" + host + "]" : host;
    if (!default_port())
    {
        h += ':';
        h += std::to_string(port);
    }
    return h;
}

WSOUT_DECL std::string url::authority() const
{
    std::string h = host_is_ipv6() ? "[" + host + "]" : host;
    h += ':';
    h += std::to_string(port);
    return h;
}

WSOUT_DECL url parse_url(std::string_view text, std::string_view allowed_schemes)
{
    url u;
    if (text.empty())
        throw config_error("",
                           "empty url (expected " + detail::scheme_list_text(allowed_schemes) + "host...)");

    // Surrounding whitespace and control characters are never valid; they
    // usually come from a copy/paste or an env var with a trailing newline.
    for (char ch : text)
    {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
            throw config_error("", std::string("the url contains the control character ") +
                                       detail::describe_char(c));
        if (c == ' ')
            throw config_error("", "the url contains a space (percent-encode it as %20)");
    }

    auto const sep = text.find("://");
    std::size_t scheme_end = 0;
    while (scheme_end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[scheme_end])) || text[scheme_end] == '+' ||
            text[scheme_end] == '-' || text[scheme_end] == '.'))
        ++scheme_end;
    if (sep == std::string_view::npos || sep != scheme_end || sep == 0 ||
        !std::isalpha(static_cast<unsigned char>(text[0])))
        throw config_error("", "not an absolute url (expected " + detail::scheme_list_text(allowed_schemes) +
                                   "host[:port][/path])");
    u.scheme = detail::ascii_lower(text.substr(0, sep));
    if (!detail::scheme_allowed(u.scheme, allowed_schemes))
        throw config_error("", "unsupported scheme \"" + u.scheme + "\" (expected " +
                                   detail::scheme_list_text(allowed_schemes) + ")");

    std::string_view rest = text.substr(sep + 3);
    std::size_t auth_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, auth_end);
    std::string_view tail = auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);

    // userinfo: up to the last '@' of the authority.
    auto const at = authority.rfind('@');
    if (at != std::string_view::npos)
    {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        auto const colon = userinfo.find(':');
        std::string_view user = userinfo.substr(0, colon);
        std::string_view pass =
            colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
        // Never echo the credentials in a message.
        if (!detail::percent_decode(user, u.username))
            throw config_error("", "invalid percent-escape in the url's user name");
        if (!detail::percent_decode(pass, u.password))
            throw config_error("", "invalid percent-escape in the url's password");
    }

    std::string_view host;
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority[0] == '[')
    {
        auto const close = authority.find(']');
        if (close == std::string_view::npos)
            throw config_error("", "unterminated IPv6 literal (missing ']')");
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty())
        {
            if (after[0] != ':')
                throw config_error("", "unexpected characters after the IPv6 literal (expected ':port')");
            has_port = true;
            port_text = after.substr(1);
        }
        if (host.empty())
            throw config_error("", "empty host");
        if (host.find('%') != std::string_view::npos)
            throw config_error("", "IPv6 zone identifiers are not supported in a url");
        if (!detail::is_ipv6_literal(host))
            throw config_error("", "invalid IPv6 literal [" + std::string(host) + "]");
    }
    else
    {
        auto const colon = authority.find(':');
        if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos)
            throw config_error("", "IPv6 literals must be written in brackets, e.g. ws://[::1]:4195/");
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos)
        {
            has_port = true;
            port_text = authority.substr(colon + 1);
        }
        if (host.empty())
            throw config_error("", "empty host");
        for (char ch : host)
        {
            unsigned char c = static_cast<unsigned char>(ch);
            if (c >= 0x80)
                throw config_error(
                    "", "non-ASCII host name (write internationalized names in punycode, xn--...)");
            if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'))
                throw config_error("", std::string("invalid character ") + detail::describe_char(c) +
                                           " in the host");
        }
    }
    u.host = detail::ascii_lower(host);

    if (has_port)
    {
        if (port_text.empty())
            throw config_error("", "empty port after ':' (remove the ':' or give a port in 1..65535)");
        unsigned long value = 0;
        for (char c : port_text)
        {
            if (c < '0' || c > '9')
                throw config_error("", "bad port \"" + std::string(port_text) +
                                           "\" (expected a number in 1..65535)");
            value = value * 10 + unsigned(c - '0');
            if (value > 65535)
                break;
        }
        if (value == 0 || value > 65535)
            throw config_error("", "bad port " + std::string(port_text) + " (expected a number in 1..65535)");
        u.port = static_cast<std::uint16_t>(value);
        u.explicit_port = true;
    }
    else
        u.port = detail::url_default_port(u.scheme);

    if (u.port == 0)
        throw config_error("", "no port given and scheme \"" + u.scheme + "\" has no default port");

    // path, query; fragments are rejected: RFC 6455 says they MUST NOT be
    // used in a WebSocket URI, and dropping one silently would hide a typo.
    auto const hash = tail.find('#');
    if (hash != std::string_view::npos)
        throw config_error(
            "", "a url fragment ('#...') is not allowed (RFC 6455 section 3; percent-encode '#' as %23)");
    auto const q = tail.find('?');
    std::string_view path = tail.substr(0, q);
    if (q != std::string_view::npos)
    {
        u.has_query = true;
        u.query = std::string(tail.substr(q + 1));
    }
    detail::check_url_chars(path, "path");
    detail::check_url_chars(u.query, "query");
    u.path = path.empty() ? std::string("/") : std::string(path);
    return u;
}

} // namespace v1
} // namespace wsout

#endif
