// SPDX-License-Identifier: MIT
// The libcurl transport for the EC2 probe (link ec2bench::ec2). Kept apart from ec2.hpp so that
// the probe itself needs no third-party header and every translation unit sees one definition.
//
//     ec2bench::system::ec2_probe_options opt;
//     opt.transport = ec2bench::system::curl_transport();
//     auto e = ec2bench::system::probe_ec2(opt);
#ifndef EC2BENCH_SYSTEM_IMDS_CURL_HPP
#define EC2BENCH_SYSTEM_IMDS_CURL_HPP

#include <ec2bench/system/ec2.hpp>

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>

namespace ec2bench::system {

namespace detail {

struct curl_body {
    std::string data;
    std::size_t cap = 0;
    bool overflow = false;
};

inline std::size_t curl_write(char* ptr, std::size_t size, std::size_t nmemb, void* user) {
    auto* body = static_cast<curl_body*>(user);
    const std::size_t n = size * nmemb;
    if (body->data.size() + n > body->cap) {
        body->overflow = true;
        return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
    }
    body->data.append(ptr, n);
    return n;
}

inline void curl_global_once() {
    // curl_global_init is not thread-safe before libcurl 7.84; a function-local static is.
    static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
    static_cast<void>(done);
}

}  // namespace detail

/// An http_transport on libcurl: HTTP only, no proxy (environment proxies are ignored), no
/// redirects, connect and total time both bounded by the timeout given, the body capped at
/// `max_body_bytes` (a larger one is an error, not a truncated value).
inline http_transport curl_transport(std::size_t max_body_bytes = 64 * 1024) {
    detail::curl_global_once();
    return [max_body_bytes](const http_request& req, std::chrono::milliseconds timeout) {
        http_response out;
        std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                  &curl_easy_cleanup);
        if (!curl) {
            out.error = "curl_easy_init failed";
            return out;
        }
        CURL* h = curl.get();
        detail::curl_body body;
        body.cap = max_body_bytes;
        struct curl_slist* headers = nullptr;
        for (const auto& [k, v] : req.headers) {
            headers = curl_slist_append(headers, (k + ": " + v).c_str());
        }
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(
            headers, &curl_slist_free_all);
        const long ms = static_cast<long>(timeout.count() > 0 ? timeout.count() : 1);
        curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
        curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(h, CURLOPT_PROXY, "");
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: threads are safe
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http");
#else
        curl_easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP));
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP));
#endif
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &detail::curl_write);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
        if (req.method == "PUT") {
            // A PUT with an empty body and Content-Length: 0, as the SDKs send for the token.
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
        }
        const CURLcode rc = curl_easy_perform(h);
        if (rc != CURLE_OK) {
            out.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
            out.error = body.overflow ? "response body over " + std::to_string(max_body_bytes) +
                                            " bytes"
                                      : curl_easy_strerror(rc);
            return out;
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status < 100 || status > 599) {
            out.error = "no valid HTTP status";
            return out;
        }
        out.status = static_cast<int>(status);
        out.body = std::move(body.data);
        return out;
    };
}

}  // namespace ec2bench::system

#endif  // EC2BENCH_SYSTEM_IMDS_CURL_HPP
