//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// Tests of the config model (config.hpp), urls (url.hpp) and the generated
// schema and reference (config_schema.hpp).

// The headers are self-contained: each is included first somewhere.
#include <wsout/config.hpp>
#include <wsout/config_schema.hpp>
#include <wsout/url.hpp>

#include "support/catch.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#ifndef WSOUT_SOURCE_DIR
#error "WSOUT_SOURCE_DIR must name the source tree (set by tests/CMakeLists.txt)"
#endif

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

wsout::env_lookup fake_env(std::map<std::string, std::string> vars)
{
    return [vars = std::move(vars)](std::string const& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

wsout::env_lookup no_env()
{
    return fake_env({});
}

wsout::config parse(std::string const& text, wsout::env_lookup const& env = no_env())
{
    return wsout::parse_config(std::string_view(text), env);
}

// The config_error of parsing `text`, or a failed check.
std::string error_of(std::string const& text, wsout::env_lookup const& env = no_env())
{
    try
    {
        parse(text, env);
    }
    catch (wsout::config_error const& e)
    {
        return e.what();
    }
    catch (std::exception const& e)
    {
        FAIL("not a config_error: " << e.what());
    }
    FAIL("no error for " << text);
    return {};
}

std::string validate_error(wsout::config const& c)
{
    try
    {
        wsout::validate(c);
    }
    catch (wsout::config_error const& e)
    {
        return e.what();
    }
    FAIL("validate accepted the config");
    return {};
}

bool starts_with(std::string const& s, std::string const& prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::string read_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string source_path(std::string const& rel)
{
    return std::string(WSOUT_SOURCE_DIR) + "/" + rel;
}

// A config with every field set to something other than its default.
char const* const every_field = R"({
  "url": "wss://Example.COM:8443/path/to?x=1&y=2",
  "label": "my_output_1",
  "oauth": {
    "enabled": false,
    "consumer_key": "ck",
    "consumer_secret": "oauth-consumer-secret-1",
    "access_token": "at",
    "access_token_secret": "oauth-token-secret-2",
    "request_url": "https://api.example.com/stream",
    "signature_method": "HMAC-SHA256"
  },
  "basic_auth": { "enabled": true, "username": "user", "password": "basic-password-3" },
  "jwt": {
    "enabled": false,
    "private_key_file": "/keys/jwt.pem",
    "signing_method": "RS384",
    "claims": { "iss": "me", "n": 3 },
    "headers": { "kid": "k1" },
    "secret": "jwt-hmac-secret-4",
    "expiry": "10m"
  },
  "tls": {
    "enabled": true,
    "skip_cert_verify": true,
    "enable_renegotiation": true,
    "root_cas": "-----BEGIN CERTIFICATE-----root-cas-secret-5",
    "root_cas_file": "",
    "client_certs": [
      { "cert": "CERT-PEM", "key": "client-key-secret-6", "cert_file": "", "key_file": "", "password": "key-password-7" },
      { "cert": "", "key": "", "cert_file": "/c.pem", "key_file": "/c.key", "password": "" }
    ],
    "server_name": "other.example.com",
    "min_version": "1.3"
  },
  "proxy_url": "http://puser:proxy-password-8@proxy.local:3128",
  "headers": { "X-Trace": "abc", "Authorization-Token": "header-token-9", "Cookie": "session=cookie-10" },
  "subprotocols": ["v2.proto", "v1.proto"],
  "message_type": "text",
  "compression": true,
  "compression_level": 1,
  "backoff": { "initial_interval": "250ms", "max_interval": "30s", "max_elapsed_time": "5m", "multiplier": 2.0, "jitter": 0.25, "retry_permanent_errors": true },
  "timeouts": { "connect": "1s", "handshake": "2s", "write": "3s", "close": "4s" },
  "keepalive": { "ping_interval": "1m", "pong_timeout": "7s" },
  "tcp": { "no_delay": false },
  "delivery": { "confirm": "ping", "confirm_every_messages": 10, "confirm_interval": "50ms" },
  "max_in_flight": 100,
  "max_in_flight_bytes": "1MiB",
  "write_buffer_bytes": "64KiB",
  "max_inbound_message_bytes": 4096
})";

std::vector<std::string> const secret_values = {"oauth-consumer-secret-1", "oauth-token-secret-2",
                                                "basic-password-3",        "jwt-hmac-secret-4",
                                                "root-cas-secret-5",       "client-key-secret-6",
                                                "key-password-7",          "proxy-password-8",
                                                "header-token-9",          "cookie-10"};

//------------------------------------------------------------------------------
// A small JSON Schema checker: enough of draft 2020-12 for our own schema
// (type, enum, pattern, minimum, properties, additionalProperties, required,
// items, oneOf, $ref to #/$defs/...).

bool type_matches(std::string const& t, json const& v)
{
    if (t == "object")
        return v.is_object();
    if (t == "array")
        return v.is_array();
    if (t == "string")
        return v.is_string();
    if (t == "boolean")
        return v.is_boolean();
    if (t == "integer")
        return v.is_number_integer() || v.is_number_unsigned() ||
               (v.is_number_float() &&
                v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
    if (t == "number")
        return v.is_number();
    if (t == "null")
        return v.is_null();
    FAIL("schema uses unknown type " << t);
    return false;
}

void schema_check(
    json const& root, json const& s, json const& v, std::string const& ptr, std::vector<std::string>& errors)
{
    static std::set<std::string> const known = {
        "$schema",  "title", "description", "$defs",          "oneOf",         "$ref",
        "type",     "enum",  "pattern",     "minimum",        "properties",    "additionalProperties",
        "required", "items", "default",     "x-wsout-secret", "x-wsout-origin"};
    for (auto it = s.begin(); it != s.end(); ++it)
        if (!known.count(it.key()))
            FAIL("the checker does not know schema keyword " << it.key());
    if (s.contains("$ref"))
    {
        std::string ref = s["$ref"];
        REQUIRE(starts_with(ref, "#/$defs/"));
        schema_check(root, root["$defs"][ref.substr(8)], v, ptr, errors);
    }
    if (s.contains("oneOf"))
    {
        int matches = 0;
        for (auto const& alt : s["oneOf"])
        {
            std::vector<std::string> e;
            schema_check(root, alt, v, ptr, e);
            matches += e.empty();
        }
        if (matches != 1)
            errors.push_back(ptr + ": matches " + std::to_string(matches) + " of oneOf");
    }
    if (s.contains("type"))
    {
        bool ok = false;
        if (s["type"].is_string())
            ok = type_matches(s["type"], v);
        else
            for (auto const& t : s["type"])
                ok = ok || type_matches(t, v);
        if (!ok)
        {
            errors.push_back(ptr + ": wrong type " + v.type_name());
            return;
        }
    }
    if (s.contains("enum"))
    {
        bool found = false;
        for (auto const& e : s["enum"])
            found = found || e == v;
        if (!found)
            errors.push_back(ptr + ": not in enum");
    }
    if (s.contains("pattern") && v.is_string())
        if (!std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>())))
            errors.push_back(ptr + ": does not match " + s["pattern"].get<std::string>());
    if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>())
        errors.push_back(ptr + ": below minimum");
    if (v.is_object())
    {
        if (s.contains("required"))
            for (auto const& r : s["required"])
                if (!v.contains(r.get<std::string>()))
                    errors.push_back(ptr + ": missing " + r.get<std::string>());
        for (auto it = v.begin(); it != v.end(); ++it)
        {
            std::string const p = ptr + "/" + it.key();
            if (s.contains("properties") && s["properties"].contains(it.key()))
                schema_check(root, s["properties"][it.key()], it.value(), p, errors);
            else if (s.contains("additionalProperties"))
            {
                auto const& ap = s["additionalProperties"];
                if (ap.is_boolean())
                {
                    if (!ap.get<bool>())
                        errors.push_back(p + ": additional property");
                }
                else
                    schema_check(root, ap, it.value(), p, errors);
            }
        }
    }
    if (v.is_array() && s.contains("items"))
        for (std::size_t i = 0; i < v.size(); ++i)
            schema_check(root, s["items"], v[i], ptr + "/" + std::to_string(i), errors);
}

std::vector<std::string> schema_errors(json const& v)
{
    json const schema = wsout::config_schema();
    std::vector<std::string> errors;
    schema_check(schema, schema, v, "", errors);
    return errors;
}

std::vector<std::string> const example_names = {
    "plain", "wss_private_ca", "mtls", "basic", "oauth1", "jwt", "proxy", "benthos_output_section"};

wsout::env_lookup example_env()
{
    return fake_env({{"WSOUT_PASSWORD", "pw"},
                     {"OAUTH_CONSUMER_SECRET", "cs"},
                     {"OAUTH_TOKEN_SECRET", "ts"},
                     {"PROXY_PASSWORD", "pp"},
                     {"HOSTNAME", "box1"}});
}

} // namespace

//------------------------------------------------------------------------------

TEST_CASE("defaults equal the seed and Benthos", "[config]")
{
    wsout::config const c;
    CHECK(c.url == "ws://localhost:4195/post/ws");
    CHECK(c.label.empty());
    CHECK_FALSE(c.oauth.enabled);
    CHECK(c.oauth.consumer_key.empty());
    CHECK(c.oauth.consumer_secret.empty());
    CHECK(c.oauth.access_token.empty());
    CHECK(c.oauth.access_token_secret.empty());
    CHECK(c.oauth.request_url.empty());
    CHECK_FALSE(c.basic_auth.enabled);
    CHECK(c.basic_auth.username.empty());
    CHECK(c.basic_auth.password.empty());
    CHECK_FALSE(c.jwt.enabled);
    CHECK_FALSE(c.tls.enabled);
    CHECK(c.proxy_url.empty());
    CHECK(c.headers.empty());
    CHECK(c.subprotocols.empty());
    CHECK(c.message_type == wsout::message_kind::binary);
    CHECK_FALSE(c.compression);
    CHECK(c.backoff.initial_interval == 500ms);
    CHECK(c.backoff.max_interval == 1s);
    CHECK(c.backoff.max_elapsed_time == 0s);

    // Every accepted shape of an empty config gives the defaults, and the
    // defaults are valid.
    CHECK(parse("{}") == c);
    CHECK(parse(R"({"websocket": {}})") == c);
    CHECK(parse(R"({"output": {"websocket": {}}})") == c);
    CHECK_NOTHROW(wsout::validate(c));

    // The seed's documented defaults, as JSON.
    json j = wsout::to_json(c, wsout::secrets::reveal);
    CHECK(j["url"] == "ws://localhost:4195/post/ws");
    CHECK(j["oauth"] == json({{"enabled", false},
                              {"consumer_key", ""},
                              {"consumer_secret", ""},
                              {"access_token", ""},
                              {"access_token_secret", ""},
                              {"request_url", ""},
                              {"signature_method", "HMAC-SHA1"}}));
    CHECK(j["basic_auth"] == json({{"enabled", false}, {"username", ""}, {"password", ""}}));
    CHECK(j["backoff"]["initial_interval"] == "500ms");
    CHECK(j["backoff"]["max_interval"] == "1s");
    CHECK(j["backoff"]["max_elapsed_time"] == "0s");
}

TEST_CASE("every field is parsed", "[config]")
{
    wsout::config const c = parse(every_field);
    CHECK(c.url == "wss://Example.COM:8443/path/to?x=1&y=2");
    CHECK(c.label == "my_output_1");
    CHECK_FALSE(c.oauth.enabled);
    CHECK(c.oauth.consumer_key == "ck");
    CHECK(c.oauth.consumer_secret == "oauth-consumer-secret-1");
    CHECK(c.oauth.access_token == "at");
    CHECK(c.oauth.access_token_secret == "oauth-token-secret-2");
    CHECK(c.oauth.request_url == "https://api.example.com/stream");
    CHECK(c.oauth.signature_method == "HMAC-SHA256");
    CHECK(c.basic_auth.enabled);
    CHECK(c.basic_auth.username == "user");
    CHECK(c.basic_auth.password == "basic-password-3");
    CHECK(c.jwt.private_key_file == "/keys/jwt.pem");
    CHECK(c.jwt.signing_method == "RS384");
    CHECK(c.jwt.claims == json({{"iss", "me"}, {"n", 3}}));
    CHECK(c.jwt.headers == json({{"kid", "k1"}}));
    CHECK(c.jwt.secret == "jwt-hmac-secret-4");
    CHECK(c.jwt.expiry == 10min);
    CHECK(c.tls.enabled);
    CHECK(c.tls.skip_cert_verify);
    CHECK(c.tls.enable_renegotiation);
    CHECK(c.tls.root_cas == "-----BEGIN CERTIFICATE-----root-cas-secret-5");
    REQUIRE(c.tls.client_certs.size() == 2);
    CHECK(c.tls.client_certs[0].cert == "CERT-PEM");
    CHECK(c.tls.client_certs[0].key == "client-key-secret-6");
    CHECK(c.tls.client_certs[0].password == "key-password-7");
    CHECK(c.tls.client_certs[1].cert_file == "/c.pem");
    CHECK(c.tls.client_certs[1].key_file == "/c.key");
    CHECK(c.tls.server_name == "other.example.com");
    CHECK(c.tls.min_version == "1.3");
    CHECK(c.proxy_url == "http://puser:proxy-password-8@proxy.local:3128");
    CHECK(c.headers.size() == 3);
    CHECK(c.headers.at("X-Trace") == "abc");
    CHECK(c.subprotocols == std::vector<std::string>{"v2.proto", "v1.proto"});
    CHECK(c.message_type == wsout::message_kind::text);
    CHECK(c.compression);
    CHECK(c.compression_level == 1);
    CHECK(c.backoff.initial_interval == 250ms);
    CHECK(c.backoff.max_interval == 30s);
    CHECK(c.backoff.max_elapsed_time == 5min);
    CHECK(c.backoff.multiplier == 2.0);
    CHECK(c.backoff.jitter == 0.25);
    CHECK(c.backoff.retry_permanent_errors);
    CHECK(c.timeouts.connect == 1s);
    CHECK(c.timeouts.handshake == 2s);
    CHECK(c.timeouts.write == 3s);
    CHECK(c.timeouts.close == 4s);
    CHECK(c.keepalive.ping_interval == 1min);
    CHECK(c.keepalive.pong_timeout == 7s);
    CHECK_FALSE(c.tcp.no_delay);
    CHECK(c.delivery.confirm == wsout::confirm_mode::ping);
    CHECK(c.delivery.confirm_every_messages == 10);
    CHECK(c.delivery.confirm_interval == 50ms);
    CHECK(c.max_in_flight == 100);
    CHECK(c.max_in_flight_bytes == 1u << 20);
    CHECK(c.write_buffer_bytes == 64u << 10);
    CHECK(c.max_inbound_message_bytes == 4096);

    // Every leaf of the printed config differs from the default: no field is
    // left out of the table (or of this test).
    json const all = wsout::to_json(c, wsout::secrets::reveal);
    json const def = wsout::to_json(wsout::config{}, wsout::secrets::reveal);
    json const flat_all = all.flatten();
    json const flat_def = def.flatten();
    for (auto it = flat_def.begin(); it != flat_def.end(); ++it)
    {
        INFO(it.key());
        // These exclude a field that is set: checked below.
        if (it.key() == "/tls/root_cas_file" || it.key() == "/oauth/enabled" || it.key() == "/jwt/enabled")
            continue;
        if (flat_all.contains(it.key()))
            CHECK(flat_all[it.key()] != it.value());
        else // an empty container by default: the full config fills it
        {
            bool filled = false;
            for (auto const& kv : flat_all.items())
                filled = filled || starts_with(kv.key(), it.key() + "/");
            CHECK(filled);
        }
    }
    // Same number of top-level fields as the struct's table.
    CHECK(def.size() == 21);

    CHECK(
        parse(R"({"oauth": {"enabled": true, "consumer_key": "k", "consumer_secret": "s"}})").oauth.enabled);
    CHECK(
        parse(
            R"({"jwt": {"enabled": true, "signing_method": "HS256", "secret": "0123456789abcdef0123456789abcdef"}})")
            .jwt.enabled);
    CHECK(parse(R"({"url": "wss://h/", "tls": {"root_cas_file": "/ca.pem"}})").tls.root_cas_file ==
          "/ca.pem");
}

TEST_CASE("the three shapes", "[config]")
{
    auto const a = parse(R"({"url": "ws://h:1/a"})");
    auto const b = parse(R"({"websocket": {"url": "ws://h:1/a"}})");
    auto const c = parse(R"({"output": {"websocket": {"url": "ws://h:1/a"}}})");
    CHECK(a == b);
    CHECK(a == c);
    CHECK(a.url == "ws://h:1/a");

    auto const l = parse(R"({"output": {"label": "ws_out", "websocket": {"url": "ws://h:1/a"}}})");
    CHECK(l.label == "ws_out");
    CHECK(parse(R"({"label": "x1", "websocket": {}})").label == "x1");
    CHECK(parse(R"({"label": "x2"})").label == "x2");

    // Errors carry the document's own pointers.
    CHECK(error_of(R"({"output": {"label": "a", "websocket": {}, "foo": 1}})") ==
          "/output/foo: unknown field (valid fields: label, websocket) (wsout reads only output.label and "
          "output.websocket)");
    CHECK(starts_with(error_of(R"({"output": {"websocket": {"urll": "ws://h/"}}})"),
                      "/output/websocket/urll: unknown field; did you mean \"url\"?"));
    CHECK(starts_with(error_of(R"({"output": {"websocket": {"url": "http://h/"}}})"),
                      "/output/websocket/url: unsupported scheme \"http\""));
    CHECK(starts_with(error_of(R"({"output": {"websocket": {"tls": {"enabled": true}}}})"),
                      "/output/websocket/tls/enabled: TLS needs a wss:// url"));
    CHECK(starts_with(error_of(R"({"output": {"label": "Bad-Label", "websocket": {}}})"),
                      "/output/label: invalid label"));
    CHECK(starts_with(error_of(R"({"output": {"websocket": {"label": "x"}}})"),
                      "/output/websocket/label: in an output section the label belongs at /output/label"));
    CHECK(
        starts_with(error_of(R"({"output": {"http_client": {}}})"), "/output: expected a websocket output"));
    CHECK(starts_with(error_of(R"({"output": {}, "input": {}})"), "/input: unknown field"));
    CHECK(starts_with(error_of(R"({"websocket": {}, "extra": 1})"), "/extra: unknown field"));
    CHECK(starts_with(error_of(R"({"websocket": [], "label": "a"})"),
                      "/websocket: expected object, got array"));
    CHECK(starts_with(error_of(R"({"websockets": {}})"),
                      "/websockets: unknown field; did you mean \"websocket\"?"));
    CHECK(error_of("[]") == "expected a JSON object at the root, got array");
    CHECK(error_of("null") == "expected a JSON object at the root, got null");
}

namespace {

struct bad_case
{
    char const* json;
    char const* pointer;
    char const* contains;
};

} // namespace

TEST_CASE("bad input names the pointer and the expectation", "[config]")
{
    std::vector<bad_case> const cases = {
        // unknown fields, with suggestions
        {R"({"tls": {"enabeld": true}})", "/tls/enabeld", "unknown field; did you mean \"enabled\"?"},
        {R"({"oauth": {"consumerKey": "x"}})", "/oauth/consumerKey", "did you mean \"consumer_key\"?"},
        {R"({"basic_auth": {"pasword": "x"}})", "/basic_auth/pasword", "did you mean \"password\"?"},
        {R"({"max_inflight": 3})", "/max_inflight", "did you mean \"max_in_flight\"?"},
        {R"({"zzzzzz": 3})", "/zzzzzz", "unknown field (valid fields: url, label,"},
        {R"({"tls": {"client_certs": [{"certfile": "a"}]}})", "/tls/client_certs/0/certfile",
         "did you mean \"cert_file\"?"},
        // wrong types
        {R"({"basic_auth": {"enabled": "yes"}})", "/basic_auth/enabled", "expected bool, got string \"yes\""},
        {R"({"oauth": {"enabled": 1}})", "/oauth/enabled", "expected bool, got integer 1"},
        {R"({"url": 5})", "/url", "expected string, got integer 5"},
        {R"({"tls": []})", "/tls", "expected object, got array"},
        {R"({"tls": null})", "/tls", "expected object, got null"},
        {R"({"headers": {"X-A": 1}})", "/headers/X-A", "expected string, got integer"},
        {R"({"headers": []})", "/headers", "expected object of strings, got array"},
        {R"({"subprotocols": "chat"})", "/subprotocols", "expected array of strings, got string"},
        {R"({"subprotocols": ["a", 2]})", "/subprotocols/1", "expected string, got integer"},
        {R"({"jwt": {"claims": []}})", "/jwt/claims", "expected object, got array"},
        {R"({"tls": {"client_certs": {}}})", "/tls/client_certs", "expected array of objects, got object"},
        {R"({"tls": {"client_certs": [1]}})", "/tls/client_certs/0", "expected object, got integer"},
        {R"({"backoff": {"multiplier": "2"}})", "/backoff/multiplier", "expected number, got string \"2\""},
        {R"({"compression": null})", "/compression", "expected bool, got null"},
        // bad enum values
        {R"({"message_type": "txt"})", "/message_type",
         "unknown value \"txt\" (expected one of: binary, text); did you mean \"text\"?"},
        {R"({"delivery": {"confirm": "pong"}})", "/delivery/confirm",
         "(expected one of: none, ping, tcp); did you mean \"ping\"?"},
        {R"({"oauth": {"signature_method": "RSA-SHA1"}})", "/oauth/signature_method",
         "expected one of: HMAC-SHA1, HMAC-SHA256, PLAINTEXT"},
        {R"({"tls": {"min_version": "1.1"}})", "/tls/min_version", "expected one of: 1.2, 1.3"},
        {R"({"jwt": {"signing_method": "rs256"}})", "/jwt/signing_method", "did you mean \"RS256\"?"},
        // bad durations
        {R"({"timeouts": {"connect": "10"}})", "/timeouts/connect", "invalid duration \"10\": missing unit"},
        {R"({"timeouts": {"connect": "10 s"}})", "/timeouts/connect", "unknown unit \" s\""},
        {R"({"timeouts": {"connect": "10sec"}})", "/timeouts/connect",
         "unknown unit \"sec\" (expected ns, us, ms, s, m or h)"},
        {R"({"timeouts": {"connect": "-1s"}})", "/timeouts/connect", "negative durations are not allowed"},
        {R"({"timeouts": {"connect": ""}})", "/timeouts/connect", "empty duration"},
        {R"({"timeouts": {"connect": 10}})", "/timeouts/connect",
         "expected a duration string such as \"500ms\""},
        {R"({"keepalive": {"ping_interval": "9999999h"}})", "/keepalive/ping_interval", "out of range"},
        {R"({"tcp": {"no_delay": "no"}})", "/tcp/no_delay", "expected bool, got string"},
        {R"({"tcp": {"nodelay": true}})", "/tcp/nodelay", "did you mean \"no_delay\"?"},
        // bad sizes and counts
        {R"({"max_in_flight_bytes": "16 MiB"})", "/max_in_flight_bytes", "unknown size unit"},
        {R"({"max_in_flight_bytes": "lots"})", "/max_in_flight_bytes", "is not a size"},
        {R"({"max_in_flight_bytes": -1})", "/max_in_flight_bytes", "must not be negative"},
        {R"({"max_in_flight_bytes": 0})", "/max_in_flight_bytes", "must be at least 1"},
        {R"({"write_buffer_bytes": 100})", "/write_buffer_bytes",
         "must be in 4096..67108864 (4 KiB to 64 MiB), got 100"},
        {R"({"write_buffer_bytes": "1GiB"})", "/write_buffer_bytes", "must be in 4096..67108864"},
        {R"({"max_in_flight": 1.5})", "/max_in_flight", "expected a non-negative integer, got number 1.5"},
        {R"({"max_in_flight": "10"})", "/max_in_flight",
         "expected a non-negative integer, got string \"10\""},
        {R"({"max_in_flight": 0})", "/max_in_flight", "must be at least 1"},
        {R"({"compression_level": 0})", "/compression_level", "must be in 1..9, got 0"},
        {R"({"compression_level": 10})", "/compression_level", "must be in 1..9, got 10"},
        {R"({"max_inbound_message_bytes": 99999999999999999999999})", "/max_inbound_message_bytes",
         "expected"},
        {R"({"delivery": {"confirm_every_messages": 0}})", "/delivery/confirm_every_messages",
         "must be at least 1"},
        // urls
        {R"({"url": "http://localhost/"})", "/url", "unsupported scheme \"http\" (expected ws:// or wss://)"},
        {R"({"url": "localhost:4195"})", "/url", "not an absolute url"},
        {R"({"url": "ws://:4195/"})", "/url", "empty host"},
        {R"({"url": "ws://h:0/"})", "/url", "bad port 0 (expected a number in 1..65535)"},
        {R"({"url": "ws://h:65536/"})", "/url", "bad port 65536"},
        {R"({"url": "ws://h:80a/"})", "/url", "bad port \"80a\""},
        {R"({"url": "ws://h:/"})", "/url", "empty port"},
        {R"({"url": "ws://::1:80/"})", "/url", "IPv6 literals must be written in brackets"},
        {R"({"url": "ws://[::1/"})", "/url", "unterminated IPv6 literal"},
        {R"({"url": "ws://[::g]/"})", "/url", "invalid IPv6 literal"},
        {R"({"url": "ws://user:pw@h/"})", "/url",
         "credentials in the url are not supported (use /basic_auth)"},
        {R"({"url": "ws://h/a#frag"})", "/url", "fragment"},
        {R"({"url": "ws://h/a b"})", "/url", "space"},
        {R"({"url": "ws://h/a\r\nX: y"})", "/url", "control character CR"},
        {R"({"url": ""})", "/url", "empty url"},
        {R"({"oauth": {"request_url": "ftp://x/"}})", "/oauth/request_url", "unsupported scheme \"ftp\""},
        {R"({"proxy_url": "https://proxy:3128"})", "/proxy_url", "https:// proxies are not supported"},
        {R"({"proxy_url": "socks5://proxy:1080"})", "/proxy_url",
         "unsupported scheme \"socks5\" (expected http://)"},
        {R"({"proxy_url": "http://proxy:3128/path"})", "/proxy_url", "a proxy url has no path"},
        {R"({"proxy_url": "http://proxy:99999"})", "/proxy_url", "bad port"},
        // headers and subprotocols
        {R"({"headers": {"X-A": "a\r\nInjected: yes"}})", "/headers/X-A",
         "invalid header value: contains CR"},
        {R"({"headers": {"X-A": "a\u0000"}})", "/headers/X-A", "contains NUL"},
        {R"({"headers": {"X A": "v"}})", "/headers/X A", "invalid header name: ' ' (space) is not allowed"},
        {R"({"headers": {"X:A": "v"}})", "/headers/X:A", "invalid header name"},
        {R"({"headers": {"": "v"}})", "/headers/", "empty header name"},
        {R"({"headers": {"host": "evil"}})", "/headers/host", "set by wsout for the WebSocket handshake"},
        {R"({"headers": {"Sec-WebSocket-Key": "x"}})", "/headers/Sec-WebSocket-Key", "cannot be overridden"},
        {R"({"headers": {"Upgrade": "x"}})", "/headers/Upgrade", "cannot be overridden"},
        {R"({"headers": {"CONNECTION": "x"}})", "/headers/CONNECTION", "cannot be overridden"},
        {R"({"headers": {"Sec-WebSocket-Version": "x"}})", "/headers/Sec-WebSocket-Version",
         "cannot be overridden"},
        {R"({"headers": {"Sec-WebSocket-Accept": "x"}})", "/headers/Sec-WebSocket-Accept",
         "cannot be overridden"},
        {R"({"headers": {"Sec-WebSocket-Extensions": "x"}})", "/headers/Sec-WebSocket-Extensions",
         "cannot be overridden"},
        {R"({"headers": {"Sec-WebSocket-Protocol": "x"}})", "/headers/Sec-WebSocket-Protocol",
         "/subprotocols"},
        {R"({"headers": {"X-A": "1", "x-a": "2"}})", "/headers/x-a", "duplicates /headers/X-A"},
        {R"({"headers": {"Authorization": "Bearer x"}, "basic_auth": {"enabled": true, "username": "u"}})",
         "/headers/Authorization", "conflicts with /basic_auth/enabled"},
        {R"({"subprotocols": ["chat", "chat"]})", "/subprotocols/1", "duplicate subprotocol"},
        {R"({"subprotocols": ["a b"]})", "/subprotocols/0", "invalid subprotocol"},
        {R"({"subprotocols": [""]})", "/subprotocols/0", "empty subprotocol"},
        // label
        {R"({"label": "My-Output"})", "/label", "invalid label \"My-Output\" (expected lower-case letters"},
        // inconsistent settings
        {R"({"tls": {"root_cas": "PEM", "root_cas_file": "/ca.pem"}})", "/tls/root_cas_file",
         "cannot be used together with /tls/root_cas"},
        {R"({"tls": {"enabled": true}})", "/tls/enabled", "TLS needs a wss:// url, but /url is ws://"},
        {R"({"oauth": {"enabled": true}})", "/oauth/consumer_key", "required when /oauth/enabled is true"},
        {R"({"oauth": {"enabled": true, "consumer_key": "k"}})", "/oauth/consumer_secret",
         "required when /oauth/enabled is true"},
        {R"({"oauth": {"enabled": true, "consumer_key": "k", "consumer_secret": "s", "access_token_secret": "t"}})",
         "/oauth/access_token_secret", "set but /oauth/access_token is empty"},
        {R"({"jwt": {"enabled": true, "signing_method": "HS256", "secret": "short"}})", "/jwt/secret",
         "too short for HS256: 5 bytes, at least 32"},
        {R"({"jwt": {"enabled": true}})", "/jwt/signing_method",
         "required when /jwt/enabled is true (one of: RS256"},
        {R"({"jwt": {"enabled": true, "signing_method": "RS256"}})", "/jwt/private_key_file",
         "required when /jwt/signing_method is RS256"},
        {R"({"jwt": {"enabled": true, "signing_method": "HS256"}})", "/jwt/secret",
         "required when /jwt/signing_method is HS256"},
        {R"({"jwt": {"enabled": true, "signing_method": "HS256", "secret": "0123456789abcdef0123456789abcdef", "private_key_file": "/k"}})",
         "/jwt/private_key_file", "not used with HS256"},
        {R"({"jwt": {"enabled": true, "signing_method": "ES256", "secret": "s", "private_key_file": "/k"}})",
         "/jwt/secret", "only used with HS256"},
        {R"({"basic_auth": {"enabled": true, "username": "a:b"}})", "/basic_auth/username",
         "must not contain ':'"},
        {R"({"basic_auth": {"enabled": true, "username": "a\nb"}})", "/basic_auth/username",
         "control characters, found LF"},
        {R"({"basic_auth": {"enabled": true, "username": "a", "password": "p\r"}})", "/basic_auth/password",
         "control characters, found CR"},
        {R"({"basic_auth": {"enabled": true}, "oauth": {"enabled": true, "consumer_key": "k", "consumer_secret": "s"}})",
         "/basic_auth/enabled",
         "only one of oauth, basic_auth and jwt may be enabled (oauth is enabled too)"},
        {R"({"url": "wss://h/", "tls": {"client_certs": [{"key_file": "/k"}]}})", "/tls/client_certs/0",
         "needs cert or cert_file"},
        {R"({"url": "wss://h/", "tls": {"client_certs": [{"cert_file": "/c"}]}})", "/tls/client_certs/0",
         "needs key or key_file"},
        {R"({"url": "wss://h/", "tls": {"client_certs": [{"cert": "C", "cert_file": "/c", "key_file": "/k"}]}})",
         "/tls/client_certs/0/cert_file", "cannot be used together with cert"},
        {R"({"url": "wss://h/", "tls": {"client_certs": [{"cert": "C", "key": "K", "key_file": "/k"}]}})",
         "/tls/client_certs/0/key_file", "cannot be used together with key"},
        {R"({"tls": {"server_name": "a b"}})", "/tls/server_name", "invalid character"},
        {R"({"backoff": {"multiplier": 0.5}})", "/backoff/multiplier",
         "must be a finite number >= 1, got 0.5"},
        {R"({"backoff": {"jitter": 1.5}})", "/backoff/jitter", "must be in [0, 1], got 1.5"},
        {R"({"backoff": {"jitter": -0.1}})", "/backoff/jitter", "must be in [0, 1]"},
        {R"({"backoff": {"initial_interval": "0s"}})", "/backoff/initial_interval",
         "must be greater than 0s"},
        {R"({"backoff": {"initial_interval": "2s"}})", "/backoff/max_interval",
         "must not be less than /backoff/initial_interval (1s < 2s)"},
        // JSON syntax and duplicates
        {"{\"url\": \"ws://h/\",\n  \"tls\": {\"enabled\": tru}}", "", "JSON syntax error at line 2, column"},
        {"{\"url\": \"ws://h/\"", "", "JSON syntax error at line 1"},
        {R"({"tls": {"enabled": false, "enabled": true}})", "/tls/enabled", "duplicate key"},
        {R"({"tls": {"client_certs": [{}, {"cert": "a", "cert": "b"}]}})", "/tls/client_certs/1/cert",
         "duplicate key"},
    };
    for (auto const& bc : cases)
    {
        INFO(bc.json);
        std::string const what = error_of(bc.json);
        INFO(what);
        std::string const prefix = std::string(bc.pointer) + (bc.pointer[0] ? ": " : "");
        CHECK(starts_with(what, prefix));
        CHECK(what.find(bc.contains) != std::string::npos);
        // The pointer is exposed on its own too.
        try
        {
            parse(bc.json);
        }
        catch (wsout::config_error const& e)
        {
            CHECK(e.pointer() == bc.pointer);
            CHECK(what == (e.pointer().empty() ? e.problem() : e.pointer() + ": " + e.problem()));
        }
    }
}

TEST_CASE("fixture files of bad and good configs", "[config]")
{
    // tests/data/configs/index.json lists the fixtures: each bad one with
    // its exact message, each good one must load. (wsout-cat's tests can use
    // the same files.)
    std::ifstream index(source_path("tests/data/configs/index.json"));
    REQUIRE(index);
    json const list = json::parse(index);
    REQUIRE(list.size() >= 5);
    for (auto const& entry : list)
    {
        std::string const file = source_path("tests/data/configs/" + entry["file"].get<std::string>());
        INFO(file);
        if (entry.contains("error"))
        {
            try
            {
                wsout::load_config_file(file, no_env());
                FAIL("accepted");
            }
            catch (wsout::config_error const& e)
            {
                std::string expected = entry["error"].get<std::string>();
                auto const at = expected.find("{path}");
                if (at != std::string::npos)
                    expected.replace(at, 6, file);
                CHECK(std::string(e.what()) == expected);
            }
        }
        else
            CHECK_NOTHROW(wsout::load_config_file(file, no_env()));
    }
}

TEST_CASE("messages never contain secret values", "[config][secrets]")
{
    CHECK(error_of(R"({"basic_auth": {"password": 12345678}})") ==
          "/basic_auth/password: expected string, got integer");
    CHECK(error_of(R"({"oauth": {"consumer_secret": true}})") ==
          "/oauth/consumer_secret: expected string, got bool");
    std::string const hdr = error_of(R"({"headers": {"Authorization": "Bearer sekrit-token\n"}})");
    CHECK(hdr.find("sekrit") == std::string::npos);
    std::string const pw =
        error_of(R"({"basic_auth": {"enabled": true, "username": "u", "password": "pass\u0000word-zz"}})");
    CHECK(pw.find("word-zz") == std::string::npos);
    std::string const proxy = error_of(R"({"proxy_url": "http://u:topsecretpw@proxy:0"})");
    CHECK(proxy.find("topsecretpw") == std::string::npos);
    std::string const url = error_of(R"({"url": "ws://u:topsecretpw@h/"})");
    CHECK(url.find("topsecretpw") == std::string::npos);
    // A syntax error right after a secret does not echo it.
    std::string const syn = error_of("{\"basic_auth\": {\"password\": \"hunter2-secret\nmore\"}}");
    CHECK(syn.find("hunter2") == std::string::npos);
    std::string const env = error_of(R"({"basic_auth": {"password": "${MISSING_PW}"}})");
    CHECK(env == "/basic_auth/password: environment variable MISSING_PW is not set (set it, or write "
                 "${MISSING_PW:default} to give a default)");
}

TEST_CASE("environment interpolation", "[config][env]")
{
    auto env = fake_env({{"HOST", "example.org"},
                         {"PORT", "9000"},
                         {"EMPTY", ""},
                         {"ON", "true"},
                         {"N", "42"},
                         {"F", "2.5"},
                         {"BAD", "maybe"},
                         {"a.b_C", "dots"}});
    CHECK(parse(R"({"url": "ws://${HOST}:${PORT}/x"})", env).url == "ws://example.org:9000/x");
    CHECK(parse(R"({"url": "ws://${NOPE:localhost}/x"})", env).url == "ws://localhost/x");
    CHECK(parse(R"({"url": "ws://${EMPTY:fallback}/x"})", env).url == "ws://fallback/x");
    CHECK(parse(R"({"label": "${EMPTY}"})", env).label.empty());
    CHECK(parse(R"({"basic_auth": {"username": "${a.b_C}"}})", env).basic_auth.username == "dots");
    CHECK(parse(R"({"basic_auth": {"username": "${{HOST}}"}})", env).basic_auth.username == "${HOST}");
    CHECK(parse(R"({"basic_auth": {"username": "${{HOST:x}}"}})", env).basic_auth.username == "${HOST:x}");
    CHECK(parse(R"({"basic_auth": {"username": "a${HOST}b${PORT}c"}})", env).basic_auth.username ==
          "aexample.orgb9000c");
    CHECK(parse(R"({"basic_auth": {"username": "${ not a ref}"}})", env).basic_auth.username ==
          "${ not a ref}");
    CHECK(parse(R"({"basic_auth": {"username": "$HOST ${"}})", env).basic_auth.username == "$HOST ${");
    CHECK(parse(R"({"basic_auth": {"username": "${UNSET:}"}})", env).basic_auth.username.empty());
    CHECK(parse(R"({"basic_auth": {"username": "${UNSET:a:b}"}})", env).basic_auth.username == "a:b");
    // A default may hold ${...} units, as in Benthos' regex; they are not
    // interpolated again.
    CHECK(parse(R"({"basic_auth": {"username": "${UNSET:${Y}z}"}})", env).basic_auth.username == "${Y}z");
    CHECK(parse(R"({"basic_auth": {"username": "${UNSET:${A}-${B}}"}})", env).basic_auth.username ==
          "${A}-${B}");
    CHECK(parse(R"({"basic_auth": {"username": "${HOST:${Y}z}"}})", env).basic_auth.username ==
          "example.org");
    // ... and when no '}' follows the last unit, its own brace ends the
    // default (the regex backtracks).
    CHECK(parse(R"({"basic_auth": {"username": "${UNSET:${Y}"}})", env).basic_auth.username == "${Y");
    CHECK(parse(R"({"basic_auth": {"username": "${UNSET:${A}${B}"}})", env).basic_auth.username == "${A}${B");
    CHECK(parse(R"({"basic_auth": {"username": "${{UNSET:${Y}z}}"}})", env).basic_auth.username ==
          "${UNSET:${Y}z}");
    // The escaped form backtracks the same way (found by fuzz_env).
    CHECK(parse(R"({"basic_auth": {"username": "${{UNSET:${Y}}"}})", env).basic_auth.username ==
          "${UNSET:${Y}");
    CHECK(parse(R"({"basic_auth": {"username": "${{HOST}x}}"}})", env).basic_auth.username == "${{HOST}x}}");
    // Text that is not a reference consults no variable (found by fuzz_env:
    // "${NAME:" without a closing brace looked NAME up, then kept the text).
    {
        std::vector<std::string> asked;
        wsout::env_lookup const counting = [&](std::string const& name) -> std::optional<std::string> {
            asked.push_back(name);
            return std::nullopt;
        };
        CHECK(parse(R"({"headers": {"X": "${ok:Y ${EMPT"}})", counting).headers.at("X") == "${ok:Y ${EMPT");
        CHECK(parse(R"({"headers": {"X": "${{A}} ${ B} $C"}})", counting).headers.at("X") == "${A} ${ B} $C");
        CHECK(asked.empty());
        CHECK(parse(R"({"headers": {"X": "${A:d}"}})", counting).headers.at("X") == "d");
        CHECK(asked == std::vector<std::string>{"A"});
    }
    // Values are not interpolated again.
    CHECK(
        parse(R"({"basic_auth": {"username": "${V}"}})", fake_env({{"V", "${HOST}"}})).basic_auth.username ==
        "${HOST}");
    // Nested JSON (jwt claims) is interpolated too.
    CHECK(parse(R"({"jwt": {"claims": {"sub": "${HOST}", "l": ["${PORT}"]}}})", env).jwt.claims ==
          json({{"sub", "example.org"}, {"l", {"9000"}}}));
    // Unset without a default: the variable and the pointer are named.
    CHECK(error_of(R"({"url": "ws://${NOPE}/"})", env) ==
          "/url: environment variable NOPE is not set (set it, or write ${NOPE:default} to give a default)");
    CHECK(starts_with(error_of(R"({"output": {"websocket": {"headers": {"X": "${NOPE}"}}}})", env),
                      "/output/websocket/headers/X: environment variable NOPE is not set"));
    CHECK(starts_with(error_of(R"({"jwt": {"claims": {"a": ["x", "${NOPE}"]}}})", env),
                      "/jwt/claims/a/1: environment variable NOPE"));

    // Interpolated strings stand for bools and numbers.
    auto const c =
        parse(R"({"compression": "${ON}", "max_in_flight": "${N}", "backoff": {"multiplier": "${F}"},
                             "tls": {"skip_cert_verify": "${OFF:false}"}, "max_in_flight_bytes": "${N}",
                             "timeouts": {"connect": "${T:3s}"}})",
              env);
    CHECK(c.compression);
    CHECK(c.max_in_flight == 42);
    CHECK(c.backoff.multiplier == 2.5);
    CHECK_FALSE(c.tls.skip_cert_verify);
    CHECK(c.max_in_flight_bytes == 42);
    CHECK(c.timeouts.connect == 3s);
    CHECK(starts_with(error_of(R"({"compression": "${BAD}"})", env),
                      "/compression: expected bool, got string \"maybe\" from environment interpolation"));
    CHECK(starts_with(error_of(R"({"max_in_flight": "${BAD}"})", env),
                      "/max_in_flight: expected a non-negative integer"));
    CHECK(starts_with(error_of(R"({"backoff": {"multiplier": "${BAD}"}})", env),
                      "/backoff/multiplier: expected number"));
    // A literal string is still a type error, and an escape is not a substitution.
    CHECK(
        starts_with(error_of(R"({"compression": "true"})", env), "/compression: expected bool, got string"));
    CHECK(starts_with(error_of(R"({"compression": "${{ON}}"})", env),
                      "/compression: expected bool, got string"));

    // The process environment is the default lookup.
    ::setenv("WSOUT_CONFIG_TEST_URL", "ws://from-env:1234/", 1);
    CHECK(wsout::parse_config(std::string_view(R"({"url": "${WSOUT_CONFIG_TEST_URL}"})")).url ==
          "ws://from-env:1234/");
    ::unsetenv("WSOUT_CONFIG_TEST_URL");
    CHECK_THROWS_AS(wsout::parse_config(std::string_view(R"({"url": "${WSOUT_CONFIG_TEST_URL}"})")),
                    wsout::config_error);
}

TEST_CASE("scrubbing replaces every secret", "[config][secrets]")
{
    wsout::config const c = parse(every_field);
    json const scrubbed = wsout::to_json(c, wsout::secrets::scrub);
    std::string const dump = scrubbed.dump();
    for (auto const& s : secret_values)
    {
        INFO(s);
        CHECK(dump.find(s) == std::string::npos);
    }
    CHECK(scrubbed["oauth"]["consumer_secret"] == wsout::scrubbed_secret);
    CHECK(scrubbed["oauth"]["access_token_secret"] == wsout::scrubbed_secret);
    CHECK(scrubbed["oauth"]["consumer_key"] == "ck"); // not a secret
    CHECK(scrubbed["basic_auth"]["password"] == wsout::scrubbed_secret);
    CHECK(scrubbed["basic_auth"]["username"] == "user");
    CHECK(scrubbed["jwt"]["secret"] == wsout::scrubbed_secret);
    CHECK(scrubbed["tls"]["root_cas"] == wsout::scrubbed_secret);
    CHECK(scrubbed["tls"]["client_certs"][0]["key"] == wsout::scrubbed_secret);
    CHECK(scrubbed["tls"]["client_certs"][0]["password"] == wsout::scrubbed_secret);
    CHECK(scrubbed["tls"]["client_certs"][0]["cert"] == "CERT-PEM");
    // Empty secrets stay empty.
    CHECK(scrubbed["tls"]["client_certs"][1]["key"] == "");
    CHECK(scrubbed["tls"]["client_certs"][1]["password"] == "");
    CHECK(scrubbed["proxy_url"] == "http://puser:!!!SECRET_SCRUBBED!!!@proxy.local:3128");
    CHECK(scrubbed["headers"]["X-Trace"] == "abc");
    CHECK(scrubbed["headers"]["Cookie"] == wsout::scrubbed_secret);
    CHECK(scrubbed["headers"]["Authorization-Token"] == wsout::scrubbed_secret);

    // The ADL conversion scrubs too.
    json adl = c;
    CHECK(adl == scrubbed);
    // Revealing shows them.
    std::string const revealed = wsout::to_json(c, wsout::secrets::reveal).dump();
    for (auto const& s : secret_values)
        CHECK(revealed.find(s) != std::string::npos);

    // Defaults: nothing to scrub.
    CHECK(wsout::to_json(wsout::config{}, wsout::secrets::scrub) ==
          wsout::to_json(wsout::config{}, wsout::secrets::reveal));

    // Proxy urls without a password, and odd ones.
    wsout::config p;
    p.proxy_url = "http://onlyuser@proxy:8080";
    CHECK(wsout::to_json(p, wsout::secrets::scrub)["proxy_url"] == "http://onlyuser@proxy:8080");
    p.proxy_url = "http://u:p%40ss@proxy:8080";
    CHECK(wsout::to_json(p, wsout::secrets::scrub)["proxy_url"] ==
          "http://u:!!!SECRET_SCRUBBED!!!@proxy:8080");
    p.proxy_url = "garbage:secretpw@x";
    CHECK(wsout::to_json(p, wsout::secrets::scrub)["proxy_url"] == wsout::scrubbed_secret);
    p.proxy_url = "http://proxy:8080";
    CHECK(wsout::to_json(p, wsout::secrets::scrub)["proxy_url"] == "http://proxy:8080");
    // The scrubbed proxy url still parses.
    p.proxy_url = "http://u:pw@proxy:8080";
    auto const redacted = wsout::to_json(p, wsout::secrets::scrub)["proxy_url"].get<std::string>();
    CHECK(wsout::parse_url(redacted, "http").password == wsout::scrubbed_secret);
}

TEST_CASE("to_json round-trips", "[config]")
{
    wsout::config const c = parse(every_field);
    json const j = wsout::to_json(c, wsout::secrets::reveal);
    CHECK(wsout::parse_config(j, no_env()) == c);
    CHECK(parse(j.dump(2)) == c);
    CHECK(wsout::parse_config(wsout::to_json(wsout::config{}, wsout::secrets::reveal), no_env()) ==
          wsout::config{});

    // Equality is member-wise.
    wsout::config a, b;
    CHECK(a == b);
    b.tls.client_certs.push_back({});
    CHECK(a != b);
    b = a;
    b.keepalive.pong_timeout += 1ns;
    CHECK(a != b);
    b = a;
    b.jwt.claims["x"] = 1;
    CHECK(a != b);
    b = a;
    b.backoff.jitter = 0.25;
    CHECK(a != b);

    // Literal "${...}" text survives: it is written escaped.
    wsout::config lit;
    lit.headers["X-Template"] = "a ${NAME} b ${X:y} c ${ not} $";
    lit.headers["X-Nested"] = "${X:${Y}z}";
    lit.headers["X-Open"] = "${X:${Y}";
    lit.jwt.claims["t"] = "${CLAIM}";
    json const lj = wsout::to_json(lit, wsout::secrets::reveal);
    CHECK(lj["headers"]["X-Template"] == "a ${{NAME}} b ${{X:y}} c ${ not} $");
    CHECK(lj["headers"]["X-Nested"] == "${{X:${Y}z}}");
    CHECK(lj["headers"]["X-Open"] == "${{X:${Y}}");
    CHECK(wsout::parse_config(lj, no_env()) == lit);

    // Literal text that reads as an escape has no escaped form (Benthos'
    // grammar has none): to_json refuses it at its pointer, without quoting
    // it, instead of writing a config that reads back as "${NAME}".
    for (std::string const text : {"${{PASSWORD}}", "a ${{X:y}} b", "${{A}}${B}", "${{A.b_c:}}"})
    {
        INFO(text);
        wsout::config esc;
        esc.headers["X-Template"] = text;
        std::string what;
        try
        {
            (void)wsout::to_json(esc, wsout::secrets::reveal);
        }
        catch (wsout::config_error const& e)
        {
            CHECK(e.pointer() == "/headers/X-Template");
            what = e.what();
        }
        CHECK(what.find("cannot express") != std::string::npos);
        CHECK(what.find(text) == std::string::npos);
        // The ADL conversion (scrubbing) refuses it too.
        CHECK_THROWS_AS(json(esc), wsout::config_error);
    }
    // A secret is scrubbed before the check: printing it never fails.
    wsout::config sec;
    sec.basic_auth.enabled = true;
    sec.basic_auth.username = "u";
    sec.basic_auth.password = "p${{W}}";
    CHECK(wsout::to_json(sec, wsout::secrets::scrub)["basic_auth"]["password"] == wsout::scrubbed_secret);
    CHECK_THROWS_AS(wsout::to_json(sec, wsout::secrets::reveal), wsout::config_error);
    // Text with "${{" that does not read as an escape round-trips.
    for (std::string const text : {"${{A}", "${{ A}}", "${{}}", "$${{", "${{A:b"})
    {
        INFO(text);
        wsout::config ok;
        ok.headers["X-T"] = text;
        CHECK(wsout::parse_config(wsout::to_json(ok, wsout::secrets::reveal), no_env()) == ok);
    }
    // The same text from an environment variable: it parses, but it cannot
    // be written back.
    wsout::config const from_env =
        wsout::parse_config(json::parse(R"({"headers": {"X-T": "${V}"}})"), fake_env({{"V", "${{A}}"}}));
    CHECK(from_env.headers.at("X-T") == "${{A}}");
    CHECK_THROWS_AS(wsout::to_json(from_env, wsout::secrets::reveal), wsout::config_error);

    // Durations with nanosecond precision survive.
    wsout::config d;
    d.timeouts.write = std::chrono::nanoseconds(3723000000001);
    d.backoff.max_interval = std::chrono::nanoseconds(1500);
    d.backoff.initial_interval = 1ns;
    json const dj = wsout::to_json(d, wsout::secrets::reveal);
    CHECK(dj["timeouts"]["write"] == "1h2m3.000000001s");
    CHECK(dj["backoff"]["max_interval"] == "1.5\xC2\xB5s");
    CHECK(wsout::parse_config(dj, no_env()) == d);

    // Examples round-trip too.
    for (auto const& name : example_names)
    {
        INFO(name);
        auto const e =
            wsout::load_config_file(source_path("examples/configs/" + name + ".json"), example_env());
        CHECK(wsout::parse_config(wsout::to_json(e, wsout::secrets::reveal), no_env()) == e);
    }
}

TEST_CASE("validate checks configs built in code", "[config]")
{
    wsout::config c;
    c.tls.enabled = true;
    CHECK(starts_with(validate_error(c), "/tls/enabled: TLS needs a wss:// url"));
    c.url = "wss://h/";
    CHECK_NOTHROW(wsout::validate(c));
    c.url = "WSS://H:443";
    CHECK_NOTHROW(wsout::validate(c)); // scheme and host are case-insensitive
    c.tls.enabled = false;             // wss implies TLS; false is fine
    CHECK_NOTHROW(wsout::validate(c));

    wsout::config d;
    d.timeouts.connect = -1s;
    CHECK(validate_error(d) == "/timeouts/connect: must not be negative, got -1s");
    d = {};
    d.message_type = static_cast<wsout::message_kind>(7);
    CHECK(starts_with(validate_error(d), "/message_type:"));
    d = {};
    d.jwt.claims = json::array();
    CHECK(starts_with(validate_error(d), "/jwt/claims: expected object"));
    d = {};
    d.oauth.signature_method = "HMAC-MD5";
    CHECK(starts_with(validate_error(d), "/oauth/signature_method: unknown value"));
    d = {};
    d.tls.min_version = "1.0";
    CHECK(starts_with(validate_error(d), "/tls/min_version: unknown value \"1.0\""));
    d = {};
    d.backoff.multiplier = std::numeric_limits<double>::quiet_NaN();
    CHECK(starts_with(validate_error(d), "/backoff/multiplier:"));
    d = {};
    d.backoff.jitter = std::numeric_limits<double>::quiet_NaN();
    CHECK(starts_with(validate_error(d), "/backoff/jitter:"));
    d = {};
    d.max_in_flight = 0;
    CHECK(validate_error(d) == "/max_in_flight: must be at least 1");
    d = {};
    d.headers["X\r\nEvil"] = "v";
    std::string const h = validate_error(d);
    CHECK(h.find('\r') == std::string::npos);
    CHECK(h.find('\n') == std::string::npos);
    CHECK(starts_with(h, "/headers/X\\x0d\\x0aEvil: invalid header name"));
    d = {};
    d.jwt.enabled = true;
    d.jwt.signing_method = "EdDSA";
    d.jwt.private_key_file = "/k";
    CHECK_NOTHROW(wsout::validate(d));
    d.basic_auth.enabled = true;
    CHECK(starts_with(validate_error(d), "/jwt/enabled: only one of oauth, basic_auth and jwt may be enabled "
                                         "(basic_auth is enabled too)"));
}

TEST_CASE("load_config_file", "[config]")
{
    std::string const missing = "/nonexistent/dir/wsout-config.json";
    try
    {
        wsout::load_config_file(missing, no_env());
        FAIL("accepted a missing file");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(std::string(e.what()) ==
              "cannot read config file \"" + missing + "\": No such file or directory");
        CHECK(e.pointer().empty());
    }
    // A directory is not readable as a file either.
    try
    {
        wsout::load_config_file(std::string(WSOUT_SOURCE_DIR), no_env());
        FAIL("accepted a directory");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(std::string(e.what()) ==
              "cannot read config file \"" + std::string(WSOUT_SOURCE_DIR) + "\": it is a directory");
    }
    try
    {
        wsout::load_config_file("/dev/null", no_env());
        FAIL("accepted an empty file");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(std::string(e.what()) ==
              "/dev/null: the file is empty (expected a JSON object, e.g. {\"url\": \"ws://...\"})");
    }

    for (auto const& name : example_names)
    {
        INFO(name);
        CHECK_NOTHROW(
            wsout::load_config_file(source_path("examples/configs/" + name + ".json"), example_env()));
    }
    auto const b =
        wsout::load_config_file(source_path("examples/configs/benthos_output_section.json"), example_env());
    CHECK(b.label == "telemetry_ws");
    CHECK(b.url == "ws://localhost:4195/post/ws");
    CHECK_FALSE(b.basic_auth.enabled);
    CHECK(b.headers.at("X-Source") == "box1");
    CHECK(b.headers.at("X-Literal") == "${NOT_INTERPOLATED}");
    CHECK(b.max_in_flight == 64);
    auto const b2 = wsout::load_config_file(source_path("examples/configs/benthos_output_section.json"),
                                            fake_env({{"WS_URL", "wss://prod:443/ws"},
                                                      {"WS_AUTH_ENABLED", "true"},
                                                      {"WS_USER", "svc"},
                                                      {"WS_PASSWORD", "pw"},
                                                      {"WS_MAX_IN_FLIGHT", "5"},
                                                      {"WS_MAX_BACKOFF", "1m"}}));
    CHECK(b2.url == "wss://prod:443/ws");
    CHECK(b2.basic_auth.enabled);
    CHECK(b2.basic_auth.username == "svc");
    CHECK(b2.max_in_flight == 5);
    CHECK(b2.backoff.max_interval == 1min);
    // Examples that need secrets from the environment say which.
    try
    {
        wsout::load_config_file(source_path("examples/configs/basic.json"), no_env());
        FAIL("accepted");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(std::string(e.what()).find(
                  "/basic_auth/password: environment variable WSOUT_PASSWORD is not set") == 0);
    }
}

TEST_CASE("random damage never crashes the parser", "[config][fuzz]")
{
    // Deep nesting is refused before any recursive code sees it.
    std::string const deep =
        "{\"jwt\": {\"claims\": {\"a\": " + std::string(200000, '[') + std::string(200000, ']') + "}}}";
    CHECK(error_of(deep).find("nested deeper than 64 levels") != std::string::npos);
    CHECK(starts_with(error_of(deep), "/jwt/claims/a/0/0/0/"));
    json j = json::array();
    for (int i = 0; i < 500; ++i)
        j = json::array({std::move(j)});
    json doc = {{"jwt", {{"claims", {{"a", j}}}}}};
    try
    {
        wsout::parse_config(doc, no_env());
        FAIL("accepted");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(std::string(e.what()).find("nested deeper than 64 levels") != std::string::npos);
    }
    json ok = json::array();
    for (int i = 0; i < 60; ++i)
        ok = json::array({std::move(ok)});
    CHECK_NOTHROW(wsout::parse_config(json{{"jwt", {{"claims", {{"a", ok}}}}}}, no_env()));

    std::string const base = json::parse(every_field).dump();
    std::mt19937 rng(12345);
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 3000; ++i)
    {
        std::string s = base;
        int const edits = 1 + int(rng() % 4);
        for (int k = 0; k < edits; ++k)
        {
            std::size_t pos = rng() % s.size();
            switch (rng() % 3)
            {
            case 0: s[pos] = static_cast<char>(rng() % 256); break;
            case 1: s.erase(pos, 1 + rng() % 8); break;
            default: s.insert(pos, 1, "{}[]\",:0a\\$"[rng() % 11]); break;
            }
            if (s.empty())
                s = "{";
        }
        try
        {
            parse(s);
            ++accepted;
        }
        catch (wsout::config_error const&)
        {
            ++rejected;
        }
    }
    CHECK(accepted + rejected == 3000);
    CHECK(rejected > 1000);
}

//------------------------------------------------------------------------------
// durations

TEST_CASE("durations parse as Go parses them", "[config][duration]")
{
    struct ok_case
    {
        char const* text;
        long long ns;
    };
    std::vector<ok_case> const ok = {
        {"0", 0},
        {"-0", 0},
        {"+0", 0},
        {"0s", 0},
        {"-0s", 0},
        {"5s", 5000000000LL},
        {"+5s", 5000000000LL},
        {"30s", 30000000000LL},
        {"1478s", 1478000000000LL},
        {"1ns", 1},
        {"1us", 1000},
        {"1\xC2\xB5s", 1000},
        {"1\xCE\xBCs", 1000},
        {"1ms", 1000000},
        {"500ms", 500000000},
        {"1m", 60000000000LL},
        {"1h", 3600000000000LL},
        {"1m30s", 90000000000LL},
        {"1h30m", 5400000000000LL},
        {"1.5h", 5400000000000LL},
        {"2h45m30.5s", 9930500000000LL},
        {"1.004s", 1004000000},
        {"1.0040s", 1004000000},
        {"100.00100s", 100001000000LL},
        {".5s", 500000000},
        {"1.s", 1000000000},
        {"1.0000000001s", 1000000000}, // below resolution: truncated
        {"0.3333333333333333333h", 1200000000000LL},
        {"10ns1us", 1010},
        {"39h9m14.425s", 140954425000000LL},
        {"52763797000ns", 52763797000LL},
        {"9223372036854775807ns", 9223372036854775807LL},
        {"9223372036854775.807us", 9223372036854775807LL},
        {"2562047h47m16.854775807s", 9223372036854775807LL},
        {"0.100000000000000000000h", 360000000000LL},
        {"0.830103483285477580700h", 2988372539827LL},
    };
    for (auto const& c : ok)
    {
        INFO(c.text);
        CHECK(wsout::parse_duration(c.text).count() == c.ns);
    }
    std::vector<std::pair<char const*, char const*>> const bad = {
        {"", "empty duration"},
        {"3", "missing unit"},
        {"-", "a sign without a number"},
        {"s", "expected a number"},
        {".", "a '.' without digits"},
        {"-.", "a '.' without digits"},
        {".s", "a '.' without digits"},
        {"+.s", "a '.' without digits"},
        {"1d", "unknown unit \"d\""},
        {"1e3s", "unknown unit \"e\""},
        {"1.5.5s", "missing unit"},
        {" 1s", "expected a number"},
        {"1s ", "unknown unit \"s \""},
        {"-1s", "negative durations are not allowed"},
        {"-1ns", "negative durations are not allowed"},
        {"9223372036854775808ns", "out of range"},
        {"9223372036854775.808us", "out of range"},
        {"2562047h47m16.854775808s", "out of range"},
        {"9999999999999999999999h", "out of range"},
    };
    for (auto const& b : bad)
    {
        INFO(b.first);
        try
        {
            wsout::parse_duration(b.first, "/x");
            FAIL("accepted");
        }
        catch (wsout::config_error const& e)
        {
            CHECK(e.pointer() == "/x");
            CHECK(std::string(e.what()).find(b.second) != std::string::npos);
        }
    }
}

TEST_CASE("durations format as Go formats them", "[config][duration]")
{
    std::vector<std::pair<long long, char const*>> const cases = {
        {0, "0s"},
        {1, "1ns"},
        {999, "999ns"},
        {1000, "1\xC2\xB5s"},
        {1100, "1.1\xC2\xB5s"},
        {2200000, "2.2ms"},
        {3300000000LL, "3.3s"},
        {500000000, "500ms"},
        {1000000000, "1s"},
        {60000000000LL, "1m0s"},
        {90000000000LL, "1m30s"},
        {4000000000LL * 60 + 5000000000LL, "4m5s"},
        {4 * 60000000000LL + 5001000000LL, "4m5.001s"},
        {5 * 3600000000000LL + 6 * 60000000000LL + 7001000000LL, "5h6m7.001s"},
        {8 * 60000000000LL + 1, "8m0.000000001s"},
        {3600000000000LL, "1h0m0s"},
        {9223372036854775807LL, "2562047h47m16.854775807s"},
        {-1, "-1ns"},
        {-1500000000LL, "-1.5s"},
        {std::numeric_limits<long long>::min(), "-2562047h47m16.854775808s"},
    };
    for (auto const& c : cases)
    {
        INFO(c.second);
        CHECK(wsout::format_duration(std::chrono::nanoseconds(c.first)) == c.second);
    }
    // Every non-negative duration round-trips through its text.
    std::mt19937_64 rng(99);
    for (int i = 0; i < 5000; ++i)
    {
        long long ns = static_cast<long long>(rng() >> (1 + rng() % 63));
        auto const d = std::chrono::nanoseconds(ns);
        INFO(ns);
        REQUIRE(wsout::parse_duration(wsout::format_duration(d)) == d);
    }
}

//------------------------------------------------------------------------------
// urls

TEST_CASE("parse_url", "[url]")
{
    auto u = wsout::parse_url("ws://[::1]:9000/x?y=1", "ws,wss");
    CHECK(u.scheme == "ws");
    CHECK(u.host == "::1");
    CHECK(u.port == 9000);
    CHECK(u.explicit_port);
    CHECK(u.path == "/x");
    CHECK(u.query == "y=1");
    CHECK(u.has_query);
    CHECK(u.host_is_ipv6());
    CHECK(u.host_is_ip_literal());
    CHECK_FALSE(u.default_port());
    CHECK_FALSE(u.secure());
    CHECK(u.target() == "/x?y=1");
    CHECK(u.host_header() == "[::1]:9000");
    CHECK(u.authority() == "[::1]:9000");

    u = wsout::parse_url("WSS://Example.COM", "ws,wss");
    CHECK(u.scheme == "wss");
    CHECK(u.host == "example.com");
    CHECK(u.port == 443);
    CHECK_FALSE(u.explicit_port);
    CHECK(u.path == "/");
    CHECK_FALSE(u.has_query);
    CHECK(u.target() == "/");
    CHECK(u.secure());
    CHECK(u.default_port());
    CHECK(u.host_header() == "example.com");
    CHECK(u.authority() == "example.com:443");
    CHECK_FALSE(u.host_is_ip_literal());

    u = wsout::parse_url("ws://localhost:4195/post/ws", "ws,wss");
    CHECK(u.host_header() == "localhost:4195");
    CHECK(u.port == 4195);
    CHECK(u.target() == "/post/ws");

    u = wsout::parse_url("ws://h:80/p", "ws,wss");
    CHECK(u.explicit_port);
    CHECK(u.default_port());
    CHECK(u.host_header() == "h");
    u = wsout::parse_url("wss://h:80/p", "ws,wss");
    CHECK(u.host_header() == "h:80");

    u = wsout::parse_url("ws://h/p?", "ws,wss");
    CHECK(u.has_query);
    CHECK(u.query.empty());
    CHECK(u.target() == "/p?");
    u = wsout::parse_url("ws://h?a=b", "ws,wss");
    CHECK(u.path == "/");
    CHECK(u.target() == "/?a=b");

    u = wsout::parse_url("ws://127.0.0.1:1/", "ws");
    CHECK(u.host_is_ip_literal());
    CHECK_FALSE(u.host_is_ipv6());
    u = wsout::parse_url("ws://127.0.0.256/", "ws");
    CHECK_FALSE(u.host_is_ip_literal());
    u = wsout::parse_url("ws://[2001:DB8::A:1]/", "ws");
    CHECK(u.host == "2001:db8::a:1");
    CHECK(u.host_header() == "[2001:db8::a:1]");
    CHECK(wsout::parse_url("ws://[::ffff:192.0.2.1]:8080/", "ws").host == "::ffff:192.0.2.1");
    CHECK(wsout::parse_url("ws://[1:2:3:4:5:6:7:8]/", "ws").host_is_ipv6());
    CHECK(wsout::parse_url("ws://[::]/", "ws").host == "::");

    u = wsout::parse_url("http://us%40er:p%3Ass@proxy:3128", "http");
    CHECK(u.username == "us@er");
    CHECK(u.password == "p:ss");
    CHECK(u.port == 3128);
    u = wsout::parse_url("http://a@b@proxy", "http"); // the last '@' ends the userinfo
    CHECK(u.username == "a@b");
    CHECK(u.host == "proxy");
    CHECK(u.port == 80);
    CHECK(wsout::parse_url("https://x", "http,https").port == 443);
    CHECK(wsout::parse_url("ws://h/a%20b", "ws").path == "/a%20b");
    CHECK(wsout::parse_url("ws://h:00080/", "ws").port == 80);

    struct bad
    {
        char const* text;
        char const* schemes;
        char const* message;
    };
    std::vector<bad> const bads = {
        {"", "ws,wss", "empty url (expected ws:// or wss://host...)"},
        {"ws:/h", "ws,wss", "not an absolute url"},
        {"://h", "ws,wss", "not an absolute url"},
        {"1ws://h", "ws,wss", "not an absolute url"},
        {"http://h", "ws,wss", "unsupported scheme \"http\" (expected ws:// or wss://)"},
        {"ws://", "ws", "empty host"},
        {"ws:///path", "ws", "empty host"},
        {"ws://u@/", "ws", "empty host"},
        {"ws://[]/", "ws", "empty host"},
        {"ws://h:65536", "ws", "bad port 65536"},
        {"ws://h:99999999999999999999", "ws", "bad port"},
        {"ws://h:-1", "ws", "bad port"},
        {"ws://h:0", "ws", "bad port 0"},
        {"ws://h:", "ws", "empty port"},
        {"ws://[::1]x", "ws", "unexpected characters after the IPv6 literal"},
        {"ws://[::1]:", "ws", "empty port"},
        {"ws://[fe80::1%25eth0]/", "ws", "zone identifiers are not supported"},
        {"ws://[1:2:3:4:5:6:7:8:9]/", "ws", "invalid IPv6 literal"},
        {"ws://[1::2::3]/", "ws", "invalid IPv6 literal"},
        {"ws://[12345::]/", "ws", "invalid IPv6 literal"},
        {"ws://[:1]/", "ws", "invalid IPv6 literal"},
        {"ws://[1:]/", "ws", "invalid IPv6 literal"},
        {"ws://[::1.2.3]/", "ws", "invalid IPv6 literal"},
        {"ws://h\xC3\xA9.com/", "ws", "non-ASCII host name"},
        {"ws://h!x/", "ws", "invalid character '!' in the host"},
        {"ws://h/p#f", "ws", "fragment"},
        {"ws://h/p\x7f", "ws", "control character"},
        {"ws://h/\xC3\xA9", "ws", "invalid character \\xc3 in the path"},
        {"ws://h/a%2", "ws", "truncated percent-escape in the path"},
        {"ws://h/a%zz", "ws", "invalid percent-escape in the path"},
        {"ws://h/?a=%G0", "ws", "invalid percent-escape in the query"},
        {"http://u%zz:p@h", "http", "invalid percent-escape in the url's user name"},
        {"http://u:p%z@h", "http", "invalid percent-escape in the url's password"},
        {"ws://h\t/", "ws", "control character TAB"},
    };
    for (auto const& b : bads)
    {
        INFO(b.text);
        try
        {
            wsout::parse_url(b.text, b.schemes);
            FAIL("accepted");
        }
        catch (wsout::config_error const& e)
        {
            CHECK(e.pointer().empty());
            CHECK(std::string(e.what()).find(b.message) != std::string::npos);
        }
    }
}

//------------------------------------------------------------------------------
// the generated docs and schema

TEST_CASE("docs/config.md and docs/config.schema.json are up to date", "[docs]")
{
    std::string const md = wsout::config_reference_markdown() + "\n";
    std::string const schema = wsout::config_schema().dump(2) + "\n";
    std::string const md_path = source_path("docs/config.md");
    std::string const schema_path = source_path("docs/config.schema.json");
    if (char const* update = std::getenv("WSOUT_UPDATE_DOCS"); update && std::string(update) == "1")
    {
        std::ofstream(md_path, std::ios::binary) << md;
        std::ofstream(schema_path, std::ios::binary) << schema;
        WARN("regenerated " << md_path << " and " << schema_path);
    }
    INFO(
        "stale generated docs: run WSOUT_UPDATE_DOCS=1 <build>/tests/config_test \"[docs]\" and commit them");
    CHECK(read_file(md_path) == md);
    CHECK(read_file(schema_path) == schema);

    // Every field of the table is documented with pointer, type and default.
    json const flat = wsout::to_json(wsout::config{}, wsout::secrets::reveal).flatten();
    for (auto it = flat.begin(); it != flat.end(); ++it)
    {
        INFO(it.key());
        CHECK(md.find("- Pointer: `" + it.key() + "`") != std::string::npos);
    }
    CHECK(md.find("- Pointer: `/tls/client_certs/<index>/key`") != std::string::npos);
    CHECK(md.find("- Secret: yes") != std::string::npos);
    CHECK(md.find("wsout extension") != std::string::npos);
}

TEST_CASE("the schema accepts the examples and rejects bad configs", "[docs][schema]")
{
    for (auto const& name : example_names)
    {
        INFO(name);
        json const raw = json::parse(read_file(source_path("examples/configs/" + name + ".json")));
        auto errors = schema_errors(raw);
        INFO(errors.size() << " schema errors, first: " << (errors.empty() ? "" : errors[0]));
        CHECK(errors.empty());
        // The printed form of the parsed config matches the schema too.
        auto const c = wsout::parse_config(raw, example_env());
        CHECK(schema_errors(wsout::to_json(c, wsout::secrets::reveal)).empty());
        CHECK(schema_errors(wsout::to_json(c, wsout::secrets::scrub)).empty());
    }
    CHECK(schema_errors(json::parse(every_field)).empty());
    CHECK(schema_errors(json::object()).empty());
    CHECK(schema_errors(wsout::to_json(wsout::config{}, wsout::secrets::reveal)).empty());
    CHECK(schema_errors(json{{"websocket", json::object()}, {"label", "a"}}).empty());

    // The checker and the schema can fail.
    CHECK_FALSE(schema_errors(json{{"tls", {{"enabeld", true}}}}).empty());
    CHECK_FALSE(schema_errors(json{{"compression", "yes"}}).empty());
    CHECK(schema_errors(json{{"compression", "${ON:true}"}}).empty());
    CHECK_FALSE(schema_errors(json{{"message_type", "txt"}}).empty());
    CHECK_FALSE(schema_errors(json{{"timeouts", {{"connect", "10"}}}}).empty());
    CHECK_FALSE(schema_errors(json{{"max_in_flight", -1}}).empty());
    CHECK_FALSE(schema_errors(json{{"max_in_flight_bytes", "16 MiB"}}).empty());
    CHECK_FALSE(schema_errors(json{{"label", "Bad"}}).empty());
    CHECK_FALSE(schema_errors(json{{"output", {{"websocket", json::object()}, {"foo", 1}}}}).empty());
    CHECK_FALSE(schema_errors(json{{"output", {{"websocket", {{"label", "x"}}}}}}).empty());
    CHECK_FALSE(schema_errors(json{{"tls", {{"client_certs", {{{"cert", 1}}}}}}}).empty());
    CHECK_FALSE(schema_errors(json::array()).empty());

    // Schema defaults are the struct's defaults.
    json const schema = wsout::config_schema();
    json const props = schema["$defs"]["websocket"]["properties"];
    CHECK(props["url"]["default"] == "ws://localhost:4195/post/ws");
    CHECK(props["backoff"]["properties"]["initial_interval"]["default"] == "500ms");
    CHECK(props["basic_auth"]["properties"]["password"]["x-wsout-secret"] == true);
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
}
