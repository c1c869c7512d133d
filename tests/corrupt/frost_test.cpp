// The frost corruption with photographs (frost.cpp) and its procedural overlay
// (frost_texture.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "corrupt/weather/frost_texture.h"
#include "corrupt/weather/weather.h"
#include "weather_test_util.h"

namespace dign::corrupt {
namespace {

namespace fs = std::filesystem;
using namespace weather_test;

// (image weight, frost weight) of corruptions.md section 1, restated.
constexpr std::array<std::array<double, 2>, 5> kFrostAB[2] = {
    {{{1, 0.2}, {1, 0.3}, {0.9, 0.4}, {0.85, 0.4}, {0.75, 0.45}}},
    {{{1, 0.3}, {0.9, 0.4}, {0.8, 0.45}, {0.75, 0.5}, {0.7, 0.55}}}};

// Five stand-in "photographs" of the original sizes with random pixels, so every crop is unique.
std::vector<cv::Mat> fake_photographs() {
  const int sizes[5][2] = {{600, 900}, {315, 560}, {315, 560}, {350, 527}, {495, 660}};
  std::vector<cv::Mat> photos;
  for (int k = 0; k < 5; ++k) {
    cv::Mat photo(sizes[k][0], sizes[k][1], CV_8UC3);
    cv::randu(photo, 0, 256);
    photos.push_back(photo);
  }
  return photos;
}

TEST(WeatherFrost, PhotographsAreCroppedInRangeAndBlendedInClosedForm) {
  cv::theRNG().state = 12345;
  const std::vector<cv::Mat> photos = fake_photographs();
  // The resized overlays (cv2.resize, bilinear): CIFAR 120x180, 63x112, 63x112, 70x105, 99x132.
  const int expected_rows[2][5] = {{120, 63, 63, 70, 99}, {180, 94, 94, 105, 148}};
  for (int i = 0; i < 2; ++i) {
    const int s = kSide[i];
    const double scale = frost_scale(kTables[i]);
    std::vector<cv::Mat> resized(5);
    for (int k = 0; k < 5; ++k) {
      cv::resize(photos[static_cast<size_t>(k)], resized[static_cast<size_t>(k)], cv::Size(), scale,
                 scale, cv::INTER_LINEAR);
      ASSERT_EQ(resized[static_cast<size_t>(k)].rows, expected_rows[i][k]);
    }
    std::array<int, 5> seen{};
    const int v = 100;
    for (uint64_t seed = 0; seed < 40; ++seed) {
      const int severity = static_cast<int>(seed % 5) + 1;
      const auto [a, b] = kFrostAB[i][static_cast<size_t>(severity - 1)];
      Rng rng(seed);
      const Context context{kTables[i], &photos};
      const cv::Mat out = frost(flat(v, s), severity, rng, context);
      // Find the overlay and offset: out = trunc(clip(a v + b crop, 0, 255)).
      bool found = false;
      for (int k = 0; k < 5 && !found; ++k) {
        const cv::Mat& f = resized[static_cast<size_t>(k)];
        for (int top = 0; top + s <= f.rows && !found; ++top) {
          for (int left = 0; left + s <= f.cols && !found; ++left) {
            bool match = true;
            for (int r = 0; r < s && match; ++r) {
              for (int c = 0; c < s && match; ++c) {
                for (int ch = 0; ch < 3 && match; ++ch) {
                  const double y =
                      std::min(255.0, a * v + b * f.at<cv::Vec3b>(top + r, left + c)[ch]);
                  match = out.at<cv::Vec3b>(r, c)[ch] == static_cast<int>(y);
                }
              }
            }
            if (!match) continue;
            found = true;
            ++seen[static_cast<size_t>(k)];
            // randint(0, H_f - S): the last row/column offset is never drawn.
            EXPECT_LT(top, f.rows - s);
            EXPECT_LT(left, f.cols - s);
          }
        }
      }
      EXPECT_TRUE(found) << "seed " << seed << ": output is no blend of any crop";
    }
    // frost2 and frost3 have identical pixels in the original, not here: all five are drawn.
    for (int k = 0; k < 5; ++k) EXPECT_GT(seen[static_cast<size_t>(k)], 0) << "frost" << k + 1;
  }
}

TEST(WeatherFrost, LoaderReadsTheFiveOriginalPhotographs) {
  const fs::path dir = reference_frost_dir();
  if (!fs::exists(dir / "frost1.png")) GTEST_SKIP() << "no reference photographs at " << dir;
  const std::vector<cv::Mat> photos = load_frost_images(dir.string());
  ASSERT_EQ(photos.size(), 5u);
  const int sizes[5][2] = {{600, 900}, {315, 560}, {315, 560}, {350, 527}, {495, 660}};
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(photos[k].type(), CV_8UC3);
    EXPECT_EQ(photos[k].size(), cv::Size(sizes[k][1], sizes[k][0])) << "frost" << k + 1;
  }
  EXPECT_EQ(cv::norm(photos[1], photos[2], cv::NORM_INF), 0);  // frost2 == frost3
  const cv::Scalar mean = cv::mean(photos[0]);
  EXPECT_GT(mean[2], mean[0] + 50);  // RGB order: frost1 is turquoise (B ~166, R ~78)
}

TEST(WeatherFrost, LoaderNamesTheMissingFile) {
  const fs::path dir = fs::temp_directory_path() / "dign_weather_frost_missing";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const cv::Mat tile(8, 8, CV_8UC3, cv::Scalar(200, 200, 220));
  for (const char* name : {"frost1.png", "frost2.png", "frost3.png", "frost4.jpg"}) {
    ASSERT_TRUE(cv::imwrite((dir / name).string(), tile));
  }
  auto message = [&] {
    try {
      load_frost_images(dir.string());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message().find("missing " + (dir / "frost5.jpg").string()), std::string::npos)
      << message();
  {  // present but not an image
    std::FILE* junk = std::fopen((dir / "frost5.jpg").string().c_str(), "w");
    ASSERT_NE(junk, nullptr);
    std::fputs("not a jpeg", junk);
    std::fclose(junk);
  }
  EXPECT_NE(message().find("cannot decode " + (dir / "frost5.jpg").string()), std::string::npos)
      << message();
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// procedural frost

struct TextureStats {
  std::array<double, 3> mean{}, stddev{};
  double crop = 0, grad = 0, fine = 0;  // relative to the gray std
};

// The statistics frost_texture.cpp documents: per-channel mean/std; mean std of SxS crops
// (stride 4), mean |3x1 Sobel gradient| and std of gray - Gaussian(1 px), over the gray std.
TextureStats measure(const cv::Mat& rgb, int s) {
  TextureStats st;
  cv::Scalar mean, stddev;
  cv::meanStdDev(rgb, mean, stddev);
  for (int c = 0; c < 3; ++c) {
    st.mean[static_cast<size_t>(c)] = mean[c];
    st.stddev[static_cast<size_t>(c)] = stddev[c];
  }
  cv::Mat gray;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  gray.convertTo(gray, CV_64F);
  cv::Scalar gm, gs;
  cv::meanStdDev(gray, gm, gs);
  double crop = 0;
  int crops = 0;
  for (int y = 0; y + s <= gray.rows; y += 4) {
    for (int x = 0; x + s <= gray.cols; x += 4) {
      cv::Scalar m, d;
      cv::meanStdDev(gray(cv::Rect(x, y, s, s)), m, d);
      crop += d[0];
      ++crops;
    }
  }
  cv::Mat gx, gy, magnitude, blurred;
  cv::Sobel(gray, gx, CV_64F, 1, 0, 1);
  cv::Sobel(gray, gy, CV_64F, 0, 1, 1);
  cv::magnitude(gx, gy, magnitude);
  cv::GaussianBlur(gray, blurred, cv::Size(0, 0), 1.0);
  cv::Scalar fm, fs;
  cv::meanStdDev(gray - blurred, fm, fs);
  st.crop = crop / crops / gs[0];
  st.grad = cv::mean(magnitude)[0] / gs[0];
  st.fine = fs[0] / gs[0];
  return st;
}

// The photographs' numbers as documented in frost_texture.cpp (frost1, frost2/3, frost4, frost5).
struct Documented {
  int index;
  TextureStats cifar, tiny;
};
const Documented kDocumented[4] = {
    {0,
     {{77.5, 149.0, 165.7}, {26.8, 16.4, 15.3}, 0.79, 0.99, 0.49},
     {{77.6, 149.0, 165.7}, {25.4, 15.6, 14.6}, 0.83, 0.84, 0.41}},
    {1,
     {{200.8, 205.4, 214.5}, {21.4, 22.1, 22.6}, 0.81, 1.12, 0.56},
     {{200.8, 205.4, 214.5}, {20.3, 21.0, 21.5}, 0.87, 0.99, 0.47}},
    {3,
     {{138.0, 153.2, 165.6}, {29.0, 29.0, 30.2}, 0.89, 1.22, 0.64},
     {{137.5, 152.6, 165.0}, {26.3, 26.4, 27.8}, 0.89, 1.10, 0.55}},
    {4,
     {{112.3, 123.3, 134.7}, {44.3, 43.2, 41.6}, 0.80, 1.18, 0.56},
     {{112.4, 123.4, 134.8}, {42.2, 41.0, 39.3}, 0.79, 1.03, 0.47}},
};

void expect_close(const TextureStats& got, const TextureStats& want, double mean_tol,
                  double ratio_tol, const std::string& what) {
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_NEAR(got.mean[c], want.mean[c], mean_tol) << what << " channel " << c;
    EXPECT_NEAR(got.stddev[c], want.stddev[c], 0.05 * want.stddev[c] + mean_tol)
        << what << " channel " << c;
  }
  EXPECT_NEAR(got.crop, want.crop, ratio_tol) << what << " crop";
  EXPECT_NEAR(got.grad, want.grad, ratio_tol) << what << " gradient";
  EXPECT_NEAR(got.fine, want.fine, ratio_tol) << what << " fine detail";
}

TEST(WeatherFrostProcedural, DeterministicPerSeedWithThePhotographSizes) {
  const int sizes[2][5][2] = {{{120, 180}, {63, 112}, {63, 112}, {70, 105}, {99, 132}},
                              {{180, 270}, {94, 168}, {94, 168}, {105, 158}, {148, 198}}};
  for (int i = 0; i < 2; ++i) {
    for (int k = 0; k < 5; ++k) {
      Rng a(9), b(9), other(10);
      const cv::Mat ta = procedural_frost(k, kTables[i], a);
      const cv::Mat tb = procedural_frost(k, kTables[i], b);
      const cv::Mat tother = procedural_frost(k, kTables[i], other);
      EXPECT_EQ(ta.type(), CV_8UC3);
      EXPECT_EQ(ta.size(), cv::Size(sizes[i][k][1], sizes[i][k][0])) << "frost" << k + 1;
      EXPECT_TRUE(same_bytes(ta, tb));
      EXPECT_FALSE(same_bytes(ta, tother));
    }
  }
  Rng rng(1);
  EXPECT_THROW(procedural_frost(5, Table::kCifar, rng), Error);
}

TEST(WeatherFrostProcedural, MatchesTheDocumentedPhotographStatistics) {
  for (int i = 0; i < 2; ++i) {
    for (const Documented& d : kDocumented) {
      TextureStats avg;
      const int seeds = 3;
      for (int seed = 0; seed < seeds; ++seed) {
        Rng rng(static_cast<uint64_t>(100 + seed));
        const TextureStats st = measure(procedural_frost(d.index, kTables[i], rng), kSide[i]);
        for (size_t c = 0; c < 3; ++c) {
          avg.mean[c] += st.mean[c] / seeds;
          avg.stddev[c] += st.stddev[c] / seeds;
        }
        avg.crop += st.crop / seeds;
        avg.grad += st.grad / seeds;
        avg.fine += st.fine / seeds;
      }
      expect_close(avg, i == 0 ? d.cifar : d.tiny, 1.0, 0.12,
                   "frost" + std::to_string(d.index + 1) + (i == 0 ? " cifar" : " tiny"));
    }
  }
}

TEST(WeatherFrostProcedural, DocumentedStatisticsAreThePhotographs) {
  const fs::path dir = reference_frost_dir();
  if (!fs::exists(dir / "frost1.png")) GTEST_SKIP() << "no reference photographs at " << dir;
  const std::vector<cv::Mat> photos = load_frost_images(dir.string());
  for (int i = 0; i < 2; ++i) {
    const double scale = frost_scale(kTables[i]);
    for (const Documented& d : kDocumented) {
      cv::Mat resized;
      cv::resize(photos[static_cast<size_t>(d.index)], resized, cv::Size(), scale, scale,
                 cv::INTER_LINEAR);
      expect_close(measure(resized, kSide[i]), i == 0 ? d.cifar : d.tiny, 0.2, 0.01,
                   "photograph frost" + std::to_string(d.index + 1));
    }
  }
}

TEST(WeatherFrostProcedural, CropAndBlendAsWithPhotographs) {
  // Without photographs: index, then the same randint crops of one of five fixed procedural
  // overlays and the same blend.
  for (int i = 0; i < 2; ++i) {
    const int s = kSide[i];
    for (int severity = 1; severity <= 5; ++severity) {
      const auto [a, b] = kFrostAB[i][static_cast<size_t>(severity - 1)];
      const cv::Mat image = random_image(s, 31);
      Rng rng(static_cast<uint64_t>(severity)), replay(static_cast<uint64_t>(severity));
      const cv::Mat out = frost(image, severity, rng, Context{kTables[i]});
      const int index = static_cast<int>(replay.integer(0, 5));
      Rng fixed(procedural_overlay_seed(index, kTables[i]));
      const cv::Mat texture = procedural_frost(index, kTables[i], fixed);
      const int top = static_cast<int>(replay.integer(0, texture.rows - s));
      const int left = static_cast<int>(replay.integer(0, texture.cols - s));
      for (int r = 0; r < s; ++r) {
        for (int c = 0; c < s; ++c) {
          for (int ch = 0; ch < 3; ++ch) {
            const double y = std::min(255.0, a * image.at<cv::Vec3b>(r, c)[ch] +
                                                 b * texture.at<cv::Vec3b>(top + r, left + c)[ch]);
            ASSERT_EQ(out.at<cv::Vec3b>(r, c)[ch], static_cast<int>(y)) << r << "," << c;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace dign::corrupt
