// Fuzz target: Benthos-style environment interpolation
// (wsout::detail::interpolate_string / escape_interpolation).
//
// Input: [variable block] 0x00 [text]. The variable block is lines NAME=VALUE
// ('\n'-separated) that make up a fake environment.
//
// Properties:
//  - only config_error is thrown, and only for an unset ${NAME};
//  - text without "${" comes back unchanged and unflagged;
//  - escape_interpolation(s) interpolates back to s, without substitution
//    and without consulting the environment (the to_json round trip relies
//    on it); it may refuse only text holding "${{" (a literal "${{NAME}}"
//    has no escaped form in the Benthos grammar; to_json refuses it).

#include <wsout/config.hpp>
#include <wsout/detail/config_env.hpp>

#include "fuzz_common.hpp"

#include <map>
#include <optional>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view all(reinterpret_cast<char const*>(data), size);
    auto nul = all.find('\0');
    std::string_view vars = nul == std::string_view::npos ? std::string_view{} : all.substr(0, nul);
    std::string_view text = nul == std::string_view::npos ? all : all.substr(nul + 1);

    std::map<std::string, std::string> env_map;
    while (!vars.empty())
    {
        auto nl = vars.find('\n');
        auto line = vars.substr(0, nl);
        vars = nl == std::string_view::npos ? std::string_view{} : vars.substr(nl + 1);
        auto eq = line.find('=');
        if (eq != std::string_view::npos)
            env_map[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    bool consulted = false;
    wsout::env_lookup env = [&](std::string const& name) -> std::optional<std::string> {
        consulted = true;
        auto it = env_map.find(name);
        if (it == env_map.end())
            return std::nullopt;
        return it->second;
    };

    bool substituted = false;
    try
    {
        std::string out = wsout::detail::interpolate_string(text, env, "/x", substituted);
        if (text.find("${") == std::string_view::npos)
        {
            WSOUT_FUZZ_CHECK(out == text, text);
            WSOUT_FUZZ_CHECK(!substituted, text);
        }
    }
    catch (wsout::config_error const& e)
    {
        WSOUT_FUZZ_CHECK(e.pointer() == "/x", e.pointer());
        WSOUT_FUZZ_CHECK(std::string_view(e.what()).find("is not set") != std::string_view::npos, e.what());
    }

    // The escaped form (what to_json writes) reads back as the text itself,
    // with no variable consulted; only text holding "${{" (which reads as
    // an escape, and Benthos has no escape for it) may have none.
    std::optional<std::string> escaped = wsout::detail::escape_interpolation(text);
    if (!escaped)
    {
        WSOUT_FUZZ_CHECK(text.find("${{") != std::string_view::npos, text);
        return 0;
    }
    consulted = false;
    substituted = false;
    std::string back;
    try
    {
        back = wsout::detail::interpolate_string(*escaped, env, "/x", substituted);
    }
    catch (wsout::config_error const& e)
    {
        wsout_fuzz::fail("escaped text still references the environment", *escaped);
    }
    WSOUT_FUZZ_CHECK(back == text, std::string(text) + " -> " + *escaped + " -> " + back);
    WSOUT_FUZZ_CHECK(!substituted, *escaped);
    WSOUT_FUZZ_CHECK(!consulted, *escaped);
    return 0;
}
