// Writes test images and what AugMix's operations (src/augment/augmix_ops.h) make of them, as
// .npy files, for the oracle test (tests/augment/oracle/augmix_oracle.py), which recomputes
// them with Pillow as AugMix's augmentations.py calls it and compares.
//
//   augmix_oracle_dump --out DIR [--seed S]
//
// Files written (S = 32 or 64):
//   images_S.npy        u1 (N, S, S, 3)     the test images (5 of 32 x 32, 1 of 64 x 64)
//   <op>_params.npy     f8 (P,)             the parameters of each case: a fixed grid over the
//                                           range at severity 10 and beyond, both signs, then
//                                           parameters drawn by sample_op_parameter
//   <op>_S.npy          u1 (P, N, S, S, 3)  apply_op(op, params[p], images[n])
//   <op>_draws.npy      f8 (K, 5)           (severity, image size, u1, u2, parameter):
//                                           sample_op_parameter(op, severity, size,
//                                           SampleRng(s)) and the first two uniforms of a
//                                           fresh SampleRng(s), which it draws from (the level
//                                           U(0.1, severity) = 0.1 + (severity - 0.1) u1, the
//                                           sign from u2)
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "augment/augmix_ops.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/npy.h"

namespace dign::augment {
namespace {

using data::NpyArray;

uint8_t clamp8(double v) {
  return static_cast<uint8_t>(v <= 0 ? 0 : v >= 255 ? 255 : std::lround(v));
}

// Test images, each aimed at some of the operations (all have edges and noise for the geometric
// ones): 0 a colourful gradient with a hard-edged square, a disc and grain; 1 the same squeezed
// into 90..140 with one channel constant (autocontrast's stretch and its identity case); 2 pure
// noise over 0..255 (equalize's table then reaches 256 at the top level, which Pillow clips);
// 3 a few large flat areas of four levels plus one bright pixel (a sparse histogram); 4 a
// channel with only two values and a fine checkerboard. The 64 x 64 image is like image 0.
std::vector<uint8_t> test_image(int size, int kind, SampleRng& rng) {
  std::vector<uint8_t> img(static_cast<size_t>(size * size * 3));
  const double a = rng.uniform(0, 6.283185307179586);
  const int cx = static_cast<int>(rng.below(static_cast<uint64_t>(size)));
  const int cy = static_cast<int>(rng.below(static_cast<uint64_t>(size)));
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      uint8_t* p = img.data() + (y * size + x) * 3;
      const double t = (std::cos(a) * x + std::sin(a) * y) / size;
      const bool square = x >= size / 5 && x < size / 2 && y >= size / 4 && y < size * 3 / 5;
      const bool disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < size * size / 25;
      double rgb[3] = {40 + 160 * t, 200 - 120 * t, 60 + 100 * std::sin(6.0 * t)};
      if (square) rgb[0] = rgb[1] = rgb[2] = 255;
      if (disc) rgb[0] = 230, rgb[1] = 20, rgb[2] = 5;
      for (double& v : rgb) v += rng.uniform(-8, 8);
      switch (kind) {
        case 1:
          for (double& v : rgb) v = 90 + v * 50 / 255;
          rgb[2] = 117;
          break;
        case 2:
          for (double& v : rgb) v = static_cast<double>(rng.below(256));
          break;
        case 3: {
          const int level = (x * 2 / size) + 2 * (y * 2 / size);
          rgb[0] = 30 + 60 * level;
          rgb[1] = 200 - 50 * level;
          rgb[2] = level == 3 ? 9 : 150;
          if (x == size - 3 && y == 2) rgb[0] = rgb[1] = rgb[2] = 251;
          break;
        }
        case 4:
          rgb[1] = ((x + y) % 2 == 0) ? 70 : 180;
          break;
        default:
          break;
      }
      for (int c = 0; c < 3; ++c) p[c] = clamp8(rgb[c]);
    }
  }
  return img;
}

// The fixed grid of each operation's parameters (AugMix's ranges at severity 10: bits 1..4,
// thresholds 1..254, rotations |d| <= 29, shears |k| < 0.3, translations |t| <= size / 3, enhance
// factors 0.118..1.9), with their edges and beyond.
std::vector<double> parameter_grid(AugMixOp op) {
  std::vector<double> p;
  switch (op) {
    case AugMixOp::kAutocontrast:
    case AugMixOp::kEqualize:
      return {0.0};
    case AugMixOp::kPosterize:
      return {0, 1, 2, 3, 4, 5, 6, 7, 8};
    case AugMixOp::kSolarize:
      return {0, 1, 26, 100, 127.5, 128, 180, 254, 255, 256};
    case AugMixOp::kRotate:
      for (int d = -30; d <= 30; ++d) p.push_back(d);
      p.insert(p.end(), {-0.25, 2.5, 45.5, 90, -90, 180, 270, 367, -725});
      return p;
    case AugMixOp::kShearX:
    case AugMixOp::kShearY:
      for (double k : {0.003, 0.01, 0.029, 0.05, 0.1, 0.15, 0.2, 0.25, 0.2999, 0.3, 0.8}) {
        p.push_back(k);
        p.push_back(-k);
      }
      return p;
    case AugMixOp::kTranslateX:
    case AugMixOp::kTranslateY:
      for (int t = -22; t <= 22; ++t) p.push_back(t);
      p.insert(p.end(), {0.5, -1.25, 2.75, 40, -64});
      return p;
    default:  // the enhance operations
      return {0, 0.05, 0.1, 0.118, 0.25, 0.5, 0.75, 0.999, 1, 1.0001, 1.25, 1.5, 1.9, 2.5, -0.5};
  }
}

NpyArray f8(std::vector<int64_t> shape, const std::vector<double>& values) {
  NpyArray a;
  a.dtype = "f8";
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(double));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

int run(int argc, char** argv) {
  std::string out;
  uint64_t seed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    DIGN_CHECK(i + 1 < argc && (arg == "--out" || arg == "--seed"),
               "usage: augmix_oracle_dump --out DIR [--seed S] (got '", arg, "')");
    const std::string value = argv[++i];
    if (arg == "--out") {
      out = value;
    } else {
      seed = std::stoull(value);
    }
  }
  DIGN_CHECK(!out.empty(), "usage: augmix_oracle_dump --out DIR [--seed S]");
  std::filesystem::create_directories(out);
  auto path = [&](const std::string& name) {
    return (std::filesystem::path(out) / (name + ".npy")).string();
  };

  SampleRng rng(derive_seed(seed, {purpose_tag("augmix-oracle-images")}));
  struct Set {
    int size;
    std::vector<std::vector<uint8_t>> images;
  };
  std::vector<Set> sets = {{32, {}}, {64, {}}};
  for (int kind = 0; kind < 5; ++kind) sets[0].images.push_back(test_image(32, kind, rng));
  sets[1].images.push_back(test_image(64, 0, rng));
  for (const Set& set : sets) {
    std::vector<uint8_t> bytes;
    for (const auto& img : set.images) bytes.insert(bytes.end(), img.begin(), img.end());
    const auto n = static_cast<int64_t>(set.images.size());
    data::write_npy(path("images_" + std::to_string(set.size)),
                    NpyArray::u1({n, set.size, set.size, 3}, std::move(bytes)));
  }

  const double severities[] = {1, 3, 10};
  for (const AugMixOp op : augmix_ops(/*all_ops=*/true)) {
    const std::string name = op_name(op);
    const uint64_t op_seed = derive_seed(seed, {purpose_tag("augmix-oracle"), purpose_tag(name)});
    std::vector<double> params = parameter_grid(op);
    // Drawn parameters at severity 10 (those with none are already in the grid).
    if (op != AugMixOp::kAutocontrast && op != AugMixOp::kEqualize) {
      SampleRng draws(op_seed);
      for (int i = 0; i < 16; ++i) params.push_back(sample_op_parameter(op, 10, 32, draws));
    }
    data::write_npy(path(name + "_params"), f8({static_cast<int64_t>(params.size())}, params));
    for (const Set& set : sets) {
      std::vector<uint8_t> bytes;
      for (const double p : params) {
        for (const auto& img : set.images) {
          std::vector<uint8_t> copy = img;
          apply_op(op, p, copy.data(), set.size, set.size);
          bytes.insert(bytes.end(), copy.begin(), copy.end());
        }
      }
      data::write_npy(path(name + "_" + std::to_string(set.size)),
                      NpyArray::u1({static_cast<int64_t>(params.size()),
                                    static_cast<int64_t>(set.images.size()), set.size, set.size, 3},
                                   std::move(bytes)));
    }
    std::vector<double> rows;
    for (const double severity : severities) {
      for (const int64_t size : {32, 64}) {
        for (uint64_t k = 0; k < 300; ++k) {
          const uint64_t s = derive_seed(
              op_seed, {static_cast<uint64_t>(severity), static_cast<uint64_t>(size), k});
          SampleRng replay(s), draw(s);
          const double u1 = replay.uniform(), u2 = replay.uniform();
          const double parameter = sample_op_parameter(op, severity, size, draw);
          rows.insert(rows.end(), {severity, static_cast<double>(size), u1, u2, parameter});
        }
      }
    }
    data::write_npy(path(name + "_draws"), f8({static_cast<int64_t>(rows.size() / 5), 5}, rows));
  }
  return 0;
}

}  // namespace
}  // namespace dign::augment

int main(int argc, char** argv) {
  try {
    return dign::augment::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "augmix_oracle_dump: " << e.what() << "\n";
    return 1;
  }
}
