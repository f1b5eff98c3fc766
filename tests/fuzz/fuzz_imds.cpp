// libFuzzer target: the EC2 probe against a metadata service that answers anything. A fake
// transport plays the service from the input (status, body, time-outs for each request in turn)
// with DMI in a temporary directory that says Nitro; no request leaves the process: the fake
// transport is the only one (imds_curl.hpp is not included, libcurl not linked).
// Properties: probe_ec2 returns (never throws), every fact it keeps passes its validator and is
// printable ASCII, every note is printable, the token is sent back only when valid, and the
// number of requests is bounded.
#include <ec2bench/system/ec2.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

namespace sy = ec2bench::system;

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_imds: property violated: %s\n", what);
        std::abort();
    }
}

// A sysfs root whose DMI says "Amazon EC2" (Nitro), made once per process.
const std::string& nitro_sysfs() {
    static const std::string root = [] {
        char tmpl[] = "/tmp/ec2bench-fuzz-dmi-XXXXXX";
        require(::mkdtemp(tmpl) != nullptr, "mkdtemp");
        const std::string r = tmpl;
        const std::string dmi = r + "/devices/virtual/dmi/id/";
        require(std::system(("mkdir -p '" + dmi + "'").c_str()) == 0, "mkdir");
        std::ofstream(dmi + "sys_vendor") << "Amazon EC2\n";
        std::ofstream(dmi + "bios_vendor") << "Amazon EC2\n";
        std::ofstream(dmi + "product_name") << "m6i.large\n";
        return r;
    }();
    return root;
}

bool printable_ascii(std::string_view s) {
    for (char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    sy::ec2_probe_options opt;
    opt.sysfs_root = nitro_sysfs();
    opt.include_identifiers = in.ConsumeBool();
    opt.max_body_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 4096);
    const std::string timeout = in.ConsumeBool() ? in.ConsumeRandomLengthString(8) : "";
    const std::string attempts = in.ConsumeBool() ? in.ConsumeRandomLengthString(4) : "";
    const bool v1_disabled = in.ConsumeBool();
    opt.getenv = [&](const char* name) -> const char* {
        const std::string_view n = name;
        if (n == "AWS_METADATA_SERVICE_TIMEOUT" && !timeout.empty()) return timeout.c_str();
        if (n == "AWS_METADATA_SERVICE_NUM_ATTEMPTS" && !attempts.empty()) return attempts.c_str();
        if (n == "AWS_EC2_METADATA_V1_DISABLED" && v1_disabled) return "true";
        return nullptr;
    };

    std::size_t requests = 0;
    std::string token;  // the last token the fake service granted
    opt.transport = [&](const sy::http_request& req, std::chrono::milliseconds) {
        ++requests;
        require(req.url.rfind("http://169.254.169.254/latest/", 0) == 0, "a request to another address");
        for (const auto& [k, v] : req.headers) {
            if (k == "X-aws-ec2-metadata-token") {
                require(sy::detail::valid_token(v) && v == token, "a token sent back that was not valid");
            }
        }
        sy::http_response r;
        static constexpr int statuses[] = {200, 200, 200, 401, 403, 404, 405, 500, 503, 0, 302};
        r.status = statuses[in.ConsumeIntegralInRange<std::size_t>(0, std::size(statuses) - 1)];
        if (r.status == 0) {
            r.timed_out = in.ConsumeBool();
            r.error = "connection refused";
        } else {
            r.body = in.ConsumeRandomLengthString(8192);
        }
        if (req.method == "PUT" && r.status == 200) token = r.body;
        return r;
    };

    const sy::ec2_info e = sy::probe_ec2(opt);
    require(requests <= 200, "too many requests");
    using namespace sy::detail;
    const auto check = [&](const sy::ec2_fact& f, bool (*valid)(std::string_view)) {
        require(f.value.empty() || valid(f.value), "a fact that fails its validator");
        require(printable_ascii(f.value), "a fact that is not printable ASCII");
        require(f.value.empty() == (f.source == sy::fact_source::none), "a fact without a source");
    };
    check(e.instance_type, valid_instance_type);
    check(e.region, valid_region);
    check(e.availability_zone, valid_zone);
    check(e.availability_zone_id, valid_zone_id);
    check(e.ami_id, [](std::string_view s) { return valid_hex_id(s, "ami-"); });
    check(e.architecture, valid_architecture);
    check(e.market, valid_market);
    check(e.account_id, valid_account);
    check(e.instance_id, [](std::string_view s) { return valid_hex_id(s, "i-"); });
    check(e.local_ipv4, valid_ipv4);
    check(e.public_ipv4, valid_ipv4);
    if (!opt.include_identifiers) {
        require(!e.account_id && !e.instance_id && !e.local_ipv4 && !e.public_ipv4, "an identifier kept unasked");
    }
    for (const auto& n : e.notes) require(printable_ascii(n), "a note that is not printable ASCII");
    require(e.on_ec2, "DMI said EC2");

    // The identity document's parser on the raw input, with each key the probe asks for.
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    for (const char* key : {"region", "availabilityZone", "imageId", "instanceType", "accountId"}) {
        if (const auto v = json_string_field(raw, key)) {
            for (char c : *v) require(static_cast<unsigned char>(c) >= 0x20, "a control character from json_string_field");
        }
    }
    return 0;
}
