// The noise family of make_cifar_c.py / make_tinyimagenet_c.py / make_imagenet_c.py
// (corruptions.md 2.1-2.4; at 224 px only the numbers change: corruptions-imagenet-c.md 2).
// Each pixel and channel gets its own draw, in row-major HxWx3 order. numpy's
// generator cannot be reproduced, so images match the released data in distribution only.
#include "corrupt/noise.h"

#include <array>

#include "corrupt/common.h"

namespace dign::corrupt {
namespace {

// Severity tables: corruptions.md section 1 (CIFAR 32 px, Tiny 64 px) and
// corruptions-imagenet-c.md section 1 (ImageNet 224 px, make_imagenet_c.py:249-270).
constexpr std::array<double, 5> kGaussianCifar = {0.04, 0.06, 0.08, 0.09, 0.10};
constexpr std::array<double, 5> kGaussianTiny = {0.04, 0.08, 0.12, 0.15, 0.18};
constexpr std::array<double, 5> kGaussianImageNet = {0.08, 0.12, 0.18, 0.26, 0.38};
constexpr std::array<double, 5> kShotCifar = {500, 250, 100, 75, 50};
constexpr std::array<double, 5> kShotTiny = {250, 100, 50, 30, 15};
constexpr std::array<double, 5> kShotImageNet = {60, 25, 12, 5, 3};
constexpr std::array<double, 5> kImpulseCifar = {0.01, 0.02, 0.03, 0.05, 0.07};
constexpr std::array<double, 5> kImpulseTiny = {0.01, 0.02, 0.05, 0.08, 0.14};
constexpr std::array<double, 5> kImpulseImageNet = {0.03, 0.06, 0.09, 0.17, 0.27};
constexpr std::array<double, 5> kSpeckleCifar = {0.06, 0.10, 0.12, 0.16, 0.20};
constexpr std::array<double, 5> kSpeckleTiny = {0.15, 0.20, 0.25, 0.30, 0.35};
constexpr std::array<double, 5> kSpeckleImageNet = {0.15, 0.20, 0.35, 0.45, 0.60};

// Applies f(x, rng) to every element of x = rgb / 255 (float64), then clip01 * 255, truncated.
template <typename F>
cv::Mat per_element(const cv::Mat& rgb, Rng& rng, F f) {
  cv::Mat x = to_unit(rgb);
  if (!x.isContinuous()) x = x.clone();
  auto* v = x.ptr<double>();
  const size_t n = x.total() * 3;
  for (size_t i = 0; i < n; ++i) v[i] = f(v[i], rng);
  return from_unit_truncate(x);
}

}  // namespace

cv::Mat gaussian_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  // y = clip01(x + N(0, c)).
  const double c = pick(kGaussianCifar, kGaussianTiny, kGaussianImageNet, severity, context);
  return per_element(rgb, rng, [c](double x, Rng& r) { return x + r.normal(0.0, c); });
}

cv::Mat shot_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  // y = clip01(Poisson(c x) / c): photon counts at scale c.
  const double c = pick(kShotCifar, kShotTiny, kShotImageNet, severity, context);
  return per_element(rgb, rng,
                     [c](double x, Rng& r) { return static_cast<double>(r.poisson(x * c)) / c; });
}

cv::Mat impulse_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  // skimage random_noise(mode='s&p', amount=c, salt_vs_pepper=0.5): each element is hit
  // with probability c, then becomes 1 or 0 with probability 1/2 each (coloured noise).
  const double c = pick(kImpulseCifar, kImpulseTiny, kImpulseImageNet, severity, context);
  return per_element(rgb, rng, [c](double x, Rng& r) {
    if (r.uniform() >= c) return x;
    return r.uniform() < 0.5 ? 1.0 : 0.0;
  });
}

cv::Mat speckle_noise(const cv::Mat& rgb, int severity, Rng& rng, const Context& context) {
  // y = clip01(x + x N(0, c)): multiplicative noise, none on black.
  const double c = pick(kSpeckleCifar, kSpeckleTiny, kSpeckleImageNet, severity, context);
  return per_element(rgb, rng, [c](double x, Rng& r) { return x + x * r.normal(0.0, c); });
}

}  // namespace dign::corrupt
