// SPDX-License-Identifier: MIT
// The price of an instance-hour, for the fleet report's price-performance: a table read from
// the prices CSV (`--prices=FILE`, and the bundled snapshot), reduced from the JSON of
// `aws ec2 describe-spot-price-history` (`--spot-prices=FILE`), or given as `--price TYPE=USD`;
// and the lookup that tries them in that order.
//
//     rs::price_sources s;
//     s.overrides = {rs::parse_price_override("m7g.large=0.0816", "2026-12-06")};
//     s.bundled = rs::load_price_csv("share/ec2bench/prices/ec2-on-demand-us-east-1.csv");
//     if (auto q = rs::lookup_price(s, "c7i.large", "us-east-1")) {
//         std::printf("%.4f USD/h (%s, %s)\n", q->usd_per_hour, q->source.c_str(), q->effective_date.c_str());
//     }
//
// docs/report.md describes the files, the order and where the bundled prices come from.
#ifndef EC2BENCH_RESULTS_PRICES_HPP
#define EC2BENCH_RESULTS_PRICES_HPP

#include <ec2bench/results/escape.hpp>
#include <ec2bench/stats/quantile.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <istream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

namespace ec2bench::results {

enum class price_market { on_demand, spot };

/// "on-demand" or "spot", the words of the prices CSV's market column.
constexpr std::string_view price_market_name(price_market m) noexcept {
    return m == price_market::spot ? "spot" : "on-demand";
}

/// Where a price came from, in the order lookup_price tries them.
enum class price_origin { override_flag, prices_file, spot_prices, bundled };

constexpr std::string_view price_origin_name(price_origin o) noexcept {
    switch (o) {
        case price_origin::override_flag:
            return "--price";
        case price_origin::prices_file:
            return "--prices";
        case price_origin::spot_prices:
            return "--spot-prices";
        case price_origin::bundled:
            return "bundled";
    }
    return "?";
}

/// One price: an instance-hour of `instance_type` in `region` on `market`.
struct price_entry {
    std::string instance_type;
    std::string region;             ///< empty for a --price override: every region
    std::string availability_zone;  ///< spot prices per zone only; empty for a region's price
    price_market market = price_market::on_demand;
    double usd_per_hour = 0;
    std::string effective_date;  ///< YYYY-MM-DD, as the source states it
    std::string source;          ///< short names of the sources, such as "aws-pricing-api+vantage"
    std::size_t samples = 1;     ///< spot: how many history entries the median is of
};

/// Prices by (instance type, region, zone, market); at most one each.
class price_table {
  public:
    /// Adds `e`; false (and no change) when the table already has a price for its key.
    bool add(price_entry e) {
        const auto k = key_of(e);
        if (index_.count(k) != 0) return false;
        index_.emplace(k, entries_.size());
        entries_.push_back(std::move(e));
        return true;
    }

    /// The region-wide price of `instance_type` in `region` on `market`, or nullptr.
    const price_entry* find(std::string_view instance_type, std::string_view region,
                            price_market market) const {
        return find_zone(instance_type, region, {}, market);
    }

    /// The price in one availability zone (spot prices only have these), or nullptr.
    const price_entry* find_zone(std::string_view instance_type, std::string_view region,
                                 std::string_view availability_zone, price_market market) const {
        const auto it = index_.find(key{std::string(instance_type), std::string(region),
                                         std::string(availability_zone), market});
        return it == index_.end() ? nullptr : &entries_[it->second];
    }

    const std::vector<price_entry>& entries() const noexcept { return entries_; }
    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }

  private:
    using key = std::tuple<std::string, std::string, std::string, price_market>;
    static key key_of(const price_entry& e) {
        return key{e.instance_type, e.region, e.availability_zone, e.market};
    }
    std::vector<price_entry> entries_;
    std::map<key, std::size_t> index_;
};

namespace detail {

/// Untrusted text for an error message: printable ASCII as is, anything else as \xNN, at most
/// 40 characters then "...".
inline std::string price_text(std::string_view s) { return quote_for_message(s, 40); }

inline bool price_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// family.size in EC2's spelling: m7g.large, c7i-flex.xlarge, u-6tb1.112xlarge, c7a.metal-48xl.
inline bool valid_instance_type(std::string_view s) {
    const std::size_t dot = s.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == s.size()) return false;
    if (s.find('.', dot + 1) != std::string_view::npos) return false;
    for (const char c : s) {
        if (!price_lower_alnum(c) && c != '.' && c != '-') return false;
    }
    return price_lower_alnum(s.front()) && price_lower_alnum(s.back());
}

/// A region in EC2's spelling: letters and digits in words joined by '-', ending in a number
/// (us-east-1, us-gov-west-1, ap-southeast-5).
inline bool valid_region(std::string_view s) {
    if (s.size() < 4 || s.find('-') == std::string_view::npos) return false;
    for (const char c : s) {
        if (!price_lower_alnum(c) && c != '-') return false;
    }
    return s.front() >= 'a' && s.front() <= 'z' && s.back() >= '0' && s.back() <= '9' &&
           s.find("--") == std::string_view::npos;
}

/// A price: a finite, non-negative decimal number, nothing else (no sign, no exponent words).
inline std::optional<double> parse_usd(std::string_view s) {
    if (s.empty() || s.front() == '-' || s.front() == '+') return std::nullopt;
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || c == '.')) return std::nullopt;
    }
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// Days since 1970-01-01 of "YYYY-MM-DD", or nullopt when it is not a real date in that form.
inline std::optional<std::int64_t> parse_iso_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return std::nullopt;
    }
    const auto num = [&](std::size_t at, std::size_t n) {
        unsigned v = 0;
        for (std::size_t i = at; i < at + n; ++i) v = v * 10 + static_cast<unsigned>(s[i] - '0');
        return v;
    };
    const unsigned y = num(0, 4), m = num(5, 2), d = num(8, 2);
    if (m < 1 || m > 12 || d < 1) return std::nullopt;
    static constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > month_days[m - 1] + (m == 2 && leap ? 1u : 0u)) return std::nullopt;
    return days_from_civil(y, m, d);
}

/// Splits one CSV record: fields separated by ',', a field in double quotes may hold ',' and
/// '""' for a quote. Returns false on an unterminated quote or text after a closing quote.
inline bool split_csv_record(std::string_view line, std::vector<std::string>& fields) {
    fields.clear();
    std::string field;
    std::size_t i = 0;
    while (true) {
        field.clear();
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (true) {
                if (i >= line.size()) return false;
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += line[i++];
            }
            if (i < line.size() && line[i] != ',') return false;
        } else {
            while (i < line.size() && line[i] != ',') field += line[i++];
        }
        fields.push_back(field);
        if (i >= line.size()) return true;
        ++i;  // the ','
    }
}

}  // namespace detail

/// The header line of a prices CSV, exactly.
inline constexpr std::string_view price_csv_header = "instance_type,region,market,usd_per_hour,effective_date,source";

/// Reads a prices CSV from `in`; `name` (the file's name) starts every error message, with the
/// line number: "prices.csv:3: market 'ondemand': expected on-demand or spot".
/// Lines starting with '#' (the date and sources of a snapshot) and blank lines are skipped;
/// the first other line must be price_csv_header. A CRLF line end is accepted.
/// Throws std::invalid_argument.
inline price_table read_price_csv(std::istream& in, std::string_view name) {
    price_table table;
    std::map<std::tuple<std::string, std::string, price_market>, std::size_t> first_line;
    std::string line;
    std::size_t number = 0;
    bool header = false;
    std::vector<std::string> f;
    const auto fail = [&](const std::string& what) {
        return std::invalid_argument(std::string(name) + ":" + std::to_string(number) + ": " + what);
    };
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#') continue;
        if (!header) {
            if (line != price_csv_header) {
                throw fail("expected the header " + std::string(price_csv_header) + ", found '" +
                           detail::price_text(line) + "'");
            }
            header = true;
            continue;
        }
        if (!detail::split_csv_record(line, f)) throw fail("unterminated or misplaced '\"'");
        if (f.size() != 6) {
            throw fail("expected 6 fields (" + std::string(price_csv_header) + "), found " +
                       std::to_string(f.size()));
        }
        price_entry e;
        if (!detail::valid_instance_type(f[0])) {
            throw fail("instance_type '" + detail::price_text(f[0]) +
                       "': expected an instance type such as m7g.large");
        }
        e.instance_type = f[0];
        if (!detail::valid_region(f[1])) {
            throw fail("region '" + detail::price_text(f[1]) + "': expected a region such as us-east-1");
        }
        e.region = f[1];
        if (f[2] == "on-demand") {
            e.market = price_market::on_demand;
        } else if (f[2] == "spot") {
            e.market = price_market::spot;
        } else {
            throw fail("market '" + detail::price_text(f[2]) + "': expected on-demand or spot");
        }
        const auto usd = detail::parse_usd(f[3]);
        if (!usd) {
            throw fail("usd_per_hour '" + detail::price_text(f[3]) +
                       "': expected US dollars per hour, a number such as 0.0816");
        }
        e.usd_per_hour = *usd;
        if (!detail::parse_iso_date(f[4])) {
            throw fail("effective_date '" + detail::price_text(f[4]) + "': expected a date YYYY-MM-DD");
        }
        e.effective_date = f[4];
        if (f[5].empty()) throw fail("source is empty: name where the price comes from");
        e.source = f[5];
        const auto k = std::make_tuple(e.instance_type, e.region, e.market);
        if (const auto it = first_line.find(k); it != first_line.end()) {
            throw fail("a second price for " + e.instance_type + " in " + e.region + " (" +
                       std::string(price_market_name(e.market)) + "), the first on line " +
                       std::to_string(it->second));
        }
        first_line.emplace(k, number);
        table.add(std::move(e));
    }
    if (!header) {
        throw std::invalid_argument(std::string(name) + ": no header line (expected " +
                                    std::string(price_csv_header) + ")");
    }
    return table;
}

/// read_price_csv of the file at `path`. Throws std::invalid_argument when it cannot be read.
inline price_table load_price_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot open the prices file");
    return read_price_csv(in, path);
}

/// The region of an availability zone name: us-east-1a → us-east-1, us-west-2-lax-1a →
/// us-west-2 (a Local Zone's parent). Throws std::invalid_argument naming the zone.
inline std::string region_of_zone(std::string_view zone) {
    const auto bad = [&]() {
        return std::invalid_argument("AvailabilityZone '" + detail::price_text(zone) +
                                     "': expected a zone such as us-east-1a");
    };
    std::size_t at = 0;
    while (at < zone.size()) {
        const std::size_t end = std::min(zone.find('-', at), zone.size());
        if (at > 0 && zone[at] >= '0' && zone[at] <= '9') {
            std::size_t d = at;
            while (d < end && zone[d] >= '0' && zone[d] <= '9') ++d;
            const std::string region(zone.substr(0, d));
            if (!detail::valid_region(region)) throw bad();
            return region;
        }
        if (end == at) throw bad();
        at = end + 1;
    }
    throw bad();
}

/// Reduces the JSON that `aws ec2 describe-spot-price-history --product-descriptions Linux/UNIX`
/// prints ({"SpotPriceHistory": [{"AvailabilityZone", "InstanceType", "ProductDescription",
/// "SpotPrice": "0.036400", "Timestamp"}, ...]}) to spot prices: the median of every entry of a
/// type in a region, and of a type in each zone. Entries of another ProductDescription than
/// Linux/UNIX are left out. effective_date is the date of the newest Timestamp of the group.
/// `name` (the file's name) starts every error message. Throws std::invalid_argument.
inline price_table reduce_spot_price_history(const nlohmann::json& doc, std::string_view name) {
    const std::string where(name);
    if (!doc.is_object() || !doc.contains("SpotPriceHistory") || !doc["SpotPriceHistory"].is_array()) {
        throw std::invalid_argument(where +
                                    ": expected the JSON of aws ec2 describe-spot-price-history, an object "
                                    "with a SpotPriceHistory array");
    }
    struct group {
        std::vector<double> prices;
        std::string newest;  // Timestamp, ISO 8601: the greatest string is the newest
    };
    std::map<std::tuple<std::string, std::string, std::string>, group> groups;  // type, region, zone
    const auto& history = doc["SpotPriceHistory"];
    for (std::size_t i = 0; i < history.size(); ++i) {
        const auto& h = history[i];
        const std::string at = where + ": SpotPriceHistory[" + std::to_string(i) + "]";
        const auto text = [&](const char* field) -> std::string {
            if (!h.is_object() || !h.contains(field) || !h[field].is_string()) {
                throw std::invalid_argument(at + ": expected a string " + field);
            }
            return h[field].get<std::string>();
        };
        if (text("ProductDescription") != "Linux/UNIX") continue;
        const std::string type = text("InstanceType");
        if (!detail::valid_instance_type(type)) {
            throw std::invalid_argument(at + ": InstanceType '" + detail::price_text(type) +
                                        "': expected an instance type such as m7g.large");
        }
        const std::string zone = text("AvailabilityZone");
        std::string region;
        try {
            region = region_of_zone(zone);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(at + ": " + e.what());
        }
        const std::string price = text("SpotPrice");
        const auto usd = detail::parse_usd(price);
        if (!usd) {
            throw std::invalid_argument(at + ": SpotPrice '" + detail::price_text(price) +
                                        "': expected US dollars per hour, a number such as 0.0364");
        }
        const std::string timestamp = text("Timestamp");
        if (timestamp.size() < 10 || !detail::parse_iso_date(std::string_view(timestamp).substr(0, 10))) {
            throw std::invalid_argument(at + ": Timestamp '" + detail::price_text(timestamp) +
                                        "': expected a time such as 2026-12-06T01:02:03+00:00");
        }
        for (const std::string& z : {std::string(), zone}) {
            auto& g = groups[{type, region, z}];
            g.prices.push_back(*usd);
            g.newest = std::max(g.newest, timestamp);
        }
    }
    price_table table;
    for (auto& [k, g] : groups) {
        price_entry e;
        std::tie(e.instance_type, e.region, e.availability_zone) = k;
        e.market = price_market::spot;
        e.usd_per_hour = ec2bench::stats::median(g.prices);
        e.effective_date = g.newest.substr(0, 10);
        e.source = "spot-price-history";
        e.samples = g.prices.size();
        table.add(std::move(e));
    }
    return table;
}

/// reduce_spot_price_history of the JSON file at `path`. Throws std::invalid_argument.
inline price_table load_spot_price_history(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot open the spot price history");
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::invalid_argument(path + ": not JSON (" + e.what() + ")");
    }
    return reduce_spot_price_history(doc, path);
}

/// Parses `--price TYPE=USD` (US dollars per instance-hour, every region and market):
/// "m7g.large=0.0816". `today` (YYYY-MM-DD) becomes its effective_date, "--price" its source.
/// Throws std::invalid_argument naming the text.
inline price_entry parse_price_override(std::string_view text, std::string_view today) {
    const std::string where = "--price '" + detail::price_text(text) + "'";
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) {
        throw std::invalid_argument(where + ": expected TYPE=USD (per hour), such as m7g.large=0.0816");
    }
    const std::string_view type = text.substr(0, eq);
    const std::string_view usd = text.substr(eq + 1);
    if (!detail::valid_instance_type(type)) {
        throw std::invalid_argument(where + ": '" + detail::price_text(type) +
                                    "' is not an instance type such as m7g.large");
    }
    const auto v = detail::parse_usd(usd);
    if (!v) {
        throw std::invalid_argument(where + ": '" + detail::price_text(usd) +
                                    "' is not a price in US dollars per hour such as 0.0816");
    }
    price_entry e;
    e.instance_type = std::string(type);
    e.usd_per_hour = *v;
    e.effective_date = std::string(today);
    e.source = "--price";
    return e;
}

/// Everything a report may take a price from. A --price override applies to its instance type
/// in every region and market; the last override of a type wins, as on a command line.
struct price_sources {
    std::vector<price_entry> overrides;
    std::optional<price_table> prices_file;  ///< --prices=FILE
    std::optional<price_table> spot_prices;  ///< --spot-prices=FILE, reduced
    std::optional<price_table> bundled;      ///< the snapshot installed with ec2bench
};

/// A price found, with where it came from.
struct price_quote {
    price_entry entry;
    price_origin origin = price_origin::bundled;
};

/// The price of an instance-hour of `instance_type` in `region`: the first of a --price
/// override, the --prices file, the reduced --spot-prices, the bundled snapshot that has one.
/// `market` restricts the files to one market; without it, a file's on-demand price is taken
/// before its spot price. nullopt when no source has a price.
inline std::optional<price_quote> lookup_price(const price_sources& s, std::string_view instance_type,
                                               std::string_view region,
                                               std::optional<price_market> market = std::nullopt) {
    for (auto it = s.overrides.rbegin(); it != s.overrides.rend(); ++it) {
        if (it->instance_type == instance_type) return price_quote{*it, price_origin::override_flag};
    }
    const auto in = [&](const std::optional<price_table>& t, price_origin o) -> std::optional<price_quote> {
        if (!t) return std::nullopt;
        for (const price_market m : {price_market::on_demand, price_market::spot}) {
            if (market && *market != m) continue;
            if (const price_entry* e = t->find(instance_type, region, m)) return price_quote{*e, o};
        }
        return std::nullopt;
    };
    if (auto q = in(s.prices_file, price_origin::prices_file)) return q;
    if (auto q = in(s.spot_prices, price_origin::spot_prices)) return q;
    return in(s.bundled, price_origin::bundled);
}

/// How many prices older than this a report warns of.
inline constexpr int stale_price_days = 180;

/// Whole days from `effective_date` to `today` (both YYYY-MM-DD); negative when the price is
/// dated after today. Throws std::invalid_argument naming a date that is not YYYY-MM-DD.
inline std::int64_t price_age_days(std::string_view effective_date, std::string_view today) {
    const auto from = detail::parse_iso_date(effective_date);
    if (!from) {
        throw std::invalid_argument("effective_date '" + detail::price_text(effective_date) +
                                    "': expected a date YYYY-MM-DD");
    }
    const auto to = detail::parse_iso_date(today);
    if (!to) throw std::invalid_argument("today '" + detail::price_text(today) + "': expected a date YYYY-MM-DD");
    return *to - *from;
}

/// Whether a price dated `effective_date` is older than `max_age_days` on `today`.
inline bool price_is_stale(std::string_view effective_date, std::string_view today,
                           int max_age_days = stale_price_days) {
    return price_age_days(effective_date, today) > max_age_days;
}

}  // namespace ec2bench::results

#endif  // EC2BENCH_RESULTS_PRICES_HPP
