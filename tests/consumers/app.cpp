// A small program that uses ec2bench as a consumer would: one include, one call, a checked result.
#include <ec2bench/ec2bench.hpp>

#include <atomic>
#include <cstdio>
#include <cstring>

int main() {
    ec2bench::detail::thread_team team(2);
    std::atomic<unsigned> members{0};
    team.run([&](unsigned) { members.fetch_add(1); });
    if (members.load() != 2) {
        std::fprintf(stderr, "consumer: team ran %u members, expected 2\n", members.load());
        return 1;
    }
    std::printf("ec2bench %s works\n", ec2bench::version_string());
    return std::strlen(ec2bench::version_string()) >= 5 ? 0 : 1;
}
