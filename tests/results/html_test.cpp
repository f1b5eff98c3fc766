// The fleet report's HTML page (results/html.hpp): every string escaped, only our own markup,
// no URL but SVG's namespace, each chart with its title and description, NaN and missing prices
// handled, the numbers shown equal to the report's, the same bytes for the same report.
#include <ec2bench/results/html.hpp>

#include "../html/sample_report.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rs = ec2bench::results;

namespace {

std::size_t count(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (std::size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

/// Whether `word` occurs in `s` (case-insensitively) with no letter on either side.
bool has_word(const std::string& s, const std::string& word) {
    const std::string l = lower(s);
    for (std::size_t at = l.find(word); at != std::string::npos; at = l.find(word, at + 1)) {
        const bool before = at > 0 && is_letter(l[at - 1]);
        const bool after = at + word.size() < l.size() && is_letter(l[at + word.size()]);
        if (!before && !after) return true;
    }
    return false;
}

/// A tag of the page: its name and attributes, as a small parser independent of the renderer
/// reads them. Fails the test on markup it cannot read (an unquoted value, a stray '<').
struct tag {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
};

std::vector<tag> tags_of(const std::string& page) {
    std::vector<tag> out;
    std::size_t at = 0;
    while ((at = page.find('<', at)) != std::string::npos) {
        std::size_t i = at + 1;
        tag t;
        if (page.compare(i, 1, "/") == 0) ++i;
        while (i < page.size() && (std::isalnum(static_cast<unsigned char>(page[i])) || page[i] == '!')) {
            t.name += page[i++];
        }
        REQUIRE_MESSAGE(!t.name.empty(), "a '<' that starts no tag at " << at);
        if (page.compare(at + 1, 1, "/") == 0) t.name = "/" + t.name;
        while (true) {
            while (i < page.size() && page[i] == ' ') ++i;
            REQUIRE(i < page.size());
            if (page[i] == '>') break;
            if (page.compare(i, 2, "/>") == 0) {
                ++i;
                break;
            }
            std::string name;
            while (i < page.size() && (std::isalnum(static_cast<unsigned char>(page[i])) || page[i] == '-')) {
                name += page[i++];
            }
            REQUIRE_MESSAGE(!name.empty(), "unreadable attribute in <" << t.name << "> at " << i);
            if (t.name == "!DOCTYPE") {
                t.attributes.emplace_back(name, "");
                continue;
            }
            REQUIRE_MESSAGE(page.compare(i, 2, "=\"") == 0, "attribute " << name << " without a quoted value");
            const std::size_t end = page.find('"', i + 2);
            REQUIRE(end != std::string::npos);
            t.attributes.emplace_back(name, page.substr(i + 2, end - i - 2));
            i = end + 1;
        }
        at = i + 1;
        if (t.name == "style") {
            at = page.find("</style>", at);
            REQUIRE(at != std::string::npos);
        }
        out.push_back(std::move(t));
    }
    return out;
}

const std::set<std::string> allowed_tags = {
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "nav", "a",
    "section", "h1", "h2", "h3", "p", "br", "ul", "li", "strong", "div", "span", "table", "thead", "tbody", "tr",
    "th", "td", "code", "figure", "figcaption", "svg", "desc", "g", "line", "text", "rect", "circle",
    "polygon", "path"};
const std::set<std::string> allowed_attributes = {
    "lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "title", "scope", "role",
    "aria-label", "aria-labelledby", "xmlns", "viewBox", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
    "width", "height", "points", "d", "text-anchor", "transform", "html"};

/// Checks the page's markup: only the tags and attributes the renderer writes, no event handler,
/// links only inside the page. Returns the tags.
std::vector<tag> check_markup(const std::string& page) {
    const auto tags = tags_of(page);
    for (const tag& t : tags) {
        const std::string name = t.name[0] == '/' ? t.name.substr(1) : t.name;
        CHECK_MESSAGE(allowed_tags.count(name) == 1, "unexpected tag <" << t.name << ">");
        for (const auto& attribute : t.attributes) {  // no structured binding: clang 14 cannot
            const std::string& a = attribute.first;   // capture one in CHECK_MESSAGE's lambda
            const std::string& v = attribute.second;
            const bool data = a.compare(0, 5, "data-") == 0;
            CHECK_MESSAGE((allowed_attributes.count(a) == 1 || data), "unexpected attribute " << a);
            CHECK(lower(a).compare(0, 2, "on") != 0);
            if (a == "href") CHECK_MESSAGE(v.compare(0, 1, "#") == 0, "a link out of the page: " << v);
        }
    }
    return tags;
}

/// The part of `page` from the element with `data-group="key"` inside the chart `chart_id`,
/// up to the end of that element's row.
std::string chart(const std::string& page, const std::string& chart_id) {
    const std::size_t from = page.find("id=\"" + chart_id + "\"");
    REQUIRE_MESSAGE(from != std::string::npos, "no chart " << chart_id);
    const std::size_t to = page.find("</svg>", from);
    return page.substr(from, to - from);
}

std::string row_of(const std::string& part, const std::string& key) {
    const std::size_t from = part.find("data-group=\"" + key + "\"");
    REQUIRE_MESSAGE(from != std::string::npos, "no row of " << key);
    const std::size_t to = part.find("</g>", from);
    return part.substr(from, to - from);
}

double attribute_number(const std::string& s, const std::string& name) {
    const std::size_t at = s.find(" " + name + "=\"");
    REQUIRE_MESSAGE(at != std::string::npos, "no " << name << " in " << s);
    return std::stod(s.substr(at + name.size() + 3));
}

rs::group_metric metric(const std::string& id, double value, double low, double high, int rank,
                        bool higher_is_better = true) {
    rs::group_metric m;
    m.id = id;
    m.label = id == "lat" ? "write latency" : "triad";
    m.unit = id == "lat" ? "us" : "GB/s";
    m.higher_is_better = higher_is_better;
    m.perf.value = value;
    m.perf.low = low;
    m.perf.high = high;
    m.perf.method = std::isnan(low) ? "none (n=2)" : "order statistics";
    m.files = 2;
    m.repetitions = 10;
    m.rank = rank;
    return m;
}

rs::fleet_group group(const std::string& key, std::optional<double> usd) {
    rs::fleet_group g;
    g.key = key;
    g.instance_type = key;
    g.region = "us-east-1";
    g.market = "on-demand";
    g.files = {key + "-1.json", key + "-2.json"};
    g.versions = {"0.1.0"};
    if (usd) {
        rs::price_quote q;
        q.entry.instance_type = key;
        q.entry.region = "us-east-1";
        q.entry.usd_per_hour = *usd;
        q.entry.effective_date = "2026-11-30";
        q.entry.source = "aws-price-list@20261130";
        q.origin = rs::price_origin::prices_file;
        g.price = q;
    }
    return g;
}

}  // namespace

TEST_CASE("html_escape: the five characters as references, controls and bad bytes visible") {
    CHECK(rs::html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(rs::html_escape("\"onload='x' & y") == "&quot;onload=&#39;x&#39; &amp; y");
    CHECK(rs::html_escape("a\x1b[2Jb\n") == "a\\x1b[2Jb\\n");
    CHECK(rs::html_escape("bad \xff byte") == "bad \\xff byte");
    CHECK(rs::html_escape("5 \xc2\xb5s, caf\xc3\xa9") == "5 \xc2\xb5s, caf\xc3\xa9");
    CHECK(rs::html_escape("&amp;") == "&amp;amp;");
    CHECK(rs::html_escape("") == "");
}

TEST_CASE("html numbers: significant digits, grouped thousands, prices as price lists print them") {
    namespace d = rs::detail;
    CHECK(d::html_number(12345.6) == "12,346");
    CHECK(d::html_number(1234567.0) == "1,234,567");
    CHECK(d::html_number(-1234.0) == "-1,234");
    CHECK(d::html_number(123.4) == "123");
    CHECK(d::html_number(42.14) == "42.1");
    CHECK(d::html_number(3.14159) == "3.14");
    CHECK(d::html_number(0.0123) == "0.0123");
    CHECK(d::html_number(0) == "0");
    CHECK(d::html_number(std::nan("")) == "\u2013");
    CHECK(d::html_number(HUGE_VAL) == "\u2013");
    CHECK(d::html_usd(0.0816) == "0.0816");
    CHECK(d::html_usd(0.17) == "0.17");
    CHECK(d::html_usd(1.5) == "1.50");
    CHECK(d::html_usd(0.20528) == "0.20528");
    CHECK(d::html_usd(1234.5) == "1,234.50");
    CHECK(d::html_exact(0.1) == "0.1");
    CHECK(d::html_exact(41.0) == "41");
    CHECK(d::html_shorten("m7g.large", 9) == "m7g.large");
    CHECK(d::html_shorten("m7g.xlarge", 9) == "m7g.xlar\u2026");
    CHECK(d::html_shorten("\xc2\xb5\xc2\xb5\xc2\xb5", 2) == "\xc2\xb5\u2026");  // whole code points
    CHECK(d::html_shorten("abc", 0) == "");
}

TEST_CASE("html axis: round ticks covering the data") {
    namespace d = rs::detail;
    const auto a = d::html_linear_axis(0, 47.8, 0, 100);
    CHECK(a.lo == 0);
    CHECK(a.hi == 50);
    CHECK(a.ticks == std::vector<double>{0, 10, 20, 30, 40, 50});
    CHECK(a.at(25) == doctest::Approx(50));
    CHECK(a.tick_label(20) == "20");
    const auto b = d::html_linear_axis(0, 0.205, 0, 100);
    CHECK(b.hi == doctest::Approx(0.25));
    CHECK(b.tick_label(0.05) == "0.05");
    const auto c = d::html_linear_axis(0, 0, 0, 100);  // nothing to show: still an axis
    CHECK(c.hi > c.lo);
    const auto l = d::html_log_axis(520, 3400, 100, 0);
    CHECK(l.lo == doctest::Approx(100));
    CHECK(l.hi == doctest::Approx(10000));
    CHECK(l.at(1000) == doctest::Approx(50));
}

TEST_CASE("render_html: hostile strings never reach the page raw") {
    const std::string script = "<script>alert(1)</script>";
    const std::string attr = "\"onload=alert(1) x='";
    rs::fleet_report r;
    r.generated_on = script;
    rs::fleet_group g = group(script, 0.1);
    g.instance_type = attr;
    g.region = attr;
    g.market = script;
    g.architecture = attr;
    g.cpu = "<img src=x onerror=alert(1)>";
    g.files = {script + ".json", attr + ".json"};
    g.versions = {script};
    g.first_started_at = attr;
    g.last_started_at = script;
    g.warnings = {script};
    g.price->entry.source = script;
    g.price->entry.effective_date = attr;  // not a date: shown as such, escaped
    g.price->entry.availability_zone = attr;
    auto m = metric(script, 10, 9, 11, 1);
    m.label = script;
    m.unit = attr;
    m.perf.method = attr;
    m.per_dollar_unit = script;
    m.per_dollar = m.perf;
    m.per_dollar_rank = 1;
    g.metrics.push_back(m);
    g.fsync_latency.push_back({script, 0.5, m.perf});
    g.stream_sweep.push_back({2, m.perf});
    rs::fleet_group h = group(attr, std::nullopt);
    h.metrics.push_back(metric(script, 5, 4, 6, 2));
    r.groups = {g, h};
    r.skipped = {script + ": not a results file"};
    r.warnings = {attr};

    const std::string page = rs::render_html(r);
    CHECK(lower(page).find("<script") == std::string::npos);
    CHECK(page.find("\"onload=") == std::string::npos);
    CHECK(page.find("'onload=") == std::string::npos);
    CHECK(lower(page).find("<img") == std::string::npos);
    CHECK(page.find("x='") == std::string::npos);
    CHECK(count(page, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 15);
    CHECK(count(page, "&quot;onload=alert(1) x=&#39;") >= 8);
    // In SVG text and attributes too.
    CHECK(page.find("data-group=\"&lt;script&gt;alert(1)&lt;/script&gt;\"") != std::string::npos);
    CHECK(page.find("data-group=\"&quot;onload=alert(1) x=&#39;\"") != std::string::npos);
    CHECK(page.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>") != std::string::npos);
    const auto tags = check_markup(page);
    // The renderer's own elements only: a hostile string added no tag.
    CHECK(std::none_of(tags.begin(), tags.end(), [](const tag& t) { return t.name == "img"; }));
}

TEST_CASE("render_html: the hostile sample is only our markup") {
    const std::string page = rs::render_html(ec2bench_test::hostile_sample_report());
    const auto tags = check_markup(page);
    CHECK(std::none_of(tags.begin(), tags.end(),
                       [](const tag& t) { return t.name == "img" || t.name == "link" || t.name == "script"; }));
    CHECK(count(page, "</style>") == 1);
    CHECK(count(page, "<svg ") == 14);
    // Every copy of the hostile text is escaped text: the handler and the URLs inside quotes
    // that are references, not quotes.
    CHECK(count(page, "onerror") > 0);
    CHECK(count(page, "onerror") == count(page, "onerror=&quot;console.error(&#39;hostile&#39;)&quot;&gt;"));
    CHECK(count(page, "http://127.0.0.1") > 0);
    CHECK(count(page, "http://127.0.0.1") == count(page, "=&quot;http://127.0.0.1:9/hostile."));
}

TEST_CASE("render_html: self-contained, no URL but SVG's namespace") {
    const std::string page = rs::render_html(ec2bench_test::sample_report());
    check_markup(page);
    const std::string svg_ns = "xmlns=\"http://www.w3.org/2000/svg\"";
    const std::size_t svgs = count(page, "<svg ");
    CHECK(svgs == 14);
    CHECK(count(page, svg_ns) == svgs);
    CHECK(count(lower(page), "http://") == svgs);
    CHECK(count(page, "http://www.w3.org/2000/svg\"") == svgs);
    CHECK(lower(page).find("https://") == std::string::npos);
    // Nothing that could fetch: no src, no <link>, no CSS url() or @import, no script at all.
    CHECK(page.find("src=") == std::string::npos);
    CHECK(lower(page).find("<link") == std::string::npos);
    CHECK(lower(page).find("url(") == std::string::npos);
    CHECK(lower(page).find("@import") == std::string::npos);
    CHECK(lower(page).find("<script") == std::string::npos);
    CHECK(page.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">") !=
          std::string::npos);
    // Every "//" is the namespace's.
    CHECK(count(page, "//") == svgs);
}

TEST_CASE("render_html: each chart with its title and description") {
    const rs::fleet_report r = ec2bench_test::sample_report();
    const std::string page = rs::render_html(r);
    CHECK(count(page, "class=\"chart chart-bars\"") == 6);
    CHECK(count(page, "class=\"chart chart-scatter\"") == 6);
    CHECK(count(page, "class=\"chart chart-fsync\"") == 1);
    CHECK(count(page, "class=\"chart chart-sweep\"") == 1);
    for (const char* title :
         {"STREAM triad (double), best (GB/s) by group", "STREAM triad (double), best against price per hour",
          "fdatasync 4 KiB p99 latency (\xc2\xb5s) by group", "histogram record against price per hour",
          "fdatasync 4 KiB latency percentiles by group", "STREAM triad by thread count"}) {
        CHECK_MESSAGE(page.find("-title\">" + std::string(title) + "</title>") != std::string::npos, title);
    }
    // Each <svg> opens with its <title> and <desc>, named by aria-labelledby, ids unique.
    std::set<std::string> ids;
    std::size_t n = 0;
    for (std::size_t at = page.find("<svg "); at != std::string::npos; at = page.find("<svg ", at + 1)) {
        const std::size_t id_at = page.find("id=\"", at) + 4;
        const std::string id = page.substr(id_at, page.find('"', id_at) - id_at);
        CHECK(ids.insert(id).second);
        CHECK(id == "chart-" + std::to_string(++n));  // numbered in page order
        const std::size_t body = page.find(">\n", at) + 2;
        const std::string title = "<title id=\"" + id + "-title\">";
        CHECK(page.compare(body, title.size(), title) == 0);
        CHECK(page.find("aria-labelledby=\"" + id + "-title " + id + "-desc\"", at) < body);
        const std::size_t desc = page.find("</title>\n<desc id=\"" + id + "-desc\">", body);
        CHECK(desc != std::string::npos);
        CHECK(page.find("</desc>", desc) > desc + id.size() + 40);  // says something
    }
    // The palette is Okabe and Ito's.
    for (const char* c : {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"}) {
        CHECK(page.find(c) != std::string::npos);
    }
    CHECK(page.find("fdatasync 4 KiB p99 latency <span class=\"muted\">(\xc2\xb5s, lower is better)") !=
          std::string::npos);
    CHECK(page.find("Pareto front dashed; better is down and left") != std::string::npos);
    CHECK(page.find("Pareto front dashed; better is up and left") != std::string::npos);
}

TEST_CASE("render_html: the numbers shown are the report's") {
    rs::fleet_report r;
    r.generated_on = "2026-12-06";
    rs::fleet_group a = group("c7a.xlarge", 0.205);
    auto ma = metric("triad_gbps", 41.0, 40.2, 41.8, 1);
    ma.per_dollar = rs::estimate{200.0, 196.1, 203.9, "order statistics"};
    ma.per_dollar_unit = "GB/s per $/h";
    ma.per_dollar_rank = 2;
    a.metrics.push_back(ma);
    rs::fleet_group b = group("c6i.xlarge", 0.1);
    auto mb = metric("triad_gbps", 20.5, 20.1, 20.9, 2);
    mb.per_dollar = rs::estimate{205.0, 201.0, 209.0, "order statistics"};
    mb.per_dollar_unit = "GB/s per $/h";
    mb.per_dollar_rank = 1;
    b.metrics.push_back(mb);
    r.groups = {a, b};
    const std::string page = rs::render_html(r);

    const std::string row_a = page.substr(page.find("<tr data-group=\"c7a.xlarge\">"));
    CHECK(row_a.find("<td class=\"rank\">1</td>") == row_a.find("<td"));
    CHECK(row_a.find("<td class=\"num\" data-value=\"41\">41.0</td>") != std::string::npos);
    CHECK(row_a.find("40.2 \u2013 41.8") != std::string::npos);
    CHECK(row_a.find(">2 / 10<") != std::string::npos);
    CHECK(row_a.find("<td class=\"num\" data-value=\"0.205\">0.205</td>") != std::string::npos);
    CHECK(row_a.find("<td class=\"num\" data-value=\"200\">200</td>") != std::string::npos);
    CHECK(row_a.find("196 \u2013 204") != std::string::npos);
    CHECK(row_a.find("</td><td class=\"rank\">2</td></tr>") != std::string::npos);
    CHECK(page.find("per dollar (GB/s per $/h)") != std::string::npos);
    // Rank order in the table: c7a first.
    CHECK(page.find("<tr data-group=\"c7a.xlarge\">") < page.find("<tr data-group=\"c6i.xlarge\">"));
    // Price provenance: origin, source, date, and not stale at 6 days.
    CHECK(page.find("<td>--prices <span class=\"muted nw\">(on-demand)</span></td>"
                    "<td>aws-price-list@20261130</td><td><span class=\"nw\">2026-11-30</span></td>") != std::string::npos);
    // The instance type is the group's key: no second column of it.
    CHECK(page.find("<table class=\"prices\">\n<thead><tr><th scope=\"col\">instance type</th><th scope=\"col\">"
                    "region</th>") != std::string::npos);
    CHECK(page.find("<span class=\"stale\">") == std::string::npos);
    // The cards: fastest, and cheapest per GB/s.
    CHECK(page.find("<div class=\"best\">c7a.xlarge</div><div class=\"per-dollar\">per dollar: c6i.xlarge</div>") !=
          std::string::npos);

    // The bars: from 0, lengths in the ratio of the values, whiskers over the intervals.
    const std::string bars = chart(page, "chart-1");
    const std::string bar_a = row_of(bars, "c7a.xlarge"), bar_b = row_of(bars, "c6i.xlarge");
    const std::size_t rect_a = bar_a.find("<rect"), rect_b = bar_b.find("<rect");
    const double wa = attribute_number(bar_a.substr(rect_a), "width");
    const double wb = attribute_number(bar_b.substr(rect_b), "width");
    CHECK(wa / wb == doctest::Approx(41.0 / 20.5).epsilon(0.01));
    CHECK(attribute_number(bar_a.substr(rect_a), "x") == attribute_number(bar_b.substr(rect_b), "x"));
    CHECK(bar_a.find("data-value=\"41\"") != std::string::npos);
    CHECK(bar_a.find(">41.0</text>") != std::string::npos);
    CHECK(bar_a.find("<title>c7a.xlarge: 41.0 GB/s, 95% interval 40.2 \u2013 41.8</title>") != std::string::npos);
    const double x0 = attribute_number(bar_a.substr(rect_a), "x");
    const std::size_t whisker = bar_a.find("<line class=\"whisker\"");
    const double lo = attribute_number(bar_a.substr(whisker), "x1"), hi = attribute_number(bar_a.substr(whisker), "x2");
    CHECK((lo - x0) / wa == doctest::Approx(40.2 / 41.0).epsilon(0.01));
    CHECK((hi - x0) / wa == doctest::Approx(41.8 / 41.0).epsilon(0.01));

    // The scatter: a point per group at its price and value.
    const std::string scatter = chart(page, "chart-2");
    CHECK(scatter.find("data-group=\"c7a.xlarge\" data-price=\"0.205\" data-value=\"41\"") != std::string::npos);
    CHECK(scatter.find("data-group=\"c6i.xlarge\" data-price=\"0.1\" data-value=\"20.5\"") != std::string::npos);

    // Determinism: the same report, the same bytes; a copy too.
    const rs::fleet_report copy = r;
    CHECK(rs::render_html(r) == page);
    CHECK(rs::render_html(copy) == page);
    const rs::fleet_report sample = ec2bench_test::sample_report();
    CHECK(rs::render_html(sample) == rs::render_html(ec2bench_test::sample_report()));
}

TEST_CASE("render_html: the Pareto front, either way of better") {
    SUBCASE("higher is better") {
        rs::fleet_report r;
        const double price[] = {0.1, 0.2, 0.3, 0.4, 0.2};
        const double value[] = {10, 30, 20, 40, 25};
        const char* key[] = {"a.large", "b.large", "c.large", "d.large", "e.large"};
        for (int i = 0; i < 5; ++i) {
            rs::fleet_group g = group(key[i], price[i]);
            g.metrics.push_back(metric("triad_gbps", value[i], value[i] - 1, value[i] + 1, i + 1));
            r.groups.push_back(g);
        }
        const std::string scatter = chart(rs::render_html(r), "chart-2");
        CHECK(count(scatter, "class=\"point on-front\"") == 3);
        for (const char* k : {"a.large", "b.large", "d.large"}) {
            CHECK(scatter.find("class=\"point on-front\" data-group=\"" + std::string(k) + "\"") != std::string::npos);
        }
        for (const char* k : {"c.large", "e.large"}) {
            CHECK(scatter.find("class=\"point\" data-group=\"" + std::string(k) + "\"") != std::string::npos);
        }
        CHECK(scatter.find("better: up, left") != std::string::npos);
    }
    SUBCASE("lower is better") {
        rs::fleet_report r;
        const double price[] = {0.1, 0.2, 0.3, 0.4};
        const double value[] = {50, 30, 40, 10};
        const char* key[] = {"a.large", "b.large", "c.large", "d.large"};
        for (int i = 0; i < 4; ++i) {
            rs::fleet_group g = group(key[i], price[i]);
            g.metrics.push_back(metric("lat", value[i], value[i] - 1, value[i] + 1, i + 1, false));
            r.groups.push_back(g);
        }
        const std::string page = rs::render_html(r);
        const std::string scatter = chart(page, "chart-2");
        CHECK(count(scatter, "class=\"point on-front\"") == 3);
        CHECK(scatter.find("class=\"point\" data-group=\"c.large\"") != std::string::npos);
        // No group has a latency per dollar: no such columns.
        CHECK(page.find("rank per $") == std::string::npos);
        CHECK(scatter.find("better: down, left") != std::string::npos);
        CHECK(scatter.find("lower is better") != std::string::npos);
    }
}

TEST_CASE("render_html: NaN values, NaN intervals and missing prices") {
    rs::fleet_report r;
    r.generated_on = "2026-12-06";
    rs::fleet_group a = group("a.large", 0.1);
    a.metrics.push_back(metric("triad_gbps", 10, std::nan(""), std::nan(""), 1));
    a.fsync_latency.push_back({"p50", 0.5, rs::estimate{}});
    a.fsync_latency.push_back({"p99", 0.99, rs::estimate{900, std::nan(""), std::nan(""), "none (n=2)"}});
    a.stream_sweep.push_back({1, rs::estimate{}});
    a.stream_sweep.push_back({2, rs::estimate{12, 11, 13, "order statistics"}});
    rs::fleet_group b = group("b.large", std::nullopt);
    b.metrics.push_back(metric("triad_gbps", 20, 19, 21, 1));
    rs::fleet_group c = group("c.large", 0.3);
    c.metrics.push_back(metric("triad_gbps", std::nan(""), std::nan(""), std::nan(""), 0));
    c.metrics.back().perf.method = "no values";
    r.groups = {a, b, c};
    const std::string page = rs::render_html(r);
    check_markup(page);
    for (const char* word : {"nan", "inf", "-nan", "infinity"}) CHECK_MESSAGE(!has_word(page, word), word);

    const std::string bars = chart(page, "chart-1");
    const std::string bar_a = row_of(bars, "a.large");
    CHECK(bar_a.find("<rect") != std::string::npos);
    CHECK(bar_a.find("whisker") == std::string::npos);
    CHECK(bar_a.find("<title>a.large: 10.0 GB/s, none (n=2)</title>") != std::string::npos);
    CHECK(bar_a.find(">10.0</text>") != std::string::npos);
    CHECK(row_of(bars, "b.large").find("whisker") != std::string::npos);
    const std::string bar_c = row_of(bars, "c.large");
    CHECK(bar_c.find("<rect") == std::string::npos);
    CHECK(bar_c.find(">no value<") != std::string::npos);
    // The unranked group comes last.
    CHECK(bars.find("data-group=\"c.large\"") > bars.find("data-group=\"b.large\""));

    const std::size_t scatter_at = page.find("id=\"chart-2\"");
    const std::string scatter = chart(page, "chart-2");
    CHECK(count(scatter, "<g class=\"point") == 1);
    const std::string after = page.substr(scatter_at, page.find("</figure>", scatter_at) - scatter_at);
    CHECK(after.find("No price, not drawn: b.large.") != std::string::npos);
    CHECK(after.find("No value, not drawn: c.large.") != std::string::npos);

    CHECK(page.find("<td class=\"num missing-price\">no price</td>") != std::string::npos);
    CHECK(page.find(">none (n=2)<") != std::string::npos);
    CHECK(page.find(">no values<") != std::string::npos);

    // The fsync and sweep charts draw what they have and leave out the rest.
    const std::string fsync = chart(page, "chart-3");
    CHECK(count(fsync, "data-value=") == 1);
    CHECK(fsync.find("data-value=\"900\"") != std::string::npos);
    const std::string sweep = chart(page, "chart-4");
    CHECK(count(sweep, "data-value=") == 1);
    CHECK(count(sweep, "class=\"whisker\"") == 3);
}

TEST_CASE("render_html: no price anywhere, no charts to draw, an empty report") {
    SUBCASE("no group has a price") {
        rs::fleet_report r;
        rs::fleet_group a = group("a.large", std::nullopt);
        a.metrics.push_back(metric("triad_gbps", 10, 9, 11, 1));
        r.groups = {a};
        const std::string page = rs::render_html(r);
        CHECK(count(page, "chart-scatter") == 0);
        CHECK(page.find("No group has both a price and a value for triad: nothing to plot.") != std::string::npos);
        CHECK(page.find("<li>none</li>") == std::string::npos);
        CHECK(page.find("price sources</th><td>none</td>") != std::string::npos);
        CHECK(count(page, "id=\"fsync\"") == 0);
        CHECK(count(page, "id=\"sweep\"") == 0);
    }
    SUBCASE("nothing at all") {
        const std::string page = rs::render_html(rs::fleet_report{});
        check_markup(page);
        CHECK(count(page, "<svg") == 0);
        CHECK(page.find("No headline metric in any group.") != std::string::npos);
        CHECK(page.find("0 groups by instance type, 0 results files") != std::string::npos);
        CHECK(page.rfind("</html>\n") == page.size() - 8);
    }
}

TEST_CASE("render_html: stale prices, warnings and provenance") {
    rs::fleet_report r;
    r.generated_on = "2026-12-06";
    r.grouping = rs::group_by::cpu;
    rs::fleet_group a = group("AMD EPYC 9R14 x 4", 0.2);
    a.price->entry.effective_date = "2026-01-19";
    a.price->origin = rs::price_origin::bundled;
    a.price->entry.source = "karpenter+skypilot";
    a.versions = {"0.1.0", "0.2.0"};
    a.first_started_at = "2026-12-04T09:12:41Z";
    a.last_started_at = "2026-12-04T11:40:03Z";
    a.warnings = {"ec2bench versions differ"};
    a.metrics.push_back(metric("triad_gbps", 10, 9, 11, 1));
    r.groups = {a};
    r.skipped = {"notes.json: not a results file"};
    r.warnings = {"a report-wide warning"};
    const std::string page = rs::render_html(r);
    CHECK(page.find("<td><span class=\"nw\">2026-01-19</span><br><span class=\"stale\">stale, 321 days</span></td>") !=
          std::string::npos);
    // Grouped by CPU: the instance type gets its own column.
    CHECK(page.find("<th scope=\"col\">CPU</th><th scope=\"col\">instance type</th>") != std::string::npos);
    CHECK(page.find("1 group by CPU, 2 results files, generated on 2026-12-06") != std::string::npos);
    CHECK(page.find("<li>AMD EPYC 9R14 x 4: ec2bench versions differ</li>") != std::string::npos);
    CHECK(page.find("<li>a report-wide warning</li>") != std::string::npos);
    CHECK(page.find("<li>1 input was not read") != std::string::npos);
    CHECK(page.find("<li><code>notes.json: not a results file</code></li>") != std::string::npos);
    CHECK(page.find("<li>bundled: karpenter+skypilot, on-demand, 2026-01-19</li>") != std::string::npos);
    CHECK(page.find("ec2bench versions</th><td>0.1.0, 0.2.0</td>") != std::string::npos);
    CHECK(page.find("2026-12-04T09:12:41Z \u2013 2026-12-04T11:40:03Z") != std::string::npos);
    CHECK(page.find("<li><code>AMD EPYC 9R14 x 4-1.json</code></li>") != std::string::npos);
    CHECK(page.find("<title>ec2bench fleet report, 2026-12-06</title>") != std::string::npos);
}
