#include <ec2bench/detail/unique_fd.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>

#include <cerrno>
#include <utility>

using ec2bench::detail::unique_fd;

namespace {
bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }
int open_null() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }
}  // namespace

TEST_CASE("unique_fd closes its descriptor when it goes out of scope") {
    int raw = -1;
    {
        unique_fd fd(open_null());
        raw = fd.get();
        REQUIRE(raw >= 0);
        CHECK(static_cast<bool>(fd));
        CHECK(is_open(raw));
    }
    errno = 0;
    CHECK_FALSE(is_open(raw));
    CHECK(errno == EBADF);
}

TEST_CASE("unique_fd moves ownership and closes exactly once") {
    unique_fd a(open_null());
    const int raw = a.get();
    unique_fd b(std::move(a));
    CHECK_FALSE(static_cast<bool>(a));  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
    CHECK(a.get() == -1);
    CHECK(b.get() == raw);
    CHECK(is_open(raw));

    unique_fd c(open_null());
    const int other = c.get();
    c = std::move(b);  // c's old descriptor is closed, raw now belongs to c
    CHECK_FALSE(is_open(other));
    CHECK(c.get() == raw);
    CHECK(is_open(raw));
}

TEST_CASE("release gives the descriptor up without closing it") {
    unique_fd a(open_null());
    const int raw = a.release();
    CHECK(a.get() == -1);
    CHECK(is_open(raw));
    ::close(raw);
}

TEST_CASE("reset and close") {
    unique_fd a(open_null());
    const int first = a.get();
    a.reset(open_null());
    CHECK_FALSE(is_open(first));
    CHECK(is_open(a.get()));
    const int second = a.get();
    CHECK(a.close() == 0);
    CHECK_FALSE(is_open(second));
    CHECK(a.close() == 0);  // closing an empty one is a no-op
    unique_fd empty;
    CHECK_FALSE(static_cast<bool>(empty));
}
