#include <ec2bench/detail/storage.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using ec2bench::detail::read_block_device;

namespace {

// A fake sysfs: /dev/block/<major>:<minor> links into /devices, as the kernel's do.
struct fake_sysfs : ec2bench_test::temp_dir {
    void link(const std::string& dev, const std::string& target) const {
        fs::create_directories(path / "dev/block");
        fs::create_directory_symlink(target, path / "dev/block" / dev);
    }
};

}  // namespace

TEST_CASE("read_block_device: a whole disk's queue settings and model") {
    fake_sysfs s;
    const std::string disk = "devices/pci0000:00/0000:00:04.0/nvme/nvme1/nvme1n1";
    s.write(disk + "/queue/write_cache", "write back\n");
    s.write(disk + "/queue/rotational", "0\n");
    s.write(disk + "/queue/logical_block_size", "512\n");
    s.write(disk + "/device/model", "Amazon Elastic Block Store              \n");
    s.link("259:0", "../../" + disk);
    const auto b = read_block_device(makedev(259, 0), s.str());
    CHECK(b.name == "nvme1n1");
    CHECK(b.write_cache == "write back");
    CHECK(b.rotational == "0");
    CHECK(b.model == "Amazon Elastic Block Store");
    CHECK(b.logical_block_size == 512u);
}

TEST_CASE("read_block_device: a partition takes its disk's queue and model") {
    fake_sysfs s;
    const std::string disk = "devices/virtual/block/vda";
    s.write(disk + "/queue/write_cache", "write through\n");
    s.write(disk + "/queue/rotational", "1\n");
    s.write(disk + "/queue/logical_block_size", "4096\n");
    s.write(disk + "/device/model", "QEMU HARDDISK\n");
    s.write(disk + "/vda1/partition", "1\n");
    s.link("254:1", "../../" + disk + "/vda1");
    const auto b = read_block_device(makedev(254, 1), s.str());
    CHECK(b.name == "vda1");
    CHECK(b.write_cache == "write through");
    CHECK(b.rotational == "1");
    CHECK(b.model == "QEMU HARDDISK");
    CHECK(b.logical_block_size == 4096u);
}

TEST_CASE("read_block_device: nothing for a device sysfs does not know, no size for garbage") {
    fake_sysfs s;
    const auto none = read_block_device(makedev(0, 42), s.str());  // tmpfs, overlayfs, NFS
    CHECK(none.name.empty());
    CHECK(none.write_cache.empty());
    CHECK(none.logical_block_size == 0u);
    const std::string disk = "devices/virtual/block/xvda";
    s.write(disk + "/queue/write_cache", "write back\n");
    s.write(disk + "/queue/logical_block_size", "lots\n");
    s.link("202:0", "../../" + disk);
    const auto b = read_block_device(makedev(202, 0), s.str());
    CHECK(b.name == "xvda");
    CHECK(b.logical_block_size == 0u);
}

TEST_CASE("filesystem_of names the filesystem a path is on") {
    struct statfs sfs{};
    REQUIRE(::statfs("/", &sfs) == 0);
    CHECK(ec2bench::detail::filesystem_of("/") ==
          ec2bench::detail::filesystem_name(static_cast<unsigned long>(sfs.f_type)));
    CHECK(ec2bench::detail::filesystem_of("/nonexistent/path").empty());
    CHECK(ec2bench::detail::filesystem_name(0xEF53) == "ext4");
    CHECK(ec2bench::detail::filesystem_name(0x12345) == "0x12345");
    CHECK(ec2bench::detail::kernel_interface("proc"));
    CHECK_FALSE(ec2bench::detail::kernel_interface("xfs"));
}
