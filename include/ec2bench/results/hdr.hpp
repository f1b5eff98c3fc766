// SPDX-License-Identifier: MIT
// HdrHistogram's formats for ec2bench's histograms (layer 4, zlib): the V2 compressed
// histogram encoding and its base64 text, interval logs (.hlog, formats 1.2 and 1.3 with tags),
// the percentile distribution text (.hgrm) and HistogramLogProcessor's summary of a log.
//
//     namespace hdr = ec2bench::results::hdr;
//     std::string text = hdr::encode(latencies);                // stats::latency_histogram
//     hdr::interval_log_writer w(out);  w.write_header(start_s);  w.write_interval(0, 1, latencies);
//     auto log = hdr::read_interval_log_file("run.hlog");
//     hdr::process_log(in, std::cout, "run.hlog");              // as HistogramLogProcessor
//
// Layouts: stats::log_linear_histogram<SubBucketBits, MaxValue> is HdrHistogram's histogram
// with lowest discernible value 1, highest trackable value MaxValue and 1, 2, 3, 4 or 5
// significant digits for SubBucketBits 4, 7, 10, 14 or 17, index for index (latency_histogram
// is 3 digits up to one hour in ns). Other HdrHistogram layouts are read into hdr::histogram
// and added into ours value by value, as HdrHistogram's add() does.
#ifndef EC2BENCH_RESULTS_HDR_HPP
#define EC2BENCH_RESULTS_HDR_HPP

#include <ec2bench/results/hdr/encoding.hpp>
#include <ec2bench/results/hdr/histogram.hpp>
#include <ec2bench/results/hdr/log.hpp>
#include <ec2bench/results/hdr/percentiles.hpp>

#endif  // EC2BENCH_RESULTS_HDR_HPP
