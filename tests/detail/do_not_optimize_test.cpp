#include <ec2bench/detail/do_not_optimize.hpp>

#include <doctest/doctest.h>

#include <array>
#include <string>

using namespace ec2bench::detail;

namespace {
struct big {
    std::array<double, 16> v{};
};
}  // namespace

TEST_CASE("do_not_optimize leaves values intact, for every kind of operand") {
    int i = 42;
    do_not_optimize(i);
    CHECK(i == 42);

    const double d = 2.5;
    do_not_optimize(d);
    CHECK(d == 2.5);

    do_not_optimize(7);  // an rvalue binds the const overload

    big b;
    b.v[3] = 1.5;
    do_not_optimize(b);  // too large for a register: named by address
    CHECK(b.v[3] == 1.5);

    std::string s = "not trivially copyable";
    do_not_optimize(s);
    CHECK(s == "not trivially copyable");

    int* p = &i;
    do_not_optimize(p);
    CHECK(*p == 42);
}

TEST_CASE("a loop whose result only reaches do_not_optimize still computes it") {
    // The value must be the real sum, not a constant-folded or dropped one.
    unsigned long sum = 0;
    for (unsigned long k = 1; k <= 1000; ++k) {
        sum += k;
        do_not_optimize(sum);
    }
    clobber_memory();
    CHECK(sum == 500500u);
}
