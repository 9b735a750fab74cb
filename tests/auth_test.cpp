//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// Auth policies: RFC vectors for the building blocks, exact RFC 5849
// examples, and real verifiers (Debian's python3-oauthlib and python3-jwt,
// run through /usr/bin/python3) for the headers the policies produce.

#include <wsout/auth/any.hpp>
#include <wsout/auth/basic.hpp>
#include <wsout/auth/concept.hpp>
#include <wsout/auth/jwt.hpp>
#include <wsout/auth/none.hpp>
#include <wsout/auth/oauth1.hpp>
#include <wsout/detail/base64.hpp>
#include <wsout/detail/crypto.hpp>
#include <wsout/detail/percent_encoding.hpp>

#include "support/catch.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <stdlib.h>

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using wsout::auth::rfc5849::parameters;

namespace {

// ---------------------------------------------------------------------------
// helpers

std::string from_hex(std::string_view hex)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(wsout::detail::codec::hex_value(hex[i]) * 16 +
                                        wsout::detail::codec::hex_value(hex[i + 1])));
    return out;
}

std::string to_hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes)
    {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

fs::path tests_dir()
{
    return fs::path(__FILE__).parent_path();
}

struct temp_dir
{
    fs::path path;
    temp_dir()
    {
        std::string tmpl = (fs::temp_directory_path() / "wsout-auth-XXXXXX").string();
        char* p = ::mkdtemp(tmpl.data());
        REQUIRE(p != nullptr);
        path = p;
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
};

void write_file(fs::path const& p, std::string const& text)
{
    std::ofstream out(p, std::ios::binary);
    out << text;
    REQUIRE(out.good());
}

// Runs a verifier script on a JSON list of cases; returns its JSON results.
nlohmann::json run_verifier(temp_dir const& dir,
                            std::string const& script,
                            std::vector<std::string> const& args,
                            nlohmann::json const& cases)
{
    static int counter = 0;
    fs::path file = dir.path / ("cases-" + std::to_string(++counter) + ".json");
    write_file(file, cases.dump());
    std::vector<std::string> argv = {"/usr/bin/python3", (tests_dir() / "servers" / script).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(file.string());
    auto r = wsout_test::run_and_capture(argv, "", std::chrono::seconds(120));
    INFO("verifier stdout: " << r.out << "\nstderr: " << r.err);
    auto results = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE(!results.is_discarded());
    REQUIRE(results.is_array());
    REQUIRE(results.size() == cases.size());
    return results;
}

nlohmann::json verify_oauth(temp_dir const& dir, nlohmann::json const& cases)
{
    return run_verifier(dir, "oauth_verify.py", {}, cases);
}

nlohmann::json verify_jwt(temp_dir const& dir, nlohmann::json const& cases)
{
    return run_verifier(dir, "auth_server.py", {"verify-jwt"}, cases);
}

// The URL a server reconstructs from the request it receives: scheme from
// the transport, authority from the Host header, then the request target.
std::string server_uri(wsout::url const& u)
{
    return std::string(u.secure() ? "https://" : "http://") + u.host_header() + u.target();
}

template<class F>
std::string config_error_pointer(F&& f)
{
    try
    {
        f();
    }
    catch (wsout::config_error const& e)
    {
        return e.pointer();
    }
    return "<no config_error>";
}

template<class F>
std::string config_error_message(F&& f)
{
    try
    {
        f();
    }
    catch (wsout::config_error const& e)
    {
        return e.what();
    }
    return "<no config_error>";
}

std::string authorization_of(wsout::handshake_request const& req)
{
    return std::string(req[http::field::authorization]);
}

template<class Policy>
std::string decorate(Policy& p, std::string const& url)
{
    wsout::url u = wsout::parse_url(url, "ws,wss");
    wsout::handshake_request req{http::verb::get, u.target(), 11};
    p.decorate(req, wsout::handshake_info{u});
    return authorization_of(req);
}

// Test credentials that pass oauthlib's default format checks (client key
// and token: 20-30 alphanumerics); the secrets hold characters that need
// percent-encoding in the signing key.
wsout::config oauth_config(std::string url)
{
    wsout::config c;
    c.url = std::move(url);
    c.oauth.enabled = true;
    c.oauth.consumer_key = "wsoutTestConsumerKey01";
    c.oauth.consumer_secret = "kd94hf93 k423kf44&=+/%";
    c.oauth.access_token = "wsoutTestAccessToken0001";
    c.oauth.access_token_secret = "pfkkdhi9sl3r4s00~!*'()";
    return c;
}

nlohmann::json oauth_case(wsout::config const& c,
                          std::string const& uri,
                          std::string const& authorization,
                          bool endpoint = true)
{
    return {{"method", "GET"},
            {"uri", uri},
            {"authorization", authorization},
            {"consumer_key", c.oauth.consumer_key},
            {"consumer_secret", c.oauth.consumer_secret},
            {"access_token", c.oauth.access_token},
            {"token_secret", c.oauth.access_token_secret},
            {"endpoint", endpoint}};
}

} // namespace

// ---------------------------------------------------------------------------
// building blocks

TEST_CASE("base64: RFC 4648 section 10 vectors", "[auth][base64]")
{
    using wsout::detail::codec::base64_decode;
    using wsout::detail::codec::base64_encode;
    std::pair<char const*, char const*> const vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (auto const& [plain, encoded] : vectors)
    {
        CHECK(base64_encode(plain) == encoded);
        auto back = base64_decode(encoded);
        REQUIRE(back);
        CHECK(*back == plain);
    }
    // base64url (section 5): '-' and '_' for 62 and 63, no padding (JOSE).
    CHECK(wsout::detail::codec::base64url_encode(from_hex("fbff")) == "-_8");
    CHECK(wsout::detail::codec::base64url_encode("foob") == "Zm9vYg");
    CHECK(base64_encode(from_hex("fbff")) == "+/8=");
    auto url = wsout::detail::codec::base64url_decode("-_8");
    REQUIRE(url);
    CHECK(to_hex(*url) == "fbff");
    // Strictness: bad characters, bad padding, non-zero trailing bits.
    CHECK_FALSE(base64_decode("Zm9v!"));
    CHECK_FALSE(base64_decode("Zg="));
    CHECK_FALSE(base64_decode("Zh=="));
    CHECK_FALSE(wsout::detail::codec::base64url_decode("Zm9vYg=="));
}

TEST_CASE("percent-encoding: RFC 3986 unreserved set, RFC 5849 section 3.6", "[auth][percent]")
{
    using wsout::auth::rfc5849::encode;
    // Unreserved characters are never encoded.
    CHECK(encode("ABCXYZabcxyz0189-._~") == "ABCXYZabcxyz0189-._~");
    // Everything else is, with upper-case hex.
    CHECK(encode(" ") == "%20");
    CHECK(encode("+") == "%2B");
    CHECK(encode("%") == "%25");
    CHECK(encode("=&?/:@!*'()") == "%3D%26%3F%2F%3A%40%21%2A%27%28%29");
    CHECK(encode("\xC3\xA9") == "%C3%A9"); // UTF-8 octets
    CHECK(encode(std::string("\0\x7F\xFF", 3)) == "%00%7F%FF");
    // RFC 5849 examples: the encoded values of section 3.4.1.3.2.
    CHECK(encode("=%3D") == "%3D%253D");
    CHECK(encode("r b") == "r%20b");
    CHECK(encode("c@") == "c%40");
    CHECK(encode("HMAC-SHA1") == "HMAC-SHA1");

    using wsout::detail::codec::percent_decode;
    CHECK(percent_decode("%3D%253D") == "=%3D");
    CHECK(percent_decode("a+b", true) == "a b");
    CHECK(percent_decode("a+b", false) == "a+b");
    CHECK(percent_decode("%zz%4") == "%zz%4"); // kept as written, like urllib
    CHECK(percent_decode("%c3%A9") == "\xC3\xA9");
}

TEST_CASE("query parsing: RFC 5849 section 3.4.1.3.1 example", "[auth][percent]")
{
    parameters const q = wsout::auth::rfc5849::parse_query("b5=%3D%253D&a3=a&c%40=&a2=r%20b");
    parameters const expected = {{"b5", "=%3D"}, {"a3", "a"}, {"c@", ""}, {"a2", "r b"}};
    CHECK(q == expected);
    parameters const body = wsout::auth::rfc5849::parse_query("c2&a3=2+q");
    parameters const expected_body = {{"c2", ""}, {"a3", "2 q"}};
    CHECK(body == expected_body);
    // Empty pairs are skipped; '=' in a value stays; an empty name is kept
    // (Python's parse_qsl(keep_blank_values=True) does the same).
    parameters const edge = wsout::auth::rfc5849::parse_query("&&x==1&=v&");
    parameters const expected_edge = {{"x", "=1"}, {"", "v"}};
    CHECK(edge == expected_edge);
    CHECK(wsout::auth::rfc5849::parse_query("").empty());
}

TEST_CASE("HMAC-SHA1 (RFC 2202) and HMAC-SHA256 (RFC 4231) vectors", "[auth][crypto]")
{
    using wsout::detail::crypto::hmac;
    // RFC 2202 section 3, test cases 1, 2, 3, 6.
    CHECK(to_hex(hmac("SHA1", std::string(20, '\x0b'), "Hi There")) ==
          "b617318655057264e28bc0b6fb378c8ef146be00");
    CHECK(to_hex(hmac("SHA1", "Jefe", "what do ya want for nothing?")) ==
          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(to_hex(hmac("SHA1", std::string(20, '\xaa'), std::string(50, '\xdd'))) ==
          "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
    CHECK(to_hex(hmac("SHA1", std::string(80, '\xaa'),
                      "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    // RFC 4231 section 4, test cases 1, 2, 6.
    CHECK(to_hex(hmac("SHA256", std::string(20, '\x0b'), "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(to_hex(hmac("SHA256", "Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(to_hex(hmac("SHA256", std::string(131, '\xaa'),
                      "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    // FIPS 180 "abc" digests.
    CHECK(to_hex(wsout::detail::crypto::digest("SHA1", "abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("CSPRNG nonces", "[auth][crypto]")
{
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i)
    {
        std::string n = wsout::auth::oauth1::make_nonce();
        CHECK(n.size() == 24); // 24 * log2(62) = 142.9 bits
        for (char c : n)
            CHECK(std::isalnum(static_cast<unsigned char>(c)));
        seen.insert(n);
    }
    CHECK(seen.size() == 200);
    // All 62 characters appear (the draw is not stuck on a subset).
    std::set<char> chars;
    for (int i = 0; i < 50; ++i)
        for (char c : wsout::detail::crypto::random_alnum(100))
            chars.insert(c);
    CHECK(chars.size() == 62);
}

// ---------------------------------------------------------------------------
// RFC 5849 examples

TEST_CASE("RFC 5849 3.4.1.2: base string URI", "[auth][oauth1]")
{
    using wsout::auth::rfc5849::base_string_uri;
    auto b = [](char const* u) { return base_string_uri(wsout::parse_url(u, "http,https,ws,wss")); };
    // The RFC's two examples (requests to EXAMPLE.COM:80 and
    // www.example.net:8080 over https).
    CHECK(b("http://EXAMPLE.COM:80/r%20v/X?id=123") == "http://example.com/r%20v/X");
    CHECK(b("https://www.example.net:8080/?q=1") == "https://www.example.net:8080/");
    // ws is signed as http, wss as https; default ports dropped per the
    // http(s) scheme, others kept; "/" for an empty path.
    CHECK(b("ws://Example.COM/ws?x=1") == "http://example.com/ws");
    CHECK(b("ws://example.com:80") == "http://example.com/");
    CHECK(b("ws://example.com:443/") == "http://example.com:443/");
    CHECK(b("wss://example.com:443/a/b") == "https://example.com/a/b");
    CHECK(b("wss://example.com:80/") == "https://example.com:80/");
    CHECK(b("wss://example.com:8443/p%2Fq") == "https://example.com:8443/p%2Fq");
    CHECK(b("ws://[::1]:9000/v6") == "http://[::1]:9000/v6");
    CHECK(b("ws://127.0.0.1:4195/post/ws") == "http://127.0.0.1:4195/post/ws");
}

TEST_CASE("RFC 5849 3.4.1.1: the example signature base string, exactly", "[auth][oauth1]")
{
    namespace r = wsout::auth::rfc5849;
    // POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b HTTP/1.1, Host:
    // example.com, form body "c2&a3=2+q", and the Authorization header's
    // protocol parameters (realm excluded).
    wsout::url u =
        wsout::parse_url("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", "http,https");
    parameters params = r::parse_query(u.query);
    parameters body = r::parse_query("c2&a3=2+q");
    params.insert(params.end(), body.begin(), body.end());
    params.insert(params.end(), {{"oauth_consumer_key", "9djdj82h48djs9d2"},
                                 {"oauth_token", "kkk9d7dh3k39sjv7"},
                                 {"oauth_signature_method", "HMAC-SHA1"},
                                 {"oauth_timestamp", "137131201"},
                                 {"oauth_nonce", "7d8f3e4a"}});
    std::string const normalized = r::normalize_parameters(params);
    // Section 3.4.1.3.2's normalized string.
    CHECK(normalized == "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2"
                        "&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201"
                        "&oauth_token=kkk9d7dh3k39sjv7");
    std::string const base = r::signature_base_string("post", r::base_string_uri(u), normalized);
    CHECK(base == "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q"
                  "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_"
                  "key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m"
                  "ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk"
                  "9d7dh3k39sjv7");
    // Section 3.1 prints bYT5CMsGcbgUdFHObYMEfcx6bsw= for this request with
    // secrets j49sk3j29djd / dh893hdasih9, but that value does not follow
    // from its own inputs: oauthlib's sign_hmac_sha1 gives the value below
    // for this base string too (checked when this test was written).
    CHECK(r::sign(r::signature_method::hmac_sha1, base, "j49sk3j29djd", "dh893hdasih9") ==
          "r6/TJjbCOr97/+UU0NsvSne7s5g=");
}

TEST_CASE("RFC 5849 1.2: the photos.example.net signature, exactly", "[auth][oauth1]")
{
    namespace r = wsout::auth::rfc5849;
    // GET /photos?file=vacation.jpg&size=original, Host: photos.example.net
    wsout::url u =
        wsout::parse_url("http://photos.example.net/photos?file=vacation.jpg&size=original", "http,https");
    parameters params = r::parse_query(u.query);
    params.insert(params.end(), {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                                 {"oauth_token", "nnch734d00sl2jdk"},
                                 {"oauth_signature_method", "HMAC-SHA1"},
                                 {"oauth_timestamp", "137131202"},
                                 {"oauth_nonce", "chapoH"}});
    std::string const base =
        r::signature_base_string("GET", r::base_string_uri(u), r::normalize_parameters(params));
    std::string const sig =
        r::sign(r::signature_method::hmac_sha1, base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
    CHECK(sig == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    // ... and the header as the RFC prints it (minus realm).
    parameters header = {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                         {"oauth_token", "nnch734d00sl2jdk"},
                         {"oauth_signature_method", "HMAC-SHA1"},
                         {"oauth_timestamp", "137131202"},
                         {"oauth_nonce", "chapoH"},
                         {"oauth_signature", sig}};
    CHECK(r::authorization_header(header) ==
          "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", "
          "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", "
          "oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"");
    // PLAINTEXT (section 3.4.4): the encoded secrets joined by '&'.
    CHECK(r::sign(r::signature_method::plaintext, "", "ja893SD9", "") == "ja893SD9&");
    CHECK(r::sign(r::signature_method::plaintext, "", "a b", "c&d") == "a%20b&c%26d");
}

// ---------------------------------------------------------------------------
// the oauth1 policy

TEST_CASE("oauth1: fixed clock and nonce give an exact header", "[auth][oauth1]")
{
    auto c = oauth_config("ws://Example.COM:80/ws?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
    wsout::auth::oauth1 p(
        c, [] { return std::int64_t(1700000000); }, [] { return std::string("wsoutFixedNonce0000000001"); });
    std::string const h = decorate(p, c.url);
    // Verified with oauthlib when this test was written (and again below).
    CHECK(h ==
          "OAuth oauth_consumer_key=\"wsoutTestConsumerKey01\", oauth_nonce=\"wsoutFixedNonce0000000001\", "
          "oauth_signature=\"KSGYFSfHw68HarLT7wrPrJH37DM%3D\", oauth_signature_method=\"HMAC-SHA1\", "
          "oauth_timestamp=\"1700000000\", oauth_token=\"wsoutTestAccessToken0001\", oauth_version=\"1.0\"");
    // The same inputs give the same header; a different url does not.
    CHECK(decorate(p, c.url) == h);
    CHECK(decorate(p, "ws://example.com/ws?b5=%3D%253D&a3=a&c%40=") != h);

    temp_dir dir;
    auto results = verify_oauth(
        dir, nlohmann::json::array(
                 {oauth_case(c, "http://example.com/ws?b5=%3D%253D&a3=a&c%40=&a2=r%20b", h, false)}));
    INFO(results.dump(2));
    CHECK(results[0]["ok"] == true);
}

TEST_CASE("oauth1: headers verified by oauthlib for many urls", "[auth][oauth1][python]")
{
    temp_dir dir;
    nlohmann::json cases = nlohmann::json::array();
    std::vector<std::string> labels;
    auto add = [&](std::string label, wsout::config const& c, std::string const& server_url) {
        wsout::auth::oauth1 p(c);
        std::string h = decorate(p, c.url);
        CHECK(h.rfind("OAuth ", 0) == 0);
        cases.push_back(oauth_case(c, server_url, h));
        labels.push_back(std::move(label));
    };
    auto add_url = [&](std::string const& url) {
        auto c = oauth_config(url);
        add(url, c, server_uri(wsout::parse_url(url, "ws,wss")));
    };
    add_url("ws://127.0.0.1:4195/post/ws");
    add_url("ws://example.com/");
    add_url("ws://Example.COM:80/ws?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
    add_url("wss://example.com/ws?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
    add_url("wss://example.com:443/a/b%20c");
    add_url("wss://example.com:8443/feed?x=1&x=0&y=&q=a+b");
    add_url("ws://localhost:9001/p/a.t~h-_?k=%E2%82%AC&%7Ek=v&empty&=v2");
    add_url("ws://[::1]:9000/v6?a=1");
    {
        // HMAC-SHA256.
        auto c = oauth_config("ws://127.0.0.1:8080/sha256?z=1&a=2");
        c.oauth.signature_method = "HMAC-SHA256";
        add("HMAC-SHA256", c, server_uri(wsout::parse_url(c.url, "ws,wss")));
    }
    {
        // PLAINTEXT over wss.
        auto c = oauth_config("wss://example.com/plain?q=1");
        c.oauth.signature_method = "PLAINTEXT";
        add("PLAINTEXT", c, server_uri(wsout::parse_url(c.url, "ws,wss")));
    }
    {
        // Two-legged: no oauth_token, empty token secret.
        auto c = oauth_config("ws://127.0.0.1:8080/two-legged?a=b");
        c.oauth.access_token.clear();
        c.oauth.access_token_secret.clear();
        wsout::auth::oauth1 p(c);
        std::string h = decorate(p, c.url);
        CHECK(h.find("oauth_token=") == std::string::npos);
        cases.push_back(oauth_case(c, "http://127.0.0.1:8080/two-legged?a=b", h));
        labels.push_back("two-legged");
    }
    {
        // request_url: the server behind a reverse proxy sees another URL;
        // it is what gets signed (its query included), not the ws url.
        auto c = oauth_config("ws://10.0.0.5:4195/internal?shard=3");
        c.oauth.request_url = "https://api.example.com/feed?b=2&a=1";
        add("request_url", c, "https://api.example.com/feed?b=2&a=1");
        auto c2 = oauth_config("wss://10.0.0.5:4443/internal");
        c2.oauth.request_url = "ws://public.example.com:8080/x";
        add("request_url ws", c2, "http://public.example.com:8080/x");
    }
    {
        // Successive handshakes by one policy: fresh nonces, both accepted
        // (the endpoint remembers nonces across these cases).
        auto c = oauth_config("ws://127.0.0.1:4195/again?x=1");
        wsout::auth::oauth1 p(c);
        for (int i = 0; i < 3; ++i)
        {
            cases.push_back(oauth_case(c, "http://127.0.0.1:4195/again?x=1", decorate(p, c.url)));
            labels.push_back("again " + std::to_string(i));
        }
    }
    auto results = verify_oauth(dir, cases);
    std::set<std::string> nonces;
    for (std::size_t i = 0; i < cases.size(); ++i)
    {
        INFO(labels[i] << ": " << cases[i]["authorization"].get<std::string>() << "\n -> "
                       << results[i].dump());
        CHECK(results[i]["signature_ok"] == true);
        CHECK(results[i]["endpoint_ok"] == true);
        nonces.insert(results[i]["nonce"].get<std::string>());
    }
    CHECK(nonces.size() == cases.size());
}

TEST_CASE("oauth1: the verifier rejects what it must (the test can fail)", "[auth][oauth1][python]")
{
    temp_dir dir;
    auto c = oauth_config("ws://127.0.0.1:4195/post/ws?a=1");
    wsout::auth::oauth1 p(c);
    std::string const h = decorate(p, c.url);
    nlohmann::json cases = nlohmann::json::array();
    // 0: correct; 1: the same header again (nonce replay);
    cases.push_back(oauth_case(c, "http://127.0.0.1:4195/post/ws?a=1", h));
    cases.push_back(oauth_case(c, "http://127.0.0.1:4195/post/ws?a=1", h));
    // 2: another query than the one signed; 3: the wrong consumer secret;
    cases.push_back(oauth_case(c, "http://127.0.0.1:4195/post/ws?a=2", decorate(p, c.url)));
    auto wrong = c;
    wrong.oauth.consumer_secret = "not-the-secret";
    cases.push_back(oauth_case(wrong, "http://127.0.0.1:4195/post/ws?a=1", decorate(p, c.url)));
    // 4: request_url set, verified against the ws-derived URL instead.
    auto proxied = oauth_config("ws://10.0.0.5:4195/internal");
    proxied.oauth.request_url = "https://api.example.com/feed";
    wsout::auth::oauth1 pp(proxied);
    cases.push_back(oauth_case(proxied, "http://10.0.0.5:4195/internal", decorate(pp, proxied.url)));
    auto results = verify_oauth(dir, cases);
    INFO(results.dump(2));
    CHECK(results[0]["ok"] == true);
    CHECK(results[1]["signature_ok"] == true);
    CHECK(results[1]["endpoint_ok"] == false);
    CHECK(results[2]["signature_ok"] == false);
    CHECK(results[3]["signature_ok"] == false);
    CHECK(results[4]["signature_ok"] == false);
}

TEST_CASE("oauth1: config errors name the field", "[auth][oauth1]")
{
    auto make = [](wsout::config const& c) { return [c] { wsout::auth::oauth1 p(c); }; };
    auto c = oauth_config("ws://127.0.0.1/");
    CHECK_NOTHROW(make(c)());

    auto e = c;
    e.oauth.enabled = false;
    CHECK(config_error_pointer(make(e)) == "/oauth/enabled");
    e = c;
    e.oauth.consumer_key.clear();
    CHECK(config_error_pointer(make(e)) == "/oauth/consumer_key");
    e = c;
    e.oauth.consumer_secret.clear();
    CHECK(config_error_pointer(make(e)) == "/oauth/consumer_secret");
    e = c;
    e.oauth.access_token.clear();
    CHECK(config_error_pointer(make(e)) == "/oauth/access_token_secret");
    e = c;
    e.oauth.signature_method = "RSA-SHA1";
    CHECK(config_error_pointer(make(e)) == "/oauth/signature_method");
    CHECK_THAT(config_error_message(make(e)), Catch::Contains("RSA-SHA1") && Catch::Contains("HMAC-SHA256"));
    e = c;
    e.oauth.signature_method = "hmac-sha1";
    CHECK(config_error_pointer(make(e)) == "/oauth/signature_method");
    e = c;
    e.oauth.signature_method = "PLAINTEXT"; // over ws://
    CHECK(config_error_pointer(make(e)) == "/oauth/signature_method");
    e.url = "wss://127.0.0.1/";
    CHECK_NOTHROW(make(e)());
    e = c;
    e.oauth.request_url = "ftp://example.com/";
    CHECK(config_error_pointer(make(e)) == "/oauth/request_url");
    e.oauth.request_url = "not a url";
    CHECK(config_error_pointer(make(e)) == "/oauth/request_url");

    // Secrets never appear in the messages.
    for (auto const& bad : {std::string("RSA-SHA1"), std::string("PLAINTEXT")})
    {
        e = c;
        e.oauth.signature_method = bad;
        std::string const msg = config_error_message(make(e));
        CHECK(msg.find(c.oauth.consumer_secret) == std::string::npos);
        CHECK(msg.find(c.oauth.access_token_secret) == std::string::npos);
    }
}

// ---------------------------------------------------------------------------
// basic

TEST_CASE("basic: RFC 7617 header, byte-exact", "[auth][basic]")
{
    auto header = [](std::string user, std::string password) {
        wsout::config c;
        c.basic_auth.enabled = true;
        c.basic_auth.username = std::move(user);
        c.basic_auth.password = std::move(password);
        wsout::auth::basic b(c);
        return decorate(b, "ws://127.0.0.1/");
    };
    // RFC 7617 section 2 and 2.1 examples.
    CHECK(header("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    CHECK(header("test", "123\xC2\xA3") == "Basic dGVzdDoxMjPCow==");
    // An empty password is allowed; a ':' in the password is fine.
    CHECK(header("user", "") == "Basic dXNlcjo=");
    CHECK(header("user", "a:b") == "Basic dXNlcjphOmI=");

    // decorate replaces any Authorization already there.
    wsout::config c;
    c.basic_auth.enabled = true;
    c.basic_auth.username = "u";
    c.basic_auth.password = "p";
    wsout::auth::basic b(c);
    wsout::url u = wsout::parse_url("ws://h/", "ws");
    wsout::handshake_request req{http::verb::get, "/", 11};
    req.set(http::field::authorization, "Bearer old");
    b.decorate(req, wsout::handshake_info{u});
    CHECK(authorization_of(req) == "Basic dTpw");
    CHECK(std::distance(req.equal_range(http::field::authorization).first,
                        req.equal_range(http::field::authorization).second) == 1);
}

TEST_CASE("basic: config errors name the field, without the secret", "[auth][basic]")
{
    auto make = [](std::string user, std::string password, bool enabled = true) {
        wsout::config c;
        c.basic_auth.enabled = enabled;
        c.basic_auth.username = std::move(user);
        c.basic_auth.password = std::move(password);
        return [c] { wsout::auth::basic b(c); };
    };
    CHECK(config_error_pointer(make("u", "p", false)) == "/basic_auth/enabled");
    CHECK(config_error_pointer(make("us:er", "p")) == "/basic_auth/username");
    CHECK(config_error_pointer(make("us\rer", "p")) == "/basic_auth/username");
    CHECK(config_error_pointer(make("user\n", "p")) == "/basic_auth/username");
    CHECK(config_error_pointer(make(std::string("u\0", 2), "p")) == "/basic_auth/username");
    CHECK(config_error_pointer(make("user", "pa\r\nX-Injected: 1")) == "/basic_auth/password");
    CHECK(config_error_pointer(make("user", std::string("s3cr3t\0", 7))) == "/basic_auth/password");
    CHECK(config_error_pointer(make("user", "tab\tbed")) == "/basic_auth/password");
    std::string const msg = config_error_message(make("user", "hunter2\nsecret"));
    CHECK(msg.find("hunter2") == std::string::npos);
    CHECK_THAT(msg, Catch::Contains("line feed"));
}

// ---------------------------------------------------------------------------
// jwt

namespace {

// Test keys, generated at test time with the openssl CLI (no private key is
// committed), with their public halves for the verifier.
struct jwt_keys
{
    temp_dir dir;

    fs::path generate(std::string const& name, std::vector<std::string> args)
    {
        fs::path priv = dir.path / (name + ".pem");
        std::vector<std::string> argv = {"openssl", "genpkey"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"-out", priv.string()});
        auto r = wsout_test::run_and_capture(argv, "", std::chrono::seconds(60));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return priv;
    }

    fs::path public_of(fs::path const& priv)
    {
        fs::path pub = priv;
        pub.replace_extension(".pub.pem");
        auto r = wsout_test::run_and_capture(
            {"openssl", "pkey", "-in", priv.string(), "-pubout", "-out", pub.string()}, "",
            std::chrono::seconds(60));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return pub;
    }

    fs::path traditional_of(fs::path const& priv)
    {
        fs::path trad = priv;
        trad.replace_extension(".trad.pem");
        auto r = wsout_test::run_and_capture(
            {"openssl", "pkey", "-in", priv.string(), "-traditional", "-out", trad.string()}, "",
            std::chrono::seconds(60));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return trad;
    }
};

wsout::config jwt_config(std::string method, std::string key_file)
{
    wsout::config c;
    c.url = "ws://127.0.0.1:4195/post/ws";
    c.jwt.enabled = true;
    c.jwt.signing_method = std::move(method);
    c.jwt.private_key_file = std::move(key_file);
    c.jwt.claims = {{"sub", "wsout-test"}, {"iss", "wsout"}, {"scope", {"a", "b"}}, {"n", 42}};
    c.jwt.headers = {{"kid", "key-1"}};
    return c;
}

} // namespace

TEST_CASE("jwt: tokens verified by PyJWT for every signing method", "[auth][jwt][python]")
{
    jwt_keys keys;
    auto rsa = keys.generate("rsa", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"});
    auto ec = keys.generate("ec", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
    auto ed25519 = keys.generate("ed25519", {"-algorithm", "ED25519"});
    auto ed448 = keys.generate("ed448", {"-algorithm", "ED448"});
    std::string const secret = "0123456789abcdef0123456789abcdef-hs256";

    struct item
    {
        std::string alg;
        fs::path key;
        fs::path pub;
        std::chrono::seconds expiry{0};
    };
    std::vector<item> items = {
        {"RS256", rsa, keys.public_of(rsa)},
        {"RS384", rsa, keys.public_of(rsa)},
        {"RS512", rsa, keys.public_of(rsa), std::chrono::seconds(300)},
        {"ES256", ec, keys.public_of(ec)},
        {"ES256", keys.traditional_of(ec), keys.public_of(ec)},   // SEC1 "EC PRIVATE KEY"
        {"RS256", keys.traditional_of(rsa), keys.public_of(rsa)}, // PKCS#1 "RSA PRIVATE KEY"
        {"EdDSA", ed25519, keys.public_of(ed25519)},
        {"EdDSA", ed448, keys.public_of(ed448), std::chrono::seconds(60)},
        {"HS256", {}, {}},
        {"HS256", {}, {}, std::chrono::seconds(90)},
    };
    nlohmann::json cases = nlohmann::json::array();
    for (auto const& it : items)
    {
        auto c = jwt_config(it.alg, it.key.string());
        if (it.alg == "HS256")
            c.jwt.secret = secret;
        c.jwt.expiry = it.expiry;
        wsout::auth::jwt p(c);
        CHECK(p.algorithm() == it.alg);
        std::string const h = decorate(p, c.url);
        REQUIRE(h.rfind("Bearer ", 0) == 0);
        std::string const token = h.substr(7);
        CHECK(std::count(token.begin(), token.end(), '.') == 2);
        CHECK(token.find('=') == std::string::npos);
        nlohmann::json expected_claims = c.jwt.claims;
        nlohmann::json cs = {{"token", token},
                             {"alg", it.alg},
                             {"claims", expected_claims},
                             {"header", {{"kid", "key-1"}, {"typ", "JWT"}, {"alg", it.alg}}},
                             {"expiry", it.expiry.count()}};
        if (it.alg == "HS256")
            cs["secret"] = secret;
        else
            cs["public_key_file"] = it.pub.string();
        cases.push_back(cs);
        if (it.expiry.count() == 0)
            CHECK(decorate(p, c.url) == h); // one token, signed at construction
    }
    // Negative control: an RS256 token checked with another key fails.
    {
        auto other = keys.generate("rsa-other", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"});
        wsout::auth::jwt p(jwt_config("RS256", other.string()));
        cases.push_back(
            {{"token", p.token()}, {"alg", "RS256"}, {"public_key_file", keys.public_of(rsa).string()}});
    }
    auto results = verify_jwt(keys.dir, cases);
    for (std::size_t i = 0; i + 1 < cases.size(); ++i)
    {
        INFO(i << ": " << cases[i]["alg"] << " " << results[i].dump());
        CHECK(results[i]["ok"] == true);
    }
    CHECK(results.back()["ok"] == false);
}

TEST_CASE("jwt: expiry sets iat and exp freshly on each handshake", "[auth][jwt]")
{
    auto c = jwt_config("HS256", "");
    c.jwt.secret = std::string(32, 'k');
    c.jwt.expiry = std::chrono::minutes(5);
    std::int64_t now = 1700000000;
    wsout::auth::jwt p(c, [&now] { return now; });
    auto claims_of = [](std::string const& token) {
        auto first = token.find('.');
        auto second = token.find('.', first + 1);
        auto text = wsout::detail::codec::base64url_decode(token.substr(first + 1, second - first - 1));
        REQUIRE(text);
        return nlohmann::json::parse(*text);
    };
    auto a = claims_of(p.token());
    CHECK(a["iat"] == 1700000000);
    CHECK(a["exp"] == 1700000300);
    CHECK(a["sub"] == "wsout-test");
    now += 7;
    auto b = claims_of(p.token());
    CHECK(b["iat"] == 1700000007);
    CHECK(b["exp"] == 1700000307);
    // The header is fixed: alg, typ and the configured fields.
    std::string const t = p.token();
    auto header = wsout::detail::codec::base64url_decode(t.substr(0, t.find('.')));
    REQUIRE(header);
    CHECK(nlohmann::json::parse(*header) ==
          nlohmann::json({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "key-1"}}));
}

TEST_CASE("jwt: bad or mismatched keys are config errors at construction", "[auth][jwt]")
{
    jwt_keys keys;
    auto rsa = keys.generate("rsa", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"});
    auto rsa1024 = keys.generate("rsa1024", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"});
    auto ec = keys.generate("ec", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
    auto ec384 = keys.generate("ec384", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"});
    auto ed = keys.generate("ed", {"-algorithm", "ED25519"});
    auto encrypted = keys.generate("enc", {"-algorithm", "ED25519", "-aes256", "-pass", "pass:s3cr3tpass"});
    auto pub = keys.public_of(ed);
    fs::path garbage = keys.dir.path / "garbage.pem";
    write_file(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

    auto make = [](wsout::config c) { return [c] { wsout::auth::jwt p(c); }; };
    auto with = [](std::string m, fs::path const& f) { return jwt_config(std::move(m), f.string()); };

    CHECK_NOTHROW(make(with("RS256", rsa))());
    CHECK(config_error_pointer(make(with("RS256", ec))) == "/jwt/private_key_file");
    CHECK_THAT(config_error_message(make(with("RS256", ec))),
               Catch::Contains("RSA") && Catch::Contains("EC"));
    CHECK(config_error_pointer(make(with("RS384", rsa1024))) == "/jwt/private_key_file");
    CHECK(config_error_pointer(make(with("ES256", rsa))) == "/jwt/private_key_file");
    CHECK(config_error_pointer(make(with("ES256", ec384))) == "/jwt/private_key_file");
    CHECK_THAT(config_error_message(make(with("ES256", ec384))), Catch::Contains("P-256"));
    CHECK(config_error_pointer(make(with("EdDSA", ec))) == "/jwt/private_key_file");
    CHECK(config_error_pointer(make(with("EdDSA", pub))) == "/jwt/private_key_file");
    CHECK(config_error_pointer(make(with("EdDSA", garbage))) == "/jwt/private_key_file");
    CHECK(config_error_pointer(make(with("EdDSA", keys.dir.path / "missing.pem"))) ==
          "/jwt/private_key_file");
    CHECK_THAT(config_error_message(make(with("EdDSA", keys.dir.path / "missing.pem"))),
               Catch::Contains("missing.pem"));
    CHECK(config_error_pointer(make(with("EdDSA", keys.dir.path))) == "/jwt/private_key_file"); // a directory
    CHECK(config_error_pointer(make(with("EdDSA", encrypted))) == "/jwt/private_key_file");
    CHECK_THAT(config_error_message(make(with("EdDSA", encrypted))), Catch::Contains("encrypted"));
    CHECK(config_error_pointer(make(with("RS256", ""))) == "/jwt/private_key_file");
    CHECK(config_error_pointer(make(with("PS256", rsa))) == "/jwt/signing_method");
    CHECK(config_error_pointer(make(with("", rsa))) == "/jwt/signing_method");
    CHECK(config_error_pointer(make(with("rs256", rsa))) == "/jwt/signing_method");

    auto c = with("RS256", rsa);
    c.jwt.enabled = false;
    CHECK(config_error_pointer(make(c)) == "/jwt/enabled");
    c = with("RS256", rsa);
    c.jwt.secret = "0123456789abcdef0123456789abcdef";
    CHECK(config_error_pointer(make(c)) == "/jwt/secret");
    c = with("HS256", "");
    CHECK(config_error_pointer(make(c)) == "/jwt/secret");
    c.jwt.secret = "short-secret";
    CHECK(config_error_pointer(make(c)) == "/jwt/secret");
    CHECK(config_error_message(make(c)).find("short-secret") == std::string::npos);
    c.jwt.secret = std::string(32, 'x');
    CHECK_NOTHROW(make(c)());
    c.jwt.private_key_file = rsa.string();
    CHECK(config_error_pointer(make(c)) == "/jwt/private_key_file");

    c = with("EdDSA", ed);
    c.jwt.claims = nlohmann::json::array();
    CHECK(config_error_pointer(make(c)) == "/jwt/claims");
    c = with("EdDSA", ed);
    c.jwt.headers = "kid";
    CHECK(config_error_pointer(make(c)) == "/jwt/headers");
    c = with("EdDSA", ed);
    c.jwt.headers["alg"] = "none";
    CHECK(config_error_pointer(make(c)) == "/jwt/headers/alg");
    c = with("EdDSA", ed);
    c.jwt.expiry = std::chrono::seconds(60);
    CHECK_NOTHROW(make(c)());
    c.jwt.claims["exp"] = 1;
    CHECK(config_error_pointer(make(c)) == "/jwt/claims/exp");
    c = with("EdDSA", ed);
    c.jwt.expiry = std::chrono::milliseconds(500);
    CHECK(config_error_pointer(make(c)) == "/jwt/expiry");
    c.jwt.expiry = std::chrono::seconds(-1);
    CHECK(config_error_pointer(make(c)) == "/jwt/expiry");
    c = with("EdDSA", ed);
    c.jwt.claims["bad"] = std::string("\xFF\xFE");
    CHECK(config_error_pointer(make(c)) == "/jwt/claims");
}

// ---------------------------------------------------------------------------
// the concept check and run-time selection

namespace {

struct no_decorate
{
    explicit no_decorate(wsout::config const&) {}
};

struct no_config_ctor
{
    void decorate(wsout::handshake_request&, wsout::handshake_info const&) {}
};

struct user_policy
{
    explicit user_policy(wsout::config const&) {}
    user_policy(std::string t)
        : token(std::move(t))
    {}
    void decorate(wsout::handshake_request& req, wsout::handshake_info const&)
    {
        ++calls;
        req.set(http::field::authorization, "Bearer " + token);
    }
    std::string token = "from-config";
    int calls = 0;
};

} // namespace

TEST_CASE("auth concept: is_auth_policy and the static_assert helper", "[auth][concept]")
{
    STATIC_REQUIRE(wsout::auth::is_auth_policy_v<wsout::auth::none>);
    STATIC_REQUIRE(wsout::auth::is_auth_policy_v<wsout::auth::basic>);
    STATIC_REQUIRE(wsout::auth::is_auth_policy_v<wsout::auth::oauth1>);
    STATIC_REQUIRE(wsout::auth::is_auth_policy_v<wsout::auth::jwt>);
    STATIC_REQUIRE(wsout::auth::is_auth_policy_v<wsout::auth::any>);
    STATIC_REQUIRE(wsout::auth::is_auth_policy_v<user_policy>);
    STATIC_REQUIRE_FALSE(wsout::auth::is_auth_policy_v<no_decorate>);
    STATIC_REQUIRE_FALSE(wsout::auth::is_auth_policy_v<no_config_ctor>);
    STATIC_REQUIRE(wsout::auth::is_auth_policy_object<no_config_ctor>::value);
    STATIC_REQUIRE_FALSE(wsout::auth::is_auth_policy_v<int>);
    STATIC_REQUIRE(wsout::auth::check_auth_policy<user_policy>());
    STATIC_REQUIRE(wsout::auth::check_auth_policy<no_config_ctor, false>());
    WSOUT_CHECK_AUTH_POLICY(wsout::auth::oauth1);
    // check_auth_policy<no_decorate>() would fail to compile with
    // "wsout: the Auth policy lacks a member `void decorate(...)`".
}

TEST_CASE("auth::any: chosen from the config, or holding a user policy", "[auth][any]")
{
    wsout::config c;
    CHECK(wsout::auth::any(c).which() == wsout::auth::any::kind::none);
    CHECK(decorate(*std::make_unique<wsout::auth::any>(c), "ws://h/").empty());

    c.basic_auth.enabled = true;
    c.basic_auth.username = "Aladdin";
    c.basic_auth.password = "open sesame";
    wsout::auth::any b(c);
    CHECK(std::string(b.name()) == "basic");
    CHECK(decorate(b, "ws://h/") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

    auto o = oauth_config("ws://h/");
    wsout::auth::any oa(o);
    CHECK(oa.which() == wsout::auth::any::kind::oauth1);
    CHECK(decorate(oa, "ws://h/").rfind("OAuth oauth_consumer_key=", 0) == 0);

    auto j = jwt_config("HS256", "");
    j.jwt.secret = std::string(40, 's');
    CHECK(wsout::auth::any(j).which() == wsout::auth::any::kind::jwt);

    // More than one enabled: an error at the second one.
    auto two = o;
    two.basic_auth = c.basic_auth;
    CHECK(config_error_pointer([&] { wsout::auth::any a(two); }) == "/basic_auth/enabled");
    two.jwt = j.jwt;
    two.basic_auth.enabled = false;
    CHECK(config_error_pointer([&] { wsout::auth::any a(two); }) == "/jwt/enabled");
    // The chosen policy's own errors come through.
    auto bad = c;
    bad.basic_auth.username = "a:b";
    CHECK(config_error_pointer([&] { wsout::auth::any a(bad); }) == "/basic_auth/username");

    // A user policy, or a built-in one built by the caller.
    wsout::auth::any u(user_policy("tok"));
    CHECK(u.which() == wsout::auth::any::kind::custom);
    CHECK(decorate(u, "ws://h/") == "Bearer tok");
    wsout::auth::any fixed(wsout::auth::oauth1(o, [] { return std::int64_t(1700000000); }));
    CHECK(fixed.which() == wsout::auth::any::kind::oauth1);
    CHECK(decorate(fixed, "ws://h/").find("oauth_timestamp=\"1700000000\"") != std::string::npos);
}
