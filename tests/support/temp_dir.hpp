// A temporary directory for a test: created by mkdtemp, removed with everything in it.
#ifndef EC2BENCH_TESTS_SUPPORT_TEMP_DIR_HPP
#define EC2BENCH_TESTS_SUPPORT_TEMP_DIR_HPP

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

namespace ec2bench_test {

class temp_dir {
public:
    /// Under /tmp, or under the working directory (ctest's build tree, on disk) when a test needs
    /// a real filesystem rather than a tmpfs /tmp.
    explicit temp_dir(const std::string& prefix = "ec2bench-test", bool under_cwd = false) {
        const std::filesystem::path base =
            under_cwd ? std::filesystem::current_path() : std::filesystem::path("/tmp");
        std::string tmpl = (base / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
        path = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;  // a test may have taken write permission away: give it back first
        std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string str() const { return path.string(); }

    /// Entries directly inside.
    std::size_t files() const {
        return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path),
                                                      std::filesystem::directory_iterator()));
    }

    /// Writes `content` to `rel` (parents created), exactly: no newline added.
    void write(const std::string& rel, const std::string& content) const {
        std::filesystem::create_directories((path / rel).parent_path());
        std::ofstream(path / rel, std::ios::binary) << content;
    }

    std::filesystem::path path;
};

}  // namespace ec2bench_test

#endif  // EC2BENCH_TESTS_SUPPORT_TEMP_DIR_HPP
