// SPDX-License-Identifier: MIT
// Reading results files: only regular files, never blocking (a FIFO named x.json is refused, not
// waited on), at most 512 MiB, every nlohmann/json exception turned into one line, and the type
// of every field a reader uses checked, so that headlines(), group_runs(), compare(), describe()
// and report_row_of() never meet a type they do not expect. docs/results-schema.md, "Reading".
//
//     const nlohmann::json doc = ec2bench::results::read_document("a.json");
//     // or, for text from elsewhere:
//     const nlohmann::json doc = ec2bench::results::parse_document(text, "a.json");
#ifndef EC2BENCH_RESULTS_READ_HPP
#define EC2BENCH_RESULTS_READ_HPP

#include <ec2bench/detail/unique_fd.hpp>
#include <ec2bench/results/document.hpp>
#include <ec2bench/results/escape.hpp>
#include <ec2bench/version.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ec2bench::results {

/// Results files larger than this are refused unread: the largest real ones are a few MB, and
/// nlohmann/json needs several times the file's size in memory.
inline constexpr std::uint64_t max_results_file_bytes = 512ull << 20;

namespace detail {

/// A JSON pointer (RFC 6901) under construction: "/benchmarks/3/real_time".
inline std::string pointer_to(const std::string& parent, std::string_view key) {
    std::string out = parent + "/";
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

inline std::string pointer_to(const std::string& parent, std::size_t index) {
    return parent + "/" + std::to_string(index);
}

/// The checks of one document; every error is "NAME: /json/pointer: expected ...".
class document_checker {
public:
    explicit document_checker(const std::string& name) : name_(escape_for_terminal(name)) {}

    [[noreturn]] void fail(const std::string& pointer, const std::string& what) const {
        const std::string where = pointer.empty() ? "the top level" : escape_for_terminal(pointer);
        throw std::runtime_error(name_ + ": " + where + ": " + what);
    }

    /// The member `key` of `obj`, or nullptr when absent.
    static const nlohmann::json* member(const nlohmann::json& obj, const char* key) {
        const auto it = obj.find(key);
        return it == obj.end() ? nullptr : &*it;
    }

    const nlohmann::json& object(const nlohmann::json& obj, const std::string& at, const char* key) const {
        const nlohmann::json* v = member(obj, key);
        if (v == nullptr || !v->is_object()) fail(pointer_to(at, key), "expected an object");
        return *v;
    }

    // Optional members: absent is fine, present must have the type.
    void string(const nlohmann::json& obj, const std::string& at, const char* key) const {
        const nlohmann::json* v = member(obj, key);
        if (v != nullptr && !v->is_string()) fail(pointer_to(at, key), "expected a string");
    }
    void boolean(const nlohmann::json& obj, const std::string& at, const char* key) const {
        const nlohmann::json* v = member(obj, key);
        if (v != nullptr && !v->is_boolean()) fail(pointer_to(at, key), "expected true or false");
    }
    /// null stands for NaN or an infinity, which Google Benchmark writes and JSON cannot hold.
    void number_or_null(const nlohmann::json& obj, const std::string& at, const char* key) const {
        const nlohmann::json* v = member(obj, key);
        if (v != nullptr && !v->is_number() && !v->is_null()) {
            fail(pointer_to(at, key), "expected a number or null");
        }
    }
    void optional_object(const nlohmann::json& obj, const std::string& at, const char* key) const {
        const nlohmann::json* v = member(obj, key);
        if (v != nullptr && !v->is_object()) fail(pointer_to(at, key), "expected an object");
    }
    void count(const nlohmann::json& obj, const std::string& at, const char* key) const {
        const nlohmann::json* v = member(obj, key);
        if (v == nullptr) return;
        // Read as int and unsigned: a float or a larger integer would not convert safely.
        const bool ok = v->is_number_integer() && (v->is_number_unsigned()
                                                       ? v->get<std::uint64_t>() <= INT_MAX
                                                       : v->get<std::int64_t>() >= 0 &&
                                                             v->get<std::int64_t>() <= INT_MAX);
        if (!ok) fail(pointer_to(at, key), "expected an integer from 0 to " + std::to_string(INT_MAX));
    }
    void array_of_strings(const nlohmann::json& obj, const std::string& at, const char* key,
                          bool required = false) const {
        const nlohmann::json* v = member(obj, key);
        if (v == nullptr && required) fail(pointer_to(at, key), "expected an array");
        if (v == nullptr) return;
        const std::string here = pointer_to(at, key);
        if (!v->is_array()) fail(here, "expected an array");
        for (std::size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_string()) fail(pointer_to(here, i), "expected a string");
        }
    }

    /// One entry of "benchmarks": the fields of Google Benchmark's run that the readers use.
    void run(const nlohmann::json& r, std::size_t index) const {
        const std::string at = pointer_to("/benchmarks", index);
        if (!r.is_object()) fail(at, "expected an object");
        const nlohmann::json* name = member(r, "name");
        if (name == nullptr || !name->is_string()) fail(pointer_to(at, "name"), "expected a string");
        for (const char* key : {"run_name", "run_type", "aggregate_name", "time_unit", "error_message"}) {
            string(r, at, key);
        }
        boolean(r, at, "error_occurred");
        // Times and the sieve's primes counter are read as numbers (metrics.hpp); other counters
        // are read only where they are numbers.
        for (const char* key : {"real_time", "cpu_time", "iterations", "primes"}) {
            number_or_null(r, at, key);
        }
    }

    /// An EC2 fact: null (unknown) or {"value": string, "source": string}.
    void fact(const nlohmann::json& ec2, const char* key) const {
        const nlohmann::json* v = member(ec2, key);
        if (v == nullptr || v->is_null()) return;
        const std::string at = pointer_to("/ec2bench/ec2", key);
        if (!v->is_object()) fail(at, "expected an object or null");
        const nlohmann::json* value = member(*v, "value");
        if (value == nullptr || !value->is_string()) fail(pointer_to(at, "value"), "expected a string");
        string(*v, at, "source");
    }

    void document(const nlohmann::json& doc) const {
        if (!doc.is_object()) fail("", "expected an object");
        const nlohmann::json* eb_ptr = member(doc, "ec2bench");
        if (eb_ptr == nullptr || !eb_ptr->is_object()) {
            throw std::runtime_error(
                name_ + " is not an ec2bench results file: it has no \"ec2bench\" object (a plain "
                        "Google Benchmark file? Google Benchmark's tools/compare.py reads those)");
        }
        const nlohmann::json& eb = *eb_ptr;
        const nlohmann::json* v = member(eb, "schema_version");
        if (v == nullptr || !v->is_number_integer()) fail("/ec2bench/schema_version", "expected an integer");
        // check_schema_version (document.hpp) names the versions this ec2bench reads.
        const bool fits = v->is_number_unsigned() ? v->get<std::uint64_t>() <= INT_MAX
                                                  : v->get<std::int64_t>() >= INT_MIN;
        if (!fits) fail("/ec2bench/schema_version", "expected a schema version such as " + std::to_string(schema_version));
        check_schema_version(name_, v->get<int>());
        object(doc, "", "context");
        const nlohmann::json* benchmarks = member(doc, "benchmarks");
        if (benchmarks == nullptr || !benchmarks->is_array()) fail("/benchmarks", "expected an array");
        for (std::size_t i = 0; i < benchmarks->size(); ++i) run((*benchmarks)[i], i);

        for (const char* key : {"started_at", "finished_at", "preset", "interrupted_by", "version"}) {
            string(eb, "/ec2bench", key);
        }
        boolean(eb, "/ec2bench", "complete");
        array_of_strings(eb, "/ec2bench", "command");

        const nlohmann::json& host = object(eb, "/ec2bench", "host");
        for (const char* key : {"architecture", "cpu_vendor", "cpu_model", "microarchitecture", "kernel", "os"}) {
            string(host, "/ec2bench/host", key);
        }
        count(host, "/ec2bench/host", "logical_cpus");

        const nlohmann::json& ec2 = object(eb, "/ec2bench", "ec2");
        for (const char* key :
             {"instance_type", "region", "availability_zone", "availability_zone_id", "ami_id",
              "architecture", "market", "account_id", "instance_id", "local_ipv4", "public_ipv4"}) {
            fact(ec2, key);
        }
        boolean(ec2, "/ec2bench/ec2", "on_ec2");
        string(ec2, "/ec2bench/ec2", "hypervisor");
        string(ec2, "/ec2bench/ec2", "imds");
        array_of_strings(ec2, "/ec2bench/ec2", "notes");

        const nlohmann::json& extras = object(eb, "/ec2bench", "benchmarks");
        for (const auto& [bench, x] : extras.items()) {
            const std::string at = pointer_to("/ec2bench/benchmarks", bench);
            if (!x.is_object()) fail(at, "expected an object");
            // warnings is required in both versions' JSON Schema, and the suite's summary reads
            // it; the rest is read leniently by extras.hpp, but must not be of another type.
            array_of_strings(x, at, "warnings", true);
            optional_object(x, at, "facts");
            optional_object(x, at, "values");      // version 1
            optional_object(x, at, "aggregates");  // version 2
            if (const nlohmann::json* reps = member(x, "repetitions")) {
                const std::string here = pointer_to(at, "repetitions");
                if (!reps->is_array()) fail(here, "expected an array");
                for (std::size_t i = 0; i < reps->size(); ++i) {
                    if (!(*reps)[i].is_object()) fail(pointer_to(here, i), "expected an object");
                }
            }
        }
        // Written by pool_documents() (compare.hpp) for a pooled baseline.
        if (const nlohmann::json* from = member(eb, "pooled_from")) {
            if (!from->is_array()) fail("/ec2bench/pooled_from", "expected an array");
            for (std::size_t i = 0; i < from->size(); ++i) {
                const std::string at = pointer_to("/ec2bench/pooled_from", i);
                const nlohmann::json& f = (*from)[i];
                if (!f.is_object()) fail(at, "expected an object");
                string(f, at, "file");
                string(f, at, "started_at");
                count(f, at, "repetitions");
            }
        }
    }

private:
    std::string name_;
};

/// nlohmann/json's message without its "[json.exception.parse_error.101] " prefix.
inline std::string json_error_text(const nlohmann::json::exception& e) {
    std::string what = e.what();
    const auto bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
        what = what.substr(bracket + 2);
    }
    return what;
}

inline std::string file_kind(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "not a regular file";
}

/// Refuses what is not a regular file of at most max_results_file_bytes.
inline void check_results_file(const std::string& shown, const struct stat& st) {
    if (S_ISDIR(st.st_mode)) throw std::runtime_error(shown + " is a directory; expected a results file");
    if (!S_ISREG(st.st_mode)) {
        throw std::runtime_error(shown + " is " + file_kind(st.st_mode) +
                                 ", not a regular file; expected a results file");
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_results_file_bytes) {
        throw std::runtime_error(shown + " is " + std::to_string(st.st_size) +
                                 " bytes; results files over 512 MiB are refused");
    }
}

}  // namespace detail

/// Parses and checks a results document from `text`; `name` (a file name) is used in messages.
/// Throws std::runtime_error with one line, already escaped for a terminal:
///
///     a.json is not valid JSON: parse error at line 1, column 22: ...
///     a.json: /benchmarks/3/real_time: expected a number or null
///     a.json is not an ec2bench results file: it has no "ec2bench" object (...)
///     a.json has schema version 2; this ec2bench (1.2.0) reads version 1
inline nlohmann::json parse_document(std::string_view text, const std::string& name) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(escape_for_terminal(name) + " is not valid JSON: " +
                                 escape_for_terminal(detail::json_error_text(e)));
    }
    detail::document_checker(name).document(doc);
    return doc;
}

/// Reads and checks a results file (parse_document). Refuses, without blocking and without
/// reading it, anything that is not a regular file (a directory, a FIFO, a socket, a device) or is
/// larger than max_results_file_bytes.
inline nlohmann::json read_document(const std::string& path) {
    const std::string shown = escape_for_terminal(path);
    const auto cannot = [&](const char* doing) {
        return std::runtime_error("cannot " + std::string(doing) + " " + shown + ": " + std::strerror(errno));
    };
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) throw cannot("read");
    detail::check_results_file(shown, st);
    // O_NONBLOCK: should a FIFO replace the file between stat and open, open returns at once
    // (and fstat refuses it) instead of waiting for a writer.
    const ec2bench::detail::unique_fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) throw cannot("open");
    if (::fstat(fd.get(), &st) != 0) throw cannot("read");
    detail::check_results_file(shown, st);
    std::string text;
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t have = 0;
    for (;;) {
        if (have == text.size()) {
            // The file may have grown since fstat: read on, up to the limit.
            if (text.size() > max_results_file_bytes) {
                throw std::runtime_error(shown + " grew over 512 MiB while being read; refused");
            }
            text.resize(text.size() + 65536);
        }
        const ssize_t n = ::read(fd.get(), text.data() + have, text.size() - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw cannot("read");
        if (n == 0) break;
        have += static_cast<std::size_t>(n);
    }
    text.resize(have);
    return parse_document(text, path);
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_READ_HPP
