#include "corrupt/noise.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

#include "core/error.h"
#include "corrupt_test_util.h"

namespace dign::corrupt {
namespace {

// Severity tables of corruptions.md section 1, restated so a typo in either copy fails.
constexpr std::array<double, 5> kGaussian[2] = {{0.04, 0.06, 0.08, 0.09, 0.10},
                                                {0.04, 0.08, 0.12, 0.15, 0.18}};
constexpr std::array<double, 5> kShot[2] = {{500, 250, 100, 75, 50}, {250, 100, 50, 30, 15}};
constexpr std::array<double, 5> kImpulse[2] = {{0.01, 0.02, 0.03, 0.05, 0.07},
                                               {0.01, 0.02, 0.05, 0.08, 0.14}};
constexpr std::array<double, 5> kSpeckle[2] = {{0.06, 0.10, 0.12, 0.16, 0.20},
                                               {0.15, 0.20, 0.25, 0.30, 0.35}};
using test_util::flat;
using test_util::kTables;
using test_util::random_image;

// Mean and standard deviation of all elements, on the [0,1] scale.
std::pair<double, double> moments(const cv::Mat& u8) {
  cv::Scalar mean, stddev;
  cv::meanStdDev(u8.reshape(1), mean, stddev);
  return {mean[0] / 255.0, stddev[0] / 255.0};
}

struct NoiseCase {
  std::string name;
  CorruptFn fn;
  Table table;
};

class NoiseContract : public ::testing::TestWithParam<NoiseCase> {};

TEST_P(NoiseContract, SameSeedSameBytesOtherSeedOtherBytes) {
  const NoiseCase& c = GetParam();
  const int size = c.table == Table::kTiny ? 64 : 32;
  const cv::Mat image = random_image(size, 7);
  for (int severity = 1; severity <= 5; ++severity) {
    Rng a(11), b(11), other(12);
    const cv::Mat out_a = c.fn(image, severity, a, Context{c.table});
    const cv::Mat out_b = c.fn(image, severity, b, Context{c.table});
    const cv::Mat out_other = c.fn(image, severity, other, Context{c.table});
    ASSERT_EQ(out_a.type(), CV_8UC3);
    ASSERT_EQ(out_a.size(), image.size());
    EXPECT_EQ(cv::norm(out_a, out_b, cv::NORM_INF), 0) << "severity " << severity;
    EXPECT_GT(cv::norm(out_a, out_other, cv::NORM_L1), 0) << "severity " << severity;
    EXPECT_GT(cv::norm(out_a, image, cv::NORM_L1), 0) << "severity " << severity;
  }
}

TEST_P(NoiseContract, SeverityOutsideOneToFiveIsAnError) {
  const NoiseCase& c = GetParam();
  const cv::Mat image = random_image(8, 1);
  Rng rng(1);
  EXPECT_THROW(c.fn(image, 0, rng, Context{c.table}), dign::Error);
  EXPECT_THROW(c.fn(image, 6, rng, Context{c.table}), dign::Error);
}

INSTANTIATE_TEST_SUITE_P(
    Noise, NoiseContract,
    ::testing::Values(NoiseCase{"gaussian_cifar", gaussian_noise, Table::kCifar},
                      NoiseCase{"gaussian_tiny", gaussian_noise, Table::kTiny},
                      NoiseCase{"shot_cifar", shot_noise, Table::kCifar},
                      NoiseCase{"shot_tiny", shot_noise, Table::kTiny},
                      NoiseCase{"impulse_cifar", impulse_noise, Table::kCifar},
                      NoiseCase{"impulse_tiny", impulse_noise, Table::kTiny},
                      NoiseCase{"speckle_cifar", speckle_noise, Table::kCifar},
                      NoiseCase{"speckle_tiny", speckle_noise, Table::kTiny}),
    [](const ::testing::TestParamInfo<NoiseCase>& info) { return info.param.name; });

// 128x128x3 = 49152 draws: the sample std has a relative standard error of 1/sqrt(2n) = 0.3%.
constexpr double kStdTolerance = 0.03;

TEST(NoiseGaussian, StdOnMidGrayIsTheTableSigma) {
  // 128/255 = 0.502 is 2.8 sigma from 0 and 1 at the largest sigma (0.18): clipping is negligible.
  for (int t = 0; t < 2; ++t) {
    for (int s = 1; s <= 5; ++s) {
      Rng rng(100 + s);
      const auto [mean, stddev] = moments(gaussian_noise(flat(128), s, rng, Context{kTables[t]}));
      const double sigma = kGaussian[t][s - 1];
      EXPECT_NEAR(stddev, sigma, kStdTolerance * sigma) << "table " << t << " severity " << s;
      // The truncating cast lowers values by half a level on average.
      EXPECT_NEAR(mean, 127.5 / 255, 0.004) << "table " << t << " severity " << s;
    }
  }
}

TEST(NoiseSpeckle, StdIsSigmaTimesTheValue) {
  for (int t = 0; t < 2; ++t) {
    for (int s = 1; s <= 5; ++s) {
      Rng rng(200 + s);
      const auto [mean, stddev] = moments(speckle_noise(flat(128), s, rng, Context{kTables[t]}));
      const double sigma = kSpeckle[t][s - 1] * 128.0 / 255.0;
      EXPECT_NEAR(stddev, sigma, kStdTolerance * sigma) << "table " << t << " severity " << s;
      EXPECT_NEAR(mean, 127.5 / 255, 0.004);
    }
  }
}

TEST(NoiseSpeckle, LeavesBlackBlack) {
  // y = x + x n: multiplicative, so a black image has no noise at all.
  Rng rng(3);
  EXPECT_EQ(cv::countNonZero(speckle_noise(flat(0, 32), 5, rng, Context{}).reshape(1)), 0);
}

TEST(NoiseShot, VarianceIsValueOverScale) {
  // Poisson(c x) / c has mean x and variance x / c. At x = 64/255 and c = 15 the count
  // mean is 3.8, so clipping at 1 (count > 15) is negligible.
  const double x = 64.0 / 255.0;
  for (int t = 0; t < 2; ++t) {
    for (int s = 1; s <= 5; ++s) {
      Rng rng(300 + s);
      const auto [mean, stddev] = moments(shot_noise(flat(64), s, rng, Context{kTables[t]}));
      const double sigma = std::sqrt(x / kShot[t][s - 1]);
      EXPECT_NEAR(stddev, sigma, kStdTolerance * sigma) << "table " << t << " severity " << s;
      EXPECT_NEAR(mean, x, 0.004) << "table " << t << " severity " << s;
    }
  }
}

TEST(NoiseImpulse, ChangesAFractionCOfElementsToSaltOrPepper) {
  for (int t = 0; t < 2; ++t) {
    for (int s = 1; s <= 5; ++s) {
      Rng rng(400 + s);
      const cv::Mat out = impulse_noise(flat(128), s, rng, Context{kTables[t]}).reshape(1);
      const double n = static_cast<double>(out.total());  // elements: out is 1-channel
      const double c = kImpulse[t][s - 1];
      int salt = 0, pepper = 0, other = 0;
      for (auto it = out.begin<uint8_t>(); it != out.end<uint8_t>(); ++it) {
        if (*it == 255)
          ++salt;
        else if (*it == 0)
          ++pepper;
        else if (*it != 128)
          ++other;
      }
      EXPECT_EQ(other, 0);  // untouched elements keep their exact value
      // Binomial(n, c): 4 standard deviations.
      const double hit_sd = std::sqrt(n * c * (1 - c));
      EXPECT_NEAR(salt + pepper, n * c, 4 * hit_sd) << "table " << t << " severity " << s;
      EXPECT_NEAR(salt, (salt + pepper) / 2.0, 4 * std::sqrt((salt + pepper) / 4.0));
    }
  }
}

TEST(NoiseImpulse, UntouchedElementsKeepEveryValue) {
  // x = k / 255 and back through the truncating cast must give k for all 256 values
  // (a reciprocal multiply instead of the division loses 24 of them by one level).
  cv::Mat image(16, 16, CV_8UC3);
  for (int k = 0; k < 256; ++k) image.at<cv::Vec3b>(k / 16, k % 16) = cv::Vec3b(k, 255 - k, k);
  Rng rng(9);
  const cv::Mat out = impulse_noise(image, 1, rng, Context{});
  int kept = 0;
  for (int k = 0; k < 256; ++k) {
    for (int ch = 0; ch < 3; ++ch) {
      const int before = image.at<cv::Vec3b>(k / 16, k % 16)[ch];
      const int after = out.at<cv::Vec3b>(k / 16, k % 16)[ch];
      EXPECT_TRUE(after == before || after == 0 || after == 255) << before << " -> " << after;
      kept += after == before;
    }
  }
  EXPECT_GT(kept, 700);  // c = 0.01: about 760 of 768 untouched
}

TEST(NoiseImpulse, HitsChannelsIndependently) {
  // Coloured salt and pepper: a hit pixel usually has only one of its channels changed.
  Rng rng(5);
  const cv::Mat out = impulse_noise(flat(128), 5, rng, Context{Table::kTiny});
  int one_channel = 0, all_channels = 0;
  for (auto it = out.begin<cv::Vec3b>(); it != out.end<cv::Vec3b>(); ++it) {
    const int changed = ((*it)[0] != 128) + ((*it)[1] != 128) + ((*it)[2] != 128);
    one_channel += changed == 1;
    all_channels += changed == 3;
  }
  // c = 0.14: per pixel, P(exactly one) = 3 c (1-c)^2 = 0.31, P(all three) = c^3 = 0.0027.
  const double pixels = static_cast<double>(out.total());
  EXPECT_NEAR(one_channel / pixels, 3 * 0.14 * 0.86 * 0.86, 0.015);
  EXPECT_NEAR(all_channels / pixels, 0.14 * 0.14 * 0.14, 0.002);
}

}  // namespace
}  // namespace dign::corrupt
