#include "data/synthetic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace dign::data {
namespace {

constexpr double kPi = 3.14159265358979323846;

SyntheticOptions small_options(int64_t train_size = 60, int64_t test_size = 20) {
  SyntheticOptions options;
  options.train_size = train_size;
  options.test_size = test_size;
  return options;
}

std::vector<uint8_t> image_bytes(const ImageSet& set, int64_t i) {
  return std::vector<uint8_t>(set.image(i), set.image(i) + set.image_bytes());
}

// ---- Hand-made features for the distinguishability check: they know nothing
// of the generator's parameters, only what its pictures should show.

// Fine-texture evidence per pixel: absolute second differences of the grey
// image along rows (vertical) and along columns (horizontal). Period-2/3
// stripes make one of the two large; smooth background makes both small.
struct SecondDifferences {
  int64_t size = 0;
  std::vector<double> vertical, horizontal;
};

SecondDifferences second_differences(const ImageSet& set, int64_t i) {
  const int64_t n = set.height;
  std::vector<double> grey(static_cast<size_t>(n * n));
  const uint8_t* image = set.image(i);
  for (int64_t p = 0; p < n * n; ++p) {
    grey[p] = (image[3 * p] + image[3 * p + 1] + image[3 * p + 2]) / 3.0;
  }
  SecondDifferences d;
  d.size = n;
  d.vertical.assign(grey.size(), 0.0);
  d.horizontal.assign(grey.size(), 0.0);
  for (int64_t y = 1; y + 1 < n; ++y) {
    for (int64_t x = 1; x + 1 < n; ++x) {
      const int64_t p = y * n + x;
      d.vertical[p] = std::abs(2 * grey[p] - grey[p - n] - grey[p + n]);
      d.horizontal[p] = std::abs(2 * grey[p] - grey[p - 1] - grey[p + 1]);
    }
  }
  return d;
}

// Features: stripe orientation, then a scale- and position-invariant radial
// fill profile and the elongation of the textured region (the shape).
std::vector<double> features(const ImageSet& set, int64_t i) {
  const SecondDifferences d = second_differences(set, i);
  const int64_t n = d.size;
  double sum_v = 0, sum_h = 0;
  std::vector<double> energy(d.vertical.size());
  for (size_t p = 0; p < energy.size(); ++p) {
    sum_v += d.vertical[p];
    sum_h += d.horizontal[p];
    energy[p] = d.vertical[p] + d.horizontal[p];
  }
  std::vector<double> sorted = energy;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() * 9 / 10, sorted.end());
  const double threshold = std::max(8.0, 0.4 * sorted[sorted.size() * 9 / 10]);
  // Textured pixels with textured neighbours: thin lines drop out.
  std::vector<int> mask(energy.size(), 0);
  for (int64_t y = 1; y + 1 < n; ++y) {
    for (int64_t x = 1; x + 1 < n; ++x) {
      int count = 0;
      for (int64_t dy = -1; dy <= 1; ++dy) {
        for (int64_t dx = -1; dx <= 1; ++dx) {
          count += energy[(y + dy) * n + x + dx] > threshold;
        }
      }
      mask[y * n + x] = count >= 5;
    }
  }
  double area = 0, mx = 0, my = 0;
  for (int64_t p = 0; p < n * n; ++p) {
    if (mask[p]) {
      area += 1;
      mx += p % n;
      my += p / n;
    }
  }
  std::vector<double> out = {(sum_v - sum_h) / (sum_v + sum_h + 1e-9)};
  const std::array<double, 7> edges = {0.0, 0.15, 0.3, 0.45, 0.6, 0.8, 1.2};
  if (area < 4) {
    out.resize(1 + edges.size(), 0.0);
    return out;
  }
  mx /= area;
  my /= area;
  std::vector<double> bins(edges.size() - 1, 0.0);
  double sxx = 0, syy = 0, sxy = 0;
  for (int64_t p = 0; p < n * n; ++p) {
    if (!mask[p]) continue;
    const double dx = p % n - mx, dy = p / n - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
    const double r = std::sqrt(dx * dx + dy * dy) / std::sqrt(area);
    for (size_t b = 0; b + 1 < edges.size(); ++b) {
      if (r >= edges[b] && r < edges[b + 1]) bins[b] += 1;
    }
  }
  for (size_t b = 0; b < bins.size(); ++b) {
    const double annulus = kPi * (edges[b + 1] * edges[b + 1] - edges[b] * edges[b]) * area;
    out.push_back(bins[b] / annulus);
  }
  // Eigenvalue ratio of the second moments: ~1 for disc/ring/plus, small for the bar.
  const double trace = sxx + syy;
  const double root = std::sqrt((sxx - syy) * (sxx - syy) + 4 * sxy * sxy);
  out.push_back((trace - root) / (trace + root + 1e-9));
  return out;
}

TEST(Synthetic, MetadataAndShapes) {
  const Dataset data = make_synthetic(small_options());
  EXPECT_EQ(data.name, "synthetic");
  EXPECT_EQ(data.format, "synthetic");
  for (const ImageSet* set : {&data.train, &data.test}) {
    EXPECT_EQ(set->height, 32);
    EXPECT_EQ(set->width, 32);
    ASSERT_EQ(set->num_classes(), 10);
    EXPECT_EQ(std::set<std::string>(set->class_names.begin(), set->class_names.end()).size(), 10u);
    EXPECT_EQ(set->class_names[0], "disc/horizontal-stripes");
    EXPECT_EQ(set->class_names[9], "plus/vertical-stripes");
    EXPECT_EQ(set->pixels.size(), static_cast<size_t>(set->size() * 32 * 32 * 3));
  }
  EXPECT_EQ(data.train.size(), 60);
  EXPECT_EQ(data.test.size(), 20);
}

TEST(Synthetic, SameOptionsGiveIdenticalBytes) {
  const Dataset a = make_synthetic(small_options());
  const Dataset b = make_synthetic(small_options());
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_EQ(a.test.pixels, b.test.pixels);
  EXPECT_EQ(a.train.labels, b.train.labels);
}

TEST(Synthetic, DifferentSeedGivesDifferentImages) {
  SyntheticOptions other = small_options();
  other.seed = 1;
  const Dataset a = make_synthetic(small_options());
  const Dataset b = make_synthetic(other);
  EXPECT_EQ(a.train.labels, b.train.labels);
  for (int64_t i = 0; i < a.train.size(); ++i) {
    EXPECT_NE(image_bytes(a.train, i), image_bytes(b.train, i)) << "image " << i;
  }
}

TEST(Synthetic, ThreadCountDoesNotChangeBytes) {
  SyntheticOptions three = small_options(101, 37);
  three.threads = 3;
  const Dataset a = make_synthetic(small_options(101, 37));
  const Dataset b = make_synthetic(three);
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_EQ(a.test.pixels, b.test.pixels);
  three.threads = 500;  // more threads than images
  EXPECT_EQ(make_synthetic(three).test.pixels, a.test.pixels);
}

TEST(Synthetic, ImageDependsOnlyOnSeedSplitAndIndex) {
  // Image i is the same whatever the split sizes.
  const Dataset small = make_synthetic(small_options(20, 5));
  const Dataset large = make_synthetic(small_options(50, 30));
  for (int64_t i = 0; i < 20; ++i) {
    EXPECT_EQ(image_bytes(small.train, i), image_bytes(large.train, i)) << "train " << i;
  }
  for (int64_t i = 0; i < 5; ++i) {
    EXPECT_EQ(image_bytes(small.test, i), image_bytes(large.test, i)) << "test " << i;
  }
}

TEST(Synthetic, LabelsAreBalancedRoundRobin) {
  const Dataset data = make_synthetic(small_options(200, 37));
  std::vector<int> counts(10, 0);
  for (int64_t i = 0; i < data.train.size(); ++i) {
    EXPECT_EQ(data.train.labels[i], i % 10);
    ++counts[data.train.labels[i]];
  }
  EXPECT_EQ(counts, std::vector<int>(10, 20));
  for (int64_t i = 0; i < data.test.size(); ++i) {
    EXPECT_EQ(data.test.labels[i], i % 10);
  }
}

TEST(Synthetic, TrainAndTestImagesDiffer) {
  const Dataset data = make_synthetic(small_options(300, 300));
  std::set<std::vector<uint8_t>> train;
  for (int64_t i = 0; i < data.train.size(); ++i) {
    train.insert(image_bytes(data.train, i));
  }
  EXPECT_EQ(train.size(), 300u);  // no duplicates within the split either
  for (int64_t i = 0; i < data.test.size(); ++i) {
    EXPECT_EQ(train.count(image_bytes(data.test, i)), 0u) << "test image " << i;
  }
}

TEST(Synthetic, ImageSize64Works) {
  SyntheticOptions options = small_options(20, 10);
  options.image_size = 64;
  const Dataset data = make_synthetic(options);
  EXPECT_EQ(data.train.height, 64);
  EXPECT_EQ(data.test.width, 64);
  EXPECT_EQ(data.train.pixels.size(), static_cast<size_t>(20 * 64 * 64 * 3));
  // Content, not a constant: every image spans a wide range of values.
  for (int64_t i = 0; i < data.train.size(); ++i) {
    const auto bytes = image_bytes(data.train, i);
    const auto [lo, hi] = std::minmax_element(bytes.begin(), bytes.end());
    EXPECT_GT(*hi - *lo, 40) << "image " << i;
  }
}

void expect_error_naming(const SyntheticOptions& options, const std::string& field) {
  try {
    options.validate();
    ADD_FAILURE() << "no error for bad " << field;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(field), std::string::npos) << error.what();
  }
  EXPECT_THROW(make_synthetic(options), Error);
}

TEST(Synthetic, ValidateNamesTheField) {
  EXPECT_NO_THROW(SyntheticOptions().validate());
  SyntheticOptions options;
  options.train_size = 0;
  expect_error_naming(options, "train_size");
  options = SyntheticOptions();
  options.test_size = -3;
  expect_error_naming(options, "test_size");
  options = SyntheticOptions();
  options.image_size = 15;
  expect_error_naming(options, "image_size");
  options.image_size = 4096;
  expect_error_naming(options, "image_size");
  options = SyntheticOptions();
  options.threads = 0;
  expect_error_naming(options, "threads");
  options = SyntheticOptions();
  options.image_size = 16;  // the smallest allowed size works
  options.train_size = options.test_size = 1;
  EXPECT_EQ(make_synthetic(options).train.pixels.size(), 16u * 16u * 3u);
}

TEST(Synthetic, FewPixelsSaturate) {
  // Colours are kept inside [0, 1] before the mild noise; only that noise may
  // push a pixel to 0 or 255.
  const Dataset data = make_synthetic(small_options(500, 1));
  const auto saturated = std::count_if(data.train.pixels.begin(), data.train.pixels.end(),
                                       [](uint8_t v) { return v == 0 || v == 255; });
  EXPECT_LT(static_cast<double>(saturated) / data.train.pixels.size(), 0.02);
}

TEST(Synthetic, SameClassImagesVary) {
  // Nuisances (colours, position, background) make same-class images differ
  // everywhere: the per-pixel standard deviation across them is large.
  const Dataset data = make_synthetic(small_options(400, 1));
  for (int64_t label : {0, 7}) {
    std::vector<double> sum(data.train.image_bytes(), 0.0), sum2(sum.size(), 0.0);
    int count = 0;
    for (int64_t i = label; i < data.train.size(); i += 10, ++count) {
      for (size_t p = 0; p < sum.size(); ++p) {
        const double v = data.train.image(i)[p];
        sum[p] += v;
        sum2[p] += v * v;
      }
    }
    double mean_std = 0;
    for (size_t p = 0; p < sum.size(); ++p) {
      const double mean = sum[p] / count;
      mean_std += std::sqrt(std::max(0.0, sum2[p] / count - mean * mean));
    }
    mean_std /= sum.size();
    EXPECT_GT(mean_std, 45.0) << "class " << label;  // uniform colours: ~74
  }
}

TEST(Synthetic, ClassesAreDistinguishableBySimpleFeatures) {
  // Nearest class mean on standardized hand-made features, fitted on train and
  // scored on test: far above the 10% of chance, though far below what a CNN
  // reaches. The texture half of the label comes from second differences alone.
  const Dataset data = make_synthetic(small_options(2000, 1000));
  const auto train_features = [&] {
    std::vector<std::vector<double>> out;
    for (int64_t i = 0; i < data.train.size(); ++i) out.push_back(features(data.train, i));
    return out;
  }();
  const size_t dims = train_features[0].size();
  std::vector<double> mean(dims, 0.0), scale(dims, 0.0);
  for (const auto& f : train_features) {
    for (size_t k = 0; k < dims; ++k) mean[k] += f[k] / train_features.size();
  }
  for (const auto& f : train_features) {
    for (size_t k = 0; k < dims; ++k) scale[k] += (f[k] - mean[k]) * (f[k] - mean[k]);
  }
  for (double& s : scale) s = std::sqrt(s / train_features.size()) + 1e-9;
  std::vector<std::vector<double>> centroids(10, std::vector<double>(dims, 0.0));
  for (int64_t i = 0; i < data.train.size(); ++i) {
    for (size_t k = 0; k < dims; ++k) {
      // 200 images per class.
      centroids[data.train.labels[i]][k] += (train_features[i][k] - mean[k]) / scale[k] / 200.0;
    }
  }
  int correct = 0, texture_correct = 0;
  for (int64_t i = 0; i < data.test.size(); ++i) {
    const std::vector<double> f = features(data.test, i);
    int best = 0;
    double best_distance = 1e300;
    for (int c = 0; c < 10; ++c) {
      double distance = 0;
      for (size_t k = 0; k < dims; ++k) {
        const double z = (f[k] - mean[k]) / scale[k] - centroids[c][k];
        distance += z * z;
      }
      if (distance < best_distance) {
        best_distance = distance;
        best = c;
      }
    }
    correct += best == data.test.labels[i];
    // Horizontal stripes (even labels) vary along y: vertical differences win.
    texture_correct += (f[0] > 0) == (data.test.labels[i] % 2 == 0);
  }
  const double accuracy = correct / 1000.0;
  const double texture_accuracy = texture_correct / 1000.0;
  RecordProperty("ncm_accuracy", std::to_string(accuracy));
  RecordProperty("texture_accuracy", std::to_string(texture_accuracy));
  EXPECT_GT(texture_accuracy, 0.95);  // measured 0.996 at seed 0
  EXPECT_GT(accuracy, 0.50);          // measured 0.776 at seed 0
}

}  // namespace
}  // namespace dign::data
