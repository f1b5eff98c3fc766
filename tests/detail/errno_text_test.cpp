#include <ec2bench/detail/errno_text.hpp>

#include <doctest/doctest.h>

#include <cerrno>
#include <string>

using ec2bench::detail::errno_hint;
using ec2bench::detail::errno_name;

TEST_CASE("errno_name: the symbolic names a user searches for") {
    CHECK(std::string(errno_name(ENOSPC)) == "ENOSPC");
    CHECK(std::string(errno_name(EDQUOT)) == "EDQUOT");
    CHECK(std::string(errno_name(EACCES)) == "EACCES");
    CHECK(std::string(errno_name(EROFS)) == "EROFS");
    CHECK(std::string(errno_name(EOPNOTSUPP)) == "EOPNOTSUPP");
    CHECK(std::string(errno_name(ENAMETOOLONG)) == "ENAMETOOLONG");
    CHECK(std::string(errno_name(0)) == "errno");
    CHECK(std::string(errno_name(EHOSTUNREACH)) == "errno");  // not a file's error
}

TEST_CASE("errno_hint: what a file's error means, the same words everywhere") {
    CHECK(std::string(errno_hint(ENOSPC)) == "the disk or quota is full");
    CHECK(std::string(errno_hint(EDQUOT)) == "the disk or quota is full");
    CHECK(std::string(errno_hint(EACCES)) == "no permission to write there");
    CHECK(std::string(errno_hint(EPERM)) == "no permission to write there");
    CHECK(std::string(errno_hint(EROFS)) == "the filesystem is read-only");
    CHECK(std::string(errno_hint(ENOENT)) == "the directory does not exist");
    CHECK(std::string(errno_hint(ENOTDIR)) == "a component of the path is not a directory");
    CHECK(std::string(errno_hint(EIO)).empty());  // strerror says it as well
}
