// Running a test once per instruction-set level: the levels this CPU can run, and EC2BENCH_ISA
// set to one of them for a scope. Kernels read the level when a session or histogram is made.
#ifndef EC2BENCH_TESTS_SUPPORT_ISA_LEVELS_HPP
#define EC2BENCH_TESTS_SUPPORT_ISA_LEVELS_HPP

#include <ec2bench/detail/isa.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace ec2bench_test {

/// Every level this CPU runs, lowest first, up to the one active now: an EC2BENCH_ISA already
/// set (by tests/qemu_x86.sh, say) caps the list, so a forced level is never exceeded.
inline std::vector<ec2bench::detail::isa> runnable_levels() {
    using ec2bench::detail::isa;
    const auto features = ec2bench::detail::detect_cpu_features();
    const isa top = ec2bench::detail::active_isa();
    std::vector<isa> out;
    // Within one architecture the enum's order is the levels' order (see detail::isa).
    for (isa i : {isa::baseline, isa::avx2, isa::avx512, isa::neon, isa::sve}) {
        if (ec2bench::detail::isa_supported(i, features) && i <= top) out.push_back(i);
    }
    return out;
}

/// EC2BENCH_ISA set to `level` while it lives; what was there before is put back.
class scoped_isa {
public:
    explicit scoped_isa(ec2bench::detail::isa level) {
        if (const char* old = std::getenv("EC2BENCH_ISA")) old_ = old;
        ::setenv("EC2BENCH_ISA", std::string(ec2bench::detail::isa_name(level)).c_str(), 1);
    }
    scoped_isa(const scoped_isa&) = delete;
    scoped_isa& operator=(const scoped_isa&) = delete;
    ~scoped_isa() {
        if (old_) {
            ::setenv("EC2BENCH_ISA", old_->c_str(), 1);
        } else {
            ::unsetenv("EC2BENCH_ISA");
        }
    }

private:
    std::optional<std::string> old_;
};

}  // namespace ec2bench_test

#endif  // EC2BENCH_TESTS_SUPPORT_ISA_LEVELS_HPP
