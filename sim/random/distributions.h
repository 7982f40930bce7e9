#pragma once
// Distributions written in the project (never std:: distributions, whose algorithms
// differ between standard libraries), so results do not change with the toolchain.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/random/stream.h"

namespace stsim::random {

double uniform(Stream& s, double low, double high);
bool bernoulli(Stream& s, double p);
double exponential(Stream& s, double rate);
double normal(Stream& s, double mean, double sd);      // one uniform per draw (inverse CDF)
double lognormal(Stream& s, double mu, double sigma);  // parameters of the underlying normal
double gamma(Stream& s, double shape, double scale);
double beta(Stream& s, double a, double b);
double triangular(Stream& s, double low, double mode, double high);  // by its inverse CDF
std::uint64_t poisson(Stream& s, double mean);

// Standard normal quantile, accurate to double precision (Wichura AS241).
double normal_quantile(double p);
double normal_cdf(double x);

// Vose's alias method: O(1) draws from a fixed discrete distribution.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(std::span<const double> weights);  // non-negative, positive sum
  std::uint32_t sample(Stream& s) const;
  std::uint32_t sample(double u) const;  // from a uniform on (0, 1)
  std::size_t size() const { return probability_.size(); }

 private:
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
};

// Piecewise-constant density over [edges[i], edges[i+1]) with the given weights:
// empirical distributions and time-varying arrival profiles. The weights are density
// heights (e.g. arrival rates): bin i is drawn with probability proportional to
// weights[i] * (edges[i+1] - edges[i]).  Edges strictly increasing, weights >= 0.
class PiecewiseConstant {
 public:
  PiecewiseConstant() = default;
  PiecewiseConstant(std::span<const double> edges, std::span<const double> weights);
  double sample(Stream& s) const;

 private:
  std::vector<double> edges_;
  AliasTable bins_;
};

}  // namespace stsim::random
