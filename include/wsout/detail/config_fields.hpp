//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// Outside the guard: included first, this header must see the complete
// config.hpp, whose impl/ part includes this header again.
#include <wsout/config.hpp>

#ifndef WSOUT_DETAIL_CONFIG_FIELDS_HPP
#define WSOUT_DETAIL_CONFIG_FIELDS_HPP

// The one table of config fields. The parser's field lists, to_json, the
// secret scrubbing, docs/config.md and the JSON Schema are all derived from
// it, so they cannot disagree.

#include <wsout/detail/config_text.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace detail {

enum class field_kind
{
    boolean,
    string,
    enumeration, ///< a string from `choices`
    duration,    ///< Go duration string
    size,        ///< byte count: integer or "16MiB"
    count,       ///< non-negative integer
    number,      ///< floating point
    string_map,  ///< object of strings
    string_list, ///< array of strings
    json_object, ///< any JSON object
    object,      ///< nested fields
    object_list  ///< array of objects with nested fields
};

/// Where a field comes from.
enum class field_origin
{
    benthos_seed, ///< the seed's (Benthos v3) websocket output
    benthos,      ///< later Benthos / Bento versions
    wsout         ///< a wsout extension
};

enum field_flags : unsigned
{
    flag_none = 0,
    flag_secret = 1,       ///< the whole value is a secret
    flag_url_userinfo = 2, ///< a url whose password is a secret
    flag_header_values = 4 ///< a header map whose credential-like values are secrets
};

/// Read state shared by one parse: the pointers of strings that came from
/// `${...}` interpolation (they may stand for bools and numbers).
struct read_context
{
    std::set<std::string> substituted;
};

// The implicit move constructor is noexcept; clang-tidy 14 sees
// nlohmann::json's noexcept move constructor as throwing (nlohmann's own
// header suppresses the same finding).
// NOLINTNEXTLINE(bugprone-exception-escape)
struct field_info
{
    std::string name;
    field_kind kind = field_kind::string;
    field_origin origin = field_origin::wsout;
    unsigned flags = flag_none;
    std::string description;
    std::vector<std::string> choices;
    std::vector<field_info> children;
    nlohmann::json default_value;

    std::function<void(field_info const&, void*, nlohmann::json const&, std::string const&, read_context&)>
        read;
    std::function<nlohmann::json(field_info const&, void const*)> write;

    bool secret() const noexcept { return (flags & flag_secret) != 0; }
};

//------------------------------------------------------------------------------
// Typed readers. `ptr` is the pointer of the value, used in every message.

[[noreturn]] inline void
type_error(field_info const& f, nlohmann::json const& v, std::string const& ptr, char const* expected)
{
    std::string msg = std::string("expected ") + expected + ", got " + json_type_name(v);
    bool const scalar = !v.is_object() && !v.is_array() && !v.is_null();
    if (scalar && !f.secret() && !(f.flags & flag_header_values))
        msg += " " + quote_value(v);
    throw config_error(ptr, msg);
}

inline bool from_substituted(nlohmann::json const& v, std::string const& ptr, read_context const& ctx)
{
    return v.is_string() && ctx.substituted.count(ptr) != 0;
}

inline void
read_value(field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context& ctx, bool& out)
{
    if (v.is_boolean())
    {
        out = v.get<bool>();
        return;
    }
    if (from_substituted(v, ptr, ctx))
    {
        auto const& s = v.get_ref<std::string const&>();
        if (s == "true" || s == "false")
        {
            out = s == "true";
            return;
        }
        throw config_error(ptr, "expected bool, got string " + quote_value(v) +
                                    " from environment interpolation (use true or false)");
    }
    type_error(f, v, ptr, "bool");
}

inline void check_choice(field_info const& f, std::string const& s, std::string const& ptr)
{
    if (f.choices.empty())
        return;
    for (auto const& c : f.choices)
        if (c == s)
            return;
    std::vector<std::string> named;
    for (auto const& c : f.choices)
        if (!c.empty())
            named.push_back(c);
    std::string msg = "unknown value " + quote(s) + " (expected one of: " + join_choices(f.choices) + ")";
    std::string near = closest(s, named);
    if (!near.empty())
        msg += "; did you mean \"" + near + "\"?";
    throw config_error(ptr, msg);
}

inline void read_value(
    field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context&, std::string& out)
{
    if (!v.is_string())
        type_error(f, v, ptr, "string");
    out = v.get<std::string>();
    if (f.kind == field_kind::enumeration)
        check_choice(f, out, ptr);
}

inline void
read_value(field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context&, duration& out)
{
    if (!v.is_string())
        type_error(f, v, ptr, "a duration string such as \"500ms\" or \"1m30s\"");
    out = parse_duration(v.get_ref<std::string const&>(), ptr);
}

// "16MiB" and friends; returns false when the text is not a size.
inline bool parse_size_text(std::string const& s, std::size_t& out, std::string& problem)
{
    std::size_t i = 0;
    unsigned long long value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
    {
        unsigned d = unsigned(s[i] - '0');
        if (value > (std::numeric_limits<unsigned long long>::max() - d) / 10)
        {
            problem = "is too large";
            return false;
        }
        value = value * 10 + d;
        ++i;
    }
    if (i == 0)
    {
        problem = "is not a size (expected an integer or a string such as \"64KiB\", \"16MiB\", \"1GB\")";
        return false;
    }
    std::string unit = ascii_lower(std::string_view(s).substr(i));
    static std::map<std::string, unsigned long long> const units = {
        {"", 1ull},          {"b", 1ull},           {"kb", 1000ull},
        {"mb", 1000000ull},  {"gb", 1000000000ull}, {"kib", 1ull << 10},
        {"mib", 1ull << 20}, {"gib", 1ull << 30}};
    auto it = units.find(unit);
    if (it == units.end())
    {
        problem =
            "has an unknown size unit " + quote(s.substr(i)) + " (expected B, KB, MB, GB, KiB, MiB or GiB)";
        return false;
    }
    if (value > std::numeric_limits<std::size_t>::max() / it->second)
    {
        problem = "is too large";
        return false;
    }
    out = static_cast<std::size_t>(value * it->second);
    return true;
}

inline void read_value(
    field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context& ctx, std::size_t& out)
{
    char const* expected = f.kind == field_kind::size
                               ? "a non-negative integer or a size string such as \"16MiB\""
                               : "a non-negative integer";
    if (v.is_number_unsigned())
    {
        auto x = v.get<std::uint64_t>();
        if (x > std::numeric_limits<std::size_t>::max())
            throw config_error(ptr, "is too large");
        out = static_cast<std::size_t>(x);
        return;
    }
    if (v.is_number_integer())
        throw config_error(ptr, "must not be negative, got " + quote_value(v));
    if (v.is_number_float())
    {
        double d = v.get<double>();
        if (std::isfinite(d) && d >= 0 && d == std::floor(d) && d < 1.8e19)
        {
            out = static_cast<std::size_t>(d);
            return;
        }
        throw config_error(ptr, std::string("expected ") + expected + ", got number " + quote_value(v));
    }
    if (v.is_string() && (f.kind == field_kind::size || from_substituted(v, ptr, ctx)))
    {
        std::string problem;
        std::string const& s = v.get_ref<std::string const&>();
        if (f.kind == field_kind::count)
        {
            // An interpolated count: digits only.
            bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
            if (digits && parse_size_text(s, out, problem))
                return;
            throw config_error(ptr, std::string("expected ") + expected + ", got string " + quote(s) +
                                        " from environment interpolation");
        }
        if (parse_size_text(s, out, problem))
            return;
        throw config_error(ptr, quote(s) + " " + problem);
    }
    type_error(f, v, ptr, expected);
}

inline void read_value(
    field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context& ctx, double& out)
{
    if (v.is_number())
    {
        out = v.get<double>();
        return;
    }
    if (from_substituted(v, ptr, ctx))
    {
        auto j = nlohmann::json::parse(v.get_ref<std::string const&>(), nullptr, false);
        if (!j.is_discarded() && j.is_number())
        {
            out = j.get<double>();
            return;
        }
        throw config_error(ptr, "expected number, got string " + quote_value(v) +
                                    " from environment interpolation");
    }
    type_error(f, v, ptr, "number");
}

inline void read_value(field_info const& f,
                       nlohmann::json const& v,
                       std::string const& ptr,
                       read_context&,
                       std::map<std::string, std::string>& out)
{
    if (!v.is_object())
        type_error(f, v, ptr, "object of strings");
    out.clear();
    for (auto it = v.begin(); it != v.end(); ++it)
    {
        if (!it.value().is_string())
            throw config_error(pointer_join(ptr, it.key()),
                               std::string("expected string, got ") + json_type_name(it.value()));
        out[it.key()] = it.value().get<std::string>();
    }
}

inline void read_value(field_info const& f,
                       nlohmann::json const& v,
                       std::string const& ptr,
                       read_context&,
                       std::vector<std::string>& out)
{
    if (!v.is_array())
        type_error(f, v, ptr, "array of strings");
    out.clear();
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        if (!v[i].is_string())
            throw config_error(pointer_join(ptr, i),
                               std::string("expected string, got ") + json_type_name(v[i]) +
                                   (v[i].is_array() || v[i].is_object() ? "" : " " + quote_value(v[i])));
        out.push_back(v[i].get<std::string>());
    }
}

inline void read_value(
    field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context&, nlohmann::json& out)
{
    if (!v.is_object())
        type_error(f, v, ptr, "object");
    out = v;
}

template<class Enum>
void read_enum(field_info const& f, nlohmann::json const& v, std::string const& ptr, Enum& out)
{
    if (!v.is_string())
        type_error(f, v, ptr, "string");
    auto const& s = v.get_ref<std::string const&>();
    check_choice(f, s, ptr);
    for (std::size_t i = 0; i < f.choices.size(); ++i)
        if (f.choices[i] == s)
            out = static_cast<Enum>(i);
}

inline void read_value(
    field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context&, message_kind& out)
{
    read_enum(f, v, ptr, out);
}

inline void read_value(
    field_info const& f, nlohmann::json const& v, std::string const& ptr, read_context&, confirm_mode& out)
{
    read_enum(f, v, ptr, out);
}

//------------------------------------------------------------------------------
// Typed writers.

inline nlohmann::json write_value(bool v)
{
    return v;
}
inline nlohmann::json write_value(std::string const& v)
{
    return v;
}
inline nlohmann::json write_value(duration v)
{
    return format_duration(v);
}
inline nlohmann::json write_value(std::size_t v)
{
    return static_cast<std::uint64_t>(v);
}
inline nlohmann::json write_value(double v)
{
    return v;
}
inline nlohmann::json write_value(std::map<std::string, std::string> const& v)
{
    nlohmann::json j = nlohmann::json::object();
    for (auto const& kv : v)
        j[kv.first] = kv.second;
    return j;
}
inline nlohmann::json write_value(std::vector<std::string> const& v)
{
    nlohmann::json j = nlohmann::json::array();
    for (auto const& s : v)
        j.push_back(s);
    return j;
}
inline nlohmann::json write_value(nlohmann::json const& v)
{
    return v;
}
inline nlohmann::json write_value(message_kind v)
{
    return to_string(v);
}
inline nlohmann::json write_value(confirm_mode v)
{
    return to_string(v);
}

//------------------------------------------------------------------------------
// Objects.

inline std::vector<std::string> field_names(std::vector<field_info> const& fields)
{
    std::vector<std::string> names;
    names.reserve(fields.size());
    for (auto const& f : fields)
        names.push_back(f.name);
    return names;
}

inline std::string unknown_field_message(std::string const& key, std::vector<std::string> const& names)
{
    std::string msg = "unknown field";
    std::string near = closest(key, names);
    if (!near.empty())
        msg += "; did you mean \"" + near + "\"?";
    else
    {
        msg += " (valid fields: ";
        for (std::size_t i = 0; i < names.size(); ++i)
            msg += (i ? ", " : "") + names[i];
        msg += ")";
    }
    return msg;
}

inline void read_object(std::vector<field_info> const& fields,
                        void* obj,
                        nlohmann::json const& v,
                        std::string const& ptr,
                        read_context& ctx)
{
    if (!v.is_object())
        throw config_error(ptr, std::string("expected object, got ") + json_type_name(v));
    for (auto it = v.begin(); it != v.end(); ++it)
    {
        std::string const p = pointer_join(ptr, it.key());
        field_info const* f = nullptr;
        for (auto const& c : fields)
            if (c.name == it.key())
                f = &c;
        if (!f)
            throw config_error(p, unknown_field_message(it.key(), field_names(fields)));
        f->read(*f, obj, it.value(), p, ctx);
    }
}

inline nlohmann::json write_object(std::vector<field_info> const& fields, void const* obj)
{
    nlohmann::json j = nlohmann::json::object();
    for (auto const& f : fields)
        j[f.name] = f.write(f, obj);
    return j;
}

//------------------------------------------------------------------------------
// Builders.

template<class S, class T>
field_info leaf(std::string name,
                T S::*m,
                field_kind kind,
                field_origin origin,
                std::string description,
                unsigned flags = flag_none,
                std::vector<std::string> choices = {})
{
    field_info f;
    f.name = std::move(name);
    f.kind = kind;
    f.origin = origin;
    f.flags = flags;
    f.description = std::move(description);
    f.choices = std::move(choices);
    f.read = [m](field_info const& self, void* p, nlohmann::json const& v, std::string const& ptr,
                 read_context& ctx) { read_value(self, v, ptr, ctx, static_cast<S*>(p)->*m); };
    f.write = [m](field_info const&, void const* p) { return write_value(static_cast<S const*>(p)->*m); };
    S const def{};
    f.default_value = write_value(def.*m);
    return f;
}

template<class S, class Sub>
field_info object(std::string name,
                  Sub S::*m,
                  field_origin origin,
                  std::string description,
                  std::vector<field_info> children)
{
    field_info f;
    f.name = std::move(name);
    f.kind = field_kind::object;
    f.origin = origin;
    f.description = std::move(description);
    f.children = std::move(children);
    f.read = [m](field_info const& self, void* p, nlohmann::json const& v, std::string const& ptr,
                 read_context& ctx) { read_object(self.children, &(static_cast<S*>(p)->*m), v, ptr, ctx); };
    f.write = [m](field_info const& self, void const* p) {
        return write_object(self.children, &(static_cast<S const*>(p)->*m));
    };
    S const def{};
    f.default_value = write_object(f.children, &(def.*m));
    return f;
}

template<class S, class Elem>
field_info object_list(std::string name,
                       std::vector<Elem> S::*m,
                       field_origin origin,
                       std::string description,
                       std::vector<field_info> children)
{
    field_info f;
    f.name = std::move(name);
    f.kind = field_kind::object_list;
    f.origin = origin;
    f.description = std::move(description);
    f.children = std::move(children);
    f.read = [m](field_info const& self, void* p, nlohmann::json const& v, std::string const& ptr,
                 read_context& ctx) {
        if (!v.is_array())
            throw config_error(ptr, std::string("expected array of objects, got ") + json_type_name(v));
        std::vector<Elem> out;
        for (std::size_t i = 0; i < v.size(); ++i)
        {
            Elem e{};
            read_object(self.children, &e, v[i], pointer_join(ptr, i), ctx);
            out.push_back(std::move(e));
        }
        static_cast<S*>(p)->*m = std::move(out);
    };
    f.write = [m](field_info const& self, void const* p) {
        nlohmann::json j = nlohmann::json::array();
        for (auto const& e : static_cast<S const*>(p)->*m)
            j.push_back(write_object(self.children, &e));
        return j;
    };
    f.default_value = nlohmann::json::array();
    return f;
}

//------------------------------------------------------------------------------
// The table.

inline std::vector<std::string> const& oauth_signature_methods()
{
    static std::vector<std::string> const v = {"HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT"};
    return v;
}

inline std::vector<std::string> const& jwt_signing_methods()
{
    static std::vector<std::string> const v = {"", "RS256", "RS384", "RS512", "ES256", "EdDSA", "HS256"};
    return v;
}

inline std::vector<std::string> const& tls_versions()
{
    static std::vector<std::string> const v = {"1.2", "1.3"};
    return v;
}

inline std::vector<field_info> const& config_fields()
{
    using O = field_origin;
    using K = field_kind;
    static std::vector<field_info> const fields = [] {
        std::vector<field_info> t;
        t.push_back(leaf(
            "url", &config::url, K::string, O::benthos_seed,
            "The URL to connect to: `ws://` or `wss://`, a host, an optional port and an optional path "
            "and query. IPv6 literals go in brackets (`ws://[::1]:4195/post/ws`). A `wss://` url implies "
            "TLS. Credentials in the url and fragments (`#...`) are rejected: use `basic_auth` for "
            "credentials."));
        t.push_back(
            leaf("label", &config::label, K::string, O::benthos,
                 "A label for the output, as every Benthos component may carry one: `^[a-z0-9_]+$` or empty. "
                 "It appears in logs and stats. In a Benthos output section it is written as "
                 "`output.label`, beside `output.websocket`."));

        t.push_back(object(
            "oauth", &config::oauth, O::benthos_seed,
            "Allows you to specify open authentication via OAuth version 1.",
            {
                leaf("enabled", &oauth_config::enabled, K::boolean, O::benthos_seed,
                     "Whether to use OAuth version 1 in requests. The handshake request (`GET`) is signed "
                     "per RFC "
                     "5849 and sent with `Authorization: OAuth ...`."),
                leaf("consumer_key", &oauth_config::consumer_key, K::string, O::benthos_seed,
                     "A value used to identify the client to the service provider. Required when `enabled`."),
                leaf("consumer_secret", &oauth_config::consumer_secret, K::string, O::benthos_seed,
                     "A secret used to establish ownership of the consumer key. Required when `enabled`.",
                     flag_secret),
                leaf("access_token", &oauth_config::access_token, K::string, O::benthos_seed,
                     "A value used to gain access to the protected resources on behalf of the user. Empty "
                     "means "
                     "two-legged OAuth: no `oauth_token` parameter is sent."),
                leaf("access_token_secret", &oauth_config::access_token_secret, K::string, O::benthos_seed,
                     "A secret provided in order to establish ownership of a given access token.",
                     flag_secret),
                leaf("request_url", &oauth_config::request_url, K::string, O::benthos_seed,
                     "The URL of the OAuth provider. Benthos never used this field; wsout signs this URL's "
                     "base "
                     "string URI, and merges this URL's query parameters, instead of those derived from "
                     "`url` when it "
                     "is set (useful when the server sits behind a reverse proxy and sees another URL). "
                     "`http`, "
                     "`https`, `ws` or `wss`."),
                leaf("signature_method", &oauth_config::signature_method, K::enumeration, O::wsout,
                     "The OAuth signature method.", flag_none, oauth_signature_methods()),
            }));

        t.push_back(object("basic_auth", &config::basic_auth, O::benthos_seed,
                           "Allows you to specify basic authentication.",
                           {
                               leaf("enabled", &basic_auth_config::enabled, K::boolean, O::benthos_seed,
                                    "Whether to use basic authentication in requests (RFC 7617, sent on the "
                                    "handshake request)."),
                               leaf("username", &basic_auth_config::username, K::string, O::benthos_seed,
                                    "A username to authenticate as. It must not contain `:`."),
                               leaf("password", &basic_auth_config::password, K::string, O::benthos_seed,
                                    "A password to authenticate with.", flag_secret),
                           }));

        t.push_back(object(
            "jwt", &config::jwt, O::benthos,
            "Allows you to specify JWT authentication: a signed JSON Web Token is sent as `Authorization: "
            "Bearer "
            "<token>` on the handshake request.",
            {
                leaf("enabled", &jwt_config::enabled, K::boolean, O::benthos,
                     "Whether to use JWT authentication."),
                leaf("private_key_file", &jwt_config::private_key_file, K::string, O::benthos,
                     "A file with the PEM encoded private key used to sign the token (RSA for `RS*`, P-256 "
                     "for "
                     "`ES256`, Ed25519 for `EdDSA`). Required when `enabled` with those methods."),
                leaf("signing_method", &jwt_config::signing_method, K::enumeration, O::benthos,
                     "The method used to sign the token. Required when `enabled`.", flag_none,
                     jwt_signing_methods()),
                leaf("claims", &jwt_config::claims, K::json_object, O::benthos,
                     "Claims to add to the token (any JSON object)."),
                leaf("headers", &jwt_config::headers, K::json_object, O::benthos,
                     "Header parameters to add to the token's JOSE header (`alg` and `typ` are set by "
                     "wsout)."),
                leaf("secret", &jwt_config::secret, K::string, O::wsout,
                     "The HMAC key for `HS256`, at least 32 bytes (RFC 7518); required with it, not allowed "
                     "with the "
                     "other methods.",
                     flag_secret),
                leaf("expiry", &jwt_config::expiry, K::duration, O::wsout,
                     "When non-zero, `iat` and `exp` (now + expiry) are set freshly on every handshake, so "
                     "reconnects never present an expired token."),
            }));

        t.push_back(object(
            "tls", &config::tls, O::benthos,
            "Custom TLS settings can be used to override system defaults. A `wss://` url always uses TLS; "
            "certificates are verified against the system store unless `root_cas` or `root_cas_file` is set.",
            {
                leaf("enabled", &tls_config::enabled, K::boolean, O::benthos,
                     "Whether custom TLS settings are enabled. A `wss://` url uses TLS either way, and the "
                     "`tls` "
                     "block applies to every `wss://` connection whether or not this is set; `true` with a "
                     "`ws://` url is an error."),
                leaf(
                    "skip_cert_verify", &tls_config::skip_cert_verify, K::boolean, O::benthos,
                    "Whether to skip server side certificate verification. Dangerous: anyone on the path can "
                    "read and change the traffic. wsout logs a warning on every connect when it is set."),
                leaf(
                    "enable_renegotiation", &tls_config::enable_renegotiation, K::boolean, O::benthos,
                    "Whether to allow the remote server to repeatedly request renegotiation (TLS 1.2 only)."),
                leaf("root_cas", &tls_config::root_cas, K::string, O::benthos,
                     "An optional root certificate authority to use, as inline PEM. It replaces the system "
                     "pool. "
                     "Cannot be used with `root_cas_file`.",
                     flag_secret),
                leaf("root_cas_file", &tls_config::root_cas_file, K::string, O::benthos,
                     "An optional path of a root certificate authority file (PEM). It replaces the system "
                     "pool. "
                     "Cannot be used with `root_cas`."),
                object_list(
                    "client_certs", &tls_config::client_certs, O::benthos,
                    "A list of client certificates to use (mutual TLS). Each entry has either `cert` or "
                    "`cert_file`, and either `key` or `key_file`.",
                    {
                        leaf("cert", &client_cert_config::cert, K::string, O::benthos,
                             "A plain text certificate to use (PEM)."),
                        leaf("key", &client_cert_config::key, K::string, O::benthos,
                             "A plain text private key to use (PEM).", flag_secret),
                        leaf("cert_file", &client_cert_config::cert_file, K::string, O::benthos,
                             "The path of a certificate to use (PEM)."),
                        leaf("key_file", &client_cert_config::key_file, K::string, O::benthos,
                             "The path of a private key to use (PEM)."),
                        leaf("password", &client_cert_config::password, K::string, O::benthos,
                             "A password that decrypts an encrypted private key (PKCS#8 or legacy PEM "
                             "encryption).",
                             flag_secret),
                    }),
                leaf(
                    "server_name", &tls_config::server_name, K::string, O::wsout,
                    "Overrides the host name used for SNI and for certificate verification (empty: the url's "
                    "host)."),
                leaf("min_version", &tls_config::min_version, K::enumeration, O::wsout,
                     "The minimum TLS version accepted.", flag_none, tls_versions()),
            }));

        t.push_back(
            leaf("proxy_url", &config::proxy_url, K::string, O::benthos,
                 "An optional HTTP proxy reached with `CONNECT`: `http://[user:password@]host:port`. The "
                 "credentials (percent-encoded) are sent as `Proxy-Authorization: Basic`; the password is a "
                 "secret. `https://` proxies are not supported; the tunnel to a `wss://` server is TLS end "
                 "to end anyway. When empty, the environment is honoured as curl does: `https_proxy` / "
                 "`HTTPS_PROXY` for wss, `http_proxy` (lower case only) for ws, except for hosts matched by "
                 "`no_proxy` / `NO_PROXY`; a set `proxy_url` wins and the environment is then ignored.",
                 flag_url_userinfo));
        t.push_back(
            leaf("headers", &config::headers, K::string_map, O::benthos,
                 "A map of headers to add to the handshake request. Names must be HTTP tokens and values "
                 "must not contain CR, LF or NUL. Headers wsout sets itself (`Host`, `Upgrade`, "
                 "`Connection`, `Sec-WebSocket-*`, `Content-Length`, `Transfer-Encoding`) are rejected. "
                 "Values of credential-like headers are secrets: `Authorization`, `Proxy-Authorization`, "
                 "`Cookie`, `Set-Cookie`, and names containing `token`, `secret`, `password`, `passwd`, "
                 "`key`, `auth` or `session` (case-insensitive).",
                 flag_header_values));
        t.push_back(
            leaf("subprotocols", &config::subprotocols, K::string_list, O::wsout,
                 "Subprotocols offered in `Sec-WebSocket-Protocol`, in order of preference. Each must be "
                 "an HTTP token; duplicates are rejected. A server that selects one that was not offered "
                 "fails the handshake."));
        t.push_back(
            leaf("message_type", &config::message_type, K::enumeration, O::wsout,
                 "The WebSocket message type used for every message. Benthos always sends binary. `text` "
                 "messages must be valid UTF-8 (servers close the connection otherwise).",
                 flag_none, {"binary", "text"}));
        t.push_back(
            leaf("compression", &config::compression, K::boolean, O::wsout,
                 "Whether to offer permessage-deflate (RFC 7692): the offer is `permessage-deflate; "
                 "client_max_window_bits`, and every answer RFC 7692 allows is honoured (the server's "
                 "window bits for either side, `client_no_context_takeover`, "
                 "`server_no_context_takeover`). A server that declines gets uncompressed messages (logged "
                 "at info); an invalid answer fails the handshake with `bad_extension`. Each connection "
                 "starts a new compression context: messages re-sent after a reconnect are compressed "
                 "again. It costs client CPU per message (see README, \"Compression\") and about 300 KiB "
                 "of memory per connection; it pays off for large, repetitive text on slow links. Inbound "
                 "compressed messages are inflated to check them (`max_inbound_message_bytes` applies to "
                 "the inflated size)."));
        t.push_back(leaf("compression_level", &config::compression_level, K::count, O::wsout,
                         "The zlib compression level, 1 (fastest) to 9 (smallest), used when "
                         "permessage-deflate is agreed."));

        t.push_back(object(
            "backoff", &config::backoff, O::wsout,
            "How reconnects are paced after a failure. The defaults are the values Benthos uses for "
            "its output "
            "retries.",
            {
                leaf("initial_interval", &backoff_config::initial_interval, K::duration, O::wsout,
                     "The wait before the first reconnect attempt. Must be greater than zero."),
                leaf("max_interval", &backoff_config::max_interval, K::duration, O::wsout,
                     "The longest wait between attempts. Must not be less than `initial_interval`."),
                leaf("max_elapsed_time", &backoff_config::max_elapsed_time, K::duration, O::wsout,
                     "Give up reconnecting after this long (the operation fails with "
                     "`retries_exhausted`). `0s` "
                     "retries forever, as Benthos does."),
                leaf("multiplier", &backoff_config::multiplier, K::number, O::wsout,
                     "Each wait is the previous one times this factor (at least 1), capped at "
                     "`max_interval`."),
                leaf("jitter", &backoff_config::jitter, K::number, O::wsout,
                     "Randomisation factor in [0, 1]: each wait is scaled by a random factor in "
                     "[1 - jitter, 1 + jitter]."),
                leaf("retry_permanent_errors", &backoff_config::retry_permanent_errors, K::boolean, O::wsout,
                     "By default a reconnect that fails in a way retrying will not fix (HTTP 4xx "
                     "except 408 and 429 on the handshake, a proxy's 401/403/407, certificate and "
                     "TLS-parameter errors, handshake violations) fails the waiting messages with "
                     "that error at once (`ec == wsout::condition::permanent`). `true` retries those "
                     "too, with the same backoff and `max_elapsed_time`: for a server that answers "
                     "404 during a deploy or 401 while its credentials rotate."),
            }));

        t.push_back(object("timeouts", &config::timeouts, O::wsout,
                           "Limits for each step of the connection's life. `0s` disables a limit.",
                           {
                               leaf("connect", &timeouts_config::connect, K::duration, O::wsout,
                                    "Resolving, the TCP connect, the proxy `CONNECT` and the TLS handshake "
                                    "together."),
                               leaf("handshake", &timeouts_config::handshake, K::duration, O::wsout,
                                    "The WebSocket upgrade request and the server's response."),
                               leaf("write", &timeouts_config::write, K::duration, O::wsout,
                                    "One write operation, from the call until its bytes are handed to the "
                                    "kernel (and confirmed, with `delivery.confirm`)."),
                               leaf("close", &timeouts_config::close, K::duration, O::wsout,
                                    "Waiting for the server's close frame after ours."),
                           }));

        t.push_back(object("keepalive", &config::keepalive, O::wsout,
                           "Pings on an idle connection, and detection of a dead peer (Benthos has none).",
                           {
                               leaf("ping_interval", &keepalive_config::ping_interval, K::duration, O::wsout,
                                    "A ping is sent after this long without outbound traffic. `0s` disables "
                                    "pings."),
                               leaf("pong_timeout", &keepalive_config::pong_timeout, K::duration, O::wsout,
                                    "The connection is declared dead when nothing arrives this long after a "
                                    "ping. `0s` disables the check."),
                           }));

        t.push_back(object(
            "tcp", &config::tcp, O::wsout, "Options of the TCP socket (to the server, or to the proxy).",
            {
                leaf("no_delay", &tcp_config::no_delay, K::boolean, O::wsout,
                     "Set TCP_NODELAY: each socket write leaves at once. wsout packs queued messages into "
                     "large writes itself, so Nagle's algorithm only adds latency there (up to the peer's "
                     "delayed-ACK time, often 40 ms, for a message sent while earlier data is "
                     "unacknowledged). `false` suits a producer that makes many tiny blocking `write` "
                     "calls one at a time and cares about throughput, not latency: the kernel then "
                     "coalesces them (see README, \"Performance\")."),
            }));

        t.push_back(object(
            "delivery", &config::delivery, O::wsout,
            "How strongly a message is confirmed as sent before its write completes (see the delivery "
            "contract in "
            "the README).",
            {
                leaf("confirm", &delivery_config::confirm, K::enumeration, O::wsout,
                     "`none`: sent once the last byte is handed to the kernel. `ping`: sent once a pong "
                     "fenced "
                     "after the message came back (on Benthos-like servers that proves the message was "
                     "consumed). "
                     "`tcp`: sent once the peer's TCP acknowledged the bytes (Linux).",
                     flag_none, {"none", "ping", "tcp"}),
                leaf("confirm_every_messages", &delivery_config::confirm_every_messages, K::count, O::wsout,
                     "A confirmation fence is sent at least every this many messages (at least 1)."),
                leaf("confirm_interval", &delivery_config::confirm_interval, K::duration, O::wsout,
                     "... and at least this often while messages are unconfirmed."),
            }));

        t.push_back(leaf("max_in_flight", &config::max_in_flight, K::count, O::wsout,
                         "The most messages accepted but not yet reported as sent; further writes wait (or "
                         "`try_write` returns `would_block`). At least 1. Benthos has one write in flight."));
        t.push_back(
            leaf("max_in_flight_bytes", &config::max_in_flight_bytes, K::size, O::wsout,
                 "The most payload bytes accepted but not yet reported as sent. At least 1; a single "
                 "larger message is still accepted when nothing else is in flight. An integer or a size "
                 "string (`\"64KiB\"`, `\"16MiB\"`, `\"1GB\"`)."));
        t.push_back(leaf(
            "write_buffer_bytes", &config::write_buffer_bytes, K::size, O::wsout,
            "The coalescing limit: queued messages are framed into one socket write of up to this many "
            "bytes, so many small messages leave in one system call. A message larger than it still "
            "goes out as one frame, in several writes (and a blocking `write` of it takes the "
            "asynchronous path). 4 KiB to 64 MiB; the default, 256 KiB, is where pipelined throughput "
            "stops growing on loopback (`bench/results/write_buffer.md`). An integer or a size string."));
        t.push_back(
            leaf("max_inbound_message_bytes", &config::max_inbound_message_bytes, K::size, O::wsout,
                 "The largest message the server may send; a larger one fails the connection. Inbound "
                 "messages are read and discarded. An integer or a size string."));
        return t;
    }();
    return fields;
}

/// Finds a field by its pointer in the bare websocket object ("/tls/enabled").
inline field_info const* find_field(std::string const& ptr)
{
    std::vector<field_info> const* level = &config_fields();
    field_info const* found = nullptr;
    std::size_t pos = 0;
    while (pos < ptr.size() && ptr[pos] == '/')
    {
        std::size_t next = ptr.find('/', pos + 1);
        std::string name =
            ptr.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
        found = nullptr;
        for (auto const& f : *level)
            if (f.name == name)
                found = &f;
        if (!found)
            return nullptr;
        level = &found->children;
        pos = next == std::string::npos ? ptr.size() : next;
        if (found->kind == field_kind::object_list && pos < ptr.size())
        {
            // skip the index
            std::size_t after = ptr.find('/', pos + 1);
            pos = after == std::string::npos ? ptr.size() : after;
        }
    }
    return found;
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
