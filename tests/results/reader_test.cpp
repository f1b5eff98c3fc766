// Hostile results files: terminal escapes, forged table rows, bytes that are not UTF-8, 100 KB
// names, FIFOs and directories named *.json, numbers JSON cannot hold, fields of the wrong type.
#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/document.hpp>
#include <ec2bench/results/escape.hpp>
#include <ec2bench/results/read.hpp>
#include <ec2bench/results/report.hpp>
#include <ec2bench/results/table.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace rs = ec2bench::results;
using nlohmann::json;

namespace {

struct temp_dir : ec2bench_test::temp_dir {
    temp_dir() : ec2bench_test::temp_dir("ec2bench-reader") {}
};

void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::string exception_text(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no std::runtime_error)";
}

// A valid document, built the way the writer builds one.
json valid_doc() {
    return {{"context", {{"json_schema_version", 1}}},
            {"benchmarks",
             json::array({{{"name", "stream/triad/double"},
                           {"run_name", "stream/triad/double"},
                           {"run_type", "iteration"},
                           {"iterations", 10},
                           {"real_time", 1.5},
                           {"cpu_time", 1.5},
                           {"time_unit", "ns"},
                           {"best_bytes_per_second", 40e9}}})},
            {"ec2bench",
             {{"schema_version", rs::schema_version},
              {"started_at", "2026-11-23T10:00:00Z"},
              {"complete", true},
              {"command", {"ec2bench", "run"}},
              {"host", {{"architecture", "x86_64"}, {"cpu_model", "Test CPU"}, {"logical_cpus", 2}}},
              {"ec2",
               {{"on_ec2", true},
                {"instance_type", {{"value", "m6i.large"}, {"source", "dmi"}}},
                {"region", nullptr},
                {"notes", json::array()}}},
              {"benchmarks",
               {{"stream/triad/double",
                 {{"facts", json::object()}, {"values", json::object()}, {"warnings", {"w"}}}}}}}}};
}

// Keeps SIGALRM's default action (the test process dies) as the bound on a call that must not
// block: a test that would hang fails instead.
struct must_return_within {
    explicit must_return_within(unsigned seconds) { ::alarm(seconds); }
    ~must_return_within() { ::alarm(0); }
};

}  // namespace

TEST_CASE("escape_for_terminal: controls, backslashes and bytes that are not UTF-8 escaped") {
    CHECK(rs::escape_for_terminal("plain text, 1.5 GB/s") == "plain text, 1.5 GB/s");
    CHECK(rs::escape_for_terminal("a\x1b[2Jb") == "a\\x1b[2Jb");
    CHECK(rs::escape_for_terminal("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");
    CHECK(rs::escape_for_terminal("one\ntwo\tthree\rfour") == "one\\ntwo\\tthree\\rfour");
    CHECK(rs::escape_for_terminal("C:\\x1b") == "C:\\\\x1b");  // not to be confused with ESC
    CHECK(rs::escape_for_terminal(std::string("nul\0del\x7f", 8)) == "nul\\x00del\\x7f");
    CHECK(rs::escape_for_terminal("\x01\x1f") == "\\x01\\x1f");
    // Valid UTF-8 passes, except the C1 controls (U+009B is CSI to some terminals).
    CHECK(rs::escape_for_terminal("Gr\xc3\xbc\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xc2\xa0") ==
          "Gr\xc3\xbc\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xc2\xa0");
    CHECK(rs::escape_for_terminal("\xc2\x9b" "2J \xc2\x80") == "\\u009b2J \\u0080");
    SUBCASE("every byte of a sequence that is not UTF-8") {
        CHECK(rs::escape_for_terminal("\xff\xfe") == "\\xff\\xfe");
        CHECK(rs::escape_for_terminal("x\xc3") == "x\\xc3");                        // cut short
        CHECK(rs::escape_for_terminal("\xc3(") == "\\xc3(");                        // bad continuation
        CHECK(rs::escape_for_terminal("\xc0\xaf") == "\\xc0\\xaf");                 // overlong '/'
        CHECK(rs::escape_for_terminal("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");        // overlong
        CHECK(rs::escape_for_terminal("\xed\xa0\x80") == "\\xed\\xa0\\x80");        // a surrogate
        CHECK(rs::escape_for_terminal("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // > U+10FFFF
        CHECK(rs::escape_for_terminal("\x80\xbf") == "\\x80\\xbf");                 // lone continuations
        CHECK(rs::escape_for_terminal("\xe2\x80\xa6\xe2\x80") == "\xe2\x80\xa6\\xe2\\x80");
    }
}

TEST_CASE("escape_controls leaves escaped text alone and escapes raw controls; quote_for_message is strict") {
    // A read_document error (escaped already) beside raw text from a file.
    CHECK(rs::escape_controls("a.json: \\x1b and \x1b[2J") == "a.json: \\x1b and \\x1b[2J");
    CHECK(rs::escape_controls("line\nbreak \xe2\x80\xa6 \xff") == "line\\nbreak \xe2\x80\xa6 \\xff");
    CHECK(rs::escape_controls("C:\\dir") == "C:\\dir");  // one backslash stays one
    CHECK(rs::quote_for_message("m6i\x1b[2J") == "m6i\\x1b[2J");
    CHECK(rs::quote_for_message("a\\b \xc3\xbc") == "a\\x5cb \\xc3\\xbc");  // only printable ASCII as is
    CHECK(rs::quote_for_message(std::string(50, 'x')) == std::string(40, 'x') + "...");
    CHECK(rs::quote_for_message("abcdef", 3) == "abc...");
}

TEST_CASE("tables escape every cell for their format") {
    rs::table t;
    t.headers = {"name", "value"};
    t.right = {false, true};
    t.rows = {{"clear\x1b[2J", "1"},
              {"\x1b]0;pwned\x07", "2"},
              {"a|b", "3"},
              {"forged\nrow", "4"},
              {"bad \xff utf8", "5"}};
    CHECK(t.render() ==
          "name              value\n"
          "-----------------------\n"
          "clear\\x1b[2J          1\n"
          "\\x1b]0;pwned\\x07      2\n"
          "a|b                   3\n"
          "forged\\nrow           4\n"
          "bad \\xff utf8         5\n");
    CHECK(t.render(rs::table_format::markdown) ==
          "| name             | value |\n"
          "|------------------|------:|\n"
          "| clear\\x1b[2J     |     1 |\n"
          "| \\x1b]0;pwned\\x07 |     2 |\n"
          "| a\\|b             |     3 |\n"
          "| forged\\nrow      |     4 |\n"
          "| bad \\xff utf8    |     5 |\n");
    CHECK(t.render(rs::table_format::csv) ==
          "name,value\n"
          "clear\\x1b[2J,1\n"
          "\\x1b]0;pwned\\x07,2\n"
          "a|b,3\n"
          "\"forged\nrow\",4\n"
          "bad \\xff utf8,5\n");
    SUBCASE("csv: RFC 4180 quoting; CR and LF kept inside quotes, other controls escaped") {
        rs::table c;
        c.headers = {"x"};
        c.rows = {{"a,b"}, {"say \"hi\""}, {"cr\rlf\n"}, {"tab\there"}, {"back\\slash"}};
        CHECK(c.render(rs::table_format::csv) ==
              "x\n\"a,b\"\n\"say \"\"hi\"\"\"\n\"cr\rlf\n\"\ntab\\there\nback\\\\slash\n");
    }
    SUBCASE("widths count columns, not bytes: UTF-8 and escapes line up") {
        rs::table u;
        u.headers = {"a", "b"};
        u.rows = {{"\xc3\xbc", "x"}, {"\x1b", "y"}};
        CHECK(u.render() == "a     b\n-------\n\xc3\xbc     x\n\\x1b  y\n");
    }
}

TEST_CASE("a 100 KB cell is cut to 200 columns in text and Markdown, kept whole in CSV") {
    rs::table t;
    t.headers = {"name", "v"};
    t.rows = {{std::string(100 * 1024, 'n'), "1"}};
    const std::string cut = std::string(199, 'n') + "\xe2\x80\xa6";
    CHECK(t.render() == "name" + std::string(198, ' ') + "v\n" + std::string(203, '-') + "\n" + cut + "  1\n");
    CHECK(t.render(rs::table_format::markdown) == "| name" + std::string(196, ' ') + " | v |\n|" +
                                                      std::string(202, '-') + "|---|\n| " + cut + " | 1 |\n");
    CHECK(t.render(rs::table_format::csv) == "name,v\n" + std::string(100 * 1024, 'n') + ",1\n");
    SUBCASE("the cut never splits an escape") {
        rs::table e;
        e.headers = {"x"};
        e.rows = {{std::string(197, 'a') + "\x1b" + std::string(10, 'b')}};
        // 197 + 4 ("\x1b") would pass 199 columns: the escape goes whole, then "…".
        CHECK(e.render() == "x\n" + std::string(198, '-') + "\n" + std::string(197, 'a') + "\xe2\x80\xa6\n");
    }
    SUBCASE("exactly 200 columns is not cut") {
        rs::table e;
        e.headers = {"x"};
        e.rows = {{std::string(200, 'a')}};
        CHECK(e.render() == "x\n" + std::string(200, '-') + "\n" + std::string(200, 'a') + "\n");
    }
}

TEST_CASE("a hostile results file reaches compare and report escaped, in every format") {
    temp_dir d;
    json doc = valid_doc();
    const std::string evil = "stream/triad/double/\x1b[2J\x1b]0;pwned\x07|x\ny";
    doc["benchmarks"][0]["name"] = evil;
    doc["benchmarks"][0]["run_name"] = evil;
    doc["ec2bench"]["ec2"]["instance_type"]["value"] = "m6i\x1b[31m";
    doc["ec2bench"]["host"]["cpu_model"] = std::string(100 * 1024, 'Z');
    const fs::path p = d.path / "evil.json";
    spit(p, doc.dump());
    const json back = rs::read_document(p.string());

    const auto c = rs::compare(back, back);
    REQUIRE(c.rows.size() == 1u);  // the file has best GB/s, not mean GB/s
    const std::string shown = "stream/triad/double/\\x1b[2J\\x1b]0;pwned\\x07|x\\ny";
    const std::string text = rs::comparison_table(c).render();
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find('\a') == std::string::npos);
    CHECK(text == "benchmark" + std::string(41, ' ') +
                      "metric            base  current  change  p-value  verdict\n" + std::string(107, '-') +
                      "\n" + shown + "  best GB/s (GB/s)  40.0     40.0   +0.0%        -  same\n");
    const std::string md = rs::comparison_table(c).render(rs::table_format::markdown);
    CHECK(md.find("| stream/triad/double/\\x1b[2J\\x1b]0;pwned\\x07\\|x\\ny | best GB/s (GB/s) |") !=
          std::string::npos);
    const std::string csv = rs::comparison_table(c).render(rs::table_format::csv);
    CHECK(csv.find("\"stream/triad/double/\\x1b[2J\\x1b]0;pwned\\x07|x\ny\",best GB/s (GB/s),40.0,40.0,+0.0%,-,same\n") !=
          std::string::npos);

    const auto report = rs::report_table({rs::report_row_of(p.string(), back)});
    const std::string r = report.render();
    CHECK(r.find('\x1b') == std::string::npos);
    const std::string row = r.substr(r.rfind("evil.json"));
    CHECK(row == "evil.json  m6i\\x1b[31m  -     x86_64  " + std::string(199, 'Z') +
                     "\xe2\x80\xa6     2        40.0                -                 -               -                 -               -\n");
    CHECK(report.render(rs::table_format::csv).find("evil.json,m6i\\x1b[31m,-,x86_64," + std::string(100 * 1024, 'Z') +
                                                    ",2,40.0,-,-,-,-,-\n") != std::string::npos);
}

TEST_CASE("the reader refuses what is not a regular file, without blocking") {
    temp_dir d;
    SUBCASE("a FIFO named *.json") {
        const std::string p = (d.path / "fifo.json").string();
        REQUIRE(::mkfifo(p.c_str(), 0600) == 0);
        must_return_within bound(5);
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p + " is a FIFO, not a regular file; expected a results file");
    }
    SUBCASE("a socket") {
        const std::string p = (d.path / "s.json").string();
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        REQUIRE(p.size() < sizeof a.sun_path);
        p.copy(a.sun_path, p.size());
        REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p + " is a socket, not a regular file; expected a results file");
        ::close(fd);
    }
    SUBCASE("a character device") {
        must_return_within bound(5);
        CHECK(exception_text([] { rs::read_document("/dev/zero"); }) ==
              "/dev/zero is a character device, not a regular file; expected a results file");
    }
    SUBCASE("a directory") {
        fs::create_directory(d.path / "d.json");
        const std::string p = (d.path / "d.json").string();
        CHECK(exception_text([&] { rs::read_document(p); }) == p + " is a directory; expected a results file");
        CHECK(exception_text([&] { rs::read_document(d.str()); }) ==
              d.str() + " is a directory; expected a results file");
    }
    SUBCASE("a file over 512 MiB (sparse: nothing is written)") {
        const std::string p = (d.path / "huge.json").string();
        const int fd = ::open(p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, static_cast<off_t>(rs::max_results_file_bytes + 1)) == 0);
        ::close(fd);
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p + " is 536870913 bytes; results files over 512 MiB are refused");
    }
    SUBCASE("a missing file, whose name is escaped in the message") {
        const std::string p = (d.path / "evil\x1b[2J.json").string();
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              "cannot read " + d.str() + "/evil\\x1b[2J.json: No such file or directory");
    }
    SUBCASE("a symbolic link to a FIFO") {
        const std::string fifo = (d.path / "f").string();
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        const std::string p = (d.path / "link.json").string();
        fs::create_symlink(fifo, p);
        must_return_within bound(5);
        CHECK(exception_text([&] { rs::read_document(p); }) ==
              p + " is a FIFO, not a regular file; expected a results file");
    }
}

TEST_CASE("report inputs: a directory's *.json entries of every kind are listed, then refused one by one") {
    // The choice (docs/results-schema.md): expand_inputs lists every *.json name, and
    // read_document refuses the ones that are not regular files with one line each, which
    // `ec2bench report` prints as "skipped: ..." and counts in its exit status.
    temp_dir d;
    spit(d.path / "a.json", valid_doc().dump());
    REQUIRE(::mkfifo((d.path / "b.json").c_str(), 0600) == 0);
    fs::create_directory(d.path / "c.json");
    spit(d.path / "notes.txt", "x");
    const auto files = rs::expand_inputs({d.str()});
    REQUIRE(files.size() == 3u);
    CHECK(files[0] == (d.path / "a.json").string());
    CHECK(files[1] == (d.path / "b.json").string());
    CHECK(files[2] == (d.path / "c.json").string());
    must_return_within bound(5);
    CHECK(rs::read_document(files[0]) == valid_doc());
    CHECK(exception_text([&] { rs::read_document(files[1]); }) ==
          files[1] + " is a FIFO, not a regular file; expected a results file");
    CHECK(exception_text([&] { rs::read_document(files[2]); }) ==
          files[2] + " is a directory; expected a results file");
}

TEST_CASE("JSON that nlohmann/json refuses: one line, no exception prefix, escaped") {
    const auto msg = [](const std::string& text) {
        return exception_text([&] { rs::parse_document(text, "a.json"); });
    };
    CHECK(msg("{\"x\": 1e999}") == "a.json is not valid JSON: number overflow parsing '1e999'");
    CHECK(msg("[-1e999]") == "a.json is not valid JSON: number overflow parsing '-1e999'");
    CHECK(msg("") == "a.json is not valid JSON: parse error at line 1, column 1: syntax error while parsing "
                     "value - unexpected end of input; expected '[', '{', or a literal");
    // nlohmann/json quotes the bytes it stopped at; DEL and bytes that are not UTF-8 are escaped.
    CHECK(msg("{\"x\": \x7f\x1b}") ==
          "a.json is not valid JSON: parse error at line 1, column 7: syntax error while parsing value - "
          "invalid literal; last read: '\"x\": \\x7f'");
    CHECK(msg("[\"\xff\"]") ==
          "a.json is not valid JSON: parse error at line 1, column 3: syntax error while parsing value - "
          "invalid string: ill-formed UTF-8 byte; last read: '\"\\xff'");
    CHECK(exception_text([] { rs::parse_document("nul", "evil\x1b]0;x\x07.json"); }).rfind(
              "evil\\x1b]0;x\\x07.json is not valid JSON: ", 0) == 0);
}

TEST_CASE("fields of the wrong type are refused with the file and the JSON pointer") {
    const auto msg = [](const std::function<void(json&)>& change) {
        json doc = valid_doc();
        change(doc);
        return exception_text([&] { rs::parse_document(doc.dump(), "a.json"); });
    };
    CHECK(msg([](json&) {}) == "(no std::runtime_error)");
    CHECK(msg([](json& d) { d["benchmarks"][0]["real_time"] = "fast"; }) ==
          "a.json: /benchmarks/0/real_time: expected a number or null");
    CHECK(msg([](json& d) { d["benchmarks"].push_back({{"name", "b"}, {"primes", {1}}}); }) ==
          "a.json: /benchmarks/1/primes: expected a number or null");
    CHECK(msg([](json& d) { d["benchmarks"][0]["name"] = 7; }) == "a.json: /benchmarks/0/name: expected a string");
    CHECK(msg([](json& d) { d["benchmarks"][0].erase("name"); }) == "a.json: /benchmarks/0/name: expected a string");
    CHECK(msg([](json& d) { d["benchmarks"][0]["run_name"] = nullptr; }) ==
          "a.json: /benchmarks/0/run_name: expected a string");
    CHECK(msg([](json& d) { d["benchmarks"][0]["time_unit"] = 1; }) ==
          "a.json: /benchmarks/0/time_unit: expected a string");
    CHECK(msg([](json& d) { d["benchmarks"][0]["error_occurred"] = "yes"; }) ==
          "a.json: /benchmarks/0/error_occurred: expected true or false");
    CHECK(msg([](json& d) { d["benchmarks"][0]["error_message"] = json::object(); }) ==
          "a.json: /benchmarks/0/error_message: expected a string");
    CHECK(msg([](json& d) { d["benchmarks"][0] = 3; }) == "a.json: /benchmarks/0: expected an object");
    CHECK(msg([](json& d) { d["benchmarks"] = json::object(); }) == "a.json: /benchmarks: expected an array");
    CHECK(msg([](json& d) { d["context"] = json::array(); }) == "a.json: /context: expected an object");
    CHECK(msg([](json& d) { d["ec2bench"]["schema_version"] = "1"; }) ==
          "a.json: /ec2bench/schema_version: expected an integer");
    CHECK(msg([](json& d) { d["ec2bench"]["started_at"] = 20261123; }) ==
          "a.json: /ec2bench/started_at: expected a string");
    CHECK(msg([](json& d) { d["ec2bench"]["complete"] = 1; }) == "a.json: /ec2bench/complete: expected true or false");
    CHECK(msg([](json& d) { d["ec2bench"]["command"][1] = 1; }) == "a.json: /ec2bench/command/1: expected a string");
    CHECK(msg([](json& d) { d["ec2bench"]["host"] = nullptr; }) == "a.json: /ec2bench/host: expected an object");
    CHECK(msg([](json& d) { d["ec2bench"]["host"]["cpu_model"] = false; }) ==
          "a.json: /ec2bench/host/cpu_model: expected a string");
    for (const json& bad : {json(-1), json(2.5), json(1e10), json(2147483648u), json("2")}) {
        CAPTURE(bad);
        CHECK(msg([&](json& d) { d["ec2bench"]["host"]["logical_cpus"] = bad; }) ==
              "a.json: /ec2bench/host/logical_cpus: expected an integer from 0 to 2147483647");
    }
    CHECK(msg([](json& d) { d["ec2bench"]["ec2"]["instance_type"]["value"] = 5; }) ==
          "a.json: /ec2bench/ec2/instance_type/value: expected a string");
    CHECK(msg([](json& d) { d["ec2bench"]["ec2"]["availability_zone"] = "eu-west-1b"; }) ==
          "a.json: /ec2bench/ec2/availability_zone: expected an object or null");
    CHECK(msg([](json& d) { d["ec2bench"]["ec2"]["notes"] = "none"; }) == "a.json: /ec2bench/ec2/notes: expected an array");
    // A key with '/' and '~' is written as RFC 6901 says, and escaped for the terminal.
    CHECK(msg([](json& d) { d["ec2bench"]["benchmarks"]["stream/triad/double"]["warnings"] = {"ok", 2}; }) ==
          "a.json: /ec2bench/benchmarks/stream~1triad~1double/warnings/1: expected a string");
    CHECK(msg([](json& d) { d["ec2bench"]["benchmarks"]["stream/triad/double"].erase("warnings"); }) ==
          "a.json: /ec2bench/benchmarks/stream~1triad~1double/warnings: expected an array");
    CHECK(msg([](json& d) { d["ec2bench"]["benchmarks"]["stream/triad/double"]["repetitions"] = {json::object(), 1}; }) ==
          "a.json: /ec2bench/benchmarks/stream~1triad~1double/repetitions/1: expected an object");
    CHECK(msg([](json& d) { d["ec2bench"]["benchmarks"]["stream/triad/double"]["aggregates"] = json::array(); }) ==
          "a.json: /ec2bench/benchmarks/stream~1triad~1double/aggregates: expected an object");
    CHECK(msg([](json& d) { d["ec2bench"]["pooled_from"] = {{{"file", "a.json"}, {"repetitions", -5}}}; }) ==
          "a.json: /ec2bench/pooled_from/0/repetitions: expected an integer from 0 to 2147483647");
    CHECK(msg([](json& d) { d["ec2bench"]["pooled_from"] = {{{"file", 3}}}; }) ==
          "a.json: /ec2bench/pooled_from/0/file: expected a string");
    CHECK(msg([](json& d) { d["ec2bench"]["benchmarks"]["a~b\x1b"] = 1; }) ==
          "a.json: /ec2bench/benchmarks/a~0b\\x1b: expected an object");
    CHECK(msg([](json& d) { d["ec2bench"]["benchmarks"]["x"] = {{"facts", 1}, {"warnings", json::array()}}; }) ==
          "a.json: /ec2bench/benchmarks/x/facts: expected an object");
}

TEST_CASE("null where Google Benchmark writes NaN is read, and no consumer throws on it") {
    json doc = valid_doc();
    doc["benchmarks"][0]["real_time"] = nullptr;
    doc["benchmarks"][0]["best_bytes_per_second"] = nullptr;
    doc["benchmarks"].push_back({{"name", "sieve/count/1e10/threads:1"}, {"primes", nullptr}, {"real_time", 2.0},
                                 {"iterations", 1}});
    doc["benchmarks"].push_back({{"name", "sieve/count/1e10/threads:2"}, {"primes", 4.0}, {"real_time", nullptr},
                                 {"iterations", 1}});
    const json back = rs::parse_document(doc.dump(), "a.json");
    const auto h = rs::headlines(back);
    REQUIRE(h.size() == 3u);
    CHECK_FALSE(h[0].value);
    CHECK_FALSE(h[1].value);
    CHECK_FALSE(h[2].value);
    CHECK_NOTHROW(rs::compare(back, back));
    CHECK_NOTHROW(rs::report_row_of("a.json", back));
}
