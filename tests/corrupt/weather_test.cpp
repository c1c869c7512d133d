#include "corrupt/weather/weather.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "corrupt/common.h"
#include "weather_test_util.h"

namespace dign::corrupt {
namespace {

using namespace weather_test;

// Severity parameters of corruptions.md section 1, restated so a typo in either copy fails.
constexpr std::array<double, 5> kFogT[2] = {{0.2, 0.5, 0.75, 1, 1.5}, {0.4, 0.7, 1, 1.5, 2}};
constexpr std::array<double, 5> kSnowBlend[2] = {{0.95, 0.9, 0.9, 0.85, 0.8},
                                                 {0.8, 0.8, 0.7, 0.65, 0.6}};

// ---------------------------------------------------------------------------------------------
// Contract shared by the four corruptions.

struct WeatherCase {
  std::string name;
  CorruptFn fn;
};

class WeatherContract : public ::testing::TestWithParam<WeatherCase> {};

TEST_P(WeatherContract, DeterministicSameSizeBothTablesBothSizes) {
  const WeatherCase& c = GetParam();
  for (Table table : kTables) {
    for (int size : {32, 64}) {  // 64 px under the CIFAR table too: overlays must still fit
      const cv::Mat image = random_image(size, 7);
      bool seed_matters = false;
      for (int severity = 1; severity <= 5; ++severity) {
        Rng a(11), b(11), other(12);
        const cv::Mat out_a = c.fn(image, severity, a, Context{table});
        const cv::Mat out_b = c.fn(image, severity, b, Context{table});
        const cv::Mat out_other = c.fn(image, severity, other, Context{table});
        ASSERT_EQ(out_a.type(), CV_8UC3) << c.name;
        ASSERT_EQ(out_a.size(), image.size()) << c.name;
        EXPECT_TRUE(same_bytes(out_a, out_b)) << c.name << " severity " << severity;
        seed_matters = seed_matters || !same_bytes(out_a, out_other);
      }
      EXPECT_TRUE(seed_matters) << c.name << " ignores its seed at " << size << " px";
    }
  }
}

TEST_P(WeatherContract, RejectsSeverityOutOfRange) {
  Rng rng(1);
  EXPECT_THROW(GetParam().fn(flat(100, 32), 0, rng, Context{}), Error);
  EXPECT_THROW(GetParam().fn(flat(100, 32), 6, rng, Context{}), Error);
}

INSTANTIATE_TEST_SUITE_P(Weather, WeatherContract,
                         ::testing::Values(WeatherCase{"snow", snow}, WeatherCase{"frost", frost},
                                           WeatherCase{"fog", fog},
                                           WeatherCase{"spatter", spatter}),
                         [](const auto& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------
// fog

TEST(WeatherFog, PlasmaSpansExactlyZeroToOne) {
  for (int mapsize : {32, 64}) {
    for (double decay : {3.0, 1.75}) {
      Rng rng(5);
      const cv::Mat map = plasma_fractal(mapsize, decay, rng);
      ASSERT_EQ(map.size(), cv::Size(mapsize, mapsize));
      double low = 0, high = 0;
      cv::minMaxLoc(map, &low, &high);
      EXPECT_EQ(low, 0.0);
      EXPECT_EQ(high, 1.0);
    }
  }
}

TEST(WeatherFog, PlasmaWrapsAroundLikeATorus) {
  // With a huge decay only the first level's noise (amplitude 100^2) survives; every finer
  // point is then the plain mean of its neighbours, and those neighbours wrap around:
  // (3N/4, 3N/4) averages (N/2, N/2), (N/2, 0), (0, N/2), (0, 0) (its corners at N are 0).
  const int n = 32;
  Rng rng(3);
  const cv::Mat f = plasma_fractal(n, 1e12, rng);
  auto at = [&](int r, int c) { return f.at<double>(r % n, c % n); };
  EXPECT_NEAR(at(24, 24), (at(16, 16) + at(16, 0) + at(0, 16) + at(0, 0)) / 4, 1e-9);
  // Diamond (0, 8): centres (8, 8) and (-8 -> 24, 8), corners (0, 0) and (0, 16).
  EXPECT_NEAR(at(0, 8), (at(8, 8) + at(24, 8) + at(0, 0) + at(0, 16)) / 4, 1e-9);
  // Diamond (8, 0): centres (8, 8) and (8, -8 -> 24), corners (0, 0) and (16, 0).
  EXPECT_NEAR(at(8, 0), (at(8, 8) + at(8, 24) + at(0, 0) + at(16, 0)) / 4, 1e-9);
}

TEST(WeatherFog, FlatImageClosedForm) {
  // Flat v: x = v/255 = M everywhere, y = (M + t F) M / (M + t) with F spanning [0, 1], so
  // the output spans exactly [trunc(255 M^2/(M+t)), trunc(255 (M+t) M/(M+t))], in gray.
  for (int i = 0; i < 2; ++i) {
    for (int severity = 1; severity <= 5; ++severity) {
      const double t = kFogT[i][static_cast<size_t>(severity - 1)];
      const int v = 150;
      Rng rng(static_cast<uint64_t>(severity));
      const cv::Mat out = fog(flat(v, kSide[i]), severity, rng, Context{kTables[i]});
      const double m = to_unit(flat(v, 1)).at<cv::Vec3d>(0, 0)[0];  // the same x as fog's
      auto expected = [&](double f) {
        const double y = std::min(1.0, (m + t * f) * m / (m + t));
        return static_cast<int>(y * 255.0);
      };
      double low = 0, high = 0;
      cv::minMaxLoc(out.reshape(1), &low, &high);
      EXPECT_EQ(low, expected(0.0)) << "severity " << severity;
      EXPECT_EQ(high, expected(1.0)) << "severity " << severity;
      std::vector<cv::Mat> channels;
      cv::split(out, channels);
      EXPECT_EQ(cv::norm(channels[0], channels[1], cv::NORM_INF), 0);
      EXPECT_EQ(cv::norm(channels[1], channels[2], cv::NORM_INF), 0);
    }
  }
}

TEST(WeatherFog, BlackImageStaysBlack) {
  Rng rng(1);  // M = 0: the renormalization M / (M + t) removes all the fog
  EXPECT_EQ(cv::countNonZero(fog(flat(0, 32), 5, rng, Context{}).reshape(1)), 0);
}

// ---------------------------------------------------------------------------------------------
// snow

// The original's whitening in float32: blend x + (1 - blend) max(x, 1.5 gray + 0.5).
cv::Mat whitened(const cv::Mat& rgb, double blend) {
  cv::Mat x(rgb.size(), CV_32FC3);
  for (int r = 0; r < rgb.rows; ++r) {
    for (int c = 0; c < rgb.cols; ++c) {
      for (int k = 0; k < 3; ++k) {
        x.at<cv::Vec3f>(r, c)[k] = static_cast<float>(rgb.at<cv::Vec3b>(r, c)[k]) / 255.0f;
      }
    }
  }
  cv::Mat gray;
  cv::cvtColor(x, gray, cv::COLOR_RGB2GRAY);
  cv::Mat out(rgb.size(), CV_8UC3);
  for (int r = 0; r < rgb.rows; ++r) {
    for (int c = 0; c < rgb.cols; ++c) {
      const float lifted = gray.at<float>(r, c) * 1.5f + 0.5f;
      for (int k = 0; k < 3; ++k) {
        const float v = x.at<cv::Vec3f>(r, c)[k];
        const float w =
            static_cast<float>(blend) * v + static_cast<float>(1.0 - blend) * std::max(v, lifted);
        out.at<cv::Vec3b>(r, c)[k] = static_cast<uint8_t>(std::min(1.0, double{w}) * 255.0);
      }
    }
  }
  return out;
}

TEST(WeatherSnow, OnlyAddsFlakesToTheWhitenedImage) {
  for (int i = 0; i < 2; ++i) {
    const cv::Mat image = random_image(kSide[i], 21);
    int flake_pixels = 0;
    for (int severity = 1; severity <= 5; ++severity) {
      const cv::Mat base = whitened(image, kSnowBlend[i][static_cast<size_t>(severity - 1)]);
      Rng rng(static_cast<uint64_t>(severity));
      const cv::Mat out = snow(image, severity, rng, Context{kTables[i]});
      cv::Mat below;
      cv::compare(out, base, below, cv::CMP_LT);
      EXPECT_EQ(cv::countNonZero(below.reshape(1)), 0) << "severity " << severity;
      cv::Mat brighter;
      cv::compare(out, base + cv::Scalar::all(10), brighter, cv::CMP_GT);
      flake_pixels += cv::countNonZero(brighter.reshape(1));
    }
    EXPECT_GT(flake_pixels, 0) << "no flakes at all";
  }
}

TEST(WeatherSnow, BlackImageFloorIsTheBlend) {
  // Black: whitened = (1 - blend) * 0.5 everywhere; severity 1 leaves most pixels flake-free.
  for (int i = 0; i < 2; ++i) {
    Rng rng(4);
    const cv::Mat out = snow(flat(0, kSide[i]), 1, rng, Context{kTables[i]});
    const float keep = static_cast<float>(1.0 - kSnowBlend[i][0]);
    double low = 0;
    cv::minMaxLoc(out.reshape(1), &low);
    EXPECT_EQ(low, static_cast<int>(double{keep * 0.5f} * 255.0));  // 6 (CIFAR), 25 (Tiny)
  }
}

// ---------------------------------------------------------------------------------------------
// spatter

TEST(WeatherSpatter, QuantizationWrapsModulo256LikeTheOriginal) {
  EXPECT_EQ(spatter_quantize(0.0), 0);
  EXPECT_EQ(spatter_quantize(0.5), 127);  // 127.5 truncated
  EXPECT_EQ(spatter_quantize(1.0), 255);
  EXPECT_EQ(spatter_quantize(256.2 / 255.0), 0);  // wraps, no saturation
  EXPECT_EQ(spatter_quantize(300.0 / 255.0), 44);
}

TEST(WeatherSpatter, WaterOnlyAddsPaleTurquoise) {
  // Mode 0: y = x + m (175, 238, 238)/255 with m >= 0: never darker, G and B rise alike and R
  // by 175/238 of that. Inputs stay <= 100 so nothing clips.
  for (int i = 0; i < 2; ++i) {
    int changed = 0;
    for (int severity = 1; severity <= 3; ++severity) {
      for (uint64_t seed = 0; seed < 4; ++seed) {
        const cv::Mat image = random_image(kSide[i], 40 + seed, 0, 101);
        Rng rng(seed);
        const cv::Mat out = spatter(image, severity, rng, Context{kTables[i]});
        for (int r = 0; r < image.rows; ++r) {
          for (int c = 0; c < image.cols; ++c) {
            const cv::Vec3b x = image.at<cv::Vec3b>(r, c), y = out.at<cv::Vec3b>(r, c);
            const int dr = y[0] - x[0], dg = y[1] - x[1], db = y[2] - x[2];
            ASSERT_GE(std::min({dr, dg, db}), 0);
            EXPECT_LE(std::abs(dg - db), 1);
            EXPECT_NEAR(dr, dg * 175.0 / 238.0, 1.5);
            EXPECT_LE(dg, 0.6 * 238 + 1);  // intensity <= 0.6
            changed += dg > 0;
          }
        }
      }
    }
    EXPECT_GT(changed, 0);
  }
}

TEST(WeatherSpatter, MudPixelsAreUnchangedOrPulledTowardBrown) {
  // Mode 1: y = x (1 - m) + m brown with m = 0 or m in [0.8, 1].
  const int brown[3] = {63, 42, 20};
  for (int i = 0; i < 2; ++i) {
    int muddy = 0, clean = 0;
    for (int severity = 4; severity <= 5; ++severity) {
      for (uint64_t seed = 0; seed < 4; ++seed) {
        const cv::Mat image = random_image(kSide[i], 50 + seed);
        Rng rng(seed);
        const cv::Mat out = spatter(image, severity, rng, Context{kTables[i]});
        for (int r = 0; r < image.rows; ++r) {
          for (int c = 0; c < image.cols; ++c) {
            const cv::Vec3b x = image.at<cv::Vec3b>(r, c), y = out.at<cv::Vec3b>(r, c);
            if (x == y) {
              ++clean;
              continue;
            }
            ++muddy;
            for (int ch = 0; ch < 3; ++ch) {
              EXPECT_LE(std::abs(y[ch] - brown[ch]), 0.2 * std::abs(x[ch] - brown[ch]) + 1)
                  << "pixel " << r << "," << c;
            }
          }
        }
      }
    }
    EXPECT_GT(muddy, 0);
    EXPECT_GT(clean, muddy);
  }
}

}  // namespace
}  // namespace dign::corrupt
