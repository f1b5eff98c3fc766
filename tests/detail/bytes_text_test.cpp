#include <ec2bench/detail/bytes_text.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using ec2bench::detail::bytes_text;

TEST_CASE("bytes_text: the largest binary unit, three significant digits") {
    const double KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024;
    CHECK(bytes_text(0) == "0 B");
    CHECK(bytes_text(1) == "1 B");
    CHECK(bytes_text(512) == "512 B");
    CHECK(bytes_text(1023) == "1023 B");
    CHECK(bytes_text(1024) == "1 KiB");
    CHECK(bytes_text(1536) == "1.5 KiB");
    CHECK(bytes_text(94208) == "92 KiB");
    CHECK(bytes_text(1 * MiB) == "1 MiB");
    CHECK(bytes_text(16 * MiB) == "16 MiB");
    CHECK(bytes_text(26843545) == "25.6 MiB");  // 5% of 512 MiB
    CHECK(bytes_text(3.0 * 8 * 80'000'000) == "1.79 GiB");
    CHECK(bytes_text(21.9 * GiB) == "21.9 GiB");
    CHECK(bytes_text(24 * TiB) == "24 TiB");
    CHECK(bytes_text(std::pow(2.0, 64)) == "16 EiB");
    CHECK(bytes_text(std::pow(2.0, 70)) == "1024 EiB");  // no unit above EiB
}

TEST_CASE("bytes_text: from 1000 of a unit on, whole numbers, never an exponent") {
    const double MiB = 1024.0 * 1024;
    CHECK(bytes_text(999 * MiB) == "999 MiB");
    CHECK(bytes_text(999.4 * MiB) == "999 MiB");
    CHECK(bytes_text(999.6 * MiB) == "1000 MiB");
    CHECK(bytes_text(1000 * MiB) == "1000 MiB");
    CHECK(bytes_text(1023.4 * MiB) == "1023 MiB");
    CHECK(bytes_text(99.96 * MiB) == "100 MiB");  // %.3g rounds up to three digits
    CHECK(bytes_text(1.004 * MiB) == "1 MiB");  // no trailing zeros
}

TEST_CASE("bytes_text: sizes no caller has read as 0 B") {
    CHECK(bytes_text(-1) == "0 B");
    CHECK(bytes_text(std::numeric_limits<double>::quiet_NaN()) == "0 B");
}
