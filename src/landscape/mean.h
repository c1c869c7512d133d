#pragma once
// A running mean over images with its standard error, for the landscape's per-image figures.
// LibTorch-free.
//
//   Mean m;
//   m.add(1.0); m.add(0.0);
//   m.value();           // 0.5
//   m.standard_error();  // sqrt(0.25 / 2): the binomial standard error for 0/1 values
//   Mean::from_sums(a.sums() + b.sums()): the mean over a's and b's values (sharded runs)
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace dign::landscape {

class Mean {
 public:
  void add(double v) {
    sum_ += v;
    sum_sq_ += v * v;
    ++count_;
  }
  int64_t count() const { return count_; }
  /// 0 when nothing was added.
  double value() const { return count_ > 0 ? sum_ / count_ : 0.0; }
  /// sqrt(population variance / n): for 0/1 values the binomial sqrt(p (1 - p) / n) that
  /// `dign eval` reports; 0 when nothing was added.
  double standard_error() const {
    if (count_ == 0) return 0.0;
    const double m = value();
    return std::sqrt(std::max(0.0, sum_sq_ / count_ - m * m) / count_);
  }
  /// {sum, sum of squares, count}: added elementwise over disjoint sets of values, they give
  /// the mean over their union (counts stay exact below 2^53).
  std::array<double, 3> sums() const { return {sum_, sum_sq_, static_cast<double>(count_)}; }
  static Mean from_sums(const std::array<double, 3>& s) {
    Mean m;
    m.sum_ = s[0];
    m.sum_sq_ = s[1];
    m.count_ = static_cast<int64_t>(std::llround(s[2]));
    return m;
  }

 private:
  double sum_ = 0, sum_sq_ = 0;
  int64_t count_ = 0;
};

}  // namespace dign::landscape
