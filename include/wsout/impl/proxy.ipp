//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_PROXY_IPP
#define WSOUT_IMPL_PROXY_IPP

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace wsout {
inline namespace v1 {
namespace detail {

inline std::string proxy_lower(std::string_view s)
{
    std::string r(s);
    std::transform(r.begin(), r.end(), r.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return r;
}

// Strips brackets around an IPv6 literal and one trailing dot of a FQDN.
inline std::string_view proxy_bare_host(std::string_view h)
{
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']')
        return h.substr(1, h.size() - 2);
    if (!h.empty() && h.back() == '.')
        h.remove_suffix(1);
    return h;
}

inline std::optional<boost::asio::ip::address> proxy_parse_ip(std::string_view s)
{
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(std::string(s), ec);
    if (ec)
        return std::nullopt;
    return a;
}

// Whether `a` lies in `net`/`bits`; false when the families differ.
WSOUT_DECL bool
proxy_in_cidr(boost::asio::ip::address const& a, boost::asio::ip::address const& net, unsigned bits)
{
    auto match = [bits](unsigned char const* x, unsigned char const* y, unsigned total) {
        unsigned const n = std::min(bits, total);
        unsigned i = 0;
        for (; i + 8 <= n; i += 8)
            if (x[i / 8] != y[i / 8])
                return false;
        if (i < n)
        {
            auto const mask = static_cast<unsigned char>(0xFFu << (8 - (n - i)));
            if ((x[i / 8] & mask) != (y[i / 8] & mask))
                return false;
        }
        return true;
    };
    if (a.is_v4() && net.is_v4())
    {
        auto x = a.to_v4().to_bytes();
        auto y = net.to_v4().to_bytes();
        return match(x.data(), y.data(), 32);
    }
    if (a.is_v6() && net.is_v6())
    {
        auto x = a.to_v6().to_bytes();
        auto y = net.to_v6().to_bytes();
        return match(x.data(), y.data(), 128);
    }
    return false;
}

// Replaces the userinfo of `text` (a url) wherever it occurs in `message`.
WSOUT_DECL std::string proxy_scrub(std::string message, std::string_view text)
{
    auto const start = text.find("://");
    auto const from = start == std::string_view::npos ? 0 : start + 3;
    auto const end = text.find_first_of("/?#", from);
    auto const authority =
        text.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from);
    auto const at = authority.rfind('@');
    if (at == std::string_view::npos || at == 0)
        return message;
    std::string const userinfo(authority.substr(0, at));
    for (std::size_t pos; (pos = message.find(userinfo)) != std::string::npos;)
        message.replace(pos, userinfo.size(), scrubbed_secret);
    return message;
}

// Parses a proxy url; `origin` names where it came from in errors.
WSOUT_DECL url proxy_parse(std::string const& text, bool from_env, std::string const& origin)
{
    std::string full = text;
    auto const sep = text.find("://");
    if (sep == std::string::npos)
    {
        if (!from_env)
            throw config_error("/proxy_url",
                               "expected http://[user:pass@]host:port, got a url without a scheme");
        full = "http://" + text; // curl: a bare host[:port] is an HTTP proxy
    }
    else
    {
        auto const scheme = proxy_lower(std::string_view(text).substr(0, sep));
        if (scheme != "http")
            throw config_error("/proxy_url", origin + "unsupported proxy scheme \"" + scheme +
                                                 "\": only http:// proxies (HTTP CONNECT) are supported");
    }
    url u;
    try
    {
        u = parse_url(full, "http");
    }
    catch (config_error const& e)
    {
        throw config_error("/proxy_url", origin + proxy_scrub(e.problem(), full));
    }
    if (from_env && !u.explicit_port)
        u.port = 1080; // curl's default proxy port
    return u;
}

} // namespace detail

WSOUT_DECL bool no_proxy_matches(std::string_view no_proxy, std::string_view host_in)
{
    std::string const host = detail::proxy_lower(detail::proxy_bare_host(host_in));
    auto const host_ip = detail::proxy_parse_ip(host);

    std::size_t i = 0;
    while (i < no_proxy.size())
    {
        auto const j = no_proxy.find_first_of(", \t\r\n", i);
        auto token = no_proxy.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
        i = j == std::string_view::npos ? no_proxy.size() : j + 1;
        if (token.empty())
            continue;
        if (token == "*")
            return true;

        if (auto const slash = token.find('/'); slash != std::string_view::npos)
        {
            // CIDR
            auto const net = detail::proxy_parse_ip(detail::proxy_bare_host(token.substr(0, slash)));
            auto const bits_text = token.substr(slash + 1);
            if (!net || !host_ip || bits_text.empty() || bits_text.size() > 3 ||
                !std::all_of(bits_text.begin(), bits_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
                continue;
            unsigned const bits = static_cast<unsigned>(std::stoul(std::string(bits_text)));
            if (bits > (net->is_v4() ? 32u : 128u))
                continue;
            if (detail::proxy_in_cidr(*host_ip, *net, bits))
                return true;
            continue;
        }

        auto const bare = detail::proxy_bare_host(token);
        if (auto const ip = detail::proxy_parse_ip(bare))
        {
            if (host_ip && *host_ip == *ip)
                return true;
            continue;
        }

        std::string name = detail::proxy_lower(bare);
        if (!name.empty() && name.front() == '.')
            name.erase(0, 1);
        if (name.empty())
            continue;
        if (host == name)
            return true;
        if (host.size() > name.size() && host.compare(host.size() - name.size(), name.size(), name) == 0 &&
            host[host.size() - name.size() - 1] == '.')
            return true;
    }
    return false;
}

WSOUT_DECL std::optional<url> select_proxy(config const& cfg, url const& server, env_lookup const& env)
{
    if (!cfg.proxy_url.empty())
        return detail::proxy_parse(cfg.proxy_url, false, "");
    if (!env)
        return std::nullopt;

    auto get = [&env](char const* name) -> std::optional<std::string> {
        auto v = env(name);
        if (v && v->empty())
            return std::nullopt;
        return v;
    };

    char const* name = nullptr;
    std::optional<std::string> value;
    if (server.secure())
    {
        for (char const* n : {"https_proxy", "HTTPS_PROXY"})
            if ((value = get(n)))
            {
                name = n;
                break;
            }
    }
    else if ((value = get("http_proxy")))
    {
        name = "http_proxy";
    }
    if (!value)
        return std::nullopt;

    for (char const* n : {"no_proxy", "NO_PROXY"})
        if (auto np = get(n))
        {
            if (no_proxy_matches(*np, server.host))
                return std::nullopt;
            break;
        }

    return detail::proxy_parse(*value, true, std::string("from the environment variable ") + name + ": ");
}

} // namespace v1
} // namespace wsout

#endif
