// Failure injection at every step of a connection (resolve, connect, the
// handshake's write and read, each data write including partial writes,
// reads, the close), and backpressure against a server that stops reading.
//
// The transport is tests/support/fault_transport.hpp: the real plain
// transport to the real in-process server (tests/support/test_server.hpp),
// with the Nth call of a step made to fail. Every scenario checks the
// delivery accounting (see check_accounting) and that nothing leaks (no
// stream outlives its output; run under ASan for the rest).

#include <wsout/auth/none.hpp>
#include <wsout/client.hpp>
#include <wsout/websocket_output.hpp>

#include "support/catch.hpp"
#include "support/fault_transport.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <malloc.h>

using namespace std::chrono_literals;
namespace net = boost::asio;
using wsout_test::fault_how;
using wsout_test::fault_rule;
using wsout_test::fault_step;

namespace {

using fault_output = wsout::websocket_output<wsout_test::fault_transport, wsout::auth::none>;

/// One I/O thread for the lifetime of the object (a thread_pool: sync calls
/// then wait on a condition variable instead of also running the I/O
/// context, see detail/blocking.hpp).
struct io_thread
{
    net::thread_pool pool{1};
    net::any_io_executor executor() { return pool.get_executor(); }

    ~io_thread()
    {
        pool.stop();
        pool.join();
    }
};

constexpr std::size_t message_count = 30;

/// The Ns to try for a step that happens `count` times in a clean run:
/// every N up to 8, then every third (every N with
/// WSOUT_FAULTS_EXHAUSTIVE=1), and one beyond the end.
std::vector<std::size_t> ns_for(std::size_t first, std::size_t count)
{
    static bool const every = std::getenv("WSOUT_FAULTS_EXHAUSTIVE") != nullptr;
    std::vector<std::size_t> v;
    for (std::size_t n = first; n <= count + 1; ++n)
        if (every || n <= 8 || n % 3 == 0 || n == count + 1)
            v.push_back(n);
    return v;
}

/// Message i: "m<i>:" then a filler that depends on i. Most are small; every
/// tenth (from 3) is 70 KB, and message 20 is 600 KB (it spans three of the
/// output's 256 KiB writes).
std::string make_message(std::size_t i, bool big = true)
{
    std::size_t size = 24;
    if (i % 10 == 3)
        size = big ? 70000 : 300;
    if (i == 20 && big)
        size = 600000;
    std::string s = "m" + std::to_string(i) + ":";
    s.reserve(size);
    for (std::size_t k = s.size(); k < size; ++k)
        s.push_back(static_cast<char>('a' + (i * 7 + k) % 26));
    return s;
}

std::size_t index_of(std::string const& payload)
{
    auto colon = payload.find(':');
    if (payload.size() < 2 || payload[0] != 'm' || colon == std::string::npos)
        return static_cast<std::size_t>(-1);
    return static_cast<std::size_t>(std::stoul(payload.substr(1, colon - 1)));
}

enum class producer
{
    sync,     ///< write() one message after the other: one socket write each
    pipelined ///< async_write() all at once: many messages per socket write
};

struct scenario
{
    std::vector<fault_rule> rules;
    wsout::confirm_mode confirm = wsout::confirm_mode::none;
    producer mode = producer::sync;
    std::size_t short_writes = 0;
    wsout::duration ping_interval{0};
    wsout::duration write_timeout{0};
    wsout::duration connect_timeout = 2s;
    wsout::duration handshake_timeout = 2s;
    wsout_test::ws_server_options server;
    /// false: every message is at most 300 bytes (for slow transports).
    bool big = true;
    /// Close right after the last async_write (pipelined only), so the close
    /// frame shares a write with data.
    bool close_at_once = false;
    /// backoff.retry_permanent_errors
    bool retry_permanent = false;
};

struct outcome
{
    std::vector<wsout::error_code> connect_errors; // failed connect() calls, in order
    wsout::failure_info first_connect_failure;
    bool connected = false;
    std::vector<int> reports;               // how many times each message was reported
    std::vector<wsout::error_code> results; // each message's outcome
    wsout::error_code close_result;
    wsout::output_stats stats;
    std::vector<wsout_test::received_message> received;
    std::vector<wsout_test::connection_info> connections;
    std::string trace;
    std::size_t fired = 0;
    std::size_t attempts = 0; // connect attempts (resolves)
    std::size_t writes = 0;   // write calls on the transport
    bool big = true;
    long live_streams_after = -1;
};

wsout::config config_for(std::string const& url, scenario const& s)
{
    wsout::config cfg;
    cfg.url = url;
    cfg.timeouts.connect = s.connect_timeout;
    cfg.timeouts.handshake = s.handshake_timeout;
    cfg.timeouts.write = s.write_timeout;
    cfg.timeouts.close = 3s;
    cfg.backoff.initial_interval = 1ms;
    cfg.backoff.max_interval = 5ms;
    cfg.backoff.jitter = 0;
    cfg.backoff.retry_permanent_errors = s.retry_permanent;
    cfg.keepalive.ping_interval = s.ping_interval;
    cfg.keepalive.pong_timeout = 0ms;
    cfg.delivery.confirm = s.confirm;
    cfg.delivery.confirm_every_messages = 8;
    return cfg;
}

/// Shared with async completions, which may (wrongly) come late.
struct reports_state
{
    std::mutex m;
    std::condition_variable cv;
    std::size_t done = 0;
    std::vector<int> reports = std::vector<int>(message_count, 0);
    std::vector<wsout::error_code> results = std::vector<wsout::error_code>(message_count);
};

/// Connects (the caller retries a failed first connect, at most 5 times),
/// sends the message set, closes, and collects everything.
outcome run(scenario const& s)
{
    outcome o;
    o.big = s.big;
    o.reports.assign(message_count, 0);
    o.results.assign(message_count, wsout::error_code{});
    auto plan = std::make_shared<wsout_test::fault_plan>(s.rules);
    plan->set_short_writes(s.short_writes);
    wsout_test::ws_server server(s.server);
    std::shared_ptr<reports_state> reports_late;
    {
        io_thread io;
        auto cfg = config_for(server.url(), s);
        fault_output out(io.executor(), cfg, wsout_test::fault_transport(plan), wsout::auth::none{});
        for (int i = 0; i < 5 && !o.connected; ++i)
        {
            wsout::error_code ec;
            out.connect(ec);
            if (ec)
            {
                if (o.connect_errors.empty())
                    o.first_connect_failure = out.last_failure();
                o.connect_errors.push_back(ec);
            }
            else
                o.connected = true;
        }
        if (o.connected)
        {
            std::vector<std::string> msgs;
            for (std::size_t i = 0; i < message_count; ++i)
                msgs.push_back(make_message(i, s.big));
            if (s.mode == producer::sync)
            {
                for (std::size_t i = 0; i < message_count; ++i)
                {
                    wsout::error_code ec;
                    out.write(msgs[i], ec);
                    ++o.reports[i];
                    o.results[i] = ec;
                }
            }
            else
            {
                auto st = std::make_shared<reports_state>();
                for (std::size_t i = 0; i < message_count; ++i)
                    out.async_write(net::buffer(msgs[i]), [st, i](wsout::error_code ec) {
                        std::lock_guard<std::mutex> lk(st->m);
                        ++st->reports[i];
                        st->results[i] = ec;
                        ++st->done;
                        st->cv.notify_all();
                    });
                if (s.close_at_once)
                    out.close(o.close_result);
                std::unique_lock<std::mutex> lk(st->m);
                st->cv.wait_for(lk, 30s, [&] { return st->done >= message_count; });
                reports_late = st;
            }
            if (!s.close_at_once)
                out.close(o.close_result);
        }
        o.stats = out.stats();
        o.writes = plan->count(fault_step::write);
        o.fired = plan->fired();
        o.attempts = plan->count(fault_step::resolve);
        server.wait_for_closed(server.connection_count(), 3s);
        // A late report would be counted here (and fail the "once" check).
        std::this_thread::sleep_for(10ms);
    }
    if (reports_late)
    {
        std::lock_guard<std::mutex> lk(reports_late->m);
        o.reports = reports_late->reports;
        o.results = reports_late->results;
    }
    o.live_streams_after = plan->live_streams();
    o.received = server.messages();
    o.connections = server.connections();
    o.trace = plan->trace_text();
    return o;
}

std::string describe(scenario const& s, outcome const& o)
{
    std::ostringstream os;
    os << "scenario: " << (s.mode == producer::sync ? "sync" : "pipelined") << ", confirm "
       << (s.confirm == wsout::confirm_mode::ping ? "ping" : "none");
    for (auto const& r : s.rules)
        os << ", " << wsout_test::to_string(r.step) << " #"
           << (r.on_close_frame ? "close-frame" : std::to_string(r.nth))
           << (r.how == fault_how::partial ? " partial " + std::to_string(r.partial_bytes)
               : r.how == fault_how::stall ? " stall"
                                           : "")
           << " -> " << r.error.message();
    os << "\nstats: sent " << o.stats.output_sent << ", error " << o.stats.output_error << ", retried "
       << o.stats.output_retried << ", up " << o.stats.output_connection_up << ", failed "
       << o.stats.output_connection_failed << ", lost " << o.stats.output_connection_lost << ", in_flight "
       << o.stats.in_flight << "; close: " << o.close_result.message() << "; server received "
       << o.received.size() << " on " << o.connections.size() << " connections (ended:";
    for (auto const& c : o.connections)
        os << " " << (c.open ? "still open" : c.end);
    os << ")";
    os << "\ntrace:\n" << o.trace;
    return os.str();
}

/// What a run delivered, from the server's side.
struct delivery
{
    std::set<std::size_t> unique;
    std::size_t duplicates = 0;
    std::size_t lost = 0;         // reported sent, never received
    std::size_t skips_inside = 0; // a gap inside one connection (never allowed)
    std::size_t skips_between = 0;
    std::size_t corrupt = 0;
};

delivery analyse(outcome const& o)
{
    delivery d;
    std::map<std::size_t, std::vector<std::size_t>> by_conn;
    for (auto const& m : o.received)
    {
        std::size_t i = index_of(m.payload);
        if (i >= message_count || m.payload != make_message(i, o.big))
        {
            ++d.corrupt;
            continue;
        }
        if (!d.unique.insert(i).second)
            ++d.duplicates;
        by_conn[m.connection].push_back(i);
    }
    std::size_t previous_last = static_cast<std::size_t>(-1);
    for (auto const& [conn, idx] : by_conn)
    {
        for (std::size_t k = 1; k < idx.size(); ++k)
            if (idx[k] != idx[k - 1] + 1)
                ++d.skips_inside;
        if (previous_last != static_cast<std::size_t>(-1) && idx.front() > previous_last + 1)
            ++d.skips_between;
        previous_last = idx.back();
    }
    for (std::size_t i = 0; i < message_count; ++i)
        if (!o.results[i] && !d.unique.count(i))
            ++d.lost;
    return d;
}

/// Whether the output took an injected read EOF for the server's orderly
/// close (see below): it fired, and no connection was counted lost.
bool fake_fin_during_close(scenario const& s, outcome const& o)
{
    bool const injects_eof = std::any_of(s.rules.begin(), s.rules.end(), [](fault_rule const& r) {
        return r.step == fault_step::read && r.error == net::error::eof;
    });
    return injects_eof && o.fired > 0 && o.stats.output_connection_lost == 0;
}

/** The accounting every fault scenario must satisfy.

    - every message is reported exactly once, and the stats agree;
    - what the server received is intact, and in order inside each
      connection (TCP keeps order: a gap there would be a skipped message);
    - a message the server received twice was resent, and resends are
      counted in output_retried;
    - confirm `ping`: nothing reported sent is missing;
    - confirm `none`: a message reported sent may be missing only across a
      connection loss: it was handed to the kernel (or partly written) on a
      connection that broke before the server read it. That is the loss
      window: the messages written on a lost connection after the last one
      the server read there. It never covers a message of a later
      connection or the last connection after a completed close, with one
      exception, below.
    - no stream outlives the output and its io_context.

    The exception is an injected EOF that fires during close(): a FIN the
    server never sent. Once every message is handed over, the output takes
    an EOF as the server's orderly close (a real server that closes with
    data unread makes its kernel send a reset, not a FIN) and closes the
    socket. This server is in truth still reading, and still sending: its
    pongs and its close answer reach a closed socket, our kernel answers
    with a reset, and the server loses what it had not read yet. No real
    peer can send data after its FIN, so this window exists only in the
    test.
*/
delivery check_accounting(scenario const& s, outcome const& o)
{
    INFO(describe(s, o));
    auto d = analyse(o);
    for (std::size_t i = 0; i < message_count; ++i)
    {
        INFO("message " << i);
        CHECK(o.reports[i] == 1);
    }
    std::uint64_t ok = 0, failed = 0;
    for (std::size_t i = 0; i < message_count; ++i)
        (o.results[i] ? failed : ok)++;
    if (o.connected)
    {
        CHECK(o.stats.output_sent == ok);
        CHECK(o.stats.output_error == failed);
    }
    CHECK(o.stats.in_flight == 0);
    CHECK(o.stats.in_flight_bytes == 0);
    CHECK(d.corrupt == 0);
    CHECK(d.skips_inside == 0);
    CHECK(d.duplicates <= o.stats.output_retried);
    if (s.confirm == wsout::confirm_mode::ping)
    {
        CHECK(d.lost == 0);
        CHECK(d.skips_between == 0);
    }
    else
    {
        // Every loss sits at a connection boundary, so there are at most as
        // many gaps as lost connections.
        CHECK(d.skips_between <= o.stats.output_connection_lost);
        if (o.stats.output_connection_lost == 0 && !fake_fin_during_close(s, o))
            CHECK(d.lost == 0);
    }
    // Every attempt is counted once, as up or failed; except one that
    // close() cancelled (the loss came just before the close).
    CHECK(o.stats.output_connection_up + o.stats.output_connection_failed <= o.attempts);
    CHECK(o.stats.output_connection_up + o.stats.output_connection_failed + 1 >= o.attempts);
    CHECK(o.live_streams_after == 0);
    return d;
}

wsout::error_code reset()
{
    return net::error::connection_reset;
}

} // namespace

//----------------------------------------------------------------------------
// The first connect: each step's failure is reported by connect() with its
// own error and step, and the caller's next connect() succeeds.

TEST_CASE("faults: a failed first connect reports the step's error; connecting again works",
          "[faults][connect]")
{
    struct step_case
    {
        fault_rule rule;
        wsout::transport::connect_step step;
    };
    std::vector<step_case> cases = {
        {{fault_step::resolve, 1, net::error::host_not_found}, wsout::transport::connect_step::resolve},
        {{fault_step::resolve, 1, net::error::host_not_found_try_again},
         wsout::transport::connect_step::resolve},
        {{fault_step::connect, 1, net::error::connection_refused},
         wsout::transport::connect_step::tcp_connect},
        {{fault_step::connect, 1, net::error::network_unreachable},
         wsout::transport::connect_step::tcp_connect},
        // write 1 carries the upgrade request, read 1 reads the 101.
        {{fault_step::write, 1, reset()}, wsout::transport::connect_step::ws_handshake},
        {{fault_step::write, 1, reset(), fault_how::partial, 30},
         wsout::transport::connect_step::ws_handshake},
        {{fault_step::read, 1, reset()}, wsout::transport::connect_step::ws_handshake},
    };
    for (auto const& c : cases)
    {
        scenario s;
        s.rules = {c.rule};
        auto o = run(s);
        INFO(describe(s, o));
        REQUIRE(o.connect_errors.size() == 1);
        CHECK(o.connect_errors[0] == c.rule.error);
        CHECK(o.first_connect_failure.code == c.rule.error);
        CHECK(o.first_connect_failure.step == c.step);
        CHECK(o.first_connect_failure.while_connecting);
        CHECK(o.connected);
        auto d = check_accounting(s, o);
        CHECK(d.unique.size() == message_count);
        CHECK(o.stats.output_connection_failed == 1);
        CHECK(o.stats.output_connection_up == 1);
        CHECK(o.stats.output_connection_lost == 0);
    }
}

TEST_CASE("faults: EOF instead of the 101 is a bad HTTP response", "[faults][connect]")
{
    scenario s;
    s.rules = {{fault_step::read, 1, net::error::eof}};
    auto o = run(s);
    INFO(describe(s, o));
    REQUIRE(o.connect_errors.size() == 1);
    CHECK(o.connect_errors[0] == wsout::error::bad_http_response);
    CHECK(o.first_connect_failure.step == wsout::transport::connect_step::ws_handshake);
    CHECK(o.connected);
    check_accounting(s, o);
}

TEST_CASE("faults: a stalled step hits its timeout", "[faults][connect][timeout]")
{
    struct stall_case
    {
        fault_step step;
        wsout::error expected;
    };
    for (auto const& c : {stall_case{fault_step::resolve, wsout::error::connect_timeout},
                          stall_case{fault_step::connect, wsout::error::connect_timeout},
                          stall_case{fault_step::write, wsout::error::handshake_timeout},
                          stall_case{fault_step::read, wsout::error::handshake_timeout}})
    {
        scenario s;
        s.connect_timeout = 200ms;
        s.handshake_timeout = 200ms;
        s.rules = {{c.step, 1, {}, fault_how::stall}};
        auto t0 = std::chrono::steady_clock::now();
        auto o = run(s);
        INFO(describe(s, o));
        REQUIRE(o.connect_errors.size() == 1);
        CHECK(o.connect_errors[0] == c.expected);
        CHECK(std::chrono::steady_clock::now() - t0 < 10s);
        check_accounting(s, o);
    }
}

//----------------------------------------------------------------------------
// Once connected: the Nth write or read fails; the output reconnects and
// every message is accounted for.

TEST_CASE("faults: the Nth write fails (for every N of a run), in both confirm modes", "[faults][write]")
{
    // A clean run's writes: 1 upgrade request, then data (and fences, close).
    for (auto confirm : {wsout::confirm_mode::none, wsout::confirm_mode::ping})
        for (auto mode : {producer::sync, producer::pipelined})
        {
            scenario clean;
            clean.confirm = confirm;
            clean.mode = mode;
            auto c = run(clean);
            check_accounting(clean, c);
            std::size_t const writes = c.writes;
            INFO("clean run: " << writes << " writes");
            REQUIRE(writes >= 3);
            std::size_t total_lost = 0, losses = 0;
            for (std::size_t n : ns_for(2, writes))
            {
                scenario s = clean;
                s.rules = {{fault_step::write, n, reset()}};
                auto o = run(s);
                auto d = check_accounting(s, o);
                INFO(describe(s, o));
                CHECK(o.connect_errors.empty());
                // A reset that hits the close handshake itself fails the
                // close (the server may not have read everything).
                CHECK((!o.close_result || o.close_result == net::error::connection_reset));
                // A transient error: every message is sent in the end.
                CHECK(o.stats.output_sent == message_count);
                if (o.fired == 1 && o.stats.output_connection_lost == 1 && !o.close_result)
                {
                    // The reconnect happened and carried on.
                    CHECK(o.stats.output_connection_up == 2);
                    ++losses;
                    total_lost += d.lost;
                }
                else
                {
                    // The fault hit the close frame's write (or after the
                    // last write): nothing was pending any more.
                    CHECK(o.stats.output_connection_up == 1);
                    CHECK(d.unique.size() == message_count);
                }
            }
            UNSCOPED_INFO("confirm " << (confirm == wsout::confirm_mode::ping ? "ping" : "none") << ", "
                                     << (mode == producer::sync ? "sync" : "pipelined") << ": " << losses
                                     << " write faults led to a reconnect; messages lost in total: "
                                     << total_lost);
            CHECK(losses >= 1);
        }
}

TEST_CASE("faults: partial writes, then a failure, at every write", "[faults][write][partial]")
{
    // Small messages for the small cuts (a cut inside a frame header, inside
    // a payload, after a few whole frames); the big set for a cut after
    // 70 000 bytes (inside the 600 KB message's writes).
    for (auto confirm : {wsout::confirm_mode::none, wsout::confirm_mode::ping})
        for (auto mode : {producer::sync, producer::pipelined})
            for (std::size_t partial : {std::size_t(1), std::size_t(40), std::size_t(70000)})
            {
                scenario clean;
                clean.confirm = confirm;
                clean.mode = mode;
                clean.big = partial > 1000;
                if (clean.big && mode == producer::sync)
                    continue;
                auto c = run(clean);
                std::size_t const writes = c.writes;
                for (std::size_t n : ns_for(1, writes))
                {
                    scenario s = clean;
                    s.rules = {{fault_step::write, n, reset(), fault_how::partial, partial}};
                    auto o = run(s);
                    auto d = check_accounting(s, o);
                    INFO(describe(s, o));
                    if (n == 1 && partial < 100) // the upgrade request is about 190 bytes
                    {
                        // The upgrade request was cut: the first connect fails.
                        REQUIRE(o.connect_errors.size() == 1);
                        CHECK(o.connect_errors[0] == reset());
                    }
                    CHECK(o.stats.output_sent == message_count);
                    if (confirm == wsout::confirm_mode::ping)
                        CHECK(d.unique.size() == message_count);
                }
            }
}

TEST_CASE("faults: short writes everywhere (no failure) lose nothing", "[faults][write][partial]")
{
    for (std::size_t cap : {std::size_t(1), std::size_t(7), std::size_t(4096)})
        for (auto mode : {producer::sync, producer::pipelined})
        {
            scenario s;
            s.mode = mode;
            s.short_writes = cap;
            s.big = cap > 1000;
            auto o = run(s);
            auto d = check_accounting(s, o);
            INFO(describe(s, o));
            CHECK(o.connect_errors.empty());
            CHECK(d.unique.size() == message_count);
            CHECK(d.duplicates == 0);
            CHECK(o.stats.output_connection_lost == 0);
        }
}

TEST_CASE("faults: the Nth read fails (pongs and the close answer are what reads see)", "[faults][read]")
{
    // In confirm mode ping every fence's pong completes a read; in mode none
    // keepalive pings make the server answer. Read 1 is the 101.
    for (auto confirm : {wsout::confirm_mode::none, wsout::confirm_mode::ping})
        for (auto mode : {producer::sync, producer::pipelined})
        {
            scenario clean;
            clean.confirm = confirm;
            clean.mode = mode;
            clean.ping_interval = 5ms;
            std::size_t losses = 0;
            for (std::size_t n = 2; n <= 12; ++n)
            {
                scenario s = clean;
                s.rules = {{fault_step::read, n, n % 2 ? net::error::eof : reset()}};
                auto o = run(s);
                check_accounting(s, o);
                INFO(describe(s, o));
                CHECK(o.stats.output_sent == message_count);
                // A reset read during the close handshake fails the close.
                CHECK((!o.close_result || o.close_result == net::error::connection_reset));
                if (o.stats.output_connection_lost == 1)
                    ++losses;
            }
            // A short pipelined run may end before read 2 completes; the
            // sync runs last long enough for several pongs.
            if (mode == producer::sync)
                CHECK(losses >= 1);
        }
}

TEST_CASE("faults: a write that stalls hits the write timeout, then the output reconnects",
          "[faults][timeout]")
{
    for (auto confirm : {wsout::confirm_mode::none, wsout::confirm_mode::ping})
        for (std::size_t n : {std::size_t(3), std::size_t(9)})
        {
            scenario s;
            s.confirm = confirm;
            s.write_timeout = 200ms;
            s.rules = {{fault_step::write, n, {}, fault_how::stall}};
            auto o = run(s);
            auto d = check_accounting(s, o);
            INFO(describe(s, o));
            CHECK(o.stats.output_connection_lost == 1);
            CHECK(o.stats.output_sent == message_count);
            CHECK(d.unique.size() + d.lost == message_count);
        }
}

//----------------------------------------------------------------------------
// Reconnect attempts that fail: transient errors are retried, permanent
// ones are not.

TEST_CASE("faults: failed reconnect attempts are retried with backoff", "[faults][reconnect]")
{
    // Write 6 breaks the connection; then resolves / connects / handshakes
    // fail for a few attempts before one succeeds.
    std::vector<std::vector<fault_rule>> plans = {
        {{fault_step::write, 6, reset()}, {fault_step::resolve, 2, net::error::host_not_found_try_again}},
        {{fault_step::write, 6, reset()},
         {fault_step::resolve, 2, net::error::host_not_found},
         {fault_step::resolve, 3, net::error::host_not_found}},
        {{fault_step::write, 6, reset()},
         {fault_step::connect, 2, net::error::connection_refused},
         {fault_step::connect, 3, net::error::timed_out}},
        // The next upgrade request write fails (write 7 is the first write
        // of connection 2), then its 101 read (read 3: reads 1-2 were
        // connection 1's).
        {{fault_step::write, 6, reset()}, {fault_step::write, 7, reset()}},
        {{fault_step::write, 6, reset(), fault_how::partial, 5},
         {fault_step::write, 8, net::error::broken_pipe}},
    };
    for (auto confirm : {wsout::confirm_mode::none, wsout::confirm_mode::ping})
        for (auto const& rules : plans)
        {
            scenario s;
            s.confirm = confirm;
            s.rules = rules;
            auto o = run(s);
            auto d = check_accounting(s, o);
            INFO(describe(s, o));
            CHECK(o.connect_errors.empty());
            CHECK(o.stats.output_connection_lost >= 1);
            CHECK(o.stats.output_connection_failed >= 1);
            CHECK(o.stats.output_sent == message_count);
            CHECK(o.close_result == wsout::error_code{});
            if (confirm == wsout::confirm_mode::ping)
                CHECK(d.unique.size() == message_count);
        }
}

TEST_CASE("faults: a permanent error while reconnecting is not retried; what waits fails with it",
          "[faults][reconnect][permanent]")
{
    struct perm_case
    {
        std::string name;
        std::vector<fault_rule> rules;
        wsout_test::ws_server_options server;
        wsout::error_code expected;
    };
    std::vector<perm_case> cases;
    {
        perm_case c;
        c.name = "proxy 407 on the reconnect";
        c.rules = {{fault_step::write, 6, reset()},
                   {fault_step::connect, 2, wsout::make_proxy_status_error(407)}};
        c.expected = wsout::make_proxy_status_error(407);
        cases.push_back(c);
    }
    {
        perm_case c;
        c.name = "server answers 403 to the reconnect";
        c.rules = {{fault_step::write, 6, reset()}};
        c.server.handshake = wsout_test::handshake_behavior::reject;
        c.server.reject_status = 403;
        c.server.handshake_skip_connections = 1;
        c.expected = wsout::make_http_status_error(403);
        cases.push_back(c);
    }
    for (auto const& c : cases)
    {
        INFO(c.name);
        wsout_test::ws_server server(c.server);
        auto plan = std::make_shared<wsout_test::fault_plan>(c.rules);
        std::vector<wsout::error_code> results(message_count);
        std::vector<int> reports(message_count, 0);
        wsout::output_stats st;
        wsout::error_code late;
        {
            io_thread io;
            scenario s;
            auto cfg = config_for(server.url(), s);
            fault_output out(io.executor(), cfg, wsout_test::fault_transport(plan), wsout::auth::none{});
            out.connect();
            for (std::size_t i = 0; i < message_count; ++i)
            {
                wsout::error_code ec;
                out.write(make_message(i), ec);
                ++reports[i];
                results[i] = ec;
            }
            // No further attempt is made after the permanent failure.
            std::this_thread::sleep_for(100ms);
            CHECK(plan->count(fault_step::resolve) == 2);
            st = out.stats();
            out.write("late", late);
            out.close();
        }
        INFO(plan->trace_text());
        CHECK(plan->live_streams() == 0);
        std::size_t sent = 0, failed = 0;
        for (std::size_t i = 0; i < message_count; ++i)
        {
            CHECK(reports[i] == 1);
            if (!results[i])
            {
                ++sent;
                CHECK(failed == 0); // in order: sent ones first
            }
            else
            {
                ++failed;
                CHECK(results[i] == c.expected);
                CHECK(results[i] == wsout::condition::permanent);
            }
        }
        CHECK(sent >= 3);
        CHECK(failed >= 1);
        CHECK(st.state == wsout::output_state::failed);
        CHECK(st.output_sent == sent);
        CHECK(st.output_error == failed);
        CHECK(st.output_connection_failed == 1);
        CHECK(st.output_connection_lost == 1);
        CHECK(st.in_flight == 0);
        CHECK(late == c.expected);
        CHECK(server.connection_count() == 2u - (c.server.handshake_skip_connections == 0 ? 1u : 0u));
    }
}

TEST_CASE("faults: a transient HTTP status on the reconnect is retried", "[faults][reconnect]")
{
    scenario s;
    s.rules = {{fault_step::write, 6, reset()}};
    s.server.handshake = wsout_test::handshake_behavior::reject;
    s.server.reject_status = 503;
    s.server.handshake_skip_connections = 1;
    s.server.handshake_connections = 2;
    auto o = run(s);
    auto d = check_accounting(s, o);
    INFO(describe(s, o));
    CHECK(o.stats.output_connection_failed == 2);
    CHECK(o.stats.output_connection_up == 2);
    CHECK(o.stats.output_sent == message_count);
    CHECK(d.unique.size() + d.lost == message_count);
}

TEST_CASE("faults: with backoff.retry_permanent_errors a 403 on the reconnect is retried",
          "[faults][reconnect]")
{
    // The same server as "server answers 403 to the reconnect" above, which
    // fails what waits by default; here the next attempt gets through.
    scenario s;
    s.retry_permanent = true;
    s.rules = {{fault_step::write, 6, reset()}};
    s.server.handshake = wsout_test::handshake_behavior::reject;
    s.server.reject_status = 403;
    s.server.handshake_skip_connections = 1;
    s.server.handshake_connections = 2;
    auto o = run(s);
    auto d = check_accounting(s, o);
    INFO(describe(s, o));
    CHECK(o.stats.output_connection_failed == 2); // two refusals, as in the 503 case
    CHECK(o.stats.output_connection_up == 2);
    CHECK(o.stats.output_error == 0);
    CHECK(o.stats.output_sent == message_count);
    CHECK(d.unique.size() + d.lost == message_count);
}

//----------------------------------------------------------------------------
// The close.

TEST_CASE("faults: a failing shutdown after the close handshake loses nothing", "[faults][close]")
{
    scenario s;
    s.rules = {{fault_step::shutdown, 1, net::error::not_connected}};
    auto o = run(s);
    auto d = check_accounting(s, o);
    INFO(describe(s, o));
    CHECK(o.fired == 1);
    CHECK(o.close_result == wsout::error_code{});
    CHECK(d.unique.size() == message_count);
    REQUIRE(o.connections.size() == 1);
    CHECK(o.connections[0].close_code == 1000);
}

TEST_CASE("faults: the write of the close frame fails after everything was sent", "[faults][close]")
{
    for (auto confirm : {wsout::confirm_mode::none, wsout::confirm_mode::ping})
    {
        scenario s;
        s.confirm = confirm;
        s.rules = {{fault_step::write, 0, reset()}};
        s.rules[0].on_close_frame = true;
        auto o = run(s);
        auto d = check_accounting(s, o);
        INFO(describe(s, o));
        CHECK(o.fired == 1);
        // Every message was written (and confirmed) before the close frame:
        // losing the connection then loses nothing.
        CHECK(d.unique.size() == message_count);
        CHECK(o.stats.output_sent == message_count);
        // The close itself reports the reset: from the client's side, a
        // reset during the close handshake cannot prove the server read
        // everything (here it did).
        CHECK((!o.close_result || o.close_result == net::error::connection_reset));
    }
}

TEST_CASE("faults: the read awaiting the server's close answer fails", "[faults][close]")
{
    // Without pings the server sends nothing but its close answer: read 1
    // is the 101, read 2 gets the close frame.
    for (auto err : {reset(), wsout::error_code(net::error::eof)})
    {
        scenario s;
        s.rules = {{fault_step::read, 2, err}};
        auto o = run(s);
        auto d = check_accounting(s, o);
        INFO(describe(s, o));
        CHECK(o.fired == 1);
        CHECK(d.unique.size() == message_count);
        // An orderly end (EOF) after our close frame closes cleanly; a reset
        // is reported by close (the server may not have read everything).
        if (err == net::error::eof)
            CHECK(o.close_result == wsout::error_code{});
        else
            CHECK(o.close_result == net::error::connection_reset);
    }
}

TEST_CASE("faults: a close frame written with the last messages, and that write fails", "[faults][close]")
{
    // close() right after the async writes: the output frames the last
    // messages and the close frame into one socket write, which fails.
    // Messages were left unsent, so close() reconnects and delivers them
    // before closing (bounded by the close timeout).
    scenario s;
    s.mode = producer::pipelined;
    s.close_at_once = true;
    s.rules = {{fault_step::write, 0, reset()}};
    s.rules[0].on_close_frame = true;
    auto o = run(s);
    auto d = check_accounting(s, o);
    INFO(describe(s, o));
    REQUIRE(o.fired == 1);
    CHECK(o.close_result == wsout::error_code{});
    CHECK(o.stats.output_connection_lost == 1);
    CHECK(o.stats.output_connection_up == 2);
    CHECK(o.stats.output_error == 0);
    CHECK(d.unique.size() == message_count);
}

TEST_CASE("faults: a connection lost during close() is reconnected to finish the drain", "[faults][close]")
{
    // close() is called right after the writes; write 3 breaks the
    // connection while the close drains. close() drains the queue, bounded
    // by the close timeout: the output reconnects and sends what waited,
    // then closes cleanly.
    scenario s;
    s.mode = producer::pipelined;
    s.close_at_once = true;
    s.rules = {{fault_step::write, 3, reset()}};
    auto o = run(s);
    auto d = check_accounting(s, o);
    INFO(describe(s, o));
    REQUIRE(o.fired == 1);
    CHECK(o.close_result == wsout::error_code{});
    CHECK(o.stats.output_error == 0);
    CHECK(o.stats.output_sent == message_count);
    CHECK(o.stats.output_connection_up == 2);
    CHECK(d.unique.size() == message_count);
}

TEST_CASE("faults: a close() that reconnects to drain gives up at the close timeout", "[faults][close]")
{
    // The first data write breaks the connection and every reconnect is
    // refused: close() keeps trying until timeouts.close (3 s here), then
    // fails what waits with close_timeout.
    scenario s;
    s.mode = producer::pipelined;
    s.close_at_once = true;
    s.rules = {{fault_step::write, 2, reset()}, {fault_step::connect, 2, net::error::connection_refused}};
    s.rules[1].and_every_later = true;
    auto o = run(s);
    check_accounting(s, o);
    INFO(describe(s, o));
    REQUIRE(o.fired > 2);
    CHECK(o.close_result == wsout::error::close_timeout);
    CHECK(o.stats.output_connection_up == 1);
    CHECK(o.stats.output_error > 0);
    for (auto const& ec : o.results)
        if (ec)
            CHECK(ec == wsout::error::close_timeout);
}

TEST_CASE("faults: messages wholly written before a write failed are reported sent, not sent again",
          "[faults][write][partial]")
{
    // "Sent" means "the last byte was handed to the transport". When a
    // socket write fails after a short write, the frames inside the bytes
    // that did go out were sent: the server receives them, the output
    // reports them sent and resends only from the first incomplete frame.
    scenario s;
    s.mode = producer::pipelined;
    s.close_at_once = true;
    s.big = false;
    // Write 2 is the first data write: let 200 bytes (about six whole
    // 30-byte frames) through, then fail.
    s.rules = {{fault_step::write, 2, reset(), fault_how::partial, 200}};
    auto o = run(s);
    auto d = check_accounting(s, o);
    INFO(describe(s, o));
    REQUIRE(o.fired == 1);
    CHECK_FALSE(d.unique.empty());
    CHECK(d.duplicates == 0);
    CHECK(o.stats.output_error == 0);
    CHECK(d.unique.size() == message_count);
    CHECK(o.stats.output_retried < message_count);
}

//----------------------------------------------------------------------------
// Backpressure: a server that stops reading.

namespace {

std::size_t heap_in_use()
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return mallinfo2().uordblks;
#else
    return 0;
#endif
}

} // namespace

TEST_CASE("backpressure: try_write says would_block, a blocking write blocks, memory stays bounded",
          "[backpressure]")
{
    wsout_test::ws_server_options opts;
    opts.start_paused = true;
    opts.receive_buffer_bytes = 4096;
    opts.keep_messages = false;
    wsout_test::ws_server server(opts);
    io_thread io;
    scenario s;
    auto cfg = config_for(server.url(), s);
    cfg.max_in_flight = 1000;
    cfg.max_in_flight_bytes = 4u << 20;
    wsout::plain_output out(io.executor(), cfg);
    out.connect();

    // try_write: accepted while there is room (the kernel's socket buffers
    // take a few MiB first), then would_block at once. Stop after 50
    // refusals in a row, 1 ms apart: the kernel is full too.
    std::string const payload(64 * 1024, 't');
    std::size_t accepted = 0, refused_in_a_row = 0, refused = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (refused_in_a_row < 50 && std::chrono::steady_clock::now() - t0 < 20s)
    {
        wsout::error_code ec;
        if (out.try_write(payload, ec))
        {
            ++accepted;
            refused_in_a_row = 0;
        }
        else
        {
            CHECK(ec == wsout::error::would_block);
            ++refused;
            ++refused_in_a_row;
            std::this_thread::sleep_for(1ms);
        }
    }
    REQUIRE(refused_in_a_row == 50);
    auto st = out.stats();
    CHECK(st.in_flight_bytes <= cfg.max_in_flight_bytes);
    CHECK(st.in_flight_bytes + payload.size() > cfg.max_in_flight_bytes);
    CHECK(st.in_flight <= cfg.max_in_flight_bytes / payload.size());
    WARN("try_write: " << accepted << " messages of 64 KiB accepted (" << st.output_sent
                       << " of them handed to the kernel) before would_block; in flight "
                       << st.in_flight_bytes << " bytes (limit " << cfg.max_in_flight_bytes << ")");

    // A blocking write waits while the server does not read...
    std::atomic<bool> returned{false};
    wsout::error_code write_ec;
    std::thread writer([&] {
        out.write("blocking", write_ec);
        returned = true;
    });
    std::this_thread::sleep_for(300ms);
    CHECK_FALSE(returned.load());
    // ... and everything flows again when it reads.
    server.resume_reading();
    writer.join();
    CHECK_FALSE(write_ec);
    REQUIRE(server.wait_for_messages(accepted + 1, 20s));
    out.close();
    CHECK(out.stats().output_sent == accepted + 1);
    CHECK(out.stats().output_error == 0);
}

TEST_CASE("backpressure: async writes beyond max_in_flight are parked as entries; bytes per parked write",
          "[backpressure]")
{
    // async_write is never refused: beyond the limits it is queued (its
    // completion waits). With the const_buffer overload the payload is not
    // copied, so a parked write costs the queue entry and its completion.
    wsout_test::ws_server_options opts;
    opts.start_paused = true;
    opts.receive_buffer_bytes = 4096;
    opts.keep_messages = false;
    wsout_test::ws_server server(opts);
    io_thread io;
    scenario s;
    auto cfg = config_for(server.url(), s);
    cfg.max_in_flight = 16;
    wsout::plain_output out(io.executor(), cfg);
    out.connect();
    static char const payload[16] = "parked-payload!";
    // Fill the socket buffers first so later writes stay queued.
    std::string const big(4u << 20, 'b');
    std::atomic<int> done{0}, failed{0};
    auto on_done = [&](wsout::error_code ec) {
        if (ec)
            ++failed;
        ++done;
    };
    out.async_write(net::buffer(big), on_done);
    std::this_thread::sleep_for(100ms);
    constexpr int parked = 20000;
    std::size_t const before = heap_in_use();
    for (int i = 0; i < parked; ++i)
        out.async_write(net::buffer(payload, sizeof payload - 1), on_done);
    std::this_thread::sleep_for(50ms);
    std::size_t const after = heap_in_use();
    auto st = out.stats();
    CHECK(st.in_flight == parked + 1u); // all accepted: max_in_flight does not refuse async writes
    if (before != 0 && after > before)
    {
        double per = double(after - before) / parked;
        WARN("heap per parked async_write(const_buffer): " << per << " bytes (mallinfo2, " << parked
                                                           << " writes)");
#if !defined(__SANITIZE_ADDRESS__)
        CHECK(per < 1024);
#endif
    }
    server.resume_reading();
    REQUIRE(server.wait_for_messages(parked + 1u, 60s));
    out.close();
    CHECK(done == parked + 1);
    CHECK(failed == 0);
}

#ifdef WSOUT_RSS_PROBE_PATH

TEST_CASE("backpressure: a slow server keeps a producer's memory flat (peak RSS of a separate process)",
          "[backpressure][rss]")
{
    // The server reads one message every 2 ms (at most ~32 MB/s of 64 KiB
    // messages); each producer style tries to push 1 GiB for 4 s.
    wsout_test::ws_server_options opts;
    opts.read_delay = 2ms;
    opts.keep_messages = false;
    opts.receive_buffer_bytes = 64 * 1024;
    wsout_test::ws_server server(opts);
    for (std::string mode : {"try_write", "write", "client"})
    {
        wsout_test::child_process p({WSOUT_RSS_PROBE_PATH, server.url(), mode, std::to_string(1ull << 30),
                                     "4", std::to_string(64 * 1024)});
        auto line = p.read_line(60s);
        REQUIRE(line);
        WARN("wsout-rss-probe: " << *line);
        std::map<std::string, std::string> kv;
        std::istringstream is(*line);
        std::string item;
        while (is >> item)
        {
            auto eq = item.find('=');
            if (eq != std::string::npos)
                kv[item.substr(0, eq)] = item.substr(eq + 1);
        }
        REQUIRE(kv.count("vmhwm_kib"));
        long const hwm = std::stol(kv["vmhwm_kib"]);
        long const accepted_bytes = std::stol(kv["accepted_bytes"]);
        INFO(*line);
        // It did not get 1 GiB through in 4 s: the server is the bottleneck.
        CHECK(accepted_bytes < (1l << 30));
        if (mode == "try_write" || mode == "client")
            CHECK(std::stol(kv["would_block"]) > 0);
        // Limits (16 MiB of payload in flight by default) + 64 MiB.
        if (kv["sanitized"] == "0")
            CHECK(hwm < (16 + 64) * 1024);
    }
}
#endif

TEST_CASE("measure: sync write latency when another thread runs the io_context", "[.][measure]")
{
    // Not a test (no timing assertion): prints what a sync write costs when
    // detail::run_blocking also runs an io_context that an I/O thread runs
    // (it waits in 20 ms slices of run_one_for), against a thread_pool.
    wsout_test::ws_server server;
    scenario s;
    auto cfg = config_for(server.url(), s);
    constexpr int n = 200;
    double io_context_ms = 0, pool_ms = 0;
    {
        net::io_context ioc;
        auto work = net::make_work_guard(ioc);
        std::thread t([&] { ioc.run(); });
        {
            wsout::plain_output out(ioc, cfg);
            out.connect();
            auto t0 = std::chrono::steady_clock::now();
            for (int i = 0; i < n; ++i)
                out.write("x");
            io_context_ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            out.close();
        }
        work.reset();
        ioc.stop();
        t.join();
    }
    {
        io_thread io;
        wsout::plain_output out(io.executor(), cfg);
        out.connect();
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < n; ++i)
            out.write("x");
        pool_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        out.close();
    }
    WARN(n << " sync writes: io_context run by an I/O thread " << io_context_ms << " ms ("
           << io_context_ms / n << " ms each); thread_pool " << pool_ms << " ms (" << pool_ms / n
           << " ms each)");
    CHECK(server.wait_for_messages(2 * n, 5s));
}
