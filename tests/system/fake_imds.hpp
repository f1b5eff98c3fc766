// A fake EC2 instance metadata service on 127.0.0.1 for the probe's tests: a thread that speaks
// just enough HTTP/1.1, and misbehaves on request (never answers, drips a byte a second, sends
// 10 MB, sends a garbage status line). It never listens on anything but loopback.
#ifndef EC2BENCH_TESTS_FAKE_IMDS_HPP
#define EC2BENCH_TESTS_FAKE_IMDS_HPP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ec2bench_test {

class fake_imds {
public:
    enum class behaviour { normal, never_answer, drip, huge_body, garbage_status };

    struct request {
        std::string method, path;
        std::map<std::string, std::string> headers;  // lower-case names
    };

    fake_imds() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_fd_ < 0) throw std::runtime_error("fake_imds: socket failed");
        const int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listen_fd_, 16) != 0) {
            throw std::runtime_error("fake_imds: bind/listen on 127.0.0.1 failed");
        }
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
    }
    ~fake_imds() {
        stop_.store(true);
        if (thread_.joinable()) thread_.join();
        for (int fd : held_) ::close(fd);
        ::close(listen_fd_);
    }
    fake_imds(const fake_imds&) = delete;
    fake_imds& operator=(const fake_imds&) = delete;

    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// Starts serving. Configure the fields below first: the thread reads them unsynchronised.
    fake_imds& start() {
        thread_ = std::thread([this] { serve(); });
        return *this;
    }

    // Configuration; set before start().
    behaviour mode = behaviour::normal;
    std::vector<int> token_statuses;   // one per token PUT, in order; then 200
    std::string token_prefix = "AQAEAFAKE-token-";
    int unauthorized_gets = 0;         // the first N GETs with a token answer 401
    std::map<std::string, std::pair<int, std::string>> routes;  // GET path -> status, body

    void set_default_routes() {
        routes["/latest/dynamic/instance-identity/document"] = {200, R"({
  "accountId" : "123456789012",
  "architecture" : "x86_64",
  "availabilityZone" : "eu-west-1b",
  "imageId" : "ami-0abcdef1234567890",
  "instanceId" : "i-0123456789abcdef0",
  "instanceType" : "m6i.large",
  "privateIp" : "10.0.0.12",
  "region" : "eu-west-1",
  "version" : "2017-09-30"
})"};
        routes["/latest/meta-data/instance-type"] = {200, "m6i.large"};
        routes["/latest/meta-data/placement/availability-zone-id"] = {200, "euw1-az3"};
        routes["/latest/meta-data/instance-life-cycle"] = {200, "on-demand"};
        routes["/latest/meta-data/instance-id"] = {200, "i-0123456789abcdef0"};
        routes["/latest/meta-data/local-ipv4"] = {200, "10.0.0.12"};
        routes["/latest/meta-data/public-ipv4"] = {200, "203.0.113.7"};
    }

    std::vector<request> requests() const {
        std::lock_guard<std::mutex> lock(m_);
        return log_;
    }
    int count(const std::string& method) const {
        int n = 0;
        for (const auto& r : requests()) n += r.method == method ? 1 : 0;
        return n;
    }

private:
    void serve() {
        while (!stop_.load()) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            handle(fd);
        }
    }

    bool read_request(int fd, request& req) {
        std::string buf;
        char chunk[1024];
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (buf.find("\r\n\r\n") == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline || stop_.load()) return false;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return false;
            buf.append(chunk, static_cast<std::size_t>(n));
        }
        const auto line_end = buf.find("\r\n");
        const std::string line = buf.substr(0, line_end);
        const auto sp1 = line.find(' ');
        const auto sp2 = line.find(' ', sp1 + 1);
        req.method = line.substr(0, sp1);
        req.path = line.substr(sp1 + 1, sp2 - sp1 - 1);
        std::size_t pos = line_end + 2;
        while (true) {
            const auto e = buf.find("\r\n", pos);
            if (e == std::string::npos || e == pos) break;
            const std::string h = buf.substr(pos, e - pos);
            const auto colon = h.find(':');
            std::string name = h.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
            std::string value = colon == std::string::npos ? "" : h.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            req.headers[name] = value;
            pos = e + 2;
        }
        return true;
    }

    static void send_all(int fd, const std::string& s) {
        std::size_t off = 0;
        while (off < s.size()) {
            const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return;
            off += static_cast<std::size_t>(n);
        }
    }

    static std::string reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            default: return "Status";
        }
    }

    static void respond(int fd, int status, const std::string& body) {
        send_all(fd, "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                         "\r\nContent-Type: text/plain\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    }

    void handle(int fd) {
        if (mode == behaviour::never_answer) {
            held_.push_back(fd);  // accepted, never read, never answered, closed at the end
            return;
        }
        request req;
        if (!read_request(fd, req)) {
            ::close(fd);
            return;
        }
        {
            std::lock_guard<std::mutex> lock(m_);
            log_.push_back(req);
        }
        if (mode == behaviour::drip) {
            const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nm6i.large";
            for (char c : reply) {
                if (::send(fd, &c, 1, MSG_NOSIGNAL) <= 0) break;
                for (int i = 0; i < 50 && !stop_.load(); ++i) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
                if (stop_.load()) break;
            }
        } else if (mode == behaviour::garbage_status) {
            send_all(fd, "HELLO THERE\r\nthis is not http\r\n\r\nm6i.large");
        } else if (mode == behaviour::huge_body) {
            const std::string body(10u << 20, 'x');
            respond(fd, 200, body);
        } else if (req.method == "PUT" && req.path == "/latest/api/token") {
            const int status = token_index_ < token_statuses.size() ? token_statuses[token_index_] : 200;
            ++token_index_;
            if (status == 200) {
                current_token_ = token_prefix + std::to_string(token_index_);
                respond(fd, 200, current_token_);
            } else {
                respond(fd, status, "");
            }
        } else if (req.method == "GET") {
            const auto tok = req.headers.find("x-aws-ec2-metadata-token");
            if (tok != req.headers.end() && unauthorized_gets > 0) {
                --unauthorized_gets;
                respond(fd, 401, "");
            } else if (tok != req.headers.end() && tok->second != current_token_) {
                respond(fd, 401, "");
            } else {
                const auto r = routes.find(req.path);
                if (r == routes.end()) {
                    respond(fd, 404, "");
                } else {
                    respond(fd, r->second.first, r->second.second);
                }
            }
        } else {
            respond(fd, 405, "");
        }
        ::close(fd);
    }

    int listen_fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::vector<int> held_;
    mutable std::mutex m_;
    std::vector<request> log_;
    std::size_t token_index_ = 0;
    std::string current_token_;
};

}  // namespace ec2bench_test

#endif  // EC2BENCH_TESTS_FAKE_IMDS_HPP
