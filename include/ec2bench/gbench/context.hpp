// SPDX-License-Identifier: MIT
// Attaches host and EC2 facts to every Google Benchmark run as custom context, under keys
// namespaced "ec2bench.", without overriding a key the user set with --benchmark_context.
#ifndef EC2BENCH_GBENCH_CONTEXT_HPP
#define EC2BENCH_GBENCH_CONTEXT_HPP

#include <ec2bench/detail/isa.hpp>
#include <ec2bench/system/ec2.hpp>
#include <ec2bench/system/host.hpp>
#include <ec2bench/version.hpp>

#include <benchmark/benchmark.h>

#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::gbench {

/// The keys given with --benchmark_context=k1=v1,k2=v2 in argv (call before
/// benchmark::Initialize consumes them).
inline std::set<std::string> user_context_keys(int argc, char** argv) {
    std::set<std::string> keys;
    const std::string_view flag = "--benchmark_context=";
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a.substr(0, flag.size()) != flag) continue;
        std::string_view rest = a.substr(flag.size());
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string_view kv = rest.substr(0, comma);
            const auto eq = kv.find('=');
            keys.emplace(kv.substr(0, eq));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return keys;
}

/// The context pairs for a host and its EC2 facts, in a stable order. Identifiers (account,
/// instance id, addresses) are never among them: the probe holds them only when asked, and this
/// leaves them out even then.
inline std::vector<std::pair<std::string, std::string>> context_pairs(
    const ec2bench::system::host_info& h, const ec2bench::system::ec2_info& e) {
    std::vector<std::pair<std::string, std::string>> kv;
    const auto add = [&](const char* key, const std::string& value) {
        if (!value.empty()) kv.emplace_back(std::string("ec2bench.") + key, value);
    };
    const auto add_fact = [&](const char* key, const ec2bench::system::ec2_fact& f) {
        if (f) {
            add(key, f.value);
            add((std::string(key) + "_source").c_str(),
                std::string(ec2bench::system::source_name(f.source)));
        }
    };
    add("version", ec2bench::version_string());
    add("on_ec2", e.on_ec2 ? "true" : "false");
    add("hypervisor", e.hypervisor);
    add_fact("instance_type", e.instance_type);
    add_fact("region", e.region);
    add_fact("availability_zone", e.availability_zone);
    add_fact("availability_zone_id", e.availability_zone_id);
    add_fact("ami_id", e.ami_id);
    add_fact("market", e.market);
    add("imds", e.imds);
    add("architecture", h.architecture);
    add("cpu_model", h.cpu_model);
    add("microarchitecture", h.microarchitecture);
    // The level this process's kernels run (after EC2BENCH_ISA); none for a bad EC2BENCH_ISA,
    // which every kernel reports itself.
    try {
        add("isa", std::string(ec2bench::detail::isa_name(ec2bench::detail::active_isa())));
    } catch (const std::invalid_argument&) {
    }
    add("cores", h.physical_cores != 0 ? std::to_string(h.physical_cores) : "");
    add("logical_cpus", h.logical_cpus != 0 ? std::to_string(h.logical_cpus) : "");
    add("allowed_cpus", h.allowed_cpus != 0 ? std::to_string(h.allowed_cpus) : "");
    add("numa_nodes", h.numa_nodes != 0 ? std::to_string(h.numa_nodes) : "");
    add("memory_bytes", h.memory_bytes != 0 ? std::to_string(h.memory_bytes) : "");
    add("kernel", h.kernel);
    add("os", h.os);
    add("transparent_hugepages", h.transparent_hugepages);
    add("clocksource", h.clocksource);
    std::ostringstream load;
    load << h.load_average[0];
    add("load_average_1m", load.str());
    return kv;
}

/// Adds the pairs to Google Benchmark's context, skipping any key in `user_keys` (the user's
/// --benchmark_context wins). Call after benchmark::Initialize, before running. Returns the
/// pairs added.
inline std::vector<std::pair<std::string, std::string>> attach_context(
    const ec2bench::system::host_info& h, const ec2bench::system::ec2_info& e,
    const std::set<std::string>& user_keys = {}) {
    std::vector<std::pair<std::string, std::string>> added;
    for (auto& [k, v] : context_pairs(h, e)) {
        if (user_keys.count(k) != 0) continue;
        benchmark::AddCustomContext(k, v);
        added.emplace_back(k, v);
    }
    return added;
}

}  // namespace ec2bench::gbench

#endif  // EC2BENCH_GBENCH_CONTEXT_HPP
