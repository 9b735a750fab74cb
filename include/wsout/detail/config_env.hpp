//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// Outside the guard: included first, this header must see the complete
// config.hpp, whose impl/ part includes this header again.
#include <wsout/config.hpp>

#ifndef WSOUT_DETAIL_CONFIG_ENV_HPP
#define WSOUT_DETAIL_CONFIG_ENV_HPP

// Benthos-style environment interpolation of config strings:
//   ${VAR}          the value of VAR; an unset VAR is an error
//   ${VAR:default}  the value of VAR, or `default` when VAR is unset or empty
//   ${{VAR}}        the literal text ${VAR} (also ${{VAR:default}})
// VAR is [0-9A-Za-z_.]+ as in Benthos; text that does not match the pattern
// (for example "${ x}") is left as it is, as Benthos leaves it.

#include <wsout/detail/config_text.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace wsout {
inline namespace v1 {
namespace detail {

inline bool is_env_name_char(char c) noexcept
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Where a default value starting at `from` may end, by Benthos' grammar: the
// default is a run of `${...}` units (at least one character inside, no
// '}') and characters other than '}', so `${X:${Y}z}` has the default
// `${Y}z`. `brace` is the '}' that ends the greedy run (npos if none);
// `last_unit` is the '}' of the last unit before it (npos if none), where
// the regex ends the default when it backtracks.
struct default_ends
{
    std::size_t brace = std::string_view::npos;
    std::size_t last_unit = std::string_view::npos;
};

inline default_ends find_default_ends(std::string_view in, std::size_t from) noexcept
{
    default_ends r;
    std::size_t i = from;
    while (i < in.size())
    {
        if (in[i] == '}')
        {
            r.brace = i;
            return r;
        }
        if (in[i] == '$' && i + 2 < in.size() && in[i + 1] == '{' && in[i + 2] != '}')
        {
            std::size_t const close = in.find('}', i + 2);
            if (close != std::string_view::npos)
            {
                r.last_unit = close;
                i = close + 1;
                continue;
            }
        }
        ++i;
    }
    return r;
}

// The '}' that ends the default of `${NAME:...}` (npos: not a reference).
// Without a '}' after the last unit, that unit's own brace ends it
// (`${X:${Y}` has the default `${Y`).
inline std::size_t default_end(std::string_view in, std::size_t from) noexcept
{
    auto const e = find_default_ends(in, from);
    return e.brace != std::string_view::npos ? e.brace : e.last_unit;
}

// The inner '}' of the escaped form `${{NAME:...}}` (npos: not an escape):
// a '}' that another '}' follows, the greedy end first, then the last
// unit's brace (so `${{X:${Y}}` reads as `${X:${Y}`, as Benthos' regex
// does by backtracking).
inline std::size_t escaped_default_end(std::string_view in, std::size_t from) noexcept
{
    auto const e = find_default_ends(in, from);
    auto closes_twice = [&](std::size_t at) {
        return at != std::string_view::npos && at + 1 < in.size() && in[at + 1] == '}';
    };
    if (closes_twice(e.brace))
        return e.brace;
    if (closes_twice(e.last_unit))
        return e.last_unit;
    return std::string_view::npos;
}

// Interpolates one string. `substituted` is set when at least one variable
// was replaced (escapes do not count). Throws config_error at `where`.
inline std::string
interpolate_string(std::string_view in, env_lookup const& env, std::string const& where, bool& substituted)
{
    std::string out;
    out.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size())
    {
        if (in[i] != '$' || i + 1 >= in.size() || in[i + 1] != '{')
        {
            out += in[i++];
            continue;
        }
        // Escaped form: ${{NAME[:default]}} -> ${NAME[:default]}
        if (i + 2 < in.size() && in[i + 2] == '{')
        {
            std::size_t j = i + 3;
            while (j < in.size() && is_env_name_char(in[j]))
                ++j;
            if (j > i + 3 && j < in.size() && (in[j] == '}' || in[j] == ':'))
            {
                // Without a default, the scan starts at the brace itself.
                std::size_t close = escaped_default_end(in, in[j] == ':' ? j + 1 : j);
                if (close != std::string_view::npos)
                {
                    out += "${";
                    out += in.substr(i + 3, close - (i + 3));
                    out += '}';
                    i = close + 2;
                    continue;
                }
            }
            out += in[i++];
            continue;
        }
        std::size_t j = i + 2;
        while (j < in.size() && is_env_name_char(in[j]))
            ++j;
        if (j == i + 2 || j >= in.size() || (in[j] != '}' && in[j] != ':'))
        {
            out += in[i++]; // not a reference: keep the text
            continue;
        }
        std::string name(in.substr(i + 2, j - (i + 2)));
        if (in[j] == '}')
        {
            std::optional<std::string> value = env ? env(name) : std::nullopt;
            if (!value)
                throw config_error(where, "environment variable " + name +
                                              " is not set (set it, or write ${" + name +
                                              ":default} to give a default)");
            out += *value;
            i = j + 1;
        }
        else
        {
            std::size_t close = default_end(in, j + 1);
            if (close == std::string_view::npos)
            {
                out += in[i++]; // no closing brace: not a reference
                continue;
            }
            // Looked up only now: text that is not a reference consults
            // nothing (found by fuzz_env).
            std::optional<std::string> value = env ? env(name) : std::nullopt;
            if (value && !value->empty())
                out += *value;
            else
                out += in.substr(j + 1, close - (j + 1));
            i = close + 1;
        }
        substituted = true;
    }
    return out;
}

// Interpolates every string value of `j` in place (object keys are left
// alone), recording the pointers of strings that were substituted.
inline void interpolate_json(nlohmann::json& j,
                             env_lookup const& env,
                             std::string const& where,
                             std::set<std::string>& substituted)
{
    if (j.is_string())
    {
        auto const& s = j.get_ref<std::string const&>();
        if (s.find("${") == std::string::npos)
            return;
        bool changed = false;
        std::string r = interpolate_string(s, env, where, changed);
        j = std::move(r);
        if (changed)
            substituted.insert(where);
    }
    else if (j.is_object())
    {
        for (auto it = j.begin(); it != j.end(); ++it)
            interpolate_json(it.value(), env, pointer_join(where, it.key()), substituted);
    }
    else if (j.is_array())
    {
        for (std::size_t k = 0; k < j.size(); ++k)
            interpolate_json(j[k], env, pointer_join(where, k), substituted);
    }
}

// The inverse of interpolation for literal text: every "${NAME}" or
// "${NAME:default}" becomes "${{NAME}}" / "${{NAME:default}}", so that
// interpolating the result gives `in` back. Returns nothing when `in` has no
// such form: text that interpolation reads as an escape, such as a literal
// "${{NAME}}", always comes back as "${NAME}". Benthos, whose grammar wsout
// follows, has no escape for its own escape (its second pass rewrites every
// "${{NAME}}" in the result, wherever it came from), so there is nothing to
// write instead.
inline std::optional<std::string> escape_interpolation(std::string_view in)
{
    std::string out;
    std::size_t i = 0;
    while (i < in.size())
    {
        if (in[i] == '$' && i + 2 < in.size() && in[i + 1] == '{' && in[i + 2] != '{')
        {
            std::size_t j = i + 2;
            while (j < in.size() && is_env_name_char(in[j]))
                ++j;
            if (j > i + 2 && j < in.size() && (in[j] == '}' || in[j] == ':'))
            {
                std::size_t close = default_end(in, in[j] == ':' ? j + 1 : j);
                if (close != std::string_view::npos)
                {
                    out += "${{";
                    out += in.substr(i + 2, close - (i + 2));
                    out += "}}";
                    i = close + 1;
                    continue;
                }
            }
        }
        out += in[i++];
    }
    // Check the round trip instead of characterising the texts that fail
    // it: reading `out` back must give `in`, with no variable consulted.
    if (out.find("${") != std::string::npos)
    {
        bool substituted = false;
        try
        {
            if (interpolate_string(out, env_lookup{}, "", substituted) != in || substituted)
                return std::nullopt;
        }
        catch (config_error const&)
        {
            return std::nullopt;
        }
    }
    return out;
}

// Escapes every string value of `j` in place (object keys are never
// interpolated, so they are left alone). A value without an escaped form
// (see escape_interpolation) is refused with a config_error at its pointer,
// so that a config is never written that reads back as something else. The
// value itself is not quoted: it may be a secret.
inline void escape_interpolation_json(nlohmann::json& j, std::string const& where)
{
    if (j.is_string())
    {
        auto const& s = j.get_ref<std::string const&>();
        if (s.find("${") == std::string::npos)
            return;
        std::optional<std::string> escaped = escape_interpolation(s);
        if (!escaped)
            throw config_error(where, "the value holds literal text of the form ${{NAME}}, which a config "
                                      "cannot express: reading it back gives ${NAME} (Benthos' "
                                      "interpolation has no escape for its own escape)");
        j = std::move(*escaped);
    }
    else if (j.is_object())
    {
        for (auto it = j.begin(); it != j.end(); ++it)
            escape_interpolation_json(it.value(), pointer_join(where, it.key()));
    }
    else if (j.is_array())
    {
        for (std::size_t k = 0; k < j.size(); ++k)
            escape_interpolation_json(j[k], pointer_join(where, k));
    }
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
