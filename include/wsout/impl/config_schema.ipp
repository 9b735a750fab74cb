//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_CONFIG_SCHEMA_IPP
#define WSOUT_IMPL_CONFIG_SCHEMA_IPP

#include <wsout/detail/config_fields.hpp>

#include <string>

namespace wsout {
inline namespace v1 {

namespace detail {

inline char const* duration_pattern()
{
    // Go's duration syntax (plus strings that will be interpolated).
    return "^(0|[-+]?0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\xC2\xB5s|\xCE\xBCs|ms|s|m|h))+|.*\\$\\{.*)$";
}

// Bool and number fields also accept a string that will be interpolated
// into one ("${TLS_ENABLED:false}"); a plain string there is an error.
inline char const* interpolation_pattern()
{
    return "\\$\\{";
}

inline char const* kind_type_name(field_kind k)
{
    switch (k)
    {
    case field_kind::boolean: return "bool";
    case field_kind::string: return "string";
    case field_kind::enumeration: return "string (enum)";
    case field_kind::duration: return "duration (string)";
    case field_kind::size: return "size (integer or string)";
    case field_kind::count: return "integer";
    case field_kind::number: return "number";
    case field_kind::string_map: return "object (string to string)";
    case field_kind::string_list: return "array of strings";
    case field_kind::json_object: return "object (any JSON)";
    case field_kind::object: return "object";
    case field_kind::object_list: return "array of objects";
    }
    return "value";
}

inline char const* origin_name(field_origin o)
{
    switch (o)
    {
    case field_origin::benthos_seed: return "Benthos (the seed's websocket output)";
    case field_origin::benthos: return "Benthos (later versions, Bento)";
    case field_origin::wsout: return "wsout extension";
    }
    return "";
}

inline nlohmann::json field_schema(field_info const& f);

inline nlohmann::json object_schema(std::vector<field_info> const& fields)
{
    nlohmann::json s = {{"type", "object"}, {"additionalProperties", false}};
    nlohmann::json props = nlohmann::json::object();
    for (auto const& c : fields)
        props[c.name] = field_schema(c);
    s["properties"] = props;
    return s;
}

inline nlohmann::json field_schema(field_info const& f)
{
    nlohmann::json s;
    switch (f.kind)
    {
    case field_kind::boolean:
        s["type"] = {"boolean", "string"};
        s["pattern"] = interpolation_pattern();
        break;
    case field_kind::string:
        s["type"] = "string";
        if (f.name == "label")
            s["pattern"] = "^[a-z0-9_]*$";
        break;
    case field_kind::enumeration:
        s["type"] = "string";
        s["enum"] = f.choices;
        break;
    case field_kind::duration:
        s["type"] = "string";
        s["pattern"] = duration_pattern();
        break;
    case field_kind::size:
        s["type"] = {"integer", "string"};
        s["minimum"] = 0;
        s["pattern"] = "^[0-9]+(([kKmMgG][iI]?)?[bB])?$|\\$\\{";
        break;
    case field_kind::count:
        s["type"] = {"integer", "string"};
        s["minimum"] = 0;
        s["pattern"] = interpolation_pattern();
        break;
    case field_kind::number:
        s["type"] = {"number", "string"};
        s["pattern"] = interpolation_pattern();
        break;
    case field_kind::string_map:
        s["type"] = "object";
        s["additionalProperties"] = {{"type", "string"}};
        break;
    case field_kind::string_list:
        s["type"] = "array";
        s["items"] = {{"type", "string"}};
        break;
    case field_kind::json_object: s["type"] = "object"; break;
    case field_kind::object: s = object_schema(f.children); break;
    case field_kind::object_list:
        s["type"] = "array";
        s["items"] = object_schema(f.children);
        break;
    }
    s["description"] = f.description;
    if (f.kind != field_kind::object)
        s["default"] = f.default_value;
    if (f.secret())
        s["x-wsout-secret"] = true;
    s["x-wsout-origin"] = f.origin == field_origin::wsout ? "wsout" : "benthos";
    return s;
}

inline void markdown_fields(std::string& out,
                            std::vector<field_info> const& fields,
                            std::string const& dotted,
                            std::string const& ptr)
{
    for (auto const& f : fields)
    {
        std::string const name = dotted.empty() ? f.name : dotted + "." + f.name;
        std::string const p = ptr + "/" + f.name;
        out += "### `" + name + "`\n\n";
        out += f.description + "\n\n";
        out += "- Pointer: `" + p + "`\n";
        out += std::string("- Type: `") + kind_type_name(f.kind) + "`\n";
        if (f.kind != field_kind::object)
            out += "- Default: `" + f.default_value.dump() + "`\n";
        if (!f.choices.empty())
        {
            out += "- Options: ";
            for (std::size_t i = 0; i < f.choices.size(); ++i)
                out += (i ? ", " : "") + ("`" + nlohmann::json(f.choices[i]).dump() + "`");
            out += "\n";
        }
        if (f.secret())
            out += "- Secret: yes (printed as `!!!SECRET_SCRUBBED!!!`)\n";
        else if (f.flags & flag_url_userinfo)
            out += "- Secret: the password in the url (printed as `!!!SECRET_SCRUBBED!!!`)\n";
        else if (f.flags & flag_header_values)
            out += "- Secret: the values of credential-like headers (printed as `!!!SECRET_SCRUBBED!!!`)\n";
        out += std::string("- Origin: ") + origin_name(f.origin) + "\n\n";
        if (f.kind == field_kind::object)
            markdown_fields(out, f.children, name, p);
        else if (f.kind == field_kind::object_list)
            markdown_fields(out, f.children, name + "[]", p + "/<index>");
    }
}

} // namespace detail

WSOUT_DECL nlohmann::json config_schema()
{
    using nlohmann::json;
    json ws = detail::object_schema(detail::config_fields());
    ws["description"] = "The websocket output: the fields of wsout::config.";
    json label = {{"type", "string"},
                  {"pattern", "^[a-z0-9_]*$"},
                  {"description", "The output's label: ^[a-z0-9_]+$ or empty."}};
    json output_ws = ws;
    output_ws["properties"].erase("label");

    json s;
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    s["title"] = "wsout config";
    s["description"] =
        "A wsout WebSocket output config: the bare websocket object, {\"websocket\": {...}}, or a Benthos "
        "output section {\"output\": {\"label\": ..., \"websocket\": {...}}}. Generated from wsout's field "
        "table; "
        "see docs/config.md.";
    s["$defs"] = {{"websocket", ws}, {"output_websocket", output_ws}, {"label", label}};
    s["oneOf"] = json::array({
        {{"$ref", "#/$defs/websocket"}},
        {{"type", "object"},
         {"properties",
          {{"label", {{"$ref", "#/$defs/label"}}}, {"websocket", {{"$ref", "#/$defs/websocket"}}}}},
         {"required", {"websocket"}},
         {"additionalProperties", false}},
        {{"type", "object"},
         {"properties",
          {{"output",
            {{"type", "object"},
             {"properties",
              {{"label", {{"$ref", "#/$defs/label"}}},
               {"websocket", {{"$ref", "#/$defs/output_websocket"}}}}},
             {"required", {"websocket"}},
             {"additionalProperties", false}}}}},
         {"required", {"output"}},
         {"additionalProperties", false}},
    });
    return s;
}

WSOUT_DECL std::string config_reference_markdown()
{
    std::string out;
    out += "# wsout config reference\n\n";
    out += "<!--\n"
           "     THIS FILE IS GENERATED by wsout::config_reference_markdown() from the field\n"
           "     table in include/wsout/detail/config_fields.hpp, the table the parser uses.\n"
           "     Do not edit it: change the table, then run\n"
           "     WSOUT_UPDATE_DOCS=1 <build>/tests/config_test \"[docs]\"\n"
           "-->\n\n";
    out += "A wsout output is configured with the fields of the Benthos `websocket` output, plus extensions "
           "for what Benthos lacks (timeouts, keepalive, backoff, subprotocols, delivery confirmation, "
           "in-flight limits). `wsout::parse_config` and `wsout::load_config_file` read it from JSON; "
           "`wsout::config` is the same thing built in code. `docs/config.schema.json` is its JSON Schema "
           "(`wsout::config_schema()`, `wsout-cat --schema`).\n\n";
    out +=
        "## Shapes\n\n"
        "Three shapes are accepted:\n\n"
        "- the bare websocket object: `{\"url\": \"ws://...\", ...}`;\n"
        "- `{\"websocket\": {...}}`, optionally with a sibling `\"label\"`;\n"
        "- a Benthos output section: `{\"output\": {\"label\": \"...\", \"websocket\": {...}}}`. Other keys "
        "of "
        "`output` (or of the root) are errors.\n\n"
        "Every field is optional; an absent field keeps its default. `null` is never a default: it is a type "
        "error.\n\n";
    out +=
        "## Environment interpolation\n\n"
        "Before the fields are read, every string value (also inside `jwt.claims` and `jwt.headers`; not "
        "object "
        "keys) is interpolated as Benthos does it:\n\n"
        "- `${VAR}` is the value of `VAR`; an unset `VAR` is an error naming it and the field's pointer (an "
        "empty `VAR` gives an empty string);\n"
        "- `${VAR:default}` is the value of `VAR`, or `default` when `VAR` is unset or empty;\n"
        "- `${{VAR}}` is the literal text `${VAR}`.\n\n"
        "`VAR` is made of `[0-9A-Za-z_.]`. Benthos interpolates the YAML text before parsing it, so a "
        "variable can stand for a bool or a number. wsout interpolates JSON strings, so it emulates that: a "
        "bool, integer or number field that receives a string that came from interpolation accepts "
        "`\"true\"`/`\"false\"` or a JSON number (`\"enabled\": \"${TLS_ENABLED:false}\"`). A literal "
        "string in such a field is still a type error.\n\n";
    out +=
        "## Durations and sizes\n\n"
        "Durations are Go duration strings, as in Benthos: a sequence of decimal numbers, each with an "
        "optional "
        "fraction and a unit: `ns`, `us` (or `\xC2\xB5s`), `ms`, `s`, `m`, `h`; for example `\"500ms\"`, "
        "`\"1m30s\"`, `\"1.5h\"`. `\"0\"` is the only value without a unit. Negative durations are rejected. "
        "They are printed the way Go prints them (`\"1m30s\"`, `\"500ms\"`, `\"0s\"`, `\"1h0m0s\"`).\n\n"
        "Sizes (`*_bytes`) are a non-negative integer or a string with a unit: `B`, `KB`, `MB`, `GB` (powers "
        "of "
        "1000) or `KiB`, `MiB`, `GiB` (powers of 1024), case-insensitive, e.g. `\"16MiB\"`. They are printed "
        "as integers.\n\n";
    out +=
        "## Errors\n\n"
        "Every problem is a `wsout::config_error` whose message is `<JSON pointer>: <problem>`, for example "
        "`/basic_auth/enabled: expected bool, got string \"yes\"` or `/tls/enabeld: unknown field; did you "
        "mean \"enabled\"?`. Pointers are those of the document as written (`/output/websocket/url` in an "
        "output section). The value of a secret field is never part of a message. Consistency rules checked "
        "by `wsout::validate` (also for configs built in code):\n\n"
        "- `url`: scheme `ws` or `wss`, a non-empty host, a port in 1..65535, no credentials, no fragment;\n"
        "- at most one of `oauth`, `basic_auth`, `jwt` is enabled;\n"
        "- `oauth.enabled` needs `consumer_key` and `consumer_secret`;\n"
        "- `basic_auth.enabled`: no `:` in `username`, no control characters in the credentials;\n"
        "- `jwt.enabled` needs `signing_method`, and `private_key_file` (or a `secret` of at least 32 bytes "
        "for "
        "`HS256`);\n"
        "- `tls.root_cas` and `tls.root_cas_file` exclude each other; `tls.enabled` needs a `wss://` url; "
        "each "
        "`tls.client_certs` entry has `cert` xor `cert_file` and `key` xor `key_file`;\n"
        "- `proxy_url`: `http://[user:password@]host[:port]` only;\n"
        "- `headers`: token names, no CR/LF/NUL in values, no handshake headers wsout sets, no duplicate "
        "names, no `Authorization` while an auth is enabled;\n"
        "- `subprotocols`: non-empty distinct tokens;\n"
        "- `backoff`: `initial_interval` > 0, `max_interval` >= `initial_interval`, `multiplier` >= 1, "
        "`jitter` in [0, 1];\n"
        "- `max_in_flight`, `max_in_flight_bytes`, `max_inbound_message_bytes`, "
        "`delivery.confirm_every_messages` >= 1;\n"
        "- `write_buffer_bytes` in 4 KiB..64 MiB.\n\n";
    out +=
        "## Secrets\n\n"
        "Printing a config (`to_json(cfg, wsout::secrets::scrub)`, the `nlohmann::json` conversion, "
        "`wsout-cat --print-config`) replaces every non-empty secret with `!!!SECRET_SCRUBBED!!!`, Benthos' "
        "convention; `wsout::secrets::reveal` prints them and round-trips exactly: "
        "`parse_config(to_json(cfg, secrets::reveal)) == cfg`. Every field is printed, durations in Go's "
        "format, sizes as integers; a value that holds `${VAR}` literally is printed as `${{VAR}}` so that "
        "reading the output back does not interpolate it. A value holding the literal text `${{VAR}}` "
        "(possible from code or from a variable's value) cannot be printed that way, as Benthos' grammar "
        "has no escape for it: printing fails with a config error naming its pointer (secrets are "
        "scrubbed first, so only `reveal` can fail on one). Secrets are marked below.\n\n";
    out +=
        "## Examples\n\n"
        "`examples/configs/` holds configs that the tests parse and check against the schema:\n\n"
        "- `plain.json`: a `ws://` server, text messages, short timeouts;\n"
        "- `wss_private_ca.json`: `wss://` with a private CA file and TLS 1.3;\n"
        "- `mtls.json`: a client certificate and key from files (mutual TLS);\n"
        "- `basic.json`: basic authentication, the password from `${WSOUT_PASSWORD}`;\n"
        "- `oauth1.json`: OAuth 1.0a with secrets from the environment;\n"
        "- `jwt.json`: an RS256 JWT with claims and a fresh expiry on every handshake;\n"
        "- `proxy.json`: through an HTTP proxy with credentials;\n"
        "- `benthos_output_section.json`: a Benthos `output:` section with env interpolation, defaults and "
        "an escaped `${{...}}`.\n\n";
    out += "## All fields with their defaults\n\n```json\n";
    config const def{};
    out += to_json(def, secrets::reveal).dump(2) + "\n```\n\n";
    out += "## Fields\n\n";
    detail::markdown_fields(out, detail::config_fields(), "", "");
    // No trailing blank line.
    while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
        out.pop_back();
    return out;
}

} // namespace v1
} // namespace wsout

#endif
