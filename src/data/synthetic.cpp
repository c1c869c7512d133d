#include "data/synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/rng.h"

namespace dign::data {
namespace {

constexpr int64_t kNumShapes = 5;
constexpr int64_t kNumTextures = 2;
constexpr int64_t kNumClasses = kNumShapes * kNumTextures;
constexpr const char* kShapeNames[kNumShapes] = {"disc", "bar", "triangle", "ring", "plus"};
constexpr const char* kTextureNames[kNumTextures] = {"horizontal-stripes", "vertical-stripes"};

constexpr uint64_t kTrainSplit = 0;
constexpr uint64_t kTestSplit = 1;
constexpr double kPi = 3.14159265358979323846;

// ---- Counter-based randomness: image i of a split owns a splitmix64 stream (SampleRng)
// keyed by hash(seed, split, i), so no draw depends on another image.

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

uint64_t image_key(uint64_t seed, uint64_t split, uint64_t index) {
  // Chained hashing, so (seed, split, index) triples never alias each other.
  uint64_t h = splitmix64_finalizer(seed + 0x5EED5EED5EED5EEDull);
  h = splitmix64_finalizer(h ^ (split * kGolden + 0xD1B54A32D192ED03ull));
  return splitmix64_finalizer(h ^ (index + 0x8CB92BA72F3D8DD7ull));
}

// The synthetic images' own draws, kept apart from SampleRng's below() and normal() (Lemire,
// Box-Muller), which would change every image's bytes.

/// Uniform in [0, n): floor(uniform() n).
int below(SampleRng& rng, int n) {
  return static_cast<int>(rng.uniform() * n);
}

/// Approximately N(0, 1): Irwin-Hall sum of four 16-bit uniforms, one draw per sample
/// (Box-Muller would dominate the generation time).
float irwin_hall_normal(SampleRng& rng) {
  const uint64_t r = rng.next();
  const float sum =
      static_cast<float>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48));
  // mean 4 * 32767.5, variance 4 * (65536^2 - 1) / 12.
  return (sum - 131070.0f) * (1.0f / 37837.23f);
}

// ---- Scene description (all lengths in pixels, colours in [0, 1]).

using Rgb = std::array<float, 3>;

Rgb random_colour(SampleRng& rng, double lo, double hi) {
  return {static_cast<float>(rng.uniform(lo, hi)), static_cast<float>(rng.uniform(lo, hi)),
          static_cast<float>(rng.uniform(lo, hi))};
}

float colour_distance(const Rgb& a, const Rgb& b) {
  float sum = 0;
  for (int c = 0; c < 3; ++c) sum += (a[c] - b[c]) * (a[c] - b[c]);
  return std::sqrt(sum);
}

struct Distractor {
  bool is_line = false;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // blob centre in (x0, y0)
  float radius = 0;                      // blob: Gaussian sigma; line: half width
  float alpha = 0;
  Rgb colour{};
};

struct Scene {
  std::array<Rgb, 4> corners{};  // background: bilinear between corner colours
  std::vector<Distractor> distractors;
  int shape = 0;
  float cx = 0, cy = 0, cos_t = 1, sin_t = 0;
  float radius = 0, inner = 0;  // inner: ring hole radius, bar or plus arm half width
  Rgb colour{};
  float nx = 0, ny = 1;  // stripe normal; intensity varies along it
  float period = 2, phase = 0, contrast = 0;
  float noise_sigma = 0;
};

/// The background gradient at (u, v) in [0,1]^2 (bilinear between the corner colours).
Rgb background_at(const Scene& scene, float u, float v) {
  Rgb pixel;
  for (int c = 0; c < 3; ++c) {
    const float top = scene.corners[0][c] + u * (scene.corners[1][c] - scene.corners[0][c]);
    const float bottom = scene.corners[2][c] + u * (scene.corners[3][c] - scene.corners[2][c]);
    pixel[c] = top + v * (bottom - top);
  }
  return pixel;
}

Scene draw_scene(SampleRng& rng, int64_t label, int64_t image_size) {
  const auto s = static_cast<double>(image_size);
  Scene scene;
  // Smooth random gradient: one base colour, corners jittered around it.
  const Rgb base = random_colour(rng, 0.0, 1.0);
  for (Rgb& corner : scene.corners) {
    for (int c = 0; c < 3; ++c) {
      corner[c] = std::clamp(base[c] + static_cast<float>(rng.uniform(-0.15, 0.15)), 0.0f, 1.0f);
    }
  }
  const int distractors = below(rng, 2);  // 0 or 1
  for (int k = 0; k < distractors; ++k) {
    Distractor d;
    d.is_line = rng.uniform() < 0.5;
    d.x0 = static_cast<float>(rng.uniform(-0.1, 1.1) * s);
    d.y0 = static_cast<float>(rng.uniform(-0.1, 1.1) * s);
    if (d.is_line) {  // thin lines: high-frequency clutter that is not class evidence
      d.x1 = static_cast<float>(rng.uniform(-0.1, 1.1) * s);
      d.y1 = static_cast<float>(rng.uniform(-0.1, 1.1) * s);
      d.radius = static_cast<float>(rng.uniform(0.4, 0.8));
      d.alpha = static_cast<float>(rng.uniform(0.4, 1.0));
    } else {
      d.radius = static_cast<float>(rng.uniform(0.06, 0.16) * s);
      d.alpha = static_cast<float>(rng.uniform(0.3, 0.8));
    }
    d.colour = random_colour(rng, 0.0, 1.0);
    scene.distractors.push_back(d);
  }

  scene.shape = static_cast<int>(label / kNumTextures);
  const int texture = static_cast<int>(label % kNumTextures);
  scene.radius = static_cast<float>(rng.uniform(0.26, 0.36) * s);
  // Mild cropping at the border is allowed, as in natural photos.
  const double margin = 0.8 * scene.radius;
  scene.cx = static_cast<float>(rng.uniform(margin, s - margin));
  scene.cy = static_cast<float>(rng.uniform(margin, s - margin));
  const double theta = rng.uniform(0.0, 2.0 * kPi);
  scene.cos_t = static_cast<float>(std::cos(theta));
  scene.sin_t = static_cast<float>(std::sin(theta));
  // Ring: hole radius; bar: half width; plus: arm half width.
  const double inner[kNumShapes][2] = {{0, 0}, {0.36, 0.46}, {0, 0}, {0.50, 0.62}, {0.24, 0.32}};
  scene.inner =
      static_cast<float>(scene.radius * rng.uniform(inner[scene.shape][0], inner[scene.shape][1]));

  // Texture contrast (peak to peak): sometimes low, so clean accuracy stays below 100%.
  scene.contrast =
      static_cast<float>(rng.uniform() < 0.15 ? rng.uniform(0.08, 0.20) : rng.uniform(0.20, 0.50));
  // Shape colour kept where the stripes cannot saturate.
  const double half = 0.5 * scene.contrast + 0.02;
  // The shape stands out from the background (RGB distance >= 0.35): its outline
  // is the coarse, noise-robust half of the label, as object outlines are in photos.
  const Rgb centre_bg = background_at(scene, 0.5f, 0.5f);
  for (int attempt = 0; attempt < 32; ++attempt) {
    scene.colour = random_colour(rng, half, 1.0 - half);
    if (colour_distance(scene.colour, centre_bg) >= 0.35f) break;
    if (attempt == 31) {  // rare: take the far side of each channel
      for (int c = 0; c < 3; ++c) {
        scene.colour[c] =
            centre_bg[c] < 0.5f ? static_cast<float>(1.0 - half) : static_cast<float>(half);
      }
    }
  }
  // Stripes stay in the image frame (they do not rotate with the shape), so the
  // two textures remain horizontal vs vertical, each within +-15 degrees.
  const double angle = (texture == 0 ? 0.0 : 0.5 * kPi) + rng.uniform(-1.0, 1.0) * kPi / 12.0;
  scene.nx = static_cast<float>(std::sin(angle));
  scene.ny = static_cast<float>(std::cos(angle));
  scene.period = static_cast<float>(rng.uniform(2.0, 3.0));
  scene.phase = static_cast<float>(rng.uniform());
  scene.noise_sigma = static_cast<float>(rng.uniform(0.01, 0.03));
  return scene;
}

// ---- Signed distances (negative inside), in the shape's own frame.

float box_distance(float x, float y, float hx, float hy) {
  const float dx = std::abs(x) - hx;
  const float dy = std::abs(y) - hy;
  const float ox = std::max(dx, 0.0f);
  const float oy = std::max(dy, 0.0f);
  return std::sqrt(ox * ox + oy * oy) + std::min(std::max(dx, dy), 0.0f);
}

// Equilateral triangle with half side h, centroid at the origin (after
// Inigo Quilez's 2D distance functions).
float triangle_distance(float x, float y, float h) {
  const float k = std::sqrt(3.0f);
  x = std::abs(x) - h;
  y = y + h / k;
  if (x + k * y > 0.0f) {
    const float nx = (x - k * y) * 0.5f;
    const float ny = (-k * x - y) * 0.5f;
    x = nx;
    y = ny;
  }
  x -= std::clamp(x, -2.0f * h, 0.0f);
  const float length = std::sqrt(x * x + y * y);
  return y > 0.0f ? -length : length;
}

float shape_distance(const Scene& scene, float px, float py) {
  const float dx = px - scene.cx;
  const float dy = py - scene.cy;
  const float x = scene.cos_t * dx + scene.sin_t * dy;
  const float y = -scene.sin_t * dx + scene.cos_t * dy;
  const float r = scene.radius;
  switch (scene.shape) {
    case 0:
      return std::sqrt(x * x + y * y) - r;
    case 1:  // elongated, so that it differs from the disc at 32 px
      return box_distance(x, y, 1.25f * r, scene.inner);
    case 2:  // circumradius 1.3 r: large, sharp corners set it apart from the bar
      return triangle_distance(x, y, 1.3f * r * std::sqrt(3.0f) * 0.5f);
    case 3: {
      const float mid = 0.5f * (r + scene.inner);
      return std::abs(std::sqrt(x * x + y * y) - mid) - 0.5f * (r - scene.inner);
    }
    default:
      return std::min(box_distance(x, y, 1.05f * r, scene.inner),
                      box_distance(x, y, scene.inner, 1.05f * r));
  }
}

float segment_distance(const Distractor& d, float px, float py) {
  const float vx = d.x1 - d.x0;
  const float vy = d.y1 - d.y0;
  const float wx = px - d.x0;
  const float wy = py - d.y0;
  const float length2 = vx * vx + vy * vy;
  const float t = length2 > 0.0f ? std::clamp((wx * vx + wy * vy) / length2, 0.0f, 1.0f) : 0.0f;
  const float ex = wx - t * vx;
  const float ey = wy - t * vy;
  return std::sqrt(ex * ex + ey * ey);
}

void blend(Rgb& pixel, const Rgb& colour, float weight) {
  for (int c = 0; c < 3; ++c) {
    pixel[c] += weight * (colour[c] - pixel[c]);
  }
}

void render(const Scene& scene, SampleRng& rng, int64_t image_size, uint8_t* out) {
  const float inv = 1.0f / static_cast<float>(std::max<int64_t>(image_size - 1, 1));
  for (int64_t row = 0; row < image_size; ++row) {
    const float py = static_cast<float>(row) + 0.5f;
    const float v = static_cast<float>(row) * inv;
    for (int64_t col = 0; col < image_size; ++col) {
      const float px = static_cast<float>(col) + 0.5f;
      const float u = static_cast<float>(col) * inv;
      Rgb pixel = background_at(scene, u, v);
      for (const Distractor& d : scene.distractors) {
        float weight = 0.0f;
        if (d.is_line) {  // antialiased by pixel coverage
          weight = std::clamp(d.radius + 0.5f - segment_distance(d, px, py), 0.0f, 1.0f);
        } else {
          const float r2 = (px - d.x0) * (px - d.x0) + (py - d.y0) * (py - d.y0);
          const float z = r2 / (2.0f * d.radius * d.radius);
          weight = z < 9.0f ? std::exp(-z) : 0.0f;
        }
        if (weight > 0.0f) {
          blend(pixel, d.colour, d.alpha * weight);
        }
      }
      const float coverage = std::clamp(0.5f - shape_distance(scene, px, py), 0.0f, 1.0f);
      if (coverage > 0.0f) {
        // Square wave sampled at the pixel centre (no antialiasing): a 2 px
        // period keeps full contrast whatever the phase.
        const float t = (px * scene.nx + py * scene.ny) / scene.period + scene.phase;
        const float stripe = (t - std::floor(t)) < 0.5f ? 0.5f : -0.5f;
        Rgb fill = scene.colour;
        for (float& channel : fill) {
          channel += stripe * scene.contrast;
        }
        blend(pixel, fill, coverage);
      }
      for (int c = 0; c < 3; ++c) {
        const float value = (pixel[c] + scene.noise_sigma * irwin_hall_normal(rng)) * 255.0f;
        out[(row * image_size + col) * 3 + c] =
            static_cast<uint8_t>(std::lround(std::clamp(value, 0.0f, 255.0f)));
      }
    }
  }
}

ImageSet make_split(const SyntheticOptions& options, uint64_t split, int64_t size) {
  ImageSet set;
  set.height = options.image_size;
  set.width = options.image_size;
  for (int64_t shape = 0; shape < kNumShapes; ++shape) {
    for (int64_t texture = 0; texture < kNumTextures; ++texture) {
      set.class_names.push_back(std::string(kShapeNames[shape]) + "/" + kTextureNames[texture]);
    }
  }
  set.labels.resize(static_cast<size_t>(size));
  set.pixels.resize(static_cast<size_t>(size * set.image_bytes()));

  auto generate = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t label = i % kNumClasses;
      SampleRng rng(image_key(options.seed, split, static_cast<uint64_t>(i)));
      const Scene scene = draw_scene(rng, label, options.image_size);
      render(scene, rng, options.image_size, set.image(i));
      set.labels[static_cast<size_t>(i)] = label;
    }
  };
  // Contiguous chunks; every image has its own stream, so the split into
  // chunks cannot change a byte.
  const int64_t workers = std::min<int64_t>(options.threads, size);
  if (workers <= 1) {
    generate(0, size);
    return set;
  }
  std::vector<std::thread> pool;
  for (int64_t w = 0; w < workers; ++w) {
    pool.emplace_back(generate, size * w / workers, size * (w + 1) / workers);
  }
  for (std::thread& thread : pool) {
    thread.join();
  }
  return set;
}

}  // namespace

void SyntheticOptions::validate() const {
  DIGN_CHECK(train_size >= 1, "synthetic data: train_size must be >= 1, got ", train_size);
  DIGN_CHECK(test_size >= 1, "synthetic data: test_size must be >= 1, got ", test_size);
  DIGN_CHECK(image_size >= 16 && image_size <= 1024,
             "synthetic data: image_size must be in [16, 1024], got ", image_size);
  DIGN_CHECK(threads >= 1, "synthetic data: threads must be >= 1, got ", threads);
}

Dataset make_synthetic(const SyntheticOptions& options) {
  options.validate();
  Dataset data;
  data.name = "synthetic";
  data.format = "synthetic";
  data.path = "synthetic";
  data.train = make_split(options, kTrainSplit, options.train_size);
  data.test = make_split(options, kTestSplit, options.test_size);
  return data;
}

}  // namespace dign::data
