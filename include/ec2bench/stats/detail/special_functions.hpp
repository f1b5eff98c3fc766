// SPDX-License-Identifier: MIT
// Special functions for the statistics layer, from the standard library only: the regularized
// incomplete beta function and what is built on it (Student's t, the binomial distribution),
// and the normal distribution.
#ifndef EC2BENCH_STATS_DETAIL_SPECIAL_FUNCTIONS_HPP
#define EC2BENCH_STATS_DETAIL_SPECIAL_FUNCTIONS_HPP

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace ec2bench::stats::detail {

inline constexpr double pi = 3.14159265358979323846;

/// lgamma(x) minus Stirling's approximation, (x - 1/2) log x - x + log(2 pi)/2, for x >= 10:
/// the asymptotic series in Bernoulli numbers, to double precision there.
inline double lgamma_correction(double x) noexcept {
    const double r = 1.0 / x;
    const double r2 = r * r;
    return r * (1.0 / 12 +
                r2 * (-1.0 / 360 +
                      r2 * (1.0 / 1260 +
                            r2 * (-1.0 / 1680 +
                                  r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
}

/// log B(a, b) without the cancellation of lgamma(a) + lgamma(b) - lgamma(a + b) when an
/// argument is large (R's lbeta, after Morris's TOMS 708): Stirling's terms are combined by
/// hand and only their small corrections are subtracted.
inline double log_beta(double a, double b) {
    const double p = std::min(a, b);
    const double q = std::max(a, b);
    const double half_log_2pi = 0.918938533204672741780329736406;
    if (p >= 10.0) {
        const double corr = lgamma_correction(p) + lgamma_correction(q) - lgamma_correction(p + q);
        return -0.5 * std::log(q) + half_log_2pi + corr + (p - 0.5) * std::log(p / (p + q)) +
               q * std::log1p(-p / (p + q));
    }
    if (q >= 10.0) {
        const double corr = lgamma_correction(q) - lgamma_correction(p + q);
        return std::lgamma(p) + corr + p - p * std::log(p + q) +
               (q - 0.5) * std::log1p(-p / (p + q));
    }
    return std::lgamma(p) + std::lgamma(q) - std::lgamma(p + q);
}

/// Lentz's continued fraction for I_x(a, b) (Numerical Recipes 6.4, betacf), for
/// x < (a+1)/(a+b+2) where it converges fast: in O(sqrt(max(a, b))) terms.
inline double incomplete_beta_fraction(double a, double b, double x) {
    constexpr double tiny = 1e-300;
    constexpr double eps = 1e-16;
    const double qab = a + b;
    const double qap = a + 1.0;
    const double qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    if (std::abs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double h = d;
    const int max_terms =
        100000 + static_cast<int>(std::min(1e8, 20.0 * std::sqrt(std::max(a, b))));
    for (int m = 1; m <= max_terms; ++m) {
        const double md = m;
        const double m2 = 2.0 * md;
        double aa = md * (b - md) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (std::abs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + md) * (qab + md) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (std::abs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::abs(del - 1.0) < eps) return h;
    }
    throw std::runtime_error("incomplete beta: the continued fraction did not converge");
}

/// The regularized incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1], with
/// y = 1 - x passed separately so that x near 1 loses no digits. Relative accuracy about
/// 1e-14 for moderate a and b; with a or b in the millions, a log x + b log y is large and
/// cancels against log B(a, b), leaving about 1e-10.
inline double incomplete_beta(double a, double b, double x, double y) {
    if (x <= 0.0) return 0.0;
    if (y <= 0.0) return 1.0;
    const double log_front = a * std::log(x) + b * std::log(y) - log_beta(a, b);
    const double front = std::exp(log_front);
    if (x < (a + 1.0) / (a + b + 2.0)) return front * incomplete_beta_fraction(a, b, x) / a;
    return 1.0 - front * incomplete_beta_fraction(b, a, y) / b;
}

/// 1 - I_x(a, b), computed without cancellation where it is small.
inline double incomplete_beta_complement(double a, double b, double x, double y) {
    return incomplete_beta(b, a, y, x);
}

/// P(T > t) for Student's t with dof degrees of freedom, t >= 0.
inline double student_t_upper_tail(double t, double dof) {
    const double t2 = t * t;
    // x = dof / (dof + t^2) and 1 - x = t^2 / (dof + t^2), each without cancellation.
    return 0.5 * incomplete_beta(dof / 2.0, 0.5, dof / (dof + t2), t2 / (dof + t2));
}

/// The CDF of Student's t.
inline double student_t_cdf(double t, double dof) {
    return t >= 0 ? 1.0 - student_t_upper_tail(t, dof) : student_t_upper_tail(-t, dof);
}

inline double student_t_pdf(double t, double dof) {
    return std::exp(std::lgamma((dof + 1.0) / 2.0) - std::lgamma(dof / 2.0) -
                    0.5 * std::log(dof * pi) - (dof + 1.0) / 2.0 * std::log1p(t * t / dof));
}

/// P(Z > z) for the standard normal.
inline double normal_upper_tail(double z) {
    return 0.5 * std::erfc(z / std::sqrt(2.0));
}

/// The standard normal quantile: Acklam's rational approximation (relative error 1.2e-9)
/// refined by one Halley step on erfc, which brings it to full double precision.
inline double normal_quantile(double p) {
    if (p <= 0.0) return -std::numeric_limits<double>::infinity();
    if (p >= 1.0) return std::numeric_limits<double>::infinity();
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};
    constexpr double p_low = 0.02425;
    double x = 0.0;
    if (p < p_low) {
        const double q = std::sqrt(-2.0 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else if (p <= 1.0 - p_low) {
        const double q = p - 0.5;
        const double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    } else {
        const double q = std::sqrt(-2.0 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }
    // Halley: e = Phi(x) - p, with Phi from erfc (accurate in both tails).
    const double e =
        (x < 0 ? 0.5 * std::erfc(-x / std::sqrt(2.0)) : 1.0 - 0.5 * std::erfc(x / std::sqrt(2.0))) -
        p;
    const double u = e * std::sqrt(2.0 * pi) * std::exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}

/// The p-quantile of Student's t with dof > 0 degrees of freedom, p in (0, 1): closed forms
/// for 1 and 2 degrees, else Newton's method on the upper tail, safeguarded by bisection,
/// from the normal quantile.
inline double student_t_quantile(double p, double dof) {
    if (p <= 0.0) return -std::numeric_limits<double>::infinity();
    if (p >= 1.0) return std::numeric_limits<double>::infinity();
    if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
    if (p == 0.5) return 0.0;
    const double tail = 1.0 - p;
    if (dof == 1.0)
        return 1.0 / std::tan(pi * tail);  // Cauchy; cot of the tail keeps digits near 1
    if (dof == 2.0) return (2.0 * p - 1.0) / std::sqrt(2.0 * p * tail);
    double lo = 0.0;
    double hi = std::max(1.0, normal_quantile(p));
    while (student_t_upper_tail(hi, dof) > tail) {
        lo = hi;
        hi *= 2.0;
    }
    double t = std::min(std::max(normal_quantile(p), lo), hi);
    for (int i = 0; i < 200; ++i) {
        const double f = student_t_upper_tail(t, dof) - tail;  // decreasing in t
        if (f > 0)
            lo = t;
        else
            hi = t;
        const double step = f / student_t_pdf(t, dof);  // Newton: t - f / f'
        double next = t + step;
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (std::abs(next - t) <= 1e-15 * std::abs(next) || hi - lo <= 1e-15 * hi) return next;
        t = next;
    }
    return t;
}

/// P(B <= k) for B ~ Binomial(n, p).
inline double binomial_cdf(std::uint64_t k, std::uint64_t n, double p) {
    if (k >= n) return 1.0;
    return incomplete_beta(static_cast<double>(n - k), static_cast<double>(k) + 1.0, 1.0 - p, p);
}

/// P(B > k) for B ~ Binomial(n, p).
inline double binomial_upper_tail(std::uint64_t k, std::uint64_t n, double p) {
    if (k >= n) return 0.0;
    return incomplete_beta(static_cast<double>(k) + 1.0, static_cast<double>(n - k), p, 1.0 - p);
}

}  // namespace ec2bench::stats::detail

#endif  // EC2BENCH_STATS_DETAIL_SPECIAL_FUNCTIONS_HPP
