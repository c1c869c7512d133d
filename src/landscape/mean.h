#pragma once
// A running mean over images with its standard error, for the landscape's per-image figures.
// LibTorch-free.
//
//   Mean m;
//   m.add(1.0); m.add(0.0);
//   m.value();           // 0.5
//   m.standard_error();  // sqrt(0.25 / 2): the binomial standard error for 0/1 values
#include <algorithm>
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

 private:
  double sum_ = 0, sum_sq_ = 0;
  int64_t count_ = 0;
};

}  // namespace dign::landscape
