// libFuzzer target: bytes as a results file. parse_document either refuses them with one
// std::runtime_error line, or every consumer (headlines, group_runs, compare, report, every table
// format) handles the document without throwing. Also: escaping leaves no control character and
// no invalid UTF-8, and is reversible (an independent unescaper below), so it is unambiguous.
#include <ec2bench/results/compare.hpp>
#include <ec2bench/results/escape.hpp>
#include <ec2bench/results/extras.hpp>
#include <ec2bench/results/gate.hpp>
#include <ec2bench/results/metrics.hpp>
#include <ec2bench/results/read.hpp>
#include <ec2bench/results/report.hpp>
#include <ec2bench/results/slo.hpp>
#include <ec2bench/results/table.hpp>

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rs = ec2bench::results;

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_results: property violated: %s\n", what);
        std::abort();
    }
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The inverse of escape_for_terminal, written from its documentation.
std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
            continue;
        }
        require(i + 1 < s.size(), "a lone backslash at the end");
        const char e = s[++i];
        if (e == '\\') {
            out += '\\';
        } else if (e == 'n') {
            out += '\n';
        } else if (e == 't') {
            out += '\t';
        } else if (e == 'r') {
            out += '\r';
        } else if (e == 'x') {
            require(i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0, "\\x needs two hex digits");
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else if (e == 'u') {
            require(i + 4 < s.size() && s.substr(i + 1, 2) == "00", "\\u needs 00 and two hex digits");
            out += '\xc2';
            out += static_cast<char>(hex(s[i + 3]) * 16 + hex(s[i + 4]));
            i += 4;
        } else {
            require(false, "an unknown escape");
        }
    }
    return out;
}

// No C0 control but '\n' (and CR/LF where `csv`), no DEL, no C1, and valid UTF-8 throughout.
void require_printable(std::string_view s, bool csv) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            require(c == '\n' || (csv && c == '\r'), "a control character in the output");
            ++i;
            continue;
        }
        const std::size_t n = rs::detail::utf8_sequence_length(s.substr(i));
        require(n != 0, "invalid UTF-8 in the output");
        require(!(n == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0), "a C1 control in the output");
        i += n;
    }
}

void render_everywhere(const rs::table& t) {
    for (const auto f : {rs::table_format::text, rs::table_format::markdown, rs::table_format::csv}) {
        const std::string out = t.render(f);
        require_printable(out, f == rs::table_format::csv);
        if (f != rs::table_format::csv) {
            // One line per row, plus the header and the rule: nothing forged a row.
            std::size_t lines = 0;
            for (char c : out) lines += c == '\n';
            require(lines == t.rows.size() + 2, "a table with more lines than rows");
        }
    }
}

// A valid document that reaches every reader: headlines of each family, an aggregate, a failed
// run, EC2 facts, version 2 extras, a pooled baseline.
const nlohmann::json& base_document() {
    static const nlohmann::json doc = nlohmann::json::parse(R"({
  "context": {"json_schema_version": 1},
  "benchmarks": [
    {"name": "stream/triad/double/iterations:10/manual_time", "run_name": "stream/triad/double/iterations:10/manual_time",
     "run_type": "iteration", "iterations": 10, "real_time": 1.5, "cpu_time": 1.5, "time_unit": "ns",
     "best_bytes_per_second": 4e10, "bytes_per_second": 3e10},
    {"name": "stream/triad/double/iterations:10/manual_time", "run_name": "stream/triad/double/iterations:10/manual_time",
     "run_type": "iteration", "iterations": 10, "real_time": 1.6, "cpu_time": 1.6, "time_unit": "ns",
     "best_bytes_per_second": 4.1e10, "bytes_per_second": 3.1e10},
    {"name": "sieve/count/1e10/threads:1/real_time", "run_name": "sieve/count/1e10/threads:1/real_time",
     "run_type": "iteration", "iterations": 1, "real_time": 2000, "cpu_time": 2000, "time_unit": "ms",
     "primes": 455052511, "items_per_second": 5e9},
    {"name": "sieve/count/1e10/threads:4/real_time", "run_name": "sieve/count/1e10/threads:4/real_time",
     "run_type": "iteration", "iterations": 1, "real_time": 500, "cpu_time": 500, "time_unit": "ms",
     "primes": 455052511, "items_per_second": 2e10},
    {"name": "fsync/fdatasync/4096/append_median", "run_name": "fsync/fdatasync/4096/append",
     "run_type": "aggregate", "aggregate_name": "median", "iterations": 1, "real_time": 1, "time_unit": "us",
     "items_per_second": 2634, "p99_us": 717},
    {"name": "stats/histogram/record", "run_name": "stats/histogram/record", "run_type": "iteration",
     "iterations": 100, "real_time": 2, "time_unit": "ns", "items_per_second": 5e8,
     "error_occurred": true, "error_message": "failed"}
  ],
  "ec2bench": {
    "schema_version": 2, "version": "1.0.0", "started_at": "2026-11-23T10:00:00Z",
    "finished_at": "2026-11-23T10:01:00Z", "command": ["ec2bench", "run"], "preset": "quick",
    "complete": true, "interrupted_by": "",
    "host": {"architecture": "x86_64", "cpu_model": "Test CPU", "logical_cpus": 2, "kernel": "6.1"},
    "ec2": {"on_ec2": true, "hypervisor": "nitro", "imds": "v2",
            "instance_type": {"value": "m6i.large", "source": "dmi"},
            "availability_zone": {"value": "eu-west-1b", "source": "imdsv2"}, "region": null,
            "notes": ["n"]},
    "benchmarks": {
      "stream/triad/double/iterations:10/manual_time": {
        "facts": {"isa": "avx2"}, "warnings": ["w"],
        "repetitions": [{"values": {"x": 1}, "facts": {"f": "a"}}, {"values": {"x": null}}],
        "aggregates": {"mean": {"x": 1}, "median": {"x": 1}, "stddev": {"x": null}, "cv": {"x": null}}}
    },
    "pooled_from": [{"file": "a.json", "started_at": "2026-11-23T10:00:00Z", "repetitions": 2}]
  }
})");
    return doc;
}

// A value of any JSON type, from the input.
nlohmann::json any_value(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 11)) {
        case 0: return nullptr;
        case 1: return in.ConsumeBool();
        case 2: return 0;
        case 3: return -1;
        case 4: return 2.5;
        case 5: return 1e300;
        case 6: return 2147483648u;
        case 7: return in.ConsumeIntegral<std::int64_t>();
        case 8: return in.ConsumeFloatingPoint<double>();
        case 9: return nlohmann::json::array({in.ConsumeRandomLengthString(8)});
        case 10: return nlohmann::json::object();
        default: return in.ConsumeRandomLengthString(32);
    }
}

// base_document() with a few members (leaves or their parents) replaced by values of any type:
// exactly the type confusion the schema checks are there to catch.
std::string retyped_document(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    static const std::vector<std::string> pointers = [] {
        std::vector<std::string> out;
        const nlohmann::json flat = base_document().flatten();  // items() does not keep it alive
        for (const auto& [key, value] : flat.items()) {
            // Each leaf and each of its ancestors.
            for (std::string k = key; !k.empty(); k = k.substr(0, k.rfind('/'))) out.push_back(k);
        }
        return out;
    }();
    nlohmann::json d = base_document();
    const int n = in.ConsumeIntegralInRange(1, 3);
    for (int i = 0; i < n; ++i) {
        const std::string& p = pointers[in.ConsumeIntegralInRange<std::size_t>(0, pointers.size() - 1)];
        try {
            d[nlohmann::json::json_pointer(p)] = any_value(in);
        } catch (const nlohmann::json::exception&) {
            // an earlier replacement took the parent away: not the code under test
        }
    }
    return d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const std::string escaped = rs::escape_for_terminal(text);
    require_printable(escaped, false);
    require(escaped.find('\n') == std::string::npos, "a newline after escaping");
    require(unescape(escaped) == text, "escaping is not reversible");
    // The raw bytes as cells; the first KiB is enough to reach the 200-column cut and every
    // escape, and keeps the target fast.
    const std::string_view head = text.substr(0, 1024);
    rs::table raw;
    raw.headers = {"a", "b"};
    raw.rows = {{std::string(head), std::string(head.substr(0, head.size() / 2))}};
    render_everywhere(raw);

    // An input starting with '!' is a JSON value spliced into a valid document (an array as its
    // "benchmarks", an object merged in as an RFC 7386 patch), so that most mutations reach the
    // consumers instead of stopping at the parser or the schema checks.
    // An input starting with '?' retypes members of a built-in valid document (retyped_document).
    std::string spliced;
    std::string_view document = text;
    if (!text.empty() && text[0] == '?') {
        spliced = retyped_document(data + 1, size - 1);
        document = spliced;
    } else if (!text.empty() && text[0] == '!') {
        const auto v = nlohmann::json::parse(text.substr(1), nullptr, false);
        if (v.is_discarded()) return 0;
        nlohmann::json d = {{"context", nlohmann::json::object()},
                            {"benchmarks", nlohmann::json::array()},
                            {"ec2bench",
                             {{"schema_version", rs::schema_version},
                              {"host", nlohmann::json::object()},
                              {"ec2", nlohmann::json::object()},
                              {"benchmarks", nlohmann::json::object()}}}};
        if (v.is_array()) {
            d["benchmarks"] = v;
        } else {
            d.merge_patch(v);
        }
        spliced = d.dump();
        document = spliced;
    }

    nlohmann::json doc;
    try {
        doc = rs::parse_document(document, "fuzz.json");
    } catch (const std::runtime_error& e) {
        const std::string_view msg = e.what();
        require(msg.rfind("fuzz.json", 0) == 0, "an error that does not name the file");
        require_printable(msg, false);
        require(msg.find('\n') == std::string_view::npos, "an error of more than one line");
        return 0;
    }

    // A valid document: from here nothing may throw.
    for (const auto& b : rs::group_runs(doc)) {
        for (const auto& m : rs::metrics_for(b.name)) {
            (void)rs::values_of(b, m);
            (void)rs::median_of(b, m);
        }
    }
    (void)rs::headlines(doc);
    (void)rs::describe(doc);
    const auto c = rs::compare(doc, doc);
    const rs::table ct = rs::comparison_table(c);
    render_everywhere(ct);
    (void)rs::to_json(c).dump();
    (void)rs::all_extras(doc);
    const nlohmann::json pooled = rs::pool_documents({{"a.json", doc}, {"b.json", doc}});
    render_everywhere(rs::comparison_table(rs::compare(pooled, doc)));
    const auto g = rs::gate(pooled, doc);
    for (const auto f : {rs::output_format::table, rs::output_format::markdown, rs::output_format::csv,
                         rs::output_format::json}) {
        (void)rs::render(g, f);
    }
    // An objective on the first benchmark's primary metric, and one on its real time.
    if (const auto groups = rs::group_runs(doc); !groups.empty()) {
        const std::string name = groups.front().name;
        std::vector<rs::objective> objectives;
        for (const std::string& o : {name + ":" + rs::metrics_for(name).front().key + ">=1", name + ":real_time<1e9"}) {
            try {
                objectives.push_back(rs::parse_objective(o));
            } catch (const std::invalid_argument&) {
                // a name the objective syntax cannot hold (a '<' or '>' in it): documented
            }
        }
        if (!objectives.empty()) {
            const auto checked = rs::check(doc, objectives);
            for (const auto f : {rs::output_format::table, rs::output_format::markdown, rs::output_format::csv,
                                 rs::output_format::json}) {
                (void)rs::render(checked, f);
            }
        }
    }
    const auto row = rs::report_row_of("fuzz.json", doc);
    render_everywhere(rs::report_table({row, row}));
    for (const auto& col : rs::report_columns()) render_everywhere(rs::report_table({row, row}, col.first));
    return 0;
}
