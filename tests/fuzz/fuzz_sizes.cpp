// libFuzzer target: the command-line parsers of counts and sizes. Each input either throws the
// documented std::invalid_argument or std::out_of_range, or gives a value that its decimal digits
// parse back to; plain digits and powers of two are checked against strtoull and a shift.
#include "../../bench/cli/parse.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parse = ec2bench::cli;

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_sizes: property violated: %s\n", what);
        std::abort();
    }
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

template <class Parse>
std::optional<std::uint64_t> attempt(Parse parse_fn, std::string_view s) {
    try {
        return parse_fn(s, "n");
    } catch (const std::invalid_argument& e) {
        require(std::string_view(e.what()).rfind("--n=", 0) == 0, "an error that does not name the flag");
    } catch (const std::out_of_range& e) {
        require(std::string_view(e.what()).rfind("--n=", 0) == 0, "an error that does not name the flag");
    }
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    const auto count = [](std::string_view t, std::string_view f) { return parse::parse_count(t, f); };
    const auto bytes = [](std::string_view t, std::string_view f) { return parse::parse_size(t, f); };

    if (const auto v = attempt(count, s)) {
        const std::string digits = std::to_string(*v);
        const auto back = attempt(count, digits);
        require(back && *back == *v, "parse_count: the value's digits do not parse back to it");
    }
    if (all_digits(s) && s.size() <= 19) {
        const auto v = attempt(count, s);
        require(v && *v == std::strtoull(std::string(s).c_str(), nullptr, 10), "parse_count differs from strtoull");
    }
    if (s.size() >= 3 && s.substr(0, 2) == "2^" && all_digits(s.substr(2)) && s.size() <= 4) {
        const unsigned k = static_cast<unsigned>(std::strtoul(std::string(s.substr(2)).c_str(), nullptr, 10));
        const auto v = attempt(count, s);
        require(k <= 63 ? v && *v == (std::uint64_t{1} << k) : !v, "parse_count: 2^k is not a shift");
    }

    if (const auto v = attempt(bytes, s)) {
        const auto back = attempt(bytes, std::to_string(*v));
        require(back && *back == *v, "parse_size: the value's digits do not parse back to it");
        if (*v % 1024 == 0) {
            const auto k = attempt(bytes, std::to_string(*v / 1024) + "k");
            require(k && *k == *v, "parse_size: N*1024 bytes is not Nk");
        }
    }
    return 0;
}
