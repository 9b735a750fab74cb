//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_IMPL_OAUTH1_IPP
#define WSOUT_AUTH_IMPL_OAUTH1_IPP

#include <wsout/detail/base64.hpp>
#include <wsout/detail/crypto.hpp>
#include <wsout/detail/percent_encoding.hpp>

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace wsout {
inline namespace v1 {
namespace auth {
namespace rfc5849 {

WSOUT_DECL
char const* to_string(signature_method m) noexcept
{
    switch (m)
    {
    case signature_method::hmac_sha1: return "HMAC-SHA1";
    case signature_method::hmac_sha256: return "HMAC-SHA256";
    case signature_method::plaintext: return "PLAINTEXT";
    }
    return "HMAC-SHA1";
}

WSOUT_DECL
std::optional<signature_method> parse_signature_method(std::string_view name) noexcept
{
    if (name == "HMAC-SHA1")
        return signature_method::hmac_sha1;
    if (name == "HMAC-SHA256")
        return signature_method::hmac_sha256;
    if (name == "PLAINTEXT")
        return signature_method::plaintext;
    return std::nullopt;
}

WSOUT_DECL
std::string encode(std::string_view s)
{
    return wsout::detail::codec::percent_encode(s);
}

WSOUT_DECL
parameters parse_query(std::string_view raw)
{
    return wsout::detail::codec::form_decode(raw);
}

WSOUT_DECL
std::string base_string_uri(url const& u)
{
    std::string scheme = u.scheme;
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    if (scheme == "ws")
        scheme = "http";
    else if (scheme == "wss")
        scheme = "https";
    std::string host = u.host;
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    std::uint16_t const default_port = scheme == "https" ? 443 : 80;

    std::string out;
    out.reserve(scheme.size() + host.size() + u.path.size() + 16);
    out.append(scheme).append("://");
    if (host.find(':') != std::string::npos) // an IPv6 literal
        out.append("[").append(host).append("]");
    else
        out.append(host);
    if (u.port != 0 && u.port != default_port)
        out.append(":").append(std::to_string(u.port));
    out.append(u.path.empty() ? std::string("/") : u.path);
    return out;
}

WSOUT_DECL
std::string normalize_parameters(parameters params)
{
    for (auto& p : params)
    {
        p.first = encode(p.first);
        p.second = encode(p.second);
    }
    // std::string compares as unsigned char octets (char_traits<char>::lt
    // is specified to compare as unsigned char): "ascending byte value".
    std::sort(params.begin(), params.end());
    std::string out;
    for (auto const& p : params)
    {
        if (!out.empty())
            out.push_back('&');
        out.append(p.first).push_back('=');
        out.append(p.second);
    }
    return out;
}

WSOUT_DECL
std::string signature_base_string(std::string_view method,
                                  std::string_view base_uri,
                                  std::string_view normalized_parameters)
{
    std::string m(method);
    std::transform(m.begin(), m.end(), m.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c); });
    std::string out = encode(m);
    out.push_back('&');
    out.append(encode(base_uri));
    out.push_back('&');
    out.append(encode(normalized_parameters));
    return out;
}

WSOUT_DECL
std::string sign(signature_method m,
                 std::string_view base_string,
                 std::string_view consumer_secret,
                 std::string_view token_secret)
{
    std::string key = encode(consumer_secret);
    key.push_back('&');
    key.append(encode(token_secret));
    switch (m)
    {
    case signature_method::plaintext: return key;
    case signature_method::hmac_sha256:
    {
        std::string mac = wsout::detail::crypto::hmac("SHA256", key, base_string);
        OPENSSL_cleanse(&key[0], key.size());
        return wsout::detail::codec::base64_encode(mac);
    }
    case signature_method::hmac_sha1:
    default:
    {
        std::string mac = wsout::detail::crypto::hmac("SHA1", key, base_string);
        OPENSSL_cleanse(&key[0], key.size());
        return wsout::detail::codec::base64_encode(mac);
    }
    }
}

WSOUT_DECL
std::string authorization_header(parameters const& oauth_params)
{
    std::string out = "OAuth ";
    bool first = true;
    for (auto const& p : oauth_params)
    {
        if (!first)
            out.append(", ");
        first = false;
        out.append(encode(p.first)).append("=\"").append(encode(p.second)).push_back('"');
    }
    return out;
}

} // namespace rfc5849

WSOUT_DECL
oauth1::oauth1(config const& cfg)
    : oauth1(cfg, clock_type{}, nonce_source{})
{}

WSOUT_DECL
oauth1::oauth1(config const& cfg, clock_type clock, nonce_source nonce)
    : clock_(std::move(clock))
    , nonce_(std::move(nonce))
{
    auto const& o = cfg.oauth;
    if (!o.enabled)
        throw config_error("/oauth/enabled", "the oauth1 auth policy was chosen but oauth.enabled is false");
    if (o.consumer_key.empty())
        throw config_error("/oauth/consumer_key", "required when oauth is enabled");
    if (o.consumer_secret.empty())
        throw config_error("/oauth/consumer_secret",
                           "required when oauth is enabled (an empty secret makes the signature forgeable)");
    if (o.access_token.empty() && !o.access_token_secret.empty())
        throw config_error("/oauth/access_token_secret",
                           "set but access_token is empty; two-legged OAuth (no access_token) signs with an "
                           "empty token secret (RFC 5849 section 2.1)");
    auto m = rfc5849::parse_signature_method(o.signature_method);
    if (!m)
        throw config_error("/oauth/signature_method",
                           "expected \"HMAC-SHA1\", \"HMAC-SHA256\" or \"PLAINTEXT\", got \"" +
                               o.signature_method + "\"");
    method_ = *m;
    if (!o.request_url.empty())
    {
        try
        {
            request_url_ = parse_url(o.request_url, "http,https,ws,wss");
        }
        catch (config_error const& e)
        {
            throw config_error("/oauth/request_url", e.problem());
        }
    }
    if (method_ == rfc5849::signature_method::plaintext)
    {
        bool cleartext = false;
        try
        {
            cleartext = !parse_url(cfg.url, "ws,wss").secure();
        }
        catch (config_error const&)
        {
            // A bad url is reported with its own pointer by the config
            // validation and the transport.
        }
        if (cleartext)
            throw config_error(
                "/oauth/signature_method",
                "PLAINTEXT sends the secrets themselves; RFC 5849 section 3.4.4 requires TLS, so it "
                "needs a wss:// url (use HMAC-SHA1 or HMAC-SHA256 over ws://)");
    }
    consumer_key_ = o.consumer_key;
    consumer_secret_ = o.consumer_secret;
    token_ = o.access_token;
    token_secret_ = o.access_token_secret;
}

WSOUT_DECL
std::string oauth1::make_nonce()
{
    return wsout::detail::crypto::random_alnum(24);
}

WSOUT_DECL
std::string oauth1::authorization(url const& server, std::string_view method)
{
    url const& target = request_url_ ? *request_url_ : server;
    std::string nonce = nonce_ ? nonce_() : make_nonce();
    std::int64_t now = clock_ ? clock_()
                              : std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();

    rfc5849::parameters oauth;
    oauth.reserve(7);
    oauth.emplace_back("oauth_consumer_key", consumer_key_);
    oauth.emplace_back("oauth_nonce", std::move(nonce));
    oauth.emplace_back("oauth_signature_method", rfc5849::to_string(method_));
    oauth.emplace_back("oauth_timestamp", std::to_string(now));
    if (!token_.empty())
        oauth.emplace_back("oauth_token", token_);
    oauth.emplace_back("oauth_version", "1.0");

    std::string base;
    if (method_ != rfc5849::signature_method::plaintext)
    {
        rfc5849::parameters all = rfc5849::parse_query(target.query);
        all.insert(all.end(), oauth.begin(), oauth.end());
        base = rfc5849::signature_base_string(method, rfc5849::base_string_uri(target),
                                              rfc5849::normalize_parameters(std::move(all)));
    }
    std::string signature = rfc5849::sign(method_, base, consumer_secret_, token_secret_);
    // Alphabetical, the order of the normalized parameters.
    oauth.insert(oauth.begin() + 2, {"oauth_signature", std::move(signature)});
    std::string header = rfc5849::authorization_header(oauth);
    if (method_ == rfc5849::signature_method::plaintext)
        OPENSSL_cleanse(&oauth[2].second[0], oauth[2].second.size());
    return header;
}

WSOUT_DECL
void oauth1::decorate(handshake_request& req, handshake_info const& info)
{
    req.set(boost::beast::http::field::authorization, authorization(info.server, info.method));
}

} // namespace auth
} // namespace v1
} // namespace wsout

#endif
