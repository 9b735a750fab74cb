//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_CONFIG_IPP
#define WSOUT_IMPL_CONFIG_IPP

#include <wsout/detail/config_duration.hpp>
#include <wsout/detail/config_env.hpp>
#include <wsout/detail/config_fields.hpp>
#include <wsout/detail/config_text.hpp>
#include <wsout/url.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace wsout {
inline namespace v1 {

namespace detail {

inline std::string config_error_text(std::string const& pointer, std::string const& problem)
{
    if (pointer.empty())
        return problem;
    // A pointer built from a bad header name may hold control characters:
    // never let them reach a log line raw.
    std::string p;
    for (char ch : pointer)
    {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
        {
            static char const hex[] = "0123456789abcdef";
            p += "\\x";
            p += hex[c >> 4];
            p += hex[c & 15];
        }
        else
            p += ch;
    }
    return p + ": " + problem;
}

} // namespace detail

WSOUT_DECL config_error::config_error(std::string pointer, std::string const& problem)
    : std::invalid_argument(detail::config_error_text(pointer, problem))
    , pointer_(std::move(pointer))
    , problem_(problem)
{}

//------------------------------------------------------------------------------

WSOUT_DECL char const* to_string(message_kind k) noexcept
{
    switch (k)
    {
    case message_kind::binary: return "binary";
    case message_kind::text: return "text";
    }
    return "unknown";
}

WSOUT_DECL char const* to_string(confirm_mode m) noexcept
{
    switch (m)
    {
    case confirm_mode::none: return "none";
    case confirm_mode::ping: return "ping";
    case confirm_mode::tcp: return "tcp";
    }
    return "unknown";
}

WSOUT_DECL duration parse_duration(std::string_view text, std::string const& where)
{
    auto r = detail::go_parse_duration(text);
    if (!r.ok)
        throw config_error(where, "invalid duration " + detail::quote(text) + ": " + r.problem);
    if (r.negative && r.nanoseconds != 0)
        throw config_error(where, "invalid duration " + detail::quote(text) +
                                      ": negative durations are not allowed");
    return duration(static_cast<duration::rep>(r.nanoseconds));
}

WSOUT_DECL std::string format_duration(duration d)
{
    return detail::go_format_duration(static_cast<std::int64_t>(d.count()));
}

WSOUT_DECL env_lookup process_environment()
{
    return [](std::string const& name) -> std::optional<std::string> {
        char const* v = std::getenv(name.c_str());
        if (!v)
            return std::nullopt;
        return std::string(v);
    };
}

WSOUT_DECL bool operator==(config const& a, config const& b)
{
    // Member-wise through the field table, which lists every member.
    auto const& fields = detail::config_fields();
    for (auto const& f : fields)
        if (f.write(f, &a) != f.write(f, &b))
            return false;
    return true;
}

//------------------------------------------------------------------------------
// validate

namespace detail {

inline bool has_ctl(std::string_view s, bool allow_tab) noexcept
{
    for (char ch : s)
    {
        unsigned char c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f)
            return true;
    }
    return false;
}

// The position of the first control character, or npos.
inline std::size_t first_ctl(std::string_view s) noexcept
{
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f)
            return i;
    }
    return std::string_view::npos;
}

inline bool is_credential_header(std::string_view name)
{
    std::string n = ascii_lower(name);
    if (n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie")
        return true;
    for (char const* word : {"token", "secret", "password", "passwd", "key", "auth", "session"})
        if (n.find(word) != std::string::npos)
            return true;
    return false;
}

inline void
check_url_field(std::string const& ptr, std::string const& text, std::string_view schemes, url& out)
{
    try
    {
        out = parse_url(text, schemes);
    }
    catch (config_error const& e)
    {
        throw config_error(ptr, e.problem());
    }
}

inline void check_non_negative(std::string const& ptr, duration d)
{
    if (d.count() < 0)
        throw config_error(ptr, "must not be negative, got " + format_duration(d));
}

inline void check_choice_value(std::string const& ptr, std::string const& value)
{
    field_info const* f = find_field(ptr);
    if (f)
        check_choice(*f, value, ptr);
}

inline void validate_headers(config const& c)
{
    static char const* const reserved[] = {"host",
                                           "upgrade",
                                           "connection",
                                           "sec-websocket-key",
                                           "sec-websocket-version",
                                           "sec-websocket-accept",
                                           "sec-websocket-extensions",
                                           "content-length",
                                           "transfer-encoding"};
    std::map<std::string, std::string> seen; // lower-case -> as written
    for (auto const& kv : c.headers)
    {
        std::string const& name = kv.first;
        std::string const ptr = pointer_join("/headers", name);
        if (name.empty())
            throw config_error(ptr, "empty header name");
        for (char ch : name)
            if (!is_token_char(static_cast<unsigned char>(ch)))
                throw config_error(ptr,
                                   "invalid header name: " + describe_char(static_cast<unsigned char>(ch)) +
                                       " is not allowed in an HTTP header name (RFC 9110 token)");
        // The value may be a credential: describe the problem, never echo it.
        std::string_view value = kv.second;
        std::size_t bad = first_ctl(value);
        while (bad != std::string_view::npos && value[bad] == '\t')
        {
            std::size_t next = first_ctl(value.substr(bad + 1));
            bad = next == std::string_view::npos ? next : bad + 1 + next;
        }
        if (bad != std::string_view::npos)
            throw config_error(ptr, "invalid header value: contains " +
                                        describe_char(static_cast<unsigned char>(value[bad])) +
                                        " (header values must not contain CR, LF, NUL or other control "
                                        "characters)");
        std::string lower = ascii_lower(name);
        for (char const* r : reserved)
            if (lower == r)
                throw config_error(ptr,
                                   "the " + name +
                                       " header is set by wsout for the WebSocket handshake and cannot be "
                                       "overridden");
        if (lower == "sec-websocket-protocol")
            throw config_error(ptr, "set subprotocols with /subprotocols, not as a header");
        if (lower == "authorization" && (c.oauth.enabled || c.basic_auth.enabled || c.jwt.enabled))
        {
            char const* which = c.oauth.enabled ? "oauth" : c.basic_auth.enabled ? "basic_auth" : "jwt";
            throw config_error(ptr, std::string("conflicts with /") + which +
                                        "/enabled, which sets the Authorization header");
        }
        auto ins = seen.emplace(lower, name);
        if (!ins.second)
            throw config_error(ptr, "duplicates /headers/" + pointer_token(ins.first->second) +
                                        " (header names are case-insensitive)");
    }
}

inline void validate_impl(config const& c)
{
    // url
    url u;
    check_url_field("/url", c.url, "ws,wss", u);
    if (!u.username.empty() || !u.password.empty() || c.url.find('@') != std::string::npos)
    {
        // '@' can only appear in the authority as userinfo: parse_url splits
        // on it.
        auto const scheme_end = c.url.find("://");
        auto const auth_end = c.url.find_first_of("/?#", scheme_end + 3);
        if (c.url.substr(0, auth_end).find('@', scheme_end) != std::string::npos)
            throw config_error("/url", "credentials in the url are not supported (use /basic_auth)");
    }

    // label
    for (char ch : c.label)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            throw config_error("/label", "invalid label " + quote(c.label) +
                                             " (expected lower-case letters, digits and '_': ^[a-z0-9_]+$)");

    // auth: at most one
    {
        std::vector<char const*> on;
        if (c.oauth.enabled)
            on.push_back("oauth");
        if (c.basic_auth.enabled)
            on.push_back("basic_auth");
        if (c.jwt.enabled)
            on.push_back("jwt");
        if (on.size() > 1)
            throw config_error(std::string("/") + on[1] + "/enabled",
                               std::string("only one of oauth, basic_auth and jwt may be enabled (") + on[0] +
                                   " is enabled too)");
    }

    // oauth
    check_choice_value("/oauth/signature_method", c.oauth.signature_method);
    if (c.oauth.enabled)
    {
        if (c.oauth.consumer_key.empty())
            throw config_error("/oauth/consumer_key", "required when /oauth/enabled is true");
        if (c.oauth.consumer_secret.empty())
            throw config_error("/oauth/consumer_secret", "required when /oauth/enabled is true");
        if (c.oauth.access_token.empty() && !c.oauth.access_token_secret.empty())
            throw config_error("/oauth/access_token_secret",
                               "set but /oauth/access_token is empty (two-legged OAuth, without an access "
                               "token, signs with an empty token secret: leave both empty)");
    }
    if (!c.oauth.request_url.empty())
    {
        url r;
        check_url_field("/oauth/request_url", c.oauth.request_url, "http,https,ws,wss", r);
    }

    // basic_auth
    if (c.basic_auth.enabled)
    {
        if (c.basic_auth.username.find(':') != std::string::npos)
            throw config_error("/basic_auth/username", "must not contain ':' (RFC 7617)");
        if (auto bad = first_ctl(c.basic_auth.username); bad != std::string::npos)
            throw config_error("/basic_auth/username",
                               "must not contain control characters, found " +
                                   describe_char(static_cast<unsigned char>(c.basic_auth.username[bad])));
        if (auto bad = first_ctl(c.basic_auth.password); bad != std::string::npos)
            throw config_error("/basic_auth/password",
                               "must not contain control characters, found " +
                                   describe_char(static_cast<unsigned char>(c.basic_auth.password[bad])));
    }

    // jwt
    check_choice_value("/jwt/signing_method", c.jwt.signing_method);
    if (!c.jwt.claims.is_object())
        throw config_error("/jwt/claims",
                           std::string("expected object, got ") + json_type_name(c.jwt.claims));
    if (!c.jwt.headers.is_object())
        throw config_error("/jwt/headers",
                           std::string("expected object, got ") + json_type_name(c.jwt.headers));
    check_non_negative("/jwt/expiry", c.jwt.expiry);
    if (c.jwt.enabled)
    {
        std::string methods;
        for (auto const& m : jwt_signing_methods())
            if (!m.empty())
                methods += (methods.empty() ? "" : ", ") + m;
        if (c.jwt.signing_method.empty())
            throw config_error("/jwt/signing_method",
                               "required when /jwt/enabled is true (one of: " + methods + ")");
        if (c.jwt.signing_method == "HS256")
        {
            if (c.jwt.secret.empty())
                throw config_error("/jwt/secret", "required when /jwt/signing_method is HS256");
            if (c.jwt.secret.size() < 32)
                throw config_error("/jwt/secret",
                                   "too short for HS256: " + std::to_string(c.jwt.secret.size()) +
                                       " bytes, at least 32 are needed (RFC 7518 section 3.2)");
            if (!c.jwt.private_key_file.empty())
                throw config_error("/jwt/private_key_file",
                                   "not used with HS256 (its key is /jwt/secret); remove it");
        }
        else
        {
            if (c.jwt.private_key_file.empty())
                throw config_error("/jwt/private_key_file",
                                   "required when /jwt/signing_method is " + c.jwt.signing_method);
            if (!c.jwt.secret.empty())
                throw config_error("/jwt/secret", "only used with HS256; " + c.jwt.signing_method +
                                                      " signs with /jwt/private_key_file");
        }
    }

    // tls
    check_choice_value("/tls/min_version", c.tls.min_version);
    if (!c.tls.root_cas.empty() && !c.tls.root_cas_file.empty())
        throw config_error("/tls/root_cas_file", "cannot be used together with /tls/root_cas (set only one)");
    if (c.tls.enabled && u.scheme == "ws")
        throw config_error(
            "/tls/enabled",
            "TLS needs a wss:// url, but /url is ws:// (use wss://, or set tls.enabled to false)");
    for (std::size_t i = 0; i < c.tls.client_certs.size(); ++i)
    {
        auto const& cc = c.tls.client_certs[i];
        std::string const base = pointer_join("/tls/client_certs", i);
        if (!cc.cert.empty() && !cc.cert_file.empty())
            throw config_error(base + "/cert_file", "cannot be used together with cert (set only one)");
        if (cc.cert.empty() && cc.cert_file.empty())
            throw config_error(base, "needs cert or cert_file");
        if (!cc.key.empty() && !cc.key_file.empty())
            throw config_error(base + "/key_file", "cannot be used together with key (set only one)");
        if (cc.key.empty() && cc.key_file.empty())
            throw config_error(base, "needs key or key_file");
    }
    if (!c.tls.server_name.empty())
    {
        for (char ch : c.tls.server_name)
        {
            unsigned char uc = static_cast<unsigned char>(ch);
            if (!(std::isalnum(uc) || ch == '-' || ch == '.' || ch == '_' || ch == ':'))
                throw config_error("/tls/server_name",
                                   "invalid character " + describe_char(uc) + " (expected a host name)");
        }
    }

    // proxy
    if (!c.proxy_url.empty())
    {
        auto const sep = c.proxy_url.find("://");
        if (sep != std::string::npos && ascii_lower(c.proxy_url.substr(0, sep)) == "https")
            throw config_error(
                "/proxy_url",
                "https:// proxies are not supported; use an http:// proxy (the tunnel to a wss:// "
                "server is still TLS end to end)");
        url p;
        check_url_field("/proxy_url", c.proxy_url, "http", p);
        if (p.path != "/" || p.has_query)
            throw config_error("/proxy_url", "a proxy url has no path or query (expected http://host:port)");
        if (p.username.find(':') != std::string::npos)
            throw config_error("/proxy_url", "the proxy user name must not contain ':'");
        if (has_ctl(p.username, false) || has_ctl(p.password, false))
            throw config_error("/proxy_url", "the proxy credentials must not contain control characters");
    }

    validate_headers(c);

    // subprotocols
    {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < c.subprotocols.size(); ++i)
        {
            auto const& s = c.subprotocols[i];
            std::string const ptr = pointer_join("/subprotocols", i);
            if (s.empty())
                throw config_error(ptr, "empty subprotocol");
            for (char ch : s)
                if (!is_token_char(static_cast<unsigned char>(ch)))
                    throw config_error(ptr, "invalid subprotocol " + quote(s) + ": " +
                                                describe_char(static_cast<unsigned char>(ch)) +
                                                " is not allowed in a token (RFC 6455 section 4.1)");
            if (!seen.insert(s).second)
                throw config_error(ptr, "duplicate subprotocol " + quote(s));
        }
    }

    if (std::string(to_string(c.message_type)) == "unknown")
        throw config_error("/message_type", "invalid message_kind value");
    if (std::string(to_string(c.delivery.confirm)) == "unknown")
        throw config_error("/delivery/confirm", "invalid confirm_mode value");

    // backoff
    check_non_negative("/backoff/initial_interval", c.backoff.initial_interval);
    check_non_negative("/backoff/max_interval", c.backoff.max_interval);
    check_non_negative("/backoff/max_elapsed_time", c.backoff.max_elapsed_time);
    if (c.backoff.initial_interval.count() == 0)
        throw config_error("/backoff/initial_interval",
                           "must be greater than 0s (a zero wait would reconnect in a "
                           "busy loop)");
    if (c.backoff.max_interval < c.backoff.initial_interval)
        throw config_error("/backoff/max_interval", "must not be less than /backoff/initial_interval (" +
                                                        format_duration(c.backoff.max_interval) + " < " +
                                                        format_duration(c.backoff.initial_interval) + ")");
    if (!(c.backoff.multiplier >= 1.0) || !std::isfinite(c.backoff.multiplier))
        throw config_error("/backoff/multiplier", "must be a finite number >= 1, got " +
                                                      quote_value(nlohmann::json(c.backoff.multiplier)));
    if (!(c.backoff.jitter >= 0.0 && c.backoff.jitter <= 1.0))
        throw config_error("/backoff/jitter",
                           "must be in [0, 1], got " + quote_value(nlohmann::json(c.backoff.jitter)));

    check_non_negative("/timeouts/connect", c.timeouts.connect);
    check_non_negative("/timeouts/handshake", c.timeouts.handshake);
    check_non_negative("/timeouts/write", c.timeouts.write);
    check_non_negative("/timeouts/close", c.timeouts.close);
    check_non_negative("/keepalive/ping_interval", c.keepalive.ping_interval);
    check_non_negative("/keepalive/pong_timeout", c.keepalive.pong_timeout);
    check_non_negative("/delivery/confirm_interval", c.delivery.confirm_interval);
    if (c.delivery.confirm_every_messages < 1)
        throw config_error("/delivery/confirm_every_messages", "must be at least 1");

    if (c.compression_level < 1 || c.compression_level > 9)
        throw config_error("/compression_level",
                           "must be in 1..9, got " + std::to_string(c.compression_level));
    if (c.max_in_flight < 1)
        throw config_error("/max_in_flight", "must be at least 1");
    if (c.max_in_flight_bytes < 1)
        throw config_error("/max_in_flight_bytes", "must be at least 1");
    if (c.write_buffer_bytes < 4096 || c.write_buffer_bytes > (std::size_t(64) << 20))
        throw config_error("/write_buffer_bytes", "must be in 4096..67108864 (4 KiB to 64 MiB), got " +
                                                      std::to_string(c.write_buffer_bytes));
    if (c.max_inbound_message_bytes < 1)
        throw config_error("/max_inbound_message_bytes", "must be at least 1");
}

// Re-throws a validation error with the pointer of the websocket object in
// the parsed document.
inline void validate_at(config const& c, std::string const& base)
{
    try
    {
        validate_impl(c);
    }
    catch (config_error const& e)
    {
        if (base.empty())
            throw;
        throw config_error(base + e.pointer(), e.problem());
    }
}

inline std::string scrub_url_password(std::string const& text)
{
    // Keep the url readable, replace the password (as Go's url.Redacted
    // does). A url we cannot take apart is scrubbed whole when it could
    // hold credentials.
    auto const sep = text.find("://");
    if (sep == std::string::npos)
        return text.find('@') == std::string::npos ? text : std::string(scrubbed_secret);
    auto const auth_end = text.find_first_of("/?#", sep + 3);
    std::string authority =
        text.substr(sep + 3, auth_end == std::string::npos ? std::string::npos : auth_end - sep - 3);
    auto const at = authority.rfind('@');
    if (at == std::string::npos)
        return text;
    std::string userinfo = authority.substr(0, at);
    auto const colon = userinfo.find(':');
    if (colon == std::string::npos || colon + 1 == userinfo.size())
        return text; // no password
    std::string out =
        text.substr(0, sep + 3) + userinfo.substr(0, colon + 1) + scrubbed_secret + authority.substr(at);
    if (auth_end != std::string::npos)
        out += text.substr(auth_end);
    return out;
}

inline void scrub_json(std::vector<field_info> const& fields, nlohmann::json& j)
{
    for (auto const& f : fields)
    {
        auto it = j.find(f.name);
        if (it == j.end())
            continue;
        nlohmann::json& v = *it;
        if (f.secret() && v.is_string() && !v.get_ref<std::string const&>().empty())
            v = scrubbed_secret;
        else if ((f.flags & flag_url_userinfo) && v.is_string())
            v = scrub_url_password(v.get<std::string>());
        else if ((f.flags & flag_header_values) && v.is_object())
        {
            for (auto h = v.begin(); h != v.end(); ++h)
                if (is_credential_header(h.key()) && h.value().is_string() &&
                    !h.value().get_ref<std::string const&>().empty())
                    h.value() = scrubbed_secret;
        }
        else if (f.kind == field_kind::object && v.is_object())
            scrub_json(f.children, v);
        else if (f.kind == field_kind::object_list && v.is_array())
            for (auto& e : v)
                scrub_json(f.children, e);
    }
}

// Configs are shallow; a deeply nested document is an attack on the
// recursive code below (and on nlohmann's recursive copy and dump).
constexpr int max_config_depth = 64;

// The pointer of a value nested deeper than the limit, or "" when none is;
// the recursion stops at the limit.
inline bool too_deep(nlohmann::json const& j, int depth, std::string& where)
{
    if (!j.is_object() && !j.is_array())
        return false;
    if (depth >= max_config_depth)
        return true;
    if (j.is_object())
    {
        for (auto it = j.begin(); it != j.end(); ++it)
            if (too_deep(it.value(), depth + 1, where))
            {
                where = "/" + pointer_token(it.key()) + where;
                return true;
            }
    }
    else
        for (std::size_t i = 0; i < j.size(); ++i)
            if (too_deep(j[i], depth + 1, where))
            {
                where = "/" + std::to_string(i) + where;
                return true;
            }
    return false;
}

// The parse of one document: the shape, the websocket object, its pointer.
inline config parse_document(nlohmann::json const& root_in, env_lookup const& env)
{
    if (!root_in.is_object())
        throw config_error("",
                           std::string("expected a JSON object at the root, got ") + json_type_name(root_in));
    if (std::string where; too_deep(root_in, 0, where))
        throw config_error(where, "nested deeper than " + std::to_string(max_config_depth) + " levels");

    read_context ctx;
    nlohmann::json root = root_in;
    interpolate_json(root, env, "", ctx.substituted);

    config c;
    std::string base;
    nlohmann::json const* ws = &root;
    std::string label;
    bool have_label = false;

    auto read_label = [&](nlohmann::json const& v, std::string const& ptr) {
        if (!v.is_string())
            throw config_error(ptr, std::string("expected string, got ") + json_type_name(v));
        label = v.get<std::string>();
        have_label = true;
        for (char ch : label)
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
                throw config_error(ptr, "invalid label " + quote(label) +
                                            " (expected lower-case letters, digits and '_': ^[a-z0-9_]+$)");
    };

    if (root.contains("output"))
    {
        for (auto it = root.begin(); it != root.end(); ++it)
            if (it.key() != "output")
                throw config_error(pointer_join("", it.key()),
                                   "unknown field (a Benthos-shaped config holds only \"output\" here)");
        nlohmann::json const& out = root["output"];
        if (!out.is_object())
            throw config_error("/output", std::string("expected object, got ") + json_type_name(out));
        if (!out.contains("websocket"))
        {
            for (auto it = out.begin(); it != out.end(); ++it)
                if (it.key() != "label" && it.key() != "processors")
                    throw config_error("/output", "expected a websocket output, found " + quote(it.key()) +
                                                      " (wsout reads output.websocket)");
            throw config_error("/output", "missing the websocket section (expected {\"websocket\": {...}})");
        }
        for (auto it = out.begin(); it != out.end(); ++it)
        {
            std::string const p = pointer_join("/output", it.key());
            if (it.key() == "label")
                read_label(it.value(), p);
            else if (it.key() != "websocket")
                throw config_error(p, unknown_field_message(it.key(), {"label", "websocket"}) +
                                          " (wsout reads only output.label and output.websocket)");
        }
        ws = &out["websocket"];
        base = "/output/websocket";
        if (ws->is_object() && ws->contains("label"))
            throw config_error(base + "/label", "in an output section the label belongs at /output/label");
    }
    else if (root.contains("websocket"))
    {
        for (auto it = root.begin(); it != root.end(); ++it)
        {
            std::string const p = pointer_join("", it.key());
            if (it.key() == "label")
                read_label(it.value(), p);
            else if (it.key() != "websocket")
                throw config_error(p, unknown_field_message(it.key(), {"label", "websocket"}));
        }
        ws = &root["websocket"];
        base = "/websocket";
        if (have_label && ws->is_object() && ws->contains("label"))
            throw config_error(base + "/label", "the label is set twice (also at /label)");
    }
    else
    {
        // The bare object: an unknown key gets suggestions from the fields
        // plus the wrapper names.
        for (auto it = root.begin(); it != root.end(); ++it)
        {
            bool known = false;
            for (auto const& f : config_fields())
                known = known || f.name == it.key();
            if (!known)
            {
                auto names = field_names(config_fields());
                names.push_back("websocket");
                names.push_back("output");
                throw config_error(pointer_join("", it.key()), unknown_field_message(it.key(), names));
            }
        }
    }

    read_object(config_fields(), &c, *ws, base, ctx);
    if (have_label)
        c.label = label;
    validate_at(c, base);
    return c;
}

struct json_position
{
    std::size_t line = 1;
    std::size_t column = 1;
};

inline json_position position_of(std::string_view text, std::size_t byte)
{
    // nlohmann reports the 1-based position of the last byte read.
    json_position p;
    std::size_t const end = byte == 0 ? 0 : std::min(byte - 1, text.size());
    for (std::size_t i = 0; i < end; ++i)
    {
        if (text[i] == '\n')
        {
            ++p.line;
            p.column = 1;
        }
        else
            ++p.column;
    }
    return p;
}

// Parses JSON text, rejecting duplicate keys (nlohmann would keep the last
// one silently) with the pointer of the duplicate.
inline nlohmann::json parse_json_text(std::string_view text)
{
    struct frame
    {
        bool is_object;
        std::set<std::string> keys;
        std::string key;       // current key (objects)
        std::size_t index = 0; // next index (arrays)
    };
    std::vector<frame> stack;
    auto value_done = [&stack]() {
        if (!stack.empty() && !stack.back().is_object)
            ++stack.back().index;
    };
    auto cb = [&](int /*depth*/, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) -> bool {
        using E = nlohmann::json::parse_event_t;
        switch (ev)
        {
        case E::object_start:
        case E::array_start:
            if (stack.size() >= std::size_t(max_config_depth))
            {
                std::string where;
                for (std::size_t i = 0; i < stack.size(); ++i)
                    where += "/" + (stack[i].is_object ? pointer_token(stack[i].key)
                                                       : std::to_string(stack[i].index));
                throw config_error(where,
                                   "nested deeper than " + std::to_string(max_config_depth) + " levels");
            }
            stack.push_back({ev == E::object_start, {}, {}, 0});
            break;
        case E::object_end:
        case E::array_end:
            stack.pop_back();
            value_done();
            break;
        case E::key:
        {
            std::string k = parsed.get<std::string>();
            auto& top = stack.back();
            if (!top.keys.insert(k).second)
            {
                std::string where;
                for (std::size_t i = 0; i + 1 < stack.size(); ++i)
                    where += "/" + (stack[i].is_object ? pointer_token(stack[i].key)
                                                       : std::to_string(stack[i].index));
                throw config_error(where + "/" + pointer_token(k), "duplicate key");
            }
            top.key = k;
            break;
        }
        case E::value: value_done(); break;
        }
        return true;
    };
    try
    {
        return nlohmann::json::parse(text.begin(), text.end(), cb);
    }
    catch (nlohmann::json::parse_error const& e)
    {
        auto pos = position_of(text, e.byte);
        std::string what = e.what();
        // Strip nlohmann's "[json.exception.parse_error.101] parse error at
        // line 1, column 2: " prefix; we print our own position.
        auto colon = what.find(": ");
        std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
        // "; last read: '...'" echoes the config text, which may be a secret.
        auto last = detail.find("; last read");
        if (last != std::string::npos)
            detail.erase(last);
        throw config_error("", "JSON syntax error at line " + std::to_string(pos.line) + ", column " +
                                   std::to_string(pos.column) + ": " + detail);
    }
    catch (nlohmann::json::exception const&)
    {
        // out_of_range 406: a number beyond a double ("1e400"). nlohmann
        // gives no position; its message echoes the text, which may be a
        // secret, so it is not repeated.
        throw config_error("", "JSON number out of range (larger than a double can hold)");
    }
}

} // namespace detail

WSOUT_DECL void validate(config const& c)
{
    detail::validate_impl(c);
}

WSOUT_DECL config parse_config(nlohmann::json const& j, env_lookup const& env)
{
    return detail::parse_document(j, env);
}

WSOUT_DECL config parse_config(std::string_view json_text, env_lookup const& env)
{
    return detail::parse_document(detail::parse_json_text(json_text), env);
}

WSOUT_DECL config load_config_file(std::string const& path, env_lookup const& env)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw config_error("", "cannot read config file " + detail::quote(path, 200) + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        int const err = errno;
        throw config_error("", "cannot read config file " + detail::quote(path, 200) + ": " +
                                   (err ? std::strerror(err) : "open failed"));
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw config_error("", "cannot read config file " + detail::quote(path, 200));
    std::string const text = ss.str();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw config_error(
            "", path + ": the file is empty (expected a JSON object, e.g. {\"url\": \"ws://...\"})");
    nlohmann::json j;
    try
    {
        j = detail::parse_json_text(text);
    }
    catch (config_error const& e)
    {
        if (!e.pointer().empty())
            throw;
        throw config_error("", path + ": " + e.problem());
    }
    return detail::parse_document(j, env);
}

WSOUT_DECL nlohmann::json to_json(config const& c, secrets s)
{
    auto const& fields = detail::config_fields();
    nlohmann::json j = detail::write_object(fields, &c);
    // Scrubbed first, so that a secret is never refused below.
    if (s == secrets::scrub)
        detail::scrub_json(fields, j);
    // A value holding "${VAR}" literally is written as "${{VAR}}", so that
    // parsing the output gives the value back instead of interpolating it;
    // a value with no such form is refused (config_error).
    detail::escape_interpolation_json(j, "");
    return j;
}

WSOUT_DECL void to_json(nlohmann::json& j, config const& c)
{
    j = to_json(c, secrets::scrub);
}

} // namespace v1
} // namespace wsout

#endif
