// SPDX-License-Identifier: MIT
// The EC2 probe: which instance type, region and availability zone a result came from.
//
// Order (docs/ec2.md): AWS_EC2_METADATA_DISABLED=true means no probe at all. Then DMI, which
// costs no network: sys_vendor or bios_vendor "Amazon EC2" on Nitro, where product_name is the
// instance type; /sys/hypervisor/uuid starting "ec2" on Xen. Only where DMI says EC2, or where
// AWS_EC2_METADATA_SERVICE_ENDPOINT is set, and only with a transport (libcurl's, from
// imds_curl.hpp), the instance metadata service: IMDSv2 first, IMDSv1 as the fallback the AWS
// SDKs use. Account id, instance id, IP addresses and host name are never recorded unless asked.
//
//     auto e = ec2bench::system::probe_ec2();   // DMI only: no network
//     if (e.on_ec2) std::printf("%s\n", e.instance_type.value.c_str());
#ifndef EC2BENCH_SYSTEM_EC2_HPP
#define EC2BENCH_SYSTEM_EC2_HPP

#include <ec2bench/detail/clock.hpp>
#include <ec2bench/detail/cpu_caches.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ec2bench::system {

/// Where a fact came from.
enum class fact_source { none, dmi, imdsv2, imdsv1 };

inline constexpr std::string_view source_name(fact_source s) noexcept {
    switch (s) {
        case fact_source::none: return "none";
        case fact_source::dmi: return "dmi";
        case fact_source::imdsv2: return "imdsv2";
        case fact_source::imdsv1: return "imdsv1";
    }
    return "none";
}

/// A value and its source; an empty value has source none.
struct ec2_fact {
    std::string value;
    fact_source source = fact_source::none;
    explicit operator bool() const noexcept { return !value.empty(); }
};

struct ec2_info {
    bool on_ec2 = false;      ///< DMI or the metadata service says so
    std::string hypervisor;   ///< "nitro", "xen" or empty
    ec2_fact instance_type;
    ec2_fact region;
    ec2_fact availability_zone;
    ec2_fact availability_zone_id;  ///< the same id in every account, unlike the zone name
    ec2_fact ami_id;
    ec2_fact architecture;          ///< the identity document's: x86_64, arm64
    /// How the instance is bought, from instance-life-cycle: "spot" or "on-demand"; another
    /// answer (AWS also documents "scheduled") is kept escaped, see detail::market_from_life_cycle.
    ec2_fact market;
    // Identifiers: filled only with ec2_probe_options::include_identifiers.
    ec2_fact account_id;
    ec2_fact instance_id;
    ec2_fact local_ipv4;
    ec2_fact public_ipv4;
    /// "v2", "v1", "not tried", "disabled", "unavailable": how the metadata service answered.
    std::string imds = "not tried";
    std::vector<std::string> notes;  ///< why something is missing; never contains a value
    double probe_seconds = 0;
};

struct http_request {
    std::string method;  ///< "GET" or "PUT"
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct http_response {
    int status = 0;       ///< 0 when there was no valid HTTP answer
    std::string body;
    std::string error;    ///< the transport's reason when status is 0
    bool timed_out = false;
};

/// Sends one request and returns within `timeout` (connect and transfer together). It must cap
/// the body, ignore proxies and follow no redirects; imds_curl.hpp's curl_transport() does.
using http_transport =
    std::function<http_response(const http_request&, std::chrono::milliseconds timeout)>;

struct ec2_probe_options {
    std::string sysfs_root = "/sys";
    /// The environment, a parameter for tests. Returns nullptr for an unset variable.
    std::function<const char*(const char*)> getenv = [](const char* name) -> const char* {
        return std::getenv(name);
    };
    /// Empty: DMI only, never a network call.
    http_transport transport;
    bool include_identifiers = false;
    /// A hard bound on all metadata traffic together, whatever the per-request timeout.
    std::chrono::milliseconds total_budget{5000};
    std::size_t max_body_bytes = 64 * 1024;
};

namespace detail {

inline bool env_true(const char* v) {
    if (v == nullptr) return false;
    std::string s(v);
    std::transform(s.begin(), s.end(), s.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return s == "true";
}

inline bool all_of_chars(std::string_view s, std::string_view allowed_extra, bool digits,
                         bool lower, bool upper) {
    for (char c : s) {
        const bool ok = (digits && c >= '0' && c <= '9') || (lower && c >= 'a' && c <= 'z') ||
                        (upper && c >= 'A' && c <= 'Z') ||
                        allowed_extra.find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

// Checks on what a metadata server (or DMI) hands us. A hostile or broken server must not be
// able to put arbitrary text (terminal escapes, newlines, megabytes) into a results file.
inline bool valid_instance_type(std::string_view s) {
    const auto dot = s.find('.');
    return !s.empty() && s.size() <= 40 && dot != std::string_view::npos && dot > 0 &&
           dot + 1 < s.size() && s.find('.', dot + 1) == std::string_view::npos &&
           s[0] >= 'a' && s[0] <= 'z' && all_of_chars(s, "-.", true, true, false);
}
inline bool valid_region(std::string_view s) {
    // us-east-1, us-gov-west-1, ap-southeast-4, cn-north-1
    if (s.size() < 6 || s.size() > 32 || !all_of_chars(s, "-", true, true, false)) return false;
    const auto last = s.rfind('-');
    return s[0] >= 'a' && s[0] <= 'z' && s[2] == '-' && last != std::string_view::npos &&
           last + 1 < s.size() && all_of_chars(s.substr(last + 1), "", true, false, false);
}
inline bool valid_zone(std::string_view s) {
    // us-east-1a, or a Local Zone such as us-west-2-lax-1a
    return s.size() >= 7 && s.size() <= 40 && s[0] >= 'a' && s[0] <= 'z' &&
           all_of_chars(s, "-", true, true, false) && s.back() >= 'a' && s.back() <= 'z';
}
inline bool valid_zone_id(std::string_view s) {
    // use1-az4, usw2-lax1-az1
    return s.size() >= 5 && s.size() <= 32 && s.find("-az") != std::string_view::npos &&
           all_of_chars(s, "-", true, true, false);
}
inline bool valid_hex_id(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() + 8 && s.size() <= prefix.size() + 17 &&
           s.substr(0, prefix.size()) == prefix &&
           all_of_chars(s.substr(prefix.size()), "abcdef", true, false, false);
}
inline bool valid_architecture(std::string_view s) {
    return s == "x86_64" || s == "arm64" || s == "i386";
}
inline bool valid_account(std::string_view s) {
    return s.size() == 12 && all_of_chars(s, "", true, false, false);
}
inline bool valid_ipv4(std::string_view s) {
    int parts = 0, digits = 0, value = 0;
    for (char c : s) {
        if (c == '.') {
            if (digits == 0) return false;
            ++parts;
            digits = value = 0;
        } else if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            if (++digits > 3 || value > 255) return false;
        } else {
            return false;
        }
    }
    return parts == 3 && digits > 0;
}

/// The longest instance-life-cycle answer kept: AWS's longest documented value is 9 bytes.
inline constexpr std::size_t max_life_cycle_bytes = 64;

/// The market recorded for an instance-life-cycle answer. "spot" and "on-demand" are recognised
/// in any case with surrounding whitespace ignored; any other answer is kept as it came, with
/// every byte outside printable ASCII (and space and backslash) written as \xNN, so that a value
/// from the server can never carry a control character or a newline into a results file:
///
///     market_from_life_cycle("On-Demand\n")  -> "on-demand"
///     market_from_life_cycle("scheduled")    -> "scheduled"
///     market_from_life_cycle("\x1b[2J")      -> "\\x1b[2J"
///
/// Nothing for an empty (or all-whitespace) answer or one over max_life_cycle_bytes.
inline std::optional<std::string> market_from_life_cycle(std::string_view s) {
    if (s.size() > max_life_cycle_bytes) return std::nullopt;
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::string_view t = s;
    while (!t.empty() && space(t.front())) {
        t.remove_prefix(1);
    }
    while (!t.empty() && space(t.back())) {
        t.remove_suffix(1);
    }
    if (t.empty()) return std::nullopt;
    std::string lower(t);
    for (char& c : lower) {
        c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    }
    if (lower == "spot" || lower == "on-demand") return lower;
    constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x21 || u > 0x7e || c == '\\') {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

/// What market_from_life_cycle can return: printable ASCII without space, at most four bytes
/// per byte of the longest answer kept.
inline bool valid_market(std::string_view s) {
    if (s.empty() || s.size() > 4 * max_life_cycle_bytes) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) <= 0x7e;
    });
}

inline bool valid_token(std::string_view s) {
    // Sent back as a header: nothing that could end the header line.
    return !s.empty() && s.size() <= 1024 && all_of_chars(s, "+/=_-.", true, true, true);
}

/// The string value of "key" in a flat JSON object, or nothing: enough for EC2's instance
/// identity document (string values only, no nesting we need). Unescapes \" \\ \/ and refuses
/// anything stranger rather than guessing.
inline std::optional<std::string> json_string_field(std::string_view doc, std::string_view key) {
    const std::string quoted = "\"" + std::string(key) + "\"";
    std::size_t pos = 0;
    while ((pos = doc.find(quoted, pos)) != std::string_view::npos) {
        std::size_t i = pos + quoted.size();
        while (i < doc.size() && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r')) ++i;
        if (i >= doc.size() || doc[i] != ':') {
            pos += quoted.size();
            continue;
        }
        ++i;
        while (i < doc.size() && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r')) ++i;
        if (i >= doc.size() || doc[i] != '"') return std::nullopt;
        std::string out;
        for (++i; i < doc.size(); ++i) {
            const char c = doc[i];
            if (c == '"') return out;
            if (c == '\\') {
                if (++i >= doc.size()) return std::nullopt;
                const char e = doc[i];
                if (e != '"' && e != '\\' && e != '/') return std::nullopt;
                out += e;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                return std::nullopt;
            } else {
                out += c;
            }
        }
        return std::nullopt;
    }
    return std::nullopt;
}

inline bool looks_like_json_object(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    const auto last = s.find_last_not_of(" \t\r\n");
    return first != std::string_view::npos && s[first] == '{' && s[last] == '}';
}

/// The IMDS conversation: token, renewal on 401, v1 fallback, retries and the deadline.
class imds_client {
public:
    imds_client(const ec2_probe_options& opt, std::string endpoint, ec2_info& out)
        : opt_(opt), endpoint_(std::move(endpoint)), out_(out) {
        while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
        deadline_ = std::chrono::steady_clock::now() + opt.total_budget;
        read_env();
    }

    /// Runs the whole exchange and fills `out`.
    void run() {
        if (!get_token()) return;
        std::optional<std::string> doc = get("/latest/dynamic/instance-identity/document");
        if (doc && !looks_like_json_object(*doc)) {
            out_.notes.push_back("instance identity document is not a JSON object; ignored");
            doc.reset();
        }
        const auto from_doc = [&](ec2_fact& fact, const char* key, bool (*valid)(std::string_view),
                                  const char* what) {
            if (!doc) return;
            const auto v = json_string_field(*doc, key);
            if (!v) return;
            if (!valid(*v)) {
                out_.notes.push_back(std::string("identity document: invalid ") + what + "; ignored");
                return;
            }
            fact = {*v, source_};
        };
        from_doc(out_.region, "region", valid_region, "region");
        from_doc(out_.availability_zone, "availabilityZone", valid_zone, "availability zone");
        from_doc(out_.ami_id, "imageId", [](std::string_view s) { return valid_hex_id(s, "ami-"); },
                 "AMI id");
        from_doc(out_.architecture, "architecture", valid_architecture, "architecture");
        ec2_fact doc_type;
        from_doc(doc_type, "instanceType", valid_instance_type, "instance type");
        if (opt_.include_identifiers) {
            from_doc(out_.account_id, "accountId", valid_account, "account id");
            from_doc(out_.instance_id, "instanceId",
                     [](std::string_view s) { return valid_hex_id(s, "i-"); }, "instance id");
        }

        // Single fields where the document did not give them (and the zone id it never has).
        if (doc_type) out_.instance_type = doc_type;
        fetch(out_.instance_type, "/latest/meta-data/instance-type", valid_instance_type,
              "instance type");
        if (!out_.region) {
            fetch(out_.region, "/latest/meta-data/placement/region", valid_region, "region");
        }
        if (!out_.availability_zone) {
            fetch(out_.availability_zone, "/latest/meta-data/placement/availability-zone",
                  valid_zone, "availability zone");
        }
        fetch(out_.availability_zone_id, "/latest/meta-data/placement/availability-zone-id",
              valid_zone_id, "availability zone id");
        if (!out_.ami_id) {
            fetch(out_.ami_id, "/latest/meta-data/ami-id",
                  [](std::string_view s) { return valid_hex_id(s, "ami-"); }, "AMI id");
        }
        if (const auto life_cycle = get("/latest/meta-data/instance-life-cycle")) {
            if (auto m = market_from_life_cycle(*life_cycle)) {
                if (*m != "spot" && *m != "on-demand") {
                    out_.notes.push_back(
                        "metadata service: instance-life-cycle is neither spot nor on-demand; "
                        "kept escaped");
                }
                out_.market = {std::move(*m), source_};
            } else {
                out_.notes.push_back("metadata service: invalid instance-life-cycle (empty or "
                                     "over " + std::to_string(max_life_cycle_bytes) +
                                     " bytes); ignored");
            }
        }
        if (opt_.include_identifiers) {
            if (!out_.instance_id) {
                fetch(out_.instance_id, "/latest/meta-data/instance-id",
                      [](std::string_view s) { return valid_hex_id(s, "i-"); }, "instance id");
            }
            fetch(out_.local_ipv4, "/latest/meta-data/local-ipv4", valid_ipv4, "local IPv4");
            fetch(out_.public_ipv4, "/latest/meta-data/public-ipv4", valid_ipv4, "public IPv4");
        }
    }

private:
    void read_env() {
        if (const char* t = opt_.getenv("AWS_METADATA_SERVICE_TIMEOUT")) {
            char* end = nullptr;
            const double sec = std::strtod(t, &end);
            if (end != t && *end == '\0' && sec > 0 && sec <= 3600) {
                timeout_ = std::chrono::milliseconds(static_cast<long long>(sec * 1000 + 0.5));
                if (timeout_.count() == 0) timeout_ = std::chrono::milliseconds(1);
            } else {
                out_.notes.push_back(
                    "AWS_METADATA_SERVICE_TIMEOUT is not a number of seconds in (0, 3600]; "
                    "using 1");
            }
        }
        if (const char* n = opt_.getenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS")) {
            char* end = nullptr;
            const long v = std::strtol(n, &end, 10);
            if (end != n && *end == '\0' && v >= 1 && v <= 10) {
                attempts_ = static_cast<int>(v);
            } else {
                out_.notes.push_back(
                    "AWS_METADATA_SERVICE_NUM_ATTEMPTS is not an integer in [1, 10]; using 1");
            }
        }
        v1_disabled_ = env_true(opt_.getenv("AWS_EC2_METADATA_V1_DISABLED"));
    }

    std::chrono::milliseconds remaining() const {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline_ - std::chrono::steady_clock::now());
        return std::max(left, std::chrono::milliseconds(0));
    }

    /// One request with retries on transport failures and 5xx, inside the deadline.
    http_response send(http_request req) {
        http_response r;
        for (int attempt = 0; attempt < attempts_; ++attempt) {
            const auto left = remaining();
            if (left.count() == 0) {
                r = {};
                r.error = "total time budget spent";
                r.timed_out = true;
                budget_spent_ = true;
                return r;
            }
            r = opt_.transport(req, std::min(timeout_, left));
            if (r.status != 0 && r.body.size() > opt_.max_body_bytes) {
                r.status = 0;
                r.body.clear();
                r.error = "response body too large";
            }
            const bool retry = r.status == 0 || r.status >= 500;
            if (!retry) return r;
        }
        return r;
    }

    bool get_token() {
        http_request req{"PUT", endpoint_ + "/latest/api/token",
                         {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}};
        const http_response r = send(req);
        if (r.status == 200 && valid_token(r.body)) {
            token_ = r.body;
            source_ = fact_source::imdsv2;
            out_.imds = "v2";
            return true;
        }
        std::string why;
        if (r.status == 200) {
            why = "IMDSv2 token is malformed";
        } else if (r.status == 403 || r.status == 404 || r.status == 405) {
            why = "IMDSv2 token request answered " + std::to_string(r.status);
        } else if (r.status == 0 && r.timed_out) {
            why = "IMDSv2 token request timed out";
        } else if (r.status == 0) {
            why = "IMDSv2 token request failed (" + r.error + ")";
        } else {
            why = "IMDSv2 token request answered " + std::to_string(r.status);
        }
        // The SDKs fall back to v1 after a refused or unanswered token request (a hop limit of 1
        // drops the PUT's answer inside containers), unless v1 is disabled.
        const bool fallback = (r.status == 403 || r.status == 404 || r.status == 405 ||
                               (r.status == 0 && r.timed_out)) && !budget_spent_;
        if (fallback && !v1_disabled_) {
            out_.notes.push_back(why + "; falling back to IMDSv1");
            source_ = fact_source::imdsv1;
            out_.imds = "v1";
            return true;
        }
        if (fallback) why += "; IMDSv1 not tried (AWS_EC2_METADATA_V1_DISABLED)";
        out_.notes.push_back(why);
        out_.imds = "unavailable";
        return false;
    }

    std::optional<std::string> get(const std::string& path) {
        if (stopped_) return std::nullopt;
        for (int round = 0; round < 2; ++round) {
            http_request req{"GET", endpoint_ + path, {}};
            if (source_ == fact_source::imdsv2) {
                req.headers.emplace_back("X-aws-ec2-metadata-token", token_);
            }
            const http_response r = send(req);
            if (r.status == 200) return r.body;
            if (r.status == 401 && source_ == fact_source::imdsv2 && !renewed_) {
                renewed_ = true;  // the token expired: renew once, then give up on 401s
                if (!get_token()) {
                    stopped_ = true;
                    return std::nullopt;
                }
                continue;
            }
            if (r.status == 0) {
                // A server that does not answer will not answer the next field either.
                out_.notes.push_back(path + ": " + (r.timed_out ? "timed out" : r.error) +
                                     "; metadata service abandoned");
                out_.imds = "unavailable";
                stopped_ = true;
                return std::nullopt;
            }
            out_.notes.push_back(path + ": HTTP " + std::to_string(r.status));
            return std::nullopt;
        }
        return std::nullopt;
    }

    template <class Valid>
    void fetch(ec2_fact& fact, const std::string& path, Valid valid, const char* what) {
        if (fact) return;
        const auto v = get(path);
        if (!v) return;
        if (!valid(*v)) {
            out_.notes.push_back(std::string("metadata service: invalid ") + what + "; ignored");
            return;
        }
        fact = {*v, source_};
    }

    const ec2_probe_options& opt_;
    std::string endpoint_;
    ec2_info& out_;
    std::chrono::steady_clock::time_point deadline_;
    std::chrono::milliseconds timeout_{1000};  // the AWS SDKs' default
    int attempts_ = 1;
    bool v1_disabled_ = false;
    std::string token_;
    fact_source source_ = fact_source::none;
    bool renewed_ = false;
    bool stopped_ = false;
    bool budget_spent_ = false;
};

}  // namespace detail

/// Probes DMI, then (only where DMI says EC2 or an endpoint is configured, and with a transport)
/// the instance metadata service. Never throws; what could not be learned is in `notes`.
inline ec2_info probe_ec2(const ec2_probe_options& opt = {}) {
    ec2_info e;
    const std::uint64_t t0 = ec2bench::detail::now_ns();
    const auto finish = [&] {
        e.probe_seconds = ec2bench::detail::seconds_between(t0, ec2bench::detail::now_ns());
        return e;
    };
    if (detail::env_true(opt.getenv("AWS_EC2_METADATA_DISABLED"))) {
        e.imds = "disabled";
        e.notes.push_back("AWS_EC2_METADATA_DISABLED=true: no probe");
        return finish();
    }

    using ec2bench::detail::read_first_line;
    const std::string dmi = opt.sysfs_root + "/devices/virtual/dmi/id/";
    const std::string sys_vendor = read_first_line(dmi + "sys_vendor");
    const std::string bios_vendor = read_first_line(dmi + "bios_vendor");
    const std::string hv_uuid = read_first_line(opt.sysfs_root + "/hypervisor/uuid");
    if (sys_vendor == "Amazon EC2" || bios_vendor == "Amazon EC2") {
        e.on_ec2 = true;
        e.hypervisor = "nitro";
        const std::string product = read_first_line(dmi + "product_name");
        if (detail::valid_instance_type(product)) {
            e.instance_type = {product, fact_source::dmi};
        }
    } else if (hv_uuid.rfind("ec2", 0) == 0) {
        // A random Xen UUID starts with "ec2" once in 4096: EC2's Xen guests also say so in DMI
        // (bios_version "4.11.amazon", a product_uuid starting EC2), and nothing else is trusted.
        std::string bios = read_first_line(dmi + "bios_version");
        std::string uuid = read_first_line(dmi + "product_uuid");
        for (auto* str : {&bios, &uuid}) {
            for (char& c : *str) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
        }
        if (bios.find("amazon") != std::string::npos || uuid.rfind("ec2", 0) == 0) {
            e.on_ec2 = true;
            e.hypervisor = "xen";
        }
    }

    const char* endpoint_env = opt.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const bool endpoint_set = endpoint_env != nullptr && *endpoint_env != '\0';
    if (!e.on_ec2 && !endpoint_set) return finish();  // off EC2: no network call at all
    if (!opt.transport) {
        e.notes.push_back("built without an HTTP transport (libcurl): DMI facts only");
        return finish();
    }
    std::string endpoint;
    if (endpoint_set) {
        endpoint = endpoint_env;
    } else {
        const char* mode = opt.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
        endpoint = mode != nullptr && std::string_view(mode) == "IPv6" ? "http://[fd00:ec2::254]"
                                                                        : "http://169.254.169.254";
    }
    const ec2_fact dmi_type = e.instance_type;
    e.instance_type = {};
    detail::imds_client(opt, endpoint, e).run();
    if (e.instance_type && dmi_type && e.instance_type.value != dmi_type.value) {
        e.notes.push_back("instance type differs between DMI and the metadata service");
    }
    if (!e.instance_type) e.instance_type = dmi_type;
    if (e.imds == "v2" || e.imds == "v1") {
        // "v1"/"v2" means facts came from the service, not merely that a token was or was not
        // granted: a service that refuses every request is unavailable.
        const ec2_fact* facts[] = {
            &e.instance_type, &e.region, &e.availability_zone, &e.availability_zone_id, &e.ami_id,
            &e.architecture,  &e.market};
        bool any = false;
        for (const ec2_fact* f : facts) {
            any = any || f->source == fact_source::imdsv2 || f->source == fact_source::imdsv1;
        }
        if (any) {
            e.on_ec2 = true;
        } else {
            e.imds = "unavailable";
        }
    }
    return finish();
}

}  // namespace ec2bench::system

#endif  // EC2BENCH_SYSTEM_EC2_HPP
