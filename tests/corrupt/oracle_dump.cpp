// Writes test images and what our corruptions make of them, as .npy files, for the oracle
// test (tests/corrupt/oracle/corruptions_oracle.py), which recomputes them with the Python
// libraries the original generator used and compares.
//
//   corrupt_oracle_dump --out DIR [--seed S]
//
// Files written (t = cifar (32x32, the CIFAR-10-C table), tiny (64x64, Tiny-ImageNet-C) or
// imagenet (224x224, ImageNet-C)):
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
//   crop_source_<k>.npy      u1 (H, W, 3)        images of several shapes, and their ImageNet
//   crop_ours_<k>.npy        u1 (224, 224, 3)    evaluation crop (Resize(256) + CenterCrop(224))
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
#include "corrupt/common.h"
#include "corrupt/filters.h"
#include "corrupt/registry.h"
#include "data/npy.h"
#include "data/pil_resize.h"
#include "oracle_dump_images.h"

namespace dign::corrupt {
namespace {

using data::NpyArray;
using oracle::f8;
using oracle::flake_layer;
using oracle::frost_photo;
using oracle::test_image;
using oracle::u1;

// Outputs per severity, as a multiple of the image count N. The statistics of the random
// corruptions whose draws cannot be replayed need many samples (the oracle prints the standard
// error of each difference, which these keep near 1/4 of its tolerance). A 224 px image holds
// 12 times the elements of a 64 px one: fewer repeats, and fewer replayed outputs (the oracle's
// Python is slow at that size).
int repeats(const std::string& name, Table table) {
  if (table == Table::kImageNet) {
    if (name == "impulse_noise") return 8;
    if (name == "frost") return 6;
    if (name == "gaussian_noise" || name == "shot_noise" || name == "speckle_noise" ||
        name == "glass_blur" || name == "motion_blur" || name == "snow" || name == "spatter" ||
        name == "fog" || name == "elastic_transform") {
      return 2;
    }
    return 1;
  }
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
  // fog's plasma map for these sizes
  const int mapsize = table == Table::kImageNet ? 256 : table == Table::kTiny ? 64 : 32;
  if (name == "motion_blur") return {{'u', 1}};                     // the angle
  if (name == "snow") return {{'z', pixels}, {'u', 1}};             // flake layer, angle
  if (name == "spatter") return {{'z', pixels}};                    // liquid layer
  if (name == "fog") return {{'u', mapsize * mapsize - 1}};         // plasma, level by level
  if (name == "elastic_transform") return {{'u', 6 + 2 * pixels}};  // affine jitter, dx, dy
  return {};
}

void dump_table(const std::filesystem::path& out, Table table, uint64_t seed,
                const std::vector<cv::Mat>& frost_photos) {
  const bool tiny = table == Table::kTiny, imagenet = table == Table::kImageNet;
  const std::string t = imagenet ? "imagenet" : tiny ? "tiny" : "cifar";
  const int size = table_side(table), count = table == Table::kCifar ? 8 : 2;
  auto path = [&](const std::string& name) { return (out / (t + "_" + name + ".npy")).string(); };
  const auto n = static_cast<int64_t>(count), s = static_cast<int64_t>(size);

  Rng rng(seed * 1000003 + (imagenet ? 3 : tiny ? 2 : 1));
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
  using Pairs = std::vector<std::array<double, 2>>;
  const Pairs motion = imagenet ? Pairs{{10, 3}, {15, 5}, {15, 8}, {15, 12}, {20, 15}}
                       : tiny   ? Pairs{{10, 1}, {10, 1.5}, {10, 2}, {10, 2.5}, {12, 3}}
                                : Pairs{{6, 1}, {6, 1.5}, {6, 2}, {8, 2}, {9, 2.5}};
  const Pairs snow = imagenet ? Pairs{{10, 4}, {12, 4}, {12, 8}, {12, 12}}
                              : Pairs{{8, 3}, {10, 4}, {12, 6}, {14, 12}};
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

// The input of the 224 px table, on random pixels (every fixed-point sum counts): sizes (h, w)
// that shrink by various factors, hit the round-half-even crop offsets (455 - 224 = 231,
// 343 - 224 = 119: halves), are already 256 short, or must grow.
void dump_crops(const std::filesystem::path& out, uint64_t seed) {
  const int sizes[][2] = {{375, 500}, {500, 333}, {281, 500}, {256, 343}, {200, 300}, {640, 427}};
  Rng rng(seed * 1000003 + 11);
  for (size_t k = 0; k < std::size(sizes); ++k) {
    cv::Mat source(sizes[k][0], sizes[k][1], CV_8UC3);
    for (size_t i = 0; i < source.total() * 3; ++i) {
      source.data[i] = static_cast<uint8_t>(rng.integer(0, 256));
    }
    const cv::Mat crop = data::imagenet_eval_crop(source, 256, 224);
    const std::string n = std::to_string(k);
    data::write_npy((out / ("crop_source_" + n + ".npy")).string(),
                    u1({source.rows, source.cols, 3}, {source}));
    data::write_npy((out / ("crop_ours_" + n + ".npy")).string(), u1({224, 224, 3}, {crop}));
  }
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
  dump_table(out, Table::kImageNet, seed, photos);
  dump_crops(out, seed);
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
