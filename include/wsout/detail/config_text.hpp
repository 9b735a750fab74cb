//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_CONFIG_TEXT_HPP
#define WSOUT_DETAIL_CONFIG_TEXT_HPP

// Small text helpers of the config layer: JSON pointers, "did you mean"
// suggestions, HTTP token checks, percent-decoding.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace detail {

inline std::string ascii_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

// A byte for an error message: 'x' when printable, else \xNN / CR / LF / NUL.
inline std::string describe_char(unsigned char c)
{
    switch (c)
    {
    case '\r': return "CR (\\r)";
    case '\n': return "LF (\\n)";
    case '\0': return "NUL (\\0)";
    case '\t': return "TAB (\\t)";
    case ' ': return "' ' (space)";
    default: break;
    }
    if (c > 0x20 && c < 0x7f)
        return std::string("'") + static_cast<char>(c) + "'";
    static char const hex[] = "0123456789abcdef";
    return std::string("\\x") + hex[c >> 4] + hex[c & 15];
}

// RFC 6901 escaping of one reference token.
inline std::string pointer_token(std::string_view key)
{
    std::string out;
    out.reserve(key.size());
    for (char c : key)
    {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

inline std::string pointer_join(std::string const& base, std::string_view key)
{
    return base + "/" + pointer_token(key);
}

inline std::string pointer_join(std::string const& base, std::size_t index)
{
    return base + "/" + std::to_string(index);
}

// The JSON type names used in messages ("expected bool, got string").
inline char const* json_type_name(nlohmann::json const& v) noexcept
{
    switch (v.type())
    {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "bool";
    case nlohmann::json::value_t::string: return "string";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "integer";
    case nlohmann::json::value_t::number_float: return "number";
    case nlohmann::json::value_t::object: return "object";
    case nlohmann::json::value_t::array: return "array";
    default: return "value";
    }
}

// A short, quoted rendering of a non-secret scalar for an error message.
inline std::string quote_value(nlohmann::json const& v, std::size_t max = 40)
{
    std::string s = v.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    if (s.size() > max)
        s = s.substr(0, max) + "...";
    return s;
}

inline std::string quote(std::string_view s, std::size_t max = 40)
{
    return quote_value(nlohmann::json(std::string(s)), max);
}

// Optimal string alignment distance (Levenshtein plus transpositions).
inline std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            std::size_t cost = (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                std::tolower(static_cast<unsigned char>(b[j - 1])))
                                   ? 0
                                   : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// The closest candidate when it is close enough to be a plausible typo;
// empty otherwise.
inline std::string closest(std::string_view word, std::vector<std::string> const& candidates)
{
    std::string best;
    std::size_t best_d = std::string::npos;
    for (auto const& c : candidates)
    {
        std::size_t d = edit_distance(word, c);
        // A different separator style ("consumerKey", "consumer-key") is a
        // typo too.
        std::string a = ascii_lower(word), b = ascii_lower(c);
        a.erase(std::remove_if(a.begin(), a.end(), [](char x) { return x == '_' || x == '-'; }), a.end());
        b.erase(std::remove_if(b.begin(), b.end(), [](char x) { return x == '_' || x == '-'; }), b.end());
        if (a == b)
            d = 1;
        if (d < best_d)
        {
            best_d = d;
            best = c;
        }
    }
    std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    if (best_d <= limit && best_d < word.size())
        return best;
    return {};
}

inline std::string join_choices(std::vector<std::string> const& choices)
{
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i)
    {
        if (i > 0)
            out += ", ";
        out += choices[i].empty() ? std::string("\"\" (empty)") : choices[i];
    }
    return out;
}

// RFC 7230 tchar.
inline bool is_token_char(unsigned char c) noexcept
{
    if (std::isalnum(c))
        return true;
    switch (c)
    {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
    }
}

// Percent-decodes; false on a malformed escape.
inline bool percent_decode(std::string_view in, std::string& out)
{
    out.clear();
    auto hexval = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); ++i)
    {
        if (in[i] != '%')
        {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size())
            return false;
        int hi = hexval(in[i + 1]), lo = hexval(in[i + 2]);
        if (hi < 0 || lo < 0)
            return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

// Percent-encodes everything but RFC 3986 unreserved characters.
inline std::string percent_encode(std::string_view in)
{
    static char const hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : in)
    {
        unsigned char c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += ch;
        else
        {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
