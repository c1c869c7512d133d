// The 224 px table (make_imagenet_c.py; corruptions-imagenet-c.md): the size that selects it, its
// defaults, and known answers where a corruption has a closed form at 224 px. The oracle test
// (corrupt_oracle) compares every corruption with an independent implementation.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "corrupt/blur.h"
#include "corrupt/blur_detail.h"
#include "corrupt/common.h"
#include "corrupt/digital.h"
#include "corrupt/filters.h"
#include "corrupt/generated_set.h"
#include "corrupt/noise.h"
#include "corrupt/registry.h"
#include "corrupt/weather/weather.h"
#include "corrupt_test_util.h"
#include "test_util.h"

namespace dign::corrupt {
namespace {

using test_util::flat;
using test_util::random_image;
using testing::contains;
using testing::error_of;

const Context kNet{Table::kImageNet};

TEST(ImageNetTable, SelectedBy224AndNamedInTheSizeError) {
  EXPECT_EQ(table_for_size(224, 224), Table::kImageNet);
  EXPECT_EQ(table_side(Table::kImageNet), 224);
  EXPECT_STREQ(table_name(Table::kImageNet), "imagenet");
  for (const auto& size : {std::pair<int64_t, int64_t>{100, 100}, {224, 256}, {256, 256}}) {
    // (Not a structured binding: C++17 lambdas cannot capture one, and clang refuses.)
    const std::string message = error_of([&] { table_for_size(size.first, size.second); });
    for (const char* part : {"32x32", "64x64", "224x224", "--resize 256 --image-size 224"}) {
      EXPECT_TRUE(contains(message, part)) << message;
    }
  }
}

TEST(ImageNetTable, DefaultsAreTheBenchmarkAndTheWritersJpegSave) {
  const GenerateOptions o = resolved(GenerateOptions{}, Table::kImageNet);
  EXPECT_EQ(o.corruptions, corruption_names(Table::kTiny));
  EXPECT_EQ(o.corruptions.size(), 15u);
  EXPECT_EQ(o.final_jpeg_quality, 85);  // make_imagenet_c.py saved every image as JPEG q85
  data::ImageSet one;
  one.height = one.width = 224;
  one.pixels.assign(224 * 224 * 3, 90);
  one.labels = {0};
  one.class_names = {"n01440764"};
  const nlohmann::json described = generate_corrupted(one, GenerateOptions{})->describe();
  EXPECT_EQ(described["table"], "imagenet");
  EXPECT_TRUE(contains(described["mce_note"].get<std::string>(), "1000-class")) << described;
}

TEST(ImageNetTable, ZoomFactorsFollowNumpyArangeWithTheTablesSteps) {
  struct Case {
    double end, step;
    size_t count;
    double last;
  };
  // ceil((end - 1) / step): 11.000000000000009 -> 12, 15.99999999999999 -> 16, 10.5 -> 11,
  // 13.0 -> 13 (1.26 itself excluded), 10.33 -> 11; divisors n + 1 = 13, 17, 12, 14, 12.
  const Case cases[] = {{1.11, 0.01, 12, 1.11},
                        {1.16, 0.01, 16, 1.15},
                        {1.21, 0.02, 11, 1.20},
                        {1.26, 0.02, 13, 1.24},
                        {1.31, 0.03, 11, 1.30}};
  for (const Case& c : cases) {
    const auto f = detail::zoom_factors(c.end, c.step);
    ASSERT_EQ(f.size(), c.count) << c.end;
    EXPECT_EQ(f[0], 1.0);
    EXPECT_NEAR(f.back(), c.last, 1e-12) << c.end;
  }
}

TEST(ImageNetTable, ClippedZoomKeepsTheTopLeftOfTheCentralCrop) {
  // Snow's zooms at 224 px (corruptions-imagenet-c.md 2): crop side (top) -> zoomed size:
  // 3: 75 (74) -> 225; 2: 112 (56) -> 224; 4: 56 (84) -> 224; 4.5: 50 (87) -> 225;
  // 2.5: 90 (67) -> 225. Output row o samples crop row o (side - 1) / (zoomed - 1).
  struct Case {
    double zoom;
    int side, top, zoomed;
  };
  const Case cases[] = {{3, 75, 74, 225},
                        {2, 112, 56, 224},
                        {4, 56, 84, 224},
                        {4.5, 50, 87, 225},
                        {2.5, 90, 67, 225}};
  cv::Mat rows(224, 224, CV_64FC1);
  for (int r = 0; r < 224; ++r) rows.row(r).setTo(r);
  for (const Case& c : cases) {
    const cv::Mat z = clipped_zoom(rows, c.zoom);
    for (int o : {0, 1, 100, 223}) {
      const double expected = c.top + o * (c.side - 1.0) / (c.zoomed - 1.0);
      EXPECT_NEAR(z.at<double>(o, 17), expected, 1e-9) << "zoom " << c.zoom << " row " << o;
    }
  }
}

TEST(ImageNetTable, DefocusKernelsAreNotRenormalizedAfterAntiAliasing) {
  const double radii[5] = {3, 4, 6, 8, 10}, alias[5] = {0.1, 0.5, 0.5, 0.5, 0.5};
  const int disk_pixels[5] = {29, 49, 113, 197, 317};
  // Sums (derived in the sheet): 1 for r 3, 4, 6; the disk touches the grid's edge at r 8 and 10.
  const double sums[5] = {1.0, 1.0, 1.0, 1.0130, 1.0108};
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(cv::countNonZero(detail::defocus_disk(radii[k])), disk_pixels[k]) << radii[k];
    const cv::Mat kernel = detail::defocus_kernel(radii[k], alias[k]);
    EXPECT_EQ(kernel.rows, radii[k] > 8 ? 21 : 17);
    EXPECT_NEAR(cv::sum(kernel)[0], sums[k], 5e-4) << radii[k];
  }
  // So severities 4 and 5 brighten a flat image by about 1%: 100 -> 101, 200 -> 202.
  for (int v : {100, 200}) {
    for (int s : {4, 5}) {
      Rng rng(0);
      const cv::Mat out = defocus_blur(flat(v, 224), s, rng, kNet);
      const double sum = cv::sum(detail::defocus_kernel(radii[s - 1], 0.5))[0];
      EXPECT_EQ(out.at<cv::Vec3b>(112, 112)[1], static_cast<int>(v * sum)) << v << " s" << s;
      EXPECT_EQ(out.at<cv::Vec3b>(0, 0), out.at<cv::Vec3b>(112, 112)) << "reflect-101 border";
    }
  }
}

TEST(ImageNetTable, GlassShuffleNeverTargetsTheBorderOfWidthD) {
  for (int d = 1; d <= 4; ++d) {
    cv::Mat image = random_image(224, static_cast<uint64_t>(d));
    const cv::Mat before = image.clone();
    Rng rng(static_cast<uint64_t>(d));
    detail::glass_shuffle(image, d, rng);
    // Rows and columns <= d or > 224 - d keep their pixels; the rest has moved.
    const cv::Rect inner(d + 1, d + 1, 224 - 2 * d, 224 - 2 * d);  // targets d+1 .. 224-d
    cv::Mat outside = cv::Mat::ones(224, 224, CV_8UC1);
    outside(inner).setTo(0);
    const cv::Mat moved = image != before;
    cv::Mat changed;
    cv::reduce(moved.reshape(1, 224 * 224), changed, 1, cv::REDUCE_MAX);
    changed = changed.reshape(1, 224);
    EXPECT_EQ(cv::countNonZero(changed & outside), 0) << "d " << d;
    EXPECT_GT(cv::countNonZero(changed(inner)), inner.area() / 2) << "d " << d;
  }
}

double spread(const cv::Mat& out, const cv::Mat& in) {
  cv::Mat diff;
  cv::subtract(out, in, diff, cv::noArray(), CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(diff.reshape(1), mean, stddev);
  return stddev[0];
}

TEST(ImageNetTable, NoiseFollowsItsSeverityParameters) {
  const cv::Mat gray = flat(128, 224);
  const double x = 128 / 255.0;
  const double gaussian[5] = {0.08, 0.12, 0.18, 0.26, 0.38};
  const double shot[5] = {60, 25, 12, 5, 3};
  const double impulse[5] = {0.03, 0.06, 0.09, 0.17, 0.27};
  const double speckle[5] = {0.15, 0.20, 0.35, 0.45, 0.60};
  const double elements = 224 * 224 * 3;
  for (int s = 1; s <= 5; ++s) {
    const auto i = static_cast<size_t>(s - 1);
    Rng a(1), b(2), c(3), d(4);
    if (s <= 3) {  // little clipping at x = 0.5: std(y - x) = 255 sigma
      EXPECT_NEAR(spread(gaussian_noise(gray, s, a, kNet), gray), 255 * gaussian[i],
                  0.03 * 255 * gaussian[i])
          << s;
      EXPECT_NEAR(spread(speckle_noise(gray, s, d, kNet), gray), 255 * x * speckle[i],
                  0.03 * 255 * x * speckle[i])
          << s;
    }
    if (s <= 2) {  // Poisson(c x) / c: std sqrt(x / c)
      EXPECT_NEAR(spread(shot_noise(gray, s, b, kNet), gray), 255 * std::sqrt(x / shot[i]),
                  0.03 * 255 * std::sqrt(x / shot[i]))
          << s;
    }
    // Every hit becomes 0 or 255, never 128: P(y != x) = amount, within 5 standard errors.
    const cv::Mat hit = impulse_noise(gray, s, c, kNet).reshape(1) != 128;
    const double share = cv::countNonZero(hit) / elements;
    EXPECT_NEAR(share, impulse[i], 5 * std::sqrt(impulse[i] * (1 - impulse[i]) / elements)) << s;
  }
}

TEST(ImageNetTable, DigitalClosedForms) {
  const cv::Mat image = random_image(224, 77);
  const Context tiny{Table::kTiny};
  for (int s = 1; s <= 5; ++s) {
    Rng r0(0), r1(0);
    // Brightness and contrast share the 64 px numbers; saturate too but for severity 5 (20).
    EXPECT_EQ(
        cv::norm(brightness(image, s, r0, kNet), brightness(image, s, r1, tiny), cv::NORM_INF), 0)
        << s;
    EXPECT_EQ(cv::norm(contrast(image, s, r0, kNet), contrast(image, s, r1, tiny), cv::NORM_INF), 0)
        << s;
    if (s < 5) {
      EXPECT_EQ(cv::norm(saturate(image, s, r0, kNet), saturate(image, s, r1, tiny), cv::NORM_INF),
                0)
          << s;
    }
    // jpeg_compression is a JPEG save at quality 25, 18, 15, 10, 7.
    const int quality[5] = {25, 18, 15, 10, 7};
    EXPECT_EQ(cv::norm(jpeg_compression(image, s, r0, kNet), jpeg_round_trip(image, quality[s - 1]),
                       cv::NORM_INF),
              0)
        << s;
  }
  // Saturate s5: S = clip01(S 20 + 0.2). (200, 196, 196): S = 0.02 -> 0.6, hue 0, so
  // G = B = 200 (1 - 0.6) = 80 (79 if the product lands below); the 64 px table's 30 gives 0.8.
  Rng rng(0);
  const cv::Mat pixel(1, 1, CV_8UC3, cv::Scalar(200, 196, 196));
  const cv::Vec3b y = saturate(pixel, 5, rng, kNet).at<cv::Vec3b>(0, 0);
  EXPECT_EQ(y[0], 200);
  EXPECT_NEAR(y[1], 79.5, 0.5);
  EXPECT_EQ(y[1], y[2]);
  // Pixelate s2 (112 px) and s5 (56 px) leave 2x2 and 4x4 blocks as they are (BOX both ways).
  for (auto [s, block] : {std::pair<int, int>{2, 2}, {5, 4}}) {
    cv::Mat small = random_image(224 / block, static_cast<uint64_t>(s)), blocks;
    cv::resize(small, blocks, cv::Size(224, 224), 0, 0, cv::INTER_NEAREST);
    Rng r(0);
    EXPECT_EQ(cv::norm(pixelate(blocks, s, r, kNet), blocks, cv::NORM_INF), 0) << s;
  }
}

TEST(ImageNetTable, FogAddsTheTopLeftOfA256Map) {
  const double params[5][2] = {{1.5, 2}, {2, 2}, {2.5, 1.7}, {2.5, 1.5}, {3, 1.4}};
  const int v = 60;
  for (int s = 1; s <= 5; ++s) {
    Rng rng(static_cast<uint64_t>(s)), replay(static_cast<uint64_t>(s));
    const cv::Mat out = fog(flat(v, 224), s, rng, kNet);
    const auto [t, decay] = params[s - 1];
    const cv::Mat map = plasma_fractal(256, decay, replay);  // 8 levels, normalized as a whole
    const double m = v / 255.0;
    for (int r = 0; r < 224; r += 7) {
      for (int c = 0; c < 224; c += 5) {
        const double y = std::min(std::max((m + t * map.at<double>(r, c)) * m / (m + t), 0.0), 1.0);
        ASSERT_EQ(out.at<cv::Vec3b>(r, c)[2], static_cast<int>(y * 255.0)) << r << "," << c;
      }
    }
  }
}

TEST(ImageNetTable, EveryCorruptionKeepsTheShapeAndRepeatsItsBytes) {
  const cv::Mat image = random_image(224, 12);
  for (const Corruption& c : corruption_catalog()) {
    for (int s : {1, 5}) {
      const cv::Mat a = corrupt_image(c, image, s, 3, 9, kNet);
      const cv::Mat b = corrupt_image(c, image, s, 3, 9, kNet);
      ASSERT_EQ(a.size(), image.size()) << c.name;
      EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0) << c.name << " s" << s;
    }
  }
}

}  // namespace
}  // namespace dign::corrupt
