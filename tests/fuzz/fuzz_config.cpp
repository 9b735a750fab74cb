// Fuzz target: JSON text -> wsout::parse_config -> config or config_error.
//
// Properties:
//  - parse_config throws nothing but config_error (anything else escapes and
//    aborts: libFuzzer reports it);
//  - a config_error names a JSON pointer that is "" or starts with '/';
//  - a parsed config validates, and to_json(reveal) parses back equal or
//    refuses (config_error) a value holding literal "${{NAME}}" text
//    (the documented round trip), and the scrubbed form parses too
//    (it still has every field, secrets replaced by the marker).
//
// The environment is fake and fixed: a few set, empty and unset variables.

#include <wsout/config.hpp>

#include "fuzz_common.hpp"

#include <map>
#include <optional>
#include <string>

namespace {

std::optional<std::string> fake_env(std::string const& name)
{
    static const std::map<std::string, std::string> vars = {
        {"HOST", "127.0.0.1"}, {"PORT", "4195"},     {"URL", "ws://example.com:81/x?y=1"},
        {"EMPTY", ""},         {"SECRET", "s3cr3t"}, {"DOLLAR", "${HOST}"},
        {"DUR", "1m30s"},      {"BRACE", "}"},       {"A.B_C", "dots"}};
    auto it = vars.find(name);
    if (it == vars.end())
        return std::nullopt;
    return it->second;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<char const*>(data), size);
    wsout::env_lookup env = fake_env;
    wsout::config c;
    try
    {
        c = wsout::parse_config(text, env);
    }
    catch (wsout::config_error const& e)
    {
        WSOUT_FUZZ_CHECK(e.pointer().empty() || e.pointer()[0] == '/', e.pointer());
        WSOUT_FUZZ_CHECK(std::string_view(e.what()).size() != 0, "empty error message");
        return 0;
    }
#ifdef WSOUT_FUZZ_TOLERATE_KNOWN
    // Known finding (number overflow escaped as nlohmann out_of_range):
    // tolerated only in builds made to explore past it.
    catch (nlohmann::json::out_of_range const&)
    {
        return 0;
    }
#endif

    try
    {
        wsout::validate(c);
    }
    catch (wsout::config_error const& e)
    {
        wsout_fuzz::fail("a parsed config does not validate", e.what());
    }

    nlohmann::json revealed;
    try
    {
        revealed = wsout::to_json(c, wsout::secrets::reveal);
    }
    catch (wsout::config_error const& e)
    {
        // Only a value holding literal "${{NAME}}" text (e.g. from
        // "${UNSET:${{A}}}") has no escaped form; to_json refuses it.
        WSOUT_FUZZ_CHECK(std::string_view(e.what()).find("cannot express") != std::string_view::npos,
                         e.what());
        WSOUT_FUZZ_CHECK(!e.pointer().empty(), e.what());
        return 0;
    }
    std::string dumped = revealed.dump();
    wsout::config back;
    try
    {
        back = wsout::parse_config(revealed, env);
    }
    catch (wsout::config_error const& e)
    {
        wsout_fuzz::fail("to_json(reveal) does not parse back", std::string(e.what()) + " in " + dumped);
    }
    WSOUT_FUZZ_CHECK(back == c, dumped);

    auto scrubbed = wsout::to_json(c, wsout::secrets::scrub);
    (void)scrubbed.dump();
    return 0;
}
