//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_CONFIG_DURATION_HPP
#define WSOUT_DETAIL_CONFIG_DURATION_HPP

// Go's time.ParseDuration and Duration.String, re-implemented so Benthos
// duration strings mean the same thing here and format the same way.

#include <cstdint>
#include <string>
#include <string_view>

namespace wsout {
inline namespace v1 {
namespace detail {

struct duration_parse_result
{
    bool ok = false;
    bool negative = false;
    std::uint64_t nanoseconds = 0; // magnitude
    std::string problem;
};

inline duration_parse_result go_parse_duration(std::string_view s)
{
    constexpr std::uint64_t limit = std::uint64_t(1) << 63;
    duration_parse_result r;
    if (s.empty())
    {
        r.problem = "empty duration (expected e.g. \"500ms\", \"1m30s\" or \"0s\")";
        return r;
    }
    if (s[0] == '-' || s[0] == '+')
    {
        r.negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0")
    {
        r.ok = true;
        return r;
    }
    if (s.empty())
    {
        r.problem = "a sign without a number";
        return r;
    }
    std::uint64_t d = 0;
    while (!s.empty())
    {
        if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
        {
            r.problem = "expected a number at " + std::string(s.substr(0, 8)) +
                        " (a duration is a sequence of numbers with units, e.g. \"1h30m\")";
            return r;
        }
        // [0-9]*
        std::uint64_t v = 0;
        std::size_t i = 0;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
        {
            if (v > limit / 10)
            {
                r.problem = "out of range (the largest duration is 2562047h47m16.854775807s)";
                return r;
            }
            v = v * 10 + std::uint64_t(s[i] - '0');
            if (v > limit)
            {
                r.problem = "out of range (the largest duration is 2562047h47m16.854775807s)";
                return r;
            }
        }
        bool const pre = i != 0;
        s.remove_prefix(i);
        // (\.[0-9]*)?
        std::uint64_t f = 0;
        double scale = 1;
        bool post = false;
        if (!s.empty() && s[0] == '.')
        {
            s.remove_prefix(1);
            std::size_t k = 0;
            bool overflow = false;
            for (; k < s.size() && s[k] >= '0' && s[k] <= '9'; ++k)
            {
                if (overflow)
                    continue;
                if (f > (limit - 1) / 10)
                {
                    overflow = true; // further digits are below resolution
                    continue;
                }
                std::uint64_t y = f * 10 + std::uint64_t(s[k] - '0');
                if (y > limit)
                {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            post = k != 0;
            s.remove_prefix(k);
        }
        if (!pre && !post)
        {
            r.problem = "a '.' without digits";
            return r;
        }
        // unit
        std::size_t u = 0;
        while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9'))
            ++u;
        if (u == 0)
        {
            r.problem = "missing unit (expected ns, us, ms, s, m or h, e.g. \"5s\"; only \"0\" may omit it)";
            return r;
        }
        std::string_view unit_text = s.substr(0, u);
        s.remove_prefix(u);
        std::uint64_t unit = 0;
        if (unit_text == "ns")
            unit = 1;
        else if (unit_text == "us" || unit_text == "\xC2\xB5s" /* U+00B5 */ ||
                 unit_text == "\xCE\xBCs" /* U+03BC */)
            unit = 1000;
        else if (unit_text == "ms")
            unit = 1000000;
        else if (unit_text == "s")
            unit = 1000000000;
        else if (unit_text == "m")
            unit = 60ull * 1000000000;
        else if (unit_text == "h")
            unit = 3600ull * 1000000000;
        else
        {
            r.problem = "unknown unit \"" + std::string(unit_text).substr(0, 16) +
                        "\" (expected ns, us, ms, s, m or h)";
            return r;
        }
        if (v > limit / unit)
        {
            r.problem = "out of range (the largest duration is 2562047h47m16.854775807s)";
            return r;
        }
        v *= unit;
        if (f > 0)
        {
            v += static_cast<std::uint64_t>(double(f) * (double(unit) / scale));
            if (v > limit)
            {
                r.problem = "out of range (the largest duration is 2562047h47m16.854775807s)";
                return r;
            }
        }
        d += v;
        if (d > limit)
        {
            r.problem = "out of range (the largest duration is 2562047h47m16.854775807s)";
            return r;
        }
    }
    if (!r.negative && d > limit - 1)
    {
        r.problem = "out of range (the largest duration is 2562047h47m16.854775807s)";
        return r;
    }
    r.ok = true;
    r.nanoseconds = d;
    return r;
}

// Writes the fraction of v / 10^prec without trailing zeros (and without
// the '.' when the fraction is zero) in front of `out`; returns v / 10^prec.
inline std::uint64_t go_fmt_frac(std::string& out, std::uint64_t v, int prec)
{
    std::string digits;
    bool print = false;
    for (int i = 0; i < prec; ++i)
    {
        auto digit = v % 10;
        print = print || digit != 0;
        if (print)
            digits.insert(digits.begin(), static_cast<char>('0' + digit));
        v /= 10;
    }
    if (print)
        out.insert(0, "." + digits);
    return v;
}

inline void go_fmt_int(std::string& out, std::uint64_t v)
{
    out.insert(0, std::to_string(v));
}

inline std::string go_format_duration(std::int64_t d)
{
    bool const neg = d < 0;
    std::uint64_t u = neg ? std::uint64_t(0) - static_cast<std::uint64_t>(d) : static_cast<std::uint64_t>(d);
    std::string out;
    if (u < 1000000000ull)
    {
        int prec = 0;
        if (u == 0)
            return "0s";
        if (u < 1000ull)
        {
            prec = 0;
            out = "ns";
        }
        else if (u < 1000000ull)
        {
            prec = 3;
            out = "\xC2\xB5s"; // U+00B5, as Go writes it
        }
        else
        {
            prec = 6;
            out = "ms";
        }
        u = go_fmt_frac(out, u, prec);
        go_fmt_int(out, u);
    }
    else
    {
        out = "s";
        u = go_fmt_frac(out, u, 9);
        go_fmt_int(out, u % 60);
        u /= 60;
        if (u > 0)
        {
            out.insert(0, "m");
            go_fmt_int(out, u % 60);
            u /= 60;
            if (u > 0)
            {
                out.insert(0, "h");
                go_fmt_int(out, u);
            }
        }
    }
    if (neg)
        out.insert(0, "-");
    return out;
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
