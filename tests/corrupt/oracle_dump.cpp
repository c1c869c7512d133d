// Writes test images and what our corruptions make of them, as .npy files, for the oracle
// test (tests/corrupt/oracle/corruptions_oracle.py), which recomputes them with the Python
// libraries the original generator used and compares.
//
//   corrupt_oracle_dump --out DIR [--seed S]
//
// Files written (t = cifar (32x32, the CIFAR-10-C table) or tiny (64x64, Tiny-ImageNet-C)):
//   t_images.npy             u1 (N, S, S, 3)     the clean test images
//   t_<corruption>.npy       u1 (5, K, S, S, 3)  corrupt_image(images[k % N], severity, seed,
//                                                index k); K = N for the deterministic ones, a
//                                                multiple of N for the random ones
//   t_<corruption>_draws.npy f8 (5, K, D)        the standard draws of each output, for the
//                                                corruptions whose draws can be replayed
//   frost_photo_<i>.npy      u1 (H, W, 3)        synthetic stand-ins for frost1..frost5, at the
//                                                photographs' sizes, given as --frost-dir photos
//   t_frost_procedural.npy   u1 (5, K, S, S, 3)  frost with the built-in procedural texture
//   t_motion_params.npy      f8 (C, 3)           (radius, sigma, angle) for imagemagick_motion_blur
//   t_motion_filter.npy      u1 (C, N, S, S, 3)  ... applied to the images
//   t_snow_layers.npy        u1 (N, S, S)        synthetic one-channel flake layers
//   t_snow_params.npy        f8 (C, 3)           (radius, sigma, angle) for the layers
//   t_snow_filter.npy        u1 (C, N, S, S)     ... applied to the layers
//
// Replaying draws: the random source of an output is Rng(image_seed(seed, name, severity, k)),
// as corrupt_image seeds it. Rng::uniform(a, b) is u (b - a) + a with u the canonical uniform
// that Rng::uniform() returns from the same engine state, and Rng::normal(m, s) is z s + m with
// z what Rng::normal() returns, so a fresh Rng with the same seed yields the standard draws u and
// z, which the oracle maps to the published distributions with its own parameters. Only the
// order and kind of each corruption's draws are assumed here (replay_plan); if that order
// changes, the oracle's given-draws checks fail and replay_plan must follow.
#include <opencv2/imgproc.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "corrupt/filters.h"
#include "corrupt/registry.h"
#include "data/npy.h"

namespace dign::corrupt {
namespace {

using data::NpyArray;

// Outputs per severity, as a multiple of the image count N. The statistics of the random
// corruptions whose draws cannot be replayed need many samples (the oracle prints the standard
// error of each difference, which these keep near 1/4 of its tolerance).
int repeats(const std::string& name, Table table) {
  const bool tiny = table == Table::kTiny;
  if (name == "impulse_noise") return tiny ? 200 : 160;  // rare events: ~4 M elements
  if (name == "gaussian_noise" || name == "shot_noise" || name == "speckle_noise") return 8;
  if (name == "glass_blur") return tiny ? 24 : 16;
  if (name == "frost") return tiny ? 32 : 16;  // for the test of the overlay and crop draws
  if (name == "motion_blur" || name == "snow" || name == "spatter" || name == "fog" ||
      name == "elastic_transform") {
    return 4;  // replayed: more draws, each checked pixel by pixel
  }
  return 1;  // deterministic
}

// The draws a corruption makes, in order, when the oracle can replay them: 'u' canonical
// uniforms, 'z' standard normals (see the top of this file). Empty: not replayable (integer
// draws, Poisson, per-element noise), which the oracle compares by statistics instead.
std::vector<std::pair<char, int>> replay_plan(const std::string& name, int size, Table table) {
  const int pixels = size * size;
  const int mapsize = table == Table::kTiny ? 64 : 32;       // fog's plasma map for these sizes
  if (name == "motion_blur") return {{'u', 1}};              // the angle
  if (name == "snow") return {{'z', pixels}, {'u', 1}};      // flake layer, angle
  if (name == "spatter") return {{'z', pixels}};             // liquid layer
  if (name == "fog") return {{'u', mapsize * mapsize - 1}};  // plasma, level by level
  if (name == "elastic_transform") return {{'u', 6 + 2 * pixels}};  // affine jitter, dx, dy
  return {};
}

// A natural-looking test image: a smooth two-colour gradient with a low-frequency ripple,
// antialiased shapes (one pure white, one pure black, one saturated), a striped texture
// patch and mild grain; drawn at twice the size and averaged down. Image 0 is gray.
cv::Mat test_image(int size, int index, Rng& rng) {
  const int big = 2 * size;
  cv::Mat canvas(big, big, CV_64FC3);
  cv::Vec3d a, b;
  for (int k = 0; k < 3; ++k) {
    a[k] = rng.uniform(20, 235);
    b[k] = rng.uniform(20, 235);
  }
  const double angle = rng.uniform(0, 6.283185307179586);
  const double ripple = rng.uniform(0.5, 2.0), phase = rng.uniform(0, 6.28);
  for (int y = 0; y < big; ++y) {
    for (int x = 0; x < big; ++x) {
      const double u = (std::cos(angle) * x + std::sin(angle) * y) / big * 0.7 + 0.15;
      const double w =
          12.0 * std::sin(ripple * 6.2832 * y / big + phase) * std::cos(ripple * 3.1416 * x / big);
      canvas.at<cv::Vec3d>(y, x) = a * (1 - u) + b * u + cv::Vec3d(w, w, w);
    }
  }
  auto point = [&]() {
    return cv::Point(static_cast<int>(rng.integer(0, big)), static_cast<int>(rng.integer(0, big)));
  };
  cv::circle(canvas, point(), static_cast<int>(rng.integer(big / 10, big / 4)),
             cv::Scalar(255, 255, 255), cv::FILLED, cv::LINE_AA);
  cv::rectangle(canvas, cv::Rect(point(), cv::Size(big / 5, big / 7)), cv::Scalar(0, 0, 0),
                cv::FILLED);
  const cv::Point triangle[3] = {point(), point(), point()};
  const cv::Scalar vivid = index % 3 == 0   ? cv::Scalar(230, 20, 10)
                           : index % 3 == 1 ? cv::Scalar(15, 200, 40)
                                            : cv::Scalar(30, 60, 250);
  cv::fillConvexPoly(canvas, triangle, 3, vivid, cv::LINE_AA);
  // Stripes in one quadrant, then grain everywhere.
  const int qx = static_cast<int>(rng.integer(0, 2)) * size,
            qy = static_cast<int>(rng.integer(0, 2)) * size;
  for (int y = qy; y < qy + size; ++y) {
    for (int x = qx; x < qx + size; ++x) {
      const double s = 25.0 * std::sin(0.9 * x + 0.6 * y);
      canvas.at<cv::Vec3d>(y, x) += cv::Vec3d(s, s, s);
    }
  }
  for (auto it = canvas.begin<cv::Vec3d>(); it != canvas.end<cv::Vec3d>(); ++it) {
    const double n = rng.uniform(-6, 6);
    *it += cv::Vec3d(n, n * 0.5, -n);
  }
  cv::Mat small, out;
  cv::resize(canvas, small, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  small.convertTo(out, CV_8UC3);  // rounds and saturates: some pixels are 0 and 255
  if (index == 0) {
    cv::Mat gray;
    cv::cvtColor(out, gray, cv::COLOR_RGB2GRAY);
    cv::cvtColor(gray, out, cv::COLOR_GRAY2RGB);
  }
  return out;
}

// A snow-like layer: mostly 0, scattered flakes of 150..255 (what snow hands ImageMagick).
cv::Mat flake_layer(int size, Rng& rng) {
  cv::Mat layer(size, size, CV_8UC1);
  for (auto it = layer.begin<uint8_t>(); it != layer.end<uint8_t>(); ++it) {
    *it = rng.uniform() < 0.08 ? static_cast<uint8_t>(rng.integer(150, 256)) : 0;
  }
  return layer;
}

// A stand-in for a frost photograph: smooth blotches plus fine speckle, textured enough that a
// 32 x 32 crop of it is unique.
cv::Mat frost_photo(int rows, int cols, Rng& rng) {
  cv::Mat coarse(rows / 16 + 2, cols / 16 + 2, CV_64FC3), fine(rows, cols, CV_64FC3);
  for (auto it = coarse.begin<cv::Vec3d>(); it != coarse.end<cv::Vec3d>(); ++it) {
    const double g = rng.uniform(60, 220);
    *it = cv::Vec3d(g + rng.uniform(-20, 20), g, g + rng.uniform(-20, 20));
  }
  for (auto it = fine.begin<cv::Vec3d>(); it != fine.end<cv::Vec3d>(); ++it) {
    const double g = rng.normal(0, 25);
    *it = cv::Vec3d(g, g, g);
  }
  cv::Mat up, out;
  cv::resize(coarse, up, fine.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat(up + fine).convertTo(out, CV_8UC3);
  return out;
}

NpyArray u1(std::vector<int64_t> shape, const std::vector<cv::Mat>& mats) {
  std::vector<uint8_t> bytes;
  for (const cv::Mat& m : mats) {
    const cv::Mat c = m.isContinuous() ? m : m.clone();
    DIGN_CHECK(c.depth() == CV_8U, "oracle_dump: expected uint8 images");
    bytes.insert(bytes.end(), c.datastart, c.dataend);
  }
  return NpyArray::u1(std::move(shape), std::move(bytes));
}

NpyArray f8(std::vector<int64_t> shape, const std::vector<double>& values) {
  NpyArray a;
  a.dtype = "f8";
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(double));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

void dump_table(const std::filesystem::path& out, Table table, uint64_t seed,
                const std::vector<cv::Mat>& frost_photos) {
  const bool tiny = table == Table::kTiny;
  const std::string t = tiny ? "tiny" : "cifar";
  const int size = tiny ? 64 : 32, count = tiny ? 2 : 8;
  auto path = [&](const std::string& name) { return (out / (t + "_" + name + ".npy")).string(); };
  const auto n = static_cast<int64_t>(count), s = static_cast<int64_t>(size);

  Rng rng(seed * 1000003 + (tiny ? 2 : 1));
  std::vector<cv::Mat> images;
  for (int i = 0; i < count; ++i) images.push_back(test_image(size, i, rng));
  data::write_npy(path("images"), u1({n, s, s, 3}, images));

  const Context photos{table, &frost_photos};
  const Context procedural{table, nullptr};
  for (const Corruption& c : corruption_catalog()) {
    const int k_count = count * repeats(c.name, table);
    const auto plan = replay_plan(c.name, size, table);
    std::vector<cv::Mat> outs, outs_procedural;
    std::vector<double> draws;
    for (int severity = 1; severity <= 5; ++severity) {
      for (int k = 0; k < k_count; ++k) {
        const cv::Mat& image = images[static_cast<size_t>(k % count)];
        const bool frost = c.name == "frost";
        outs.push_back(corrupt_image(c, image, severity, seed, k, frost ? photos : procedural));
        if (frost)
          outs_procedural.push_back(corrupt_image(c, image, severity, seed, k, procedural));
        Rng replay(image_seed(seed, c.name, severity, k));
        for (const auto& [kind, how_many] : plan) {
          for (int i = 0; i < how_many; ++i)
            draws.push_back(kind == 'u' ? replay.uniform() : replay.normal());
        }
      }
    }
    data::write_npy(path(c.name), u1({5, k_count, s, s, 3}, outs));
    if (!draws.empty()) {
      const auto per_output = static_cast<int64_t>(draws.size()) / (5 * k_count);
      data::write_npy(path(c.name + "_draws"), f8({5, k_count, per_output}, draws));
    }
    if (!outs_procedural.empty()) {
      data::write_npy(path("frost_procedural"), u1({5, k_count, s, s, 3}, outs_procedural));
    }
  }

  // ImageMagick's motion blur at fixed angles: motion_blur's (radius, sigma) pairs on the images
  // (angles in its range -45..45), snow's on one-channel flake layers (-135..-45).
  const std::vector<std::array<double, 2>> motion =
      tiny ? std::vector<std::array<double, 2>>{{10, 1}, {10, 1.5}, {10, 2}, {10, 2.5}, {12, 3}}
           : std::vector<std::array<double, 2>>{{6, 1}, {6, 1.5}, {6, 2}, {8, 2}, {9, 2.5}};
  const std::vector<std::array<double, 2>> snow = {{8, 3}, {10, 4}, {12, 6}, {14, 12}};
  // The ends of the ranges and the axis, where ImageMagick's offset rounding meets halves.
  const double motion_angles[] = {-45.0, 0.0, 26.565, 45.0};
  const double snow_angles[] = {-135.0, -90.0, -63.435, -45.0};
  std::vector<cv::Mat> layers;
  for (int i = 0; i < count; ++i) layers.push_back(flake_layer(size, rng));
  data::write_npy(path("snow_layers"), u1({n, s, s}, layers));
  auto filter_set = [&](const std::vector<std::array<double, 2>>& pairs, const double* angles,
                        size_t angle_count, const std::vector<cv::Mat>& inputs,
                        const std::string& name, int channels) {
    std::vector<double> params;
    std::vector<cv::Mat> outs;
    for (const auto& p : pairs) {
      for (size_t a = 0; a < angle_count; ++a) {
        params.insert(params.end(), {p[0], p[1], angles[a]});
        for (const cv::Mat& input : inputs) {
          outs.push_back(imagemagick_motion_blur(input, p[0], p[1], angles[a]));
        }
      }
    }
    const auto c = static_cast<int64_t>(params.size() / 3);
    data::write_npy(path(name + "_params"), f8({c, 3}, params));
    std::vector<int64_t> shape = {c, n, s, s};
    if (channels == 3) shape.push_back(3);
    data::write_npy(path(name + "_filter"), u1(shape, outs));
  };
  filter_set(motion, motion_angles, std::size(motion_angles), images, "motion", 3);
  filter_set(snow, snow_angles, std::size(snow_angles), layers, "snow", 1);
}

int run(int argc, char** argv) {
  std::string out;
  uint64_t seed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    DIGN_CHECK(i + 1 < argc && (arg == "--out" || arg == "--seed"),
               "usage: corrupt_oracle_dump --out DIR [--seed S] (got '", arg, "')");
    const std::string value = argv[++i];
    if (arg == "--out") {
      out = value;
    } else {
      seed = std::stoull(value);
    }
  }
  DIGN_CHECK(!out.empty(), "usage: corrupt_oracle_dump --out DIR [--seed S]");
  std::filesystem::create_directories(out);

  // The five photographs' sizes (corruptions.md 2.11); frost2 and frost3 differ here.
  const int sizes[5][2] = {{600, 900}, {315, 560}, {315, 560}, {350, 527}, {495, 660}};
  Rng rng(seed * 1000003 + 7);
  std::vector<cv::Mat> photos;
  for (int i = 0; i < 5; ++i) {
    photos.push_back(frost_photo(sizes[i][0], sizes[i][1], rng));
    const cv::Mat& p = photos.back();
    data::write_npy(
        (std::filesystem::path(out) / ("frost_photo_" + std::to_string(i) + ".npy")).string(),
        u1({p.rows, p.cols, 3}, {p}));
  }
  dump_table(out, Table::kCifar, seed, photos);
  dump_table(out, Table::kTiny, seed, photos);
  return 0;
}

}  // namespace
}  // namespace dign::corrupt

int main(int argc, char** argv) {
  try {
    return dign::corrupt::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "corrupt_oracle_dump: " << e.what() << "\n";
    return 1;
  }
}
