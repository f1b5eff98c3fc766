// SPDX-License-Identifier: MIT
// The results file: Google Benchmark's JSON (context + benchmarks, unchanged, so its
// tools/compare.py reads it) plus an "ec2bench" object with the schema version, host and EC2
// facts and per-benchmark extras. Written atomically; read back with schema checks.
// docs/results-schema.md describes it; docs/results.schema.json is its JSON Schema.
#ifndef EC2BENCH_RESULTS_DOCUMENT_HPP
#define EC2BENCH_RESULTS_DOCUMENT_HPP

#include <ec2bench/detail/isa.hpp>
#include <ec2bench/gbench/reporter.hpp>
#include <ec2bench/results/atomic_file.hpp>
#include <ec2bench/results/extras.hpp>
#include <ec2bench/system/ec2.hpp>
#include <ec2bench/system/host.hpp>
#include <ec2bench/version.hpp>

#include <nlohmann/json.hpp>

#include <time.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ec2bench::results {

/// The version of the "ec2bench" object this library writes.
inline constexpr int schema_version = 2;
/// The oldest version it still reads (docs/results-schema.md says how).
inline constexpr int oldest_schema_version = 1;

/// How the run went, beside what it measured.
struct run_metadata {
    std::string started_at;   ///< UTC, ISO 8601 ("2026-11-23T10:04:05Z")
    std::string finished_at;
    std::vector<std::string> command;  ///< argv, program name reduced to its base name
    std::string preset;                ///< "quick", "default", or empty for a plain executable
    bool complete = true;              ///< false when interrupted
    std::string interrupted_by;        ///< "SIGINT", "SIGTERM"
    bool include_identifiers = false;  ///< account, instance id, addresses, host name kept
};

namespace detail {
inline tm utc_tm() {
    const time_t t = ::time(nullptr);
    tm u{};
    ::gmtime_r(&t, &u);
    return u;
}
}  // namespace detail

/// Now, as UTC ISO 8601 with seconds: "2026-11-23T10:04:05Z".
inline std::string utc_now_iso8601() {
    const tm u = detail::utc_tm();
    char buf[32];
    return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &u));
}

/// Now, as UTC for a file name: "20261123T100405Z".
inline std::string utc_now_compact() {
    const tm u = detail::utc_tm();
    char buf[32];
    return std::string(buf, std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &u));
}

inline nlohmann::json to_json(const ec2bench::system::host_info& h) {
    nlohmann::json caches = nlohmann::json::array();
    for (const auto& c : h.caches) {
        caches.push_back({{"level", c.level},
                          {"type", c.type},
                          {"size_bytes", c.size_bytes},
                          {"instances", c.instances}});
    }
    nlohmann::json j = {{"architecture", h.architecture},
                        {"cpu_vendor", h.cpu_vendor},
                        {"cpu_model", h.cpu_model},
                        {"microarchitecture", h.microarchitecture},
                        {"ec2_processor_hint", h.ec2_processor_hint},
                        {"logical_cpus", h.logical_cpus},
                        {"allowed_cpus", h.allowed_cpus},
                        {"physical_cores", h.physical_cores},
                        {"sockets", h.sockets},
                        {"numa_nodes", h.numa_nodes},
                        {"caches", caches},
                        {"memory_bytes", h.memory_bytes},
                        {"memory_available_bytes", h.memory_available_bytes},
                        {"kernel", h.kernel},
                        {"os", h.os},
                        {"transparent_hugepages", h.transparent_hugepages},
                        {"clocksource", h.clocksource},
                        {"cpufreq_governor", h.cpufreq_governor},
                        {"load_average", h.load_average}};
    if (h.architecture == "aarch64") {
        j["arm_implementer"] = h.arm_implementer;
        j["arm_part"] = h.arm_part;
    } else {
        j["cpu_family"] = h.cpu_family;
        j["cpu_model_number"] = h.cpu_model_number;
        j["cpu_stepping"] = h.cpu_stepping;
    }
    if (!h.hostname.empty()) j["hostname"] = h.hostname;
    // The instruction-set level this process's kernels run (detail/isa.hpp: the CPU's best,
    // lowered by EC2BENCH_ISA); left out for a bad EC2BENCH_ISA, which the kernels report.
    try {
        j["isa"] = std::string(ec2bench::detail::isa_name(ec2bench::detail::active_isa()));
    } catch (const std::invalid_argument&) {
    }
    return j;
}

/// EC2 facts; the identifiers only when `include_identifiers` (and known).
inline nlohmann::json to_json(const ec2bench::system::ec2_info& e, bool include_identifiers) {
    const auto fact = [](const ec2bench::system::ec2_fact& f) -> nlohmann::json {
        if (!f) return nullptr;
        return {{"value", f.value}, {"source", std::string(ec2bench::system::source_name(f.source))}};
    };
    nlohmann::json j = {{"on_ec2", e.on_ec2},
                        {"hypervisor", e.hypervisor},
                        {"imds", e.imds},
                        {"instance_type", fact(e.instance_type)},
                        {"region", fact(e.region)},
                        {"availability_zone", fact(e.availability_zone)},
                        {"availability_zone_id", fact(e.availability_zone_id)},
                        {"ami_id", fact(e.ami_id)},
                        {"architecture", fact(e.architecture)},
                        {"market", fact(e.market)},
                        {"notes", e.notes},
                        {"probe_seconds", e.probe_seconds}};
    if (include_identifiers) {
        j["account_id"] = fact(e.account_id);
        j["instance_id"] = fact(e.instance_id);
        j["local_ipv4"] = fact(e.local_ipv4);
        j["public_ipv4"] = fact(e.public_ipv4);
    }
    return j;
}

namespace detail {

/// Refuses a schema version this library cannot read, naming the file (`where`).
inline void check_schema_version(const std::string& where, int v) {
    if (v >= oldest_schema_version && v <= schema_version) return;
    const std::string readable =
        oldest_schema_version == schema_version
            ? "version " + std::to_string(schema_version)
            : "versions " + std::to_string(oldest_schema_version) +
                  (schema_version == oldest_schema_version + 1 ? " and " : " to ") +
                  std::to_string(schema_version);
    throw std::runtime_error(where + " has schema version " + std::to_string(v) + "; this ec2bench (" +
                             ec2bench::version_string() + ") reads " + readable);
}

/// Google Benchmark writes non-finite counters as NaN, -NaN, Infinity and -Infinity, which are
/// not JSON; they become null. Strings are left alone.
inline std::string nonfinite_to_null(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) {
                out += text[++i];
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
            out += c;
            continue;
        }
        bool replaced = false;
        for (const char* token : {"-Infinity", "Infinity", "-NaN", "NaN"}) {
            const std::size_t n = std::char_traits<char>::length(token);
            if (text.compare(i, n, token) == 0) {
                out += "null";
                i += n - 1;
                replaced = true;
                break;
            }
        }
        if (!replaced) out += c;
    }
    return out;
}

}  // namespace detail

/// Builds the document from Google Benchmark's JSON text and what ec2bench knows (`extras`: each
/// benchmark's repetitions, as capture_reporter::extras() gives them). Google
/// Benchmark's own fields are kept unchanged, except two that identify the machine or its user:
/// context.host_name (an EC2 host name encodes the private IP) is removed and
/// context.executable reduced to its base name, unless identifiers were asked for.
inline nlohmann::json make_document(const std::string& gbench_json,
                                    const ec2bench::system::host_info& host,
                                    const ec2bench::system::ec2_info& ec2,
                                    const ec2bench::gbench::extras_by_run& extras,
                                    const run_metadata& meta) {
    nlohmann::json doc;
    if (gbench_json.empty()) {
        doc = {{"context", nlohmann::json::object()}, {"benchmarks", nlohmann::json::array()}};
    } else {
        doc = nlohmann::json::parse(detail::nonfinite_to_null(gbench_json));
    }
    // Google Benchmark's JSON schema version (1.8 writes it, 1.6 and 1.7 do not; their format is
    // the same version 1), so that tools/compare.py and other readers can check it.
    if (doc["context"].is_object() && !doc["context"].contains("json_schema_version")) {
        doc["context"]["json_schema_version"] = 1;
    }
    if (!meta.include_identifiers && doc["context"].is_object()) {
        doc["context"].erase("host_name");
        if (doc["context"].contains("executable") && doc["context"]["executable"].is_string()) {
            const std::string exe = doc["context"]["executable"];
            doc["context"]["executable"] = detail::base_of(exe);
        }
    }
    nlohmann::json per_bench = nlohmann::json::object();
    for (const auto& [run_name, repetitions] : extras) per_bench[run_name] = to_json(repetitions);
    doc["ec2bench"] = {{"schema_version", schema_version},
                       {"version", ec2bench::version_string()},
                       {"started_at", meta.started_at},
                       {"finished_at", meta.finished_at},
                       {"command", meta.command},
                       {"preset", meta.preset},
                       {"complete", meta.complete},
                       {"include_identifiers", meta.include_identifiers},
                       {"interrupted_by", meta.interrupted_by},
                       {"host", to_json(host)},
                       {"ec2", to_json(ec2, meta.include_identifiers)},
                       {"benchmarks", per_bench}};
    return doc;
}

/// Writes the document atomically, pretty-printed (two-space indent, as Google Benchmark does).
inline void write_document(const std::string& path, const nlohmann::json& doc) {
    write_file_atomically(path, doc.dump(2) + "\n");
}

}  // namespace ec2bench::results

// The reading side (read_document, parse_document) lives in read.hpp, which needs the above.
#include <ec2bench/results/read.hpp>

#endif  // EC2BENCH_RESULTS_DOCUMENT_HPP
