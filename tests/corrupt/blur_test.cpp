#include "corrupt/blur.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <utility>
#include <vector>

#include "corrupt/blur_detail.h"
#include "corrupt/filters.h"
#include "corrupt_test_util.h"

namespace dign::corrupt {
namespace {

using BlurFn = cv::Mat (*)(const cv::Mat&, int, Rng&, const Context&);

const std::vector<std::pair<const char*, BlurFn>>& blur_functions() {
  static const std::vector<std::pair<const char*, BlurFn>> fns = {{"defocus_blur", defocus_blur},
                                                                  {"glass_blur", glass_blur},
                                                                  {"motion_blur", motion_blur},
                                                                  {"zoom_blur", zoom_blur},
                                                                  {"gaussian_blur", gaussian_blur}};
  return fns;
}

using test_util::random_image;

cv::Mat single_white_pixel(int size, int y, int x) {
  cv::Mat m = cv::Mat::zeros(size, size, CV_8UC3);
  m.at<cv::Vec3b>(y, x) = cv::Vec3b(255, 255, 255);
  return m;
}

TEST(BlurAll, SameSeedSameBytesRightTypeAndSizeForBothTablesAndSizes) {
  for (const auto& [name, fn] : blur_functions()) {
    for (Table table : {Table::kCifar, Table::kTiny}) {
      for (int size : {32, 64}) {
        const cv::Mat x = random_image(size, 7);
        for (int s = 1; s <= 5; ++s) {
          Rng a(99), b(99);
          const cv::Mat ya = fn(x, s, a, Context{table});
          const cv::Mat yb = fn(x, s, b, Context{table});
          ASSERT_EQ(ya.type(), CV_8UC3) << name;
          ASSERT_EQ(ya.size(), x.size()) << name;
          EXPECT_EQ(cv::norm(ya, yb, cv::NORM_INF), 0.0) << name << " severity " << s;
          EXPECT_GT(cv::norm(ya, x, cv::NORM_L1), 0.0) << name << " severity " << s;
        }
      }
    }
  }
}

TEST(BlurAll, RandomOnesDependOnTheSeed) {
  const cv::Mat x = random_image(32, 3);
  for (BlurFn fn : {glass_blur, motion_blur}) {
    Rng a(1), b(2);
    EXPECT_GT(cv::norm(fn(x, 3, a, Context{}), fn(x, 3, b, Context{}), cv::NORM_L1), 0.0);
  }
}

TEST(BlurGaussian, SingleWhitePixelKnownAnswer) {
  // CIFAR severity 5: sigma 1, half-width 4. floor(255 * wi * wj) with w0 = .39894,
  // w1 = .24197, w2 = .05399: (0,0) 40.58 -> 40, (0,1) 24.6 -> 24, (1,1) 14.9 -> 14,
  // (0,2) 5.49 -> 5, (0,3) 0.45 -> 0.
  Rng rng(0);
  const cv::Mat out = gaussian_blur(single_white_pixel(32, 16, 16), 5, rng, Context{});
  EXPECT_EQ(out.at<cv::Vec3b>(16, 16), cv::Vec3b::all(40));
  EXPECT_EQ(out.at<cv::Vec3b>(16, 17), cv::Vec3b::all(24));
  EXPECT_EQ(out.at<cv::Vec3b>(15, 16), cv::Vec3b::all(24));
  EXPECT_EQ(out.at<cv::Vec3b>(17, 17), cv::Vec3b::all(14));
  EXPECT_EQ(out.at<cv::Vec3b>(16, 18), cv::Vec3b::all(5));
  EXPECT_EQ(out.at<cv::Vec3b>(16, 19), cv::Vec3b::all(0));
}

TEST(BlurDefocus, DiskPixelCounts) {
  // X^2 + Y^2 <= r^2: CIFAR radii .3 .4 .5 1 1.5 -> 1 1 1 5 9; Tiny .5 1 1.5 2.5 3 -> 1 5 9 21 29.
  const std::vector<std::pair<double, int>> cases = {{0.3, 1}, {0.4, 1},  {0.5, 1}, {1, 5},
                                                     {1.5, 9}, {2.5, 21}, {3, 29}};
  for (const auto& [radius, count] : cases) {
    const cv::Mat disk = detail::defocus_disk(radius);
    ASSERT_EQ(disk.size(), cv::Size(17, 17));
    EXPECT_EQ(cv::countNonZero(disk), count) << radius;
    EXPECT_NEAR(cv::sum(disk)[0], 1.0, 1e-6) << radius;
  }
}

TEST(BlurDefocus, CifarSeverityOneKernelIsA3x3Gaussian) {
  // One disk pixel blurred by GaussianBlur(3x3, sigma 0.4): 1-D weights 1 : e^-3.125
  // normalized = .91922, .04039; centre .84497, edge .03713, corner .00163.
  const cv::Mat k = detail::defocus_kernel(0.3, 0.4);
  ASSERT_EQ(k.type(), CV_32FC1);
  EXPECT_NEAR(k.at<float>(8, 8), 0.84497, 2e-5);
  EXPECT_NEAR(k.at<float>(8, 9), 0.03713, 2e-5);
  EXPECT_NEAR(k.at<float>(7, 8), 0.03713, 2e-5);
  EXPECT_NEAR(k.at<float>(9, 9), 0.00163, 2e-5);
  EXPECT_EQ(k.at<float>(8, 10), 0.0f);
  EXPECT_EQ(cv::countNonZero(k), 9);
}

TEST(BlurDefocus, BorderIsReflect101) {
  // White pixel in the corner, CIFAR severity 1: REFLECT_101 does not repeat the edge pixel,
  // so out(0,0) = floor(255 * .84497) = 215 (BORDER_REFLECT would give ~235), out(0,1) =
  // floor(255 * .03713) = 9.
  Rng rng(0);
  const cv::Mat out = defocus_blur(single_white_pixel(32, 0, 0), 1, rng, Context{});
  EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b::all(215));
  EXPECT_EQ(out.at<cv::Vec3b>(0, 1), cv::Vec3b::all(9));
  EXPECT_EQ(out.at<cv::Vec3b>(1, 1), cv::Vec3b::all(0));  // 255 * .00163 = 0.42
}

TEST(BlurDefocus, TinySeverityFourIsTheHardDisk) {
  // r = 2.5 with alias sigma 0.01 (no anti-aliasing): 21 pixels of 1/21; 255/21 = 12.14 -> 12.
  Rng rng(0);
  const cv::Mat out = defocus_blur(single_white_pixel(64, 30, 30), 4, rng, Context{Table::kTiny});
  for (int dy = -4; dy <= 4; ++dy) {
    for (int dx = -4; dx <= 4; ++dx) {
      const int expected = dx * dx + dy * dy <= 6 ? 12 : 0;  // 6.25 -> integer points <= 6
      EXPECT_EQ(out.at<cv::Vec3b>(30 + dy, 30 + dx), cv::Vec3b::all(expected)) << dy << "," << dx;
    }
  }
}

TEST(BlurZoom, FactorCountsFollowNumpyArange) {
  // arange(1, end, .01) has ceil((end-1)/.01) values: 6.000000000000005 -> 7,
  // 11.000000000000009 -> 12, 15.999999999999991 -> 16, 20.999999999999996 -> 21, 26.0 -> 26.
  const std::vector<std::pair<double, size_t>> cases = {
      {1.06, 7}, {1.11, 12}, {1.16, 16}, {1.21, 21}, {1.26, 26}};
  for (const auto& [end, count] : cases) {
    const auto f = detail::zoom_factors(end);
    ASSERT_EQ(f.size(), count) << end;
    EXPECT_EQ(f[0], 1.0);
    EXPECT_NEAR(f.back(), 1.0 + 0.01 * static_cast<double>(count - 1), 1e-12) << end;
  }
}

TEST(BlurZoom, FlatStaysFlatAndSeverityGrowsTheChange) {
  for (int size : {32, 64}) {
    const cv::Mat flat(size, size, CV_8UC3, cv::Scalar(40, 128, 230));
    Rng rng(0);
    EXPECT_LE(cv::norm(zoom_blur(flat, 5, rng, Context{}), flat, cv::NORM_INF), 1.0);
  }
  const cv::Mat x = random_image(32, 11);
  double previous = 0.0;
  for (int s = 1; s <= 5; ++s) {
    Rng rng(0);
    const double change = cv::norm(zoom_blur(x, s, rng, Context{}), x, cv::NORM_L1);
    EXPECT_GT(change, previous) << "severity " << s;
    previous = change;
  }
}

// Pixel (r, c) carries r and c in R and G, and B = (32 r + c) % 256 runs through all 256
// values (including 33, 37, ... which a 1/255-scaling round trip would lower by 1).
cv::Mat coordinate_image(int size) {
  cv::Mat m(size, size, CV_8UC3);
  for (int r = 0; r < size; ++r) {
    for (int c = 0; c < size; ++c) {
      m.at<cv::Vec3b>(r, c) = cv::Vec3b(r, c, static_cast<uint8_t>((32 * r + c) % 256));
    }
  }
  return m;
}

TEST(BlurGlass, ShuffleMovesContentDownRightByAtMostOnePixel) {
  const cv::Mat x = coordinate_image(32);
  cv::Mat y = x.clone();
  Rng rng(5);
  detail::glass_shuffle(y, 1, rng);
  std::set<std::pair<int, int>> offsets;
  for (int h = 0; h < 32; ++h) {
    for (int w = 0; w < 32; ++w) {
      const cv::Vec3b v = y.at<cv::Vec3b>(h, w);
      const int dy = v[0] - h, dx = v[1] - w;
      ASSERT_EQ(v, x.at<cv::Vec3b>(v[0], v[1]));
      if (h <= 1 || w <= 1) {
        EXPECT_EQ(dy, 0) << h << "," << w;  // rows/cols 0..d are never targets
        EXPECT_EQ(dx, 0) << h << "," << w;
      } else {
        EXPECT_TRUE(dy == 0 || dy == -1) << h << "," << w;
        EXPECT_TRUE(dx == 0 || dx == -1) << h << "," << w;
        offsets.insert({dy, dx});
      }
    }
  }
  EXPECT_EQ(offsets.size(), 4u);  // 900 targets, each offset with probability 1/4
}

TEST(BlurGlass, ShuffleWithDeltaTwoKeepsRowsAndColsZeroToTwo) {
  const cv::Mat x = coordinate_image(64);
  cv::Mat y = x.clone();
  Rng rng(8);
  detail::glass_shuffle(y, 2, rng);
  EXPECT_EQ(cv::norm(y.rowRange(0, 3), x.rowRange(0, 3), cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(y.colRange(0, 3), x.colRange(0, 3), cv::NORM_INF), 0.0);
  EXPECT_GT(cv::norm(y, x, cv::NORM_L1), 0.0);
}

TEST(BlurGlass, CifarSeverityOneIsAPureExactShuffle) {
  // sigma 0.05 has half-width 0: both blurs and both uint8 round trips are identities, so
  // the output is one shuffle pass of the input, every byte kept exactly.
  const cv::Mat x = coordinate_image(32);
  Rng rng(21);
  const cv::Mat y = glass_blur(x, 1, rng, Context{});
  cv::Mat expected = x.clone();
  Rng same(21);
  detail::glass_shuffle(expected, 1, same);
  EXPECT_EQ(cv::norm(y, expected, cv::NORM_INF), 0.0);
}

TEST(BlurMotion, WhitePixelSmearsWithinFortyFiveDegreesOfMinusX) {
  // Samples go toward +x tilted by U(-45, 45) degrees, so light lands at x <= 16 with
  // |y - 16| <= 16 - x; at most 13 taps (width 13), at least the centre one.
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed);
    const cv::Mat out = motion_blur(single_white_pixel(32, 16, 16), 1, rng, Context{});
    int lit = 0;
    for (int y = 0; y < 32; ++y) {
      for (int x = 0; x < 32; ++x) {
        if (out.at<cv::Vec3b>(y, x)[0] == 0) continue;
        ++lit;
        EXPECT_LE(x, 16) << "seed " << seed;
        EXPECT_LE(std::abs(y - 16), 16 - x) << "seed " << seed;
      }
    }
    EXPECT_GE(lit, 3) << "seed " << seed;
    EXPECT_LE(lit, 13) << "seed " << seed;
    EXPECT_EQ(out.at<cv::Vec3b>(16, 16), cv::Vec3b::all(145));  // 255 * .5703
  }
}

}  // namespace
}  // namespace dign::corrupt
