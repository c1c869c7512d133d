#pragma once
// A corrupted set whose every accuracy under MeanBrightness (mean_brightness.h) is known by hand:
// 3 corruptions (gaussian_noise, shot_noise, fog) x 2 severities of four 2x2 images with labels
// 0, 0, 0, 1; which images are bright is fixed per cell, and a bright image is right for label 0,
// a dark one for label 1.
#include <algorithm>
#include <cstdint>

#include "data/corrupted_set.h"

namespace dign::testing {

class FakeCorruptedSet : public data::CorruptedSet {
 public:
  /// `dark`: the value of a dark image's pixels (a bright one's are 255).
  explicit FakeCorruptedSet(uint8_t dark = 0) : dark_(dark) {
    corruptions_ = {"gaussian_noise", "shot_noise", "fog"};
    severities_ = {1, 2};
    labels_ = {0, 0, 0, 1};
    height_ = width_ = 2;
  }
  void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const override {
    static const char* patterns[3][2] = {{"BBBB", "DDDD"}, {"BBBD", "DDDD"}, {"BDBD", "DBDB"}};
    for (int64_t i = 0; i < count; ++i) {
      const bool bright = patterns[c][s][begin + i] == 'B';
      std::fill(out + i * 12, out + (i + 1) * 12, bright ? uint8_t{255} : dark_);
    }
  }
  nlohmann::json describe() const override { return {{"source", "fake"}}; }

 private:
  uint8_t dark_;
};

}  // namespace dign::testing
