#include <ec2bench/system/ec2.hpp>
#include <ec2bench/system/imds_curl.hpp>

#include "../support/temp_dir.hpp"
#include "fake_imds.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>

namespace fs = std::filesystem;
namespace sy = ec2bench::system;
using ec2bench_test::fake_imds;

namespace {

struct fake_dmi : ec2bench_test::temp_dir {
    fake_dmi() : temp_dir("ec2bench-dmi") {}
    fs::path root = path;
    void set(const std::string& rel, const std::string& value) const { write(rel, value + "\n"); }
    void nitro(const std::string& type) {
        set("devices/virtual/dmi/id/sys_vendor", "Amazon EC2");
        set("devices/virtual/dmi/id/bios_vendor", "Amazon EC2");
        set("devices/virtual/dmi/id/product_name", type);
        set("devices/virtual/dmi/id/board_asset_tag", "i-0123456789abcdef0");
    }
    void qemu() {
        set("devices/virtual/dmi/id/sys_vendor", "QEMU");
        set("devices/virtual/dmi/id/product_name", "Standard PC (i440FX + PIIX, 1996)");
    }
};

// An environment for the probe: only what the test sets, never the real one.
struct env {
    std::map<std::string, std::string> vars;
    std::function<const char*(const char*)> fn() const {
        return [this](const char* k) -> const char* {
            const auto it = vars.find(k);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

sy::ec2_probe_options options(const fake_dmi& dmi, const env& e) {
    sy::ec2_probe_options o;
    o.sysfs_root = dmi.root.string();
    o.getenv = e.fn();
    o.transport = sy::curl_transport();
    return o;
}

bool mentions(const sy::ec2_info& e, const std::string& needle) {
    const sy::ec2_fact* facts[] = {
        &e.instance_type, &e.region, &e.availability_zone, &e.availability_zone_id, &e.ami_id,
        &e.architecture,  &e.market, &e.account_id,        &e.instance_id,          &e.local_ipv4,
        &e.public_ipv4};
    for (const auto* f : facts) {
        if (f->value.find(needle) != std::string::npos) return true;
    }
    for (const auto& n : e.notes) {
        if (n.find(needle) != std::string::npos) return true;
    }
    return e.hypervisor.find(needle) != std::string::npos || e.imds.find(needle) != std::string::npos;
}

// A port on 127.0.0.1 where nothing listens.
unsigned short closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("off EC2 with no endpoint set, the probe makes no network call") {
    fake_dmi dmi;
    dmi.qemu();
    env e;
    int calls = 0;
    sy::ec2_probe_options o;
    o.sysfs_root = dmi.root.string();
    o.getenv = e.fn();
    o.transport = [&](const sy::http_request&, std::chrono::milliseconds) {
        ++calls;
        return sy::http_response{};
    };
    const sy::ec2_info info = sy::probe_ec2(o);
    CHECK(calls == 0);
    CHECK_FALSE(info.on_ec2);
    CHECK(info.imds == "not tried");
    CHECK_FALSE(info.instance_type);
    CHECK_FALSE(info.market);
    CHECK(info.market.source == sy::fact_source::none);
    CHECK(info.notes.empty());
}

TEST_CASE("DMI alone identifies a Nitro instance and its type, never the instance id") {
    fake_dmi dmi;
    dmi.nitro("c7g.xlarge");
    env e;
    sy::ec2_probe_options o;
    o.sysfs_root = dmi.root.string();
    o.getenv = e.fn();  // no transport: DMI only
    const sy::ec2_info info = sy::probe_ec2(o);
    CHECK(info.on_ec2);
    CHECK(info.hypervisor == "nitro");
    CHECK(info.instance_type.value == "c7g.xlarge");
    CHECK(info.instance_type.source == sy::fact_source::dmi);
    CHECK_FALSE(info.market);  // only the metadata service knows it
    REQUIRE(info.notes.size() == 1);
    CHECK(info.notes[0] == "built without an HTTP transport (libcurl): DMI facts only");
    CHECK_FALSE(mentions(info, "i-0123456789abcdef0"));
}

TEST_CASE("a Xen guest whose UUID merely starts with ec2 is not EC2") {
    fake_dmi dmi;
    dmi.set("hypervisor/uuid", "ec2e1916-9099-7caf-fd21-012345abcdef");  // 1 in 4096 at random
    dmi.set("devices/virtual/dmi/id/sys_vendor", "Xen");
    dmi.set("devices/virtual/dmi/id/bios_version", "4.11.0");
    env e;
    int calls = 0;
    sy::ec2_probe_options o;
    o.sysfs_root = dmi.root.string();
    o.getenv = e.fn();
    o.transport = [&](const sy::http_request&, std::chrono::milliseconds) {
        ++calls;
        return sy::http_response{};
    };
    const auto info = sy::probe_ec2(o);
    CHECK_FALSE(info.on_ec2);
    CHECK(calls == 0);  // and so no packet towards 169.254.169.254
}

TEST_CASE("a Xen instance is recognised from /sys/hypervisor/uuid and DMI") {
    fake_dmi dmi;
    dmi.set("hypervisor/uuid", "ec2e1916-9099-7caf-fd21-012345abcdef");
    dmi.set("devices/virtual/dmi/id/sys_vendor", "Xen");
    dmi.set("devices/virtual/dmi/id/bios_version", "4.11.amazon");
    env e;
    sy::ec2_probe_options o;
    o.sysfs_root = dmi.root.string();
    o.getenv = e.fn();
    const auto info = sy::probe_ec2(o);
    CHECK(info.on_ec2);
    CHECK(info.hypervisor == "xen");
    CHECK_FALSE(info.instance_type);
}

TEST_CASE("a hostile DMI product name is not taken as an instance type") {
    fake_dmi dmi;
    dmi.nitro("m6i.large\x1b[31m");
    env e;
    sy::ec2_probe_options o;
    o.sysfs_root = dmi.root.string();
    o.getenv = e.fn();
    const auto info = sy::probe_ec2(o);
    CHECK(info.on_ec2);
    CHECK_FALSE(info.instance_type);
}

TEST_CASE("AWS_EC2_METADATA_DISABLED=true means no probe at all") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.set_default_routes();
    server.start();
    env e{{{"AWS_EC2_METADATA_DISABLED", "TRUE"},
           {"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK_FALSE(info.on_ec2);
    CHECK_FALSE(info.instance_type);
    CHECK(info.imds == "disabled");
    CHECK(server.requests().empty());
}

TEST_CASE("IMDSv2 happy path: token, then every field, and no identifier recorded") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.set_default_routes();
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint() + "/"}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK(info.imds == "v2");
    CHECK(info.on_ec2);
    CHECK(info.instance_type.value == "m6i.large");
    CHECK(info.instance_type.source == sy::fact_source::imdsv2);
    CHECK(info.region.value == "eu-west-1");
    CHECK(info.region.source == sy::fact_source::imdsv2);
    CHECK(info.availability_zone.value == "eu-west-1b");
    CHECK(info.availability_zone_id.value == "euw1-az3");
    CHECK(info.ami_id.value == "ami-0abcdef1234567890");
    CHECK(info.architecture.value == "x86_64");
    CHECK(info.market.value == "on-demand");
    CHECK(info.market.source == sy::fact_source::imdsv2);
    int life_cycle_gets = 0;
    for (const auto& r : server.requests()) {
        life_cycle_gets += r.path == "/latest/meta-data/instance-life-cycle" ? 1 : 0;
    }
    CHECK(life_cycle_gets == 1);
    CHECK(info.notes.empty());
    // Never recorded unless asked.
    CHECK_FALSE(info.account_id);
    CHECK_FALSE(info.instance_id);
    CHECK_FALSE(info.local_ipv4);
    CHECK_FALSE(mentions(info, "123456789012"));
    CHECK_FALSE(mentions(info, "i-0123456789abcdef0"));
    CHECK_FALSE(mentions(info, "10.0.0.12"));

    const auto reqs = server.requests();
    REQUIRE(reqs.size() >= 2);
    CHECK(reqs[0].method == "PUT");
    CHECK(reqs[0].path == "/latest/api/token");
    CHECK(reqs[0].headers.at("x-aws-ec2-metadata-token-ttl-seconds") == "21600");
    for (std::size_t i = 1; i < reqs.size(); ++i) {
        CAPTURE(reqs[i].path);
        CHECK(reqs[i].method == "GET");
        CHECK(reqs[i].headers.at("x-aws-ec2-metadata-token") == "AQAEAFAKE-token-1");
        CHECK(reqs[i].path != "/latest/meta-data/instance-id");
        CHECK(reqs[i].path.find("ipv4") == std::string::npos);
    }
}

TEST_CASE("identifiers are recorded only when asked") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.set_default_routes();
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
    auto o = options(dmi, e);
    o.include_identifiers = true;
    const auto info = sy::probe_ec2(o);
    CHECK(info.account_id.value == "123456789012");
    CHECK(info.instance_id.value == "i-0123456789abcdef0");
    CHECK(info.local_ipv4.value == "10.0.0.12");
    CHECK(info.public_ipv4.value == "203.0.113.7");
}

TEST_CASE("an endpoint set off EC2 is used, and makes the host count as EC2") {
    fake_dmi dmi;
    dmi.qemu();
    fake_imds server;
    server.set_default_routes();
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK(info.imds == "v2");
    CHECK(info.on_ec2);
    CHECK(info.hypervisor.empty());
    CHECK(info.region.value == "eu-west-1");
}

TEST_CASE("a 401 renews the token once") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    env e;
    SUBCASE("renewal succeeds") {
        fake_imds server;
        server.set_default_routes();
        server.unauthorized_gets = 1;
        server.start();
        e.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server.endpoint();
        const auto info = sy::probe_ec2(options(dmi, e));
        CHECK(server.count("PUT") == 2);
        CHECK(info.imds == "v2");
        CHECK(info.region.value == "eu-west-1");
        CHECK(info.instance_type.value == "m6i.large");
    }
    SUBCASE("a server that always answers 401 gets one renewal, not a loop") {
        fake_imds server;
        server.set_default_routes();
        server.unauthorized_gets = 1000;
        server.start();
        e.vars["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server.endpoint();
        const auto info = sy::probe_ec2(options(dmi, e));
        CHECK(server.count("PUT") == 2);
        CHECK_FALSE(info.region);
        CHECK(info.instance_type.value == "m6i.large");  // DMI's, kept
        CHECK(info.instance_type.source == sy::fact_source::dmi);
    }
}

TEST_CASE("403, 404 or 405 on the token falls back to IMDSv1, unless v1 is disabled") {
    for (int status : {403, 404, 405}) {
        CAPTURE(status);
        fake_dmi dmi;
        dmi.nitro("m6i.large");
        SUBCASE("fallback") {
            fake_imds server;
            server.set_default_routes();
            server.token_statuses = {status};
            server.start();
            env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
            const auto info = sy::probe_ec2(options(dmi, e));
            CHECK(info.imds == "v1");
            CHECK(info.region.value == "eu-west-1");
            CHECK(info.region.source == sy::fact_source::imdsv1);
            REQUIRE_FALSE(info.notes.empty());
            CHECK(info.notes[0] == "IMDSv2 token request answered " + std::to_string(status) +
                                       "; falling back to IMDSv1");
            for (const auto& r : server.requests()) {
                if (r.method == "GET") CHECK(r.headers.count("x-aws-ec2-metadata-token") == 0);
            }
        }
        SUBCASE("AWS_EC2_METADATA_V1_DISABLED") {
            fake_imds server;
            server.set_default_routes();
            server.token_statuses = {status};
            server.start();
            env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()},
                   {"AWS_EC2_METADATA_V1_DISABLED", "true"}}};
            const auto info = sy::probe_ec2(options(dmi, e));
            CHECK(info.imds == "unavailable");
            CHECK(server.count("GET") == 0);
            REQUIRE(info.notes.size() == 1);
            CHECK(info.notes[0] == "IMDSv2 token request answered " + std::to_string(status) +
                                       "; IMDSv1 not tried (AWS_EC2_METADATA_V1_DISABLED)");
            CHECK(info.instance_type.source == sy::fact_source::dmi);
        }
    }
}

TEST_CASE("a v1 fallback whose requests are all refused is reported unavailable") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.token_statuses = {403};
    server.routes["/latest/dynamic/instance-identity/document"] = {403, ""};
    server.routes["/latest/meta-data/instance-type"] = {403, ""};
    server.routes["/latest/meta-data/placement/region"] = {403, ""};
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK(info.imds == "unavailable");
    CHECK(info.instance_type.source == sy::fact_source::dmi);
    REQUIRE(info.notes.size() >= 2u);
    CHECK(info.notes[0] == "IMDSv2 token request answered 403; falling back to IMDSv1");
    CHECK(info.notes[1] == "/latest/dynamic/instance-identity/document: HTTP 403");
}

TEST_CASE("AWS_METADATA_SERVICE_NUM_ATTEMPTS retries server errors") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.set_default_routes();
    server.token_statuses = {500, 503};
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()},
           {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3"}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK(server.count("PUT") == 3);
    CHECK(info.imds == "v2");
    CHECK(info.region.value == "eu-west-1");
}

TEST_CASE("bad timeout and attempt settings are noted and replaced by the defaults") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.set_default_routes();
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()},
           {"AWS_METADATA_SERVICE_TIMEOUT", "soon"},
           {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK(info.imds == "v2");
    REQUIRE(info.notes.size() == 2);
    CHECK(info.notes[0] ==
          "AWS_METADATA_SERVICE_TIMEOUT is not a number of seconds in (0, 3600]; using 1");
    CHECK(info.notes[1] == "AWS_METADATA_SERVICE_NUM_ATTEMPTS is not an integer in [1, 10]; using 1");
}

TEST_CASE("a server that accepts and never answers is abandoned within the bound") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.mode = fake_imds::behaviour::never_answer;
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()},
           {"AWS_METADATA_SERVICE_TIMEOUT", "0.3"}}};
    auto o = options(dmi, e);
    o.total_budget = std::chrono::milliseconds(2000);
    const auto t0 = std::chrono::steady_clock::now();
    const auto info = sy::probe_ec2(o);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(sec < 2.5);  // the total bound, with room for a loaded machine
    CHECK(info.imds == "unavailable");
    CHECK_FALSE(info.region);
    CHECK(info.instance_type.source == sy::fact_source::dmi);
    REQUIRE(info.notes.size() == 2);
    CHECK(info.notes[0] == "IMDSv2 token request timed out; falling back to IMDSv1");
    CHECK(info.notes[1] ==
          "/latest/dynamic/instance-identity/document: timed out; metadata service abandoned");
}

TEST_CASE("the total budget bounds the probe whatever the per-request timeout") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.mode = fake_imds::behaviour::never_answer;
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()},
           {"AWS_METADATA_SERVICE_TIMEOUT", "30"},
           {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "5"}}};
    auto o = options(dmi, e);
    o.total_budget = std::chrono::milliseconds(700);
    const auto t0 = std::chrono::steady_clock::now();
    const auto info = sy::probe_ec2(o);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(sec < 1.5);
    CHECK(info.imds == "unavailable");
}

TEST_CASE("a server that answers a byte a second is abandoned within the bound") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.mode = fake_imds::behaviour::drip;
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()},
           {"AWS_METADATA_SERVICE_TIMEOUT", "0.5"}}};
    auto o = options(dmi, e);
    o.total_budget = std::chrono::milliseconds(2000);
    const auto t0 = std::chrono::steady_clock::now();
    const auto info = sy::probe_ec2(o);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(sec < 2.5);
    CHECK(info.imds == "unavailable");
    CHECK_FALSE(info.region);
}

TEST_CASE("a 10 MB body gives no value and no crash") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.mode = fake_imds::behaviour::huge_body;
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK(info.imds == "unavailable");
    CHECK_FALSE(info.region);
    CHECK_FALSE(mentions(info, "xxxx"));
    REQUIRE_FALSE(info.notes.empty());
    CHECK(info.notes[0] == "IMDSv2 token request failed (response body over 65536 bytes)");
}

TEST_CASE("a garbage status line gives no value and no crash") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.mode = fake_imds::behaviour::garbage_status;
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
    const auto info = sy::probe_ec2(options(dmi, e));
    CHECK(info.imds == "unavailable");
    CHECK_FALSE(info.region);
    CHECK(info.instance_type.value == "m6i.large");
    CHECK(info.instance_type.source == sy::fact_source::dmi);
}

TEST_CASE("an invalid identity document gives no value and no crash") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    SUBCASE("not JSON at all") {
        fake_imds server;
        server.routes["/latest/dynamic/instance-identity/document"] = {200, "<html>hello</html>"};
        server.start();
        env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
        const auto info = sy::probe_ec2(options(dmi, e));
        CHECK_FALSE(info.region);
        CHECK_FALSE(info.ami_id);
        CHECK(info.notes[0] == "instance identity document is not a JSON object; ignored");
    }
    SUBCASE("JSON with hostile values") {
        fake_imds server;
        server.routes["/latest/dynamic/instance-identity/document"] = {
            200, "{\"region\": \"eu-west-1\\\"; rm -rf\", \"instanceType\": \"m6i.large\\n\","
                 " \"imageId\": \"ami-zzz\", \"architecture\": \"sparc\","
                 " \"availabilityZone\": \"\\u001b[2J\"}"};
        server.routes["/latest/meta-data/instance-type"] = {200, std::string(200, 'm')};
        server.start();
        env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
        const auto info = sy::probe_ec2(options(dmi, e));
        CHECK_FALSE(info.region);
        CHECK_FALSE(info.ami_id);
        CHECK_FALSE(info.architecture);
        CHECK_FALSE(info.availability_zone);
        CHECK(info.instance_type.value == "m6i.large");  // DMI's: the server's was refused
        CHECK(info.instance_type.source == sy::fact_source::dmi);
    }
    SUBCASE("truncated JSON") {
        fake_imds server;
        server.routes["/latest/dynamic/instance-identity/document"] = {200, "{\"region\": \"eu-we"};
        server.start();
        env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
        const auto info = sy::probe_ec2(options(dmi, e));
        CHECK_FALSE(info.region);
    }
}

TEST_CASE("a refused connection returns at once") {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "http://127.0.0.1:" + std::to_string(closed_port())}}};
    const auto t0 = std::chrono::steady_clock::now();
    const auto info = sy::probe_ec2(options(dmi, e));
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(sec < 0.5);  // no waiting for a timeout (the default would be 1 s)
    CHECK(info.imds == "unavailable");
    REQUIRE(info.notes.size() == 1);
    CHECK(info.notes[0].rfind("IMDSv2 token request failed (", 0) == 0);
    CHECK(info.instance_type.source == sy::fact_source::dmi);
}

TEST_CASE("field validators accept EC2's shapes and refuse everything else") {
    using namespace sy::detail;
    for (const char* ok : {"m6i.large", "c7gn.16xlarge", "u-12tb1.112xlarge", "mac2-m2pro.metal",
                           "t4g.nano"}) {
        CAPTURE(ok);
        CHECK(valid_instance_type(ok));
    }
    for (const char* bad : {"", "large", ".large", "m6i.", "M6I.large", "m6i.large.x",
                            "m6i large", "m6i.large\n"}) {
        CAPTURE(bad);
        CHECK_FALSE(valid_instance_type(bad));
    }
    CHECK(valid_region("us-east-1"));
    CHECK(valid_region("us-gov-west-1"));
    CHECK(valid_region("ap-southeast-4"));
    CHECK_FALSE(valid_region("us-east"));
    CHECK_FALSE(valid_region("US-EAST-1"));
    CHECK_FALSE(valid_region("useast1"));
    CHECK(valid_zone("us-east-1a"));
    CHECK(valid_zone("us-west-2-lax-1a"));
    CHECK_FALSE(valid_zone("us-east-1"));
    CHECK(valid_zone_id("use1-az4"));
    CHECK(valid_zone_id("usw2-lax1-az1"));
    CHECK_FALSE(valid_zone_id("use1"));
    CHECK(valid_hex_id("ami-0abcdef1234567890", "ami-"));
    CHECK(valid_hex_id("ami-12345678", "ami-"));
    CHECK_FALSE(valid_hex_id("ami-1234567", "ami-"));
    CHECK_FALSE(valid_hex_id("ami-0ABCDEF1", "ami-"));
    CHECK(valid_ipv4("10.0.0.12"));
    CHECK_FALSE(valid_ipv4("10.0.0.256"));
    CHECK_FALSE(valid_ipv4("10.0.0"));
    CHECK_FALSE(valid_ipv4("10..0.1"));
    CHECK(valid_token("AQAEAFAKE-token-1=="));
    CHECK_FALSE(valid_token("abc\r\nX-Evil: 1"));
    CHECK_FALSE(valid_token(""));
    CHECK(json_string_field(R"({"a" : "x\"y", "b":"z"})", "a").value() == "x\"y");
    CHECK(json_string_field(R"({"a" : "x", "b":"z"})", "b").value() == "z");
    CHECK_FALSE(json_string_field(R"({"a" : 5})", "a"));
    CHECK_FALSE(json_string_field(R"({"a" : "\u0041"})", "a"));
    CHECK_FALSE(json_string_field(R"({"a" : "unterminated)", "a"));
}

namespace {

// The probe against the fake server with instance-life-cycle answering `status` and `body`.
sy::ec2_info with_life_cycle(int status, const std::string& body, bool v1 = false) {
    fake_dmi dmi;
    dmi.nitro("m6i.large");
    fake_imds server;
    server.set_default_routes();
    server.routes["/latest/meta-data/instance-life-cycle"] = {status, body};
    if (v1) server.token_statuses = {403};
    server.start();
    env e{{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.endpoint()}}};
    return sy::probe_ec2(options(dmi, e));
}

}  // namespace

TEST_CASE("instance-life-cycle gives the market, spot or on-demand whatever the case and spaces") {
    // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
    for (const auto& c :
         std::initializer_list<std::pair<std::string, std::string>>{{"spot", "spot"},
                                                                    {"on-demand", "on-demand"},
                                                                    {"SPOT\n", "spot"},
                                                                    {" On-Demand\r\n", "on-demand"},
                                                                    {"\tspot \t", "spot"}}) {
        const std::string& body = c.first;
        const std::string& want = c.second;
        CAPTURE(body);
        const auto info = with_life_cycle(200, body);
        CHECK(info.market.value == want);
        CHECK(info.market.source == sy::fact_source::imdsv2);
        CHECK(info.notes.empty());
    }
    SUBCASE("through the IMDSv1 fallback the source says so") {
        const auto info = with_life_cycle(200, "spot", true);
        CHECK(info.imds == "v1");
        CHECK(info.market.value == "spot");
        CHECK(info.market.source == sy::fact_source::imdsv1);
    }
}

TEST_CASE("another instance-life-cycle answer is kept escaped, with a note that names no value") {
    SUBCASE("scheduled, which AWS documents, as it came") {
        const auto info = with_life_cycle(200, "scheduled");
        CHECK(info.market.value == "scheduled");
        CHECK(info.market.source == sy::fact_source::imdsv2);
        REQUIRE(info.notes.size() == 1);
        CHECK(info.notes[0] ==
              "metadata service: instance-life-cycle is neither spot nor on-demand; kept escaped");
    }
    SUBCASE("control characters, a header-like line and a backslash are escaped") {
        const auto info = with_life_cycle(200, "\x1b[31mspot\r\nX: \\y");
        CHECK(info.market.value == "\\x1b[31mspot\\x0d\\x0aX:\\x20\\x5cy");
        CHECK(sy::detail::valid_market(info.market.value));
        CHECK_FALSE(mentions(info, "\x1b"));
        REQUIRE(info.notes.size() == 1);
        CHECK(info.notes[0] ==
              "metadata service: instance-life-cycle is neither spot nor on-demand; kept escaped");
    }
    SUBCASE("garbage bytes outside ASCII") {
        const auto info = with_life_cycle(200, std::string("sp\xffot\x00!", 7));
        CHECK(info.market.value == "sp\\xffot\\x00!");
    }
    SUBCASE("64 bytes are kept") {
        const auto info = with_life_cycle(200, std::string(64, 'q'));
        CHECK(info.market.value == std::string(64, 'q'));
    }
}

TEST_CASE("an empty, all-blank or over-long instance-life-cycle gives no market") {
    for (const std::string& body :
         {std::string(), std::string(" \r\n"), std::string(65, 'q'), std::string(60000, '\x1b')}) {
        CAPTURE(body.size());
        const auto info = with_life_cycle(200, body);
        CHECK_FALSE(info.market);
        CHECK(info.market.source == sy::fact_source::none);
        CHECK(info.region.value == "eu-west-1");  // the other facts are unaffected
        REQUIRE(info.notes.size() == 1);
        CHECK(info.notes[0] ==
              "metadata service: invalid instance-life-cycle (empty or over 64 "
              "bytes); ignored");
    }
    SUBCASE("a 404 (an instance launched before the category existed) is noted like any field") {
        const auto info = with_life_cycle(404, "");
        CHECK_FALSE(info.market);
        REQUIRE(info.notes.size() == 1);
        CHECK(info.notes[0] == "/latest/meta-data/instance-life-cycle: HTTP 404");
    }
}

TEST_CASE("market_from_life_cycle against hand-written answers") {
    using sy::detail::market_from_life_cycle;
    CHECK(market_from_life_cycle("Spot").value() == "spot");
    CHECK(market_from_life_cycle("ON-DEMAND").value() == "on-demand");
    CHECK(market_from_life_cycle("on demand").value() == "on\\x20demand");  // not guessed
    CHECK(market_from_life_cycle("ondemand").value() == "ondemand");
    CHECK(market_from_life_cycle("capacity-block").value() == "capacity-block");
    CHECK(market_from_life_cycle("a\\b").value() == "a\\x5cb");
    CHECK(market_from_life_cycle(std::string(1, '\x7f')).value() == "\\x7f");
    CHECK_FALSE(market_from_life_cycle(""));
    CHECK_FALSE(market_from_life_cycle("\t"));
    CHECK_FALSE(market_from_life_cycle(std::string(65, 'a')));
    // Every byte value alone gives printable ASCII without space, four characters at most.
    for (int b = 0; b < 256; ++b) {
        CAPTURE(b);
        const auto m = market_from_life_cycle(std::string(1, static_cast<char>(b)));
        if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
            CHECK_FALSE(m);
        } else {
            REQUIRE(m);
            CHECK(sy::detail::valid_market(*m));
            CHECK(m->size() == (b >= 0x21 && b <= 0x7e && b != '\\' ? 1u : 4u));
        }
    }
    CHECK_FALSE(sy::detail::valid_market(""));
    CHECK_FALSE(sy::detail::valid_market("spot\n"));
    CHECK_FALSE(sy::detail::valid_market("on demand"));
}
