#include "corrupt/digital.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "corrupt_test_util.h"

namespace dign::corrupt {
namespace {

constexpr std::array<double, 5> kContrast[2] = {{0.75, 0.5, 0.4, 0.3, 0.15},
                                                {0.4, 0.3, 0.2, 0.1, 0.05}};
constexpr std::array<int, 5> kPixelSizes[2] = {{30, 28, 27, 24, 20}, {57, 51, 44, 38, 32}};
using test_util::kTables;
using test_util::random_image;

// A smooth picture with some texture: gradients plus a disc, plus mild noise.
cv::Mat smooth_image(int size) {
  Rng rng(99);
  cv::Mat image(size, size, CV_8UC3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const bool disc =
          (x - size / 2) * (x - size / 3) + (y - size / 2) * (y - size / 2) < size * size / 10;
      const double n = rng.uniform(-12, 12);
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uint8_t>(200.0 * x / size + n),
                                            cv::saturate_cast<uint8_t>(disc ? 220 : 40 + n),
                                            cv::saturate_cast<uint8_t>(255.0 * y / size - n));
    }
  }
  return image;
}

cv::Vec3b pixel_after(CorruptFn fn, cv::Vec3b rgb, int severity, Table table = Table::kCifar) {
  Rng rng(0);
  const cv::Mat image(1, 1, CV_8UC3, cv::Scalar(rgb[0], rgb[1], rgb[2]));
  return fn(image, severity, rng, Context{table}).at<cv::Vec3b>(0, 0);
}

struct DigitalCase {
  std::string name;
  CorruptFn fn;
  Table table;
  bool random;  // only elastic_transform draws random numbers
};

class DigitalContract : public ::testing::TestWithParam<DigitalCase> {};

TEST_P(DigitalContract, SameSeedSameBytesAndTheRightShape) {
  const DigitalCase& c = GetParam();
  const int size = c.table == Table::kTiny ? 64 : 32;
  const cv::Mat image = random_image(size, 3);
  for (int severity = 1; severity <= 5; ++severity) {
    Rng a(21), b(21), other(22);
    const cv::Mat out_a = c.fn(image, severity, a, Context{c.table});
    const cv::Mat out_b = c.fn(image, severity, b, Context{c.table});
    const cv::Mat out_other = c.fn(image, severity, other, Context{c.table});
    ASSERT_EQ(out_a.type(), CV_8UC3);
    ASSERT_EQ(out_a.size(), image.size());
    EXPECT_EQ(cv::norm(out_a, out_b, cv::NORM_INF), 0) << "severity " << severity;
    EXPECT_GT(cv::norm(out_a, image, cv::NORM_L1), 0) << "severity " << severity;
    if (c.random) {
      EXPECT_GT(cv::norm(out_a, out_other, cv::NORM_L1), 0) << "severity " << severity;
    } else {
      EXPECT_EQ(cv::norm(out_a, out_other, cv::NORM_INF), 0) << "severity " << severity;
    }
  }
}

TEST_P(DigitalContract, SeverityOutsideOneToFiveIsAnError) {
  const DigitalCase& c = GetParam();
  const cv::Mat image = random_image(8, 1);
  Rng rng(1);
  EXPECT_THROW(c.fn(image, 0, rng, Context{c.table}), dign::Error);
  EXPECT_THROW(c.fn(image, 6, rng, Context{c.table}), dign::Error);
}

INSTANTIATE_TEST_SUITE_P(
    Digital, DigitalContract,
    ::testing::Values(DigitalCase{"brightness_cifar", brightness, Table::kCifar, false},
                      DigitalCase{"brightness_tiny", brightness, Table::kTiny, false},
                      DigitalCase{"contrast_cifar", contrast, Table::kCifar, false},
                      DigitalCase{"contrast_tiny", contrast, Table::kTiny, false},
                      DigitalCase{"elastic_cifar", elastic_transform, Table::kCifar, true},
                      DigitalCase{"elastic_tiny", elastic_transform, Table::kTiny, true},
                      DigitalCase{"pixelate_cifar", pixelate, Table::kCifar, false},
                      DigitalCase{"pixelate_tiny", pixelate, Table::kTiny, false},
                      DigitalCase{"jpeg_cifar", jpeg_compression, Table::kCifar, false},
                      DigitalCase{"jpeg_tiny", jpeg_compression, Table::kTiny, false},
                      DigitalCase{"saturate_cifar", saturate, Table::kCifar, false},
                      DigitalCase{"saturate_tiny", saturate, Table::kTiny, false}),
    [](const ::testing::TestParamInfo<DigitalCase>& info) { return info.param.name; });

TEST(DigitalContrast, EqualsTheClosedForm) {
  // y = uint8(clip01((x - mean) c + mean) * 255), mean per channel over the image.
  for (int t = 0; t < 2; ++t) {
    const cv::Mat image = random_image(t == 0 ? 32 : 64, 5);
    cv::Vec3d mean(0, 0, 0);
    for (auto it = image.begin<cv::Vec3b>(); it != image.end<cv::Vec3b>(); ++it) {
      for (int ch = 0; ch < 3; ++ch) mean[ch] += (*it)[ch] / 255.0;
    }
    mean /= static_cast<double>(image.total());
    for (int s = 1; s <= 5; ++s) {
      Rng rng(0);
      const cv::Mat out = contrast(image, s, rng, Context{kTables[t]});
      const double c = kContrast[t][s - 1];
      int mismatches = 0;
      for (int i = 0; i < image.rows; ++i) {
        for (int j = 0; j < image.cols; ++j) {
          for (int ch = 0; ch < 3; ++ch) {
            const double x = image.at<cv::Vec3b>(i, j)[ch] / 255.0;
            const double y = std::min(std::max((x - mean[ch]) * c + mean[ch], 0.0), 1.0);
            mismatches += out.at<cv::Vec3b>(i, j)[ch] != static_cast<uint8_t>(y * 255.0);
          }
        }
      }
      EXPECT_EQ(mismatches, 0) << "table " << t << " severity " << s;
    }
  }
}

TEST(DigitalContrast, HandComputedPair) {
  // Red 0 and 202: mean 101, c = 0.5 (CIFAR severity 2) -> 50.5 and 151.5 -> 50, 151.
  // Green 100 and 100: flat, unchanged. Blue 255 and 55: mean 155 -> 205, 105.
  cv::Mat image(1, 2, CV_8UC3);
  image.at<cv::Vec3b>(0, 0) = cv::Vec3b(0, 100, 255);
  image.at<cv::Vec3b>(0, 1) = cv::Vec3b(202, 100, 55);
  Rng rng(0);
  const cv::Mat out = contrast(image, 2, rng, Context{});
  EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(50, 100, 205));
  EXPECT_EQ(out.at<cv::Vec3b>(0, 1), cv::Vec3b(151, 100, 105));
}

TEST(DigitalBrightness, HandComputedPixels) {
  // Gray 100, CIFAR severity 5 (+0.3): V = 100/255 + 0.3 -> 176.5 -> 176, still gray.
  EXPECT_EQ(pixel_after(brightness, {100, 100, 100}, 5), cv::Vec3b(176, 176, 176));
  // (50, 100, 200), severity 2 (+0.1): hue and saturation kept, so RGB scales by V'/V:
  // V' = 200/255 + 0.1 = 0.88431 -> (0.25, 0.5, 1) * 225.5 = (56.4, 112.8, 225.5).
  EXPECT_EQ(pixel_after(brightness, {50, 100, 200}, 2), cv::Vec3b(56, 112, 225));
  // V saturates at 1: (200, 0, 0) + 0.3 -> pure red.
  EXPECT_EQ(pixel_after(brightness, {200, 0, 0}, 5), cv::Vec3b(255, 0, 0));
  // Tiny severity 5 (+0.5) lifts black to V = 0.5 -> 127.5 -> 127.
  EXPECT_EQ(pixel_after(brightness, {0, 0, 0}, 5, Table::kTiny), cv::Vec3b(127, 127, 127));
  EXPECT_EQ(pixel_after(brightness, {255, 255, 255}, 1), cv::Vec3b(255, 255, 255));
}

TEST(DigitalSaturate, GrayTurnsRedAtSeveritiesFourAndFive) {
  // Gray has H = 0 and S = 0; S <- S scale + offset, then (v, t, p) = (v, v(1-S), v(1-S)).
  const cv::Vec3b gray(128, 128, 128);
  for (int s = 1; s <= 3; ++s) EXPECT_EQ(pixel_after(saturate, gray, s), gray);
  EXPECT_EQ(pixel_after(saturate, gray, 4), cv::Vec3b(128, 115, 115));  // S = 0.1: 115.2
  EXPECT_EQ(pixel_after(saturate, gray, 5), cv::Vec3b(128, 102, 102));  // S = 0.2: 102.4
  EXPECT_EQ(pixel_after(saturate, gray, 4, Table::kTiny), cv::Vec3b(128, 115, 115));
  EXPECT_EQ(pixel_after(saturate, gray, 5, Table::kTiny), cv::Vec3b(128, 102, 102));
}

TEST(DigitalSaturate, ScalesSaturation) {
  // Pure red, S = 1: severity 1 (x0.3) -> (255, 178.5, 178.5); severity 2 (x0.1) -> 229.5.
  EXPECT_EQ(pixel_after(saturate, {255, 0, 0}, 1), cv::Vec3b(255, 178, 178));
  EXPECT_EQ(pixel_after(saturate, {255, 0, 0}, 2), cv::Vec3b(255, 229, 229));
  // Over-saturation clips S at 1: already saturated colours stay.
  EXPECT_EQ(pixel_after(saturate, {255, 0, 0}, 3), cv::Vec3b(255, 0, 0));
  EXPECT_EQ(pixel_after(saturate, {0, 255, 255}, 5, Table::kTiny), cv::Vec3b(0, 255, 255));
  // (100, 150, 200): V = 200, S = 0.5, severity 3 (x1.5) -> S = 0.75: min channel
  // 200 * 0.25 = 50, middle keeps its hue fraction f = 0.5: 200 (1 - 0.5 * 0.75) = 125.
  EXPECT_EQ(pixel_after(saturate, {100, 150, 200}, 3), cv::Vec3b(50, 125, 200));
}

// Pillow's BOX down to n px then BOX (= nearest) back up, which a 32-entry row shows.
TEST(DigitalPixelate, MatchesPillowOnARamp) {
  cv::Mat image(32, 32, CV_8UC3);
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 32; ++x) {
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(8 * x, (8 * x + 3 * y) % 256, 255 - 8 * x);
    }
  }
  // Expected rows from Pillow 9.4: Image.resize((n, n), BOX).resize((32, 32), BOX).
  // Not cv::INTER_AREA: Pillow weights each pixel whose centre is in the window fully.
  const std::vector<int> row30 = {0,   8,   16,  24,  32,  40,  48,  60,  60,  72,  80,
                                  88,  96,  104, 112, 120, 128, 136, 144, 152, 160, 168,
                                  176, 188, 188, 200, 208, 216, 224, 232, 240, 248};
  const std::vector<int> row20 = {4,   4,   16,  28,  28,  40,  52,  52,  68,  68,  80,
                                  92,  92,  104, 116, 116, 132, 132, 144, 156, 156, 168,
                                  180, 180, 196, 196, 208, 220, 220, 232, 244, 244};
  const std::vector<int> col5_green30 = {40,  43,  46,  49,  52,  55,  58,  63,  63,  67,  70,
                                         73,  76,  79,  82,  85,  88,  91,  94,  97,  100, 103,
                                         106, 111, 111, 115, 118, 121, 124, 127, 130, 133};
  Rng rng(0);
  const cv::Mat out1 = pixelate(image, 1, rng, Context{});
  const cv::Mat out5 = pixelate(image, 5, rng, Context{});
  for (int x = 0; x < 32; ++x) {
    EXPECT_EQ(out1.at<cv::Vec3b>(0, x)[0], row30[x]) << "x " << x;
    EXPECT_EQ(out5.at<cv::Vec3b>(0, x)[0], row20[x]) << "x " << x;
    EXPECT_EQ(out1.at<cv::Vec3b>(x, 5)[1], col5_green30[x]) << "y " << x;
  }
}

TEST(DigitalPixelate, BlockStructureHasTheTableSizes) {
  for (int t = 0; t < 2; ++t) {
    const int size = t == 0 ? 32 : 64;
    const cv::Mat image = random_image(size, 8);
    for (int s = 1; s <= 5; ++s) {
      const int n = kPixelSizes[t][s - 1];
      Rng rng(0);
      const cv::Mat out = pixelate(image, s, rng, Context{kTables[t]});
      // Upsampling picks small pixel floor((i + 0.5) n / size): equal blocks, n distinct.
      std::set<std::vector<uint8_t>> rows, cols;
      int off_block = 0;
      for (int i = 0; i < size; ++i) {
        rows.insert(std::vector<uint8_t>(out.ptr<uint8_t>(i), out.ptr<uint8_t>(i) + size * 3));
        cv::Mat col = out.col(i).clone();
        cols.insert(std::vector<uint8_t>(col.ptr<uint8_t>(), col.ptr<uint8_t>() + size * 3));
        for (int j = 0; j < size; ++j) {
          auto first = [&](int k) {
            int f = k;
            while (f > 0 &&
                   static_cast<int>((f - 0.5) * n / size) == static_cast<int>((k + 0.5) * n / size))
              --f;
            return f;
          };
          off_block += out.at<cv::Vec3b>(i, j) != out.at<cv::Vec3b>(first(i), first(j));
        }
      }
      EXPECT_EQ(rows.size(), static_cast<size_t>(n)) << "table " << t << " severity " << s;
      EXPECT_EQ(cols.size(), static_cast<size_t>(n)) << "table " << t << " severity " << s;
      EXPECT_EQ(off_block, 0) << "table " << t << " severity " << s;
    }
  }
}

TEST(DigitalJpeg, ErrorGrowsAsQualityFalls) {
  for (int t = 0; t < 2; ++t) {
    const cv::Mat image = smooth_image(t == 0 ? 32 : 64);
    std::vector<double> error;
    for (int s = 1; s <= 5; ++s) {
      Rng rng(0);
      const cv::Mat out = jpeg_compression(image, s, rng, Context{kTables[t]});
      error.push_back(cv::norm(out, image, cv::NORM_L1) / static_cast<double>(image.total() * 3));
    }
    EXPECT_GT(error[0], 0.5) << "table " << t;  // visibly lossy even at the best quality
    EXPECT_LT(error[0], error[2]) << "table " << t;
    EXPECT_LT(error[2], error[4]) << "table " << t;
  }
}

TEST(DigitalJpeg, KeepsChannelOrderAndFlatColour) {
  // A flat colour survives JPEG within a level or two, in the same RGB order.
  const cv::Mat image(32, 32, CV_8UC3, cv::Scalar(200, 40, 90));
  Rng rng(0);
  const cv::Mat out = jpeg_compression(image, 5, rng, Context{});
  EXPECT_LE(cv::norm(out, image, cv::NORM_INF), 2);
}

// Centroid of the bright pixels, (x, y).
cv::Point2d centroid(const cv::Mat& u8) {
  cv::Mat gray;
  cv::cvtColor(u8, gray, cv::COLOR_RGB2GRAY);
  const cv::Moments m = cv::moments(gray);
  return {m.m10 / m.m00, m.m01 / m.m00};
}

TEST(DigitalElastic, SeverityOneIsOnlyASmallAffineJitter) {
  // alpha = sigma = 0: no elastic field, only the affine whose 3 points move by U(-j, j),
  // j = 0.08 * 32 = 2.56 px. The centre lies on the triangle's edge (6,6)-(26,26), so it
  // moves by a convex combination of the point moves: at most 2.56 px per axis.
  cv::Mat image(32, 32, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::rectangle(image, cv::Rect(15, 15, 3, 3), cv::Scalar(255, 255, 255), cv::FILLED);
  const cv::Point2d before = centroid(image);
  double largest = 0;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Rng rng(seed);
    const cv::Mat out = elastic_transform(image, 1, rng, Context{});
    const cv::Point2d after = centroid(out);
    EXPECT_LE(std::abs(after.x - before.x), 2.56 + 0.1) << "seed " << seed;
    EXPECT_LE(std::abs(after.y - before.y), 2.56 + 0.1) << "seed " << seed;
    largest = std::max({largest, std::abs(after.x - before.x), std::abs(after.y - before.y)});
  }
  EXPECT_GT(largest, 0.5);  // it does move
}

TEST(DigitalElastic, FlatImageStaysFlat) {
  // Interpolation weights sum to one everywhere, at every severity and in both tables.
  for (int t = 0; t < 2; ++t) {
    const int size = t == 0 ? 32 : 64;
    const cv::Mat image(size, size, CV_8UC3, cv::Scalar(17, 128, 250));
    for (int s = 1; s <= 5; ++s) {
      Rng rng(s);
      const cv::Mat out = elastic_transform(image, s, rng, Context{kTables[t]});
      EXPECT_LE(cv::norm(out, image, cv::NORM_INF), 1) << "table " << t << " severity " << s;
    }
  }
}

// Largest second difference, along x and y, over the interior [8, 24)^2 of the red channel.
int largest_second_difference(const cv::Mat& u8) {
  int largest = 0;
  for (int y = 8; y < 24; ++y) {
    for (int x = 8; x < 24; ++x) {
      auto v = [&](int yy, int xx) { return static_cast<int>(u8.at<cv::Vec3b>(yy, xx)[0]); };
      largest = std::max({largest, std::abs(v(y, x - 1) - 2 * v(y, x) + v(y, x + 1)),
                          std::abs(v(y - 1, x) - 2 * v(y, x) + v(y + 1, x))});
    }
  }
  return largest;
}

TEST(DigitalElastic, OnlySeveritiesAboveOneBendARamp) {
  // An affine map keeps a linear ramp linear (second differences within truncation, <= 2);
  // severity 5's displacement field (alpha 3.2 px, sigma 0.96 px) bends it pixel by pixel (second
  // differences near 10).
  cv::Mat image(32, 32, CV_8UC3);
  for (int x = 0; x < 32; ++x) image.col(x).setTo(cv::Scalar::all(8 * x));
  for (uint64_t seed = 0; seed < 5; ++seed) {
    Rng rng1(seed), rng5(seed);
    EXPECT_LE(largest_second_difference(elastic_transform(image, 1, rng1, Context{})), 2);
    EXPECT_GT(largest_second_difference(elastic_transform(image, 5, rng5, Context{})), 5);
  }
}

}  // namespace
}  // namespace dign::corrupt
