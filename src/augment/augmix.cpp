#include "augment/augmix.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "augment/augmix_ops.h"
#include "core/error.h"

namespace dign::augment {

void AugMixOptions::validate() const {
  DIGN_CHECK(severity() >= 0 && severity() <= 10,
             "AugMixOptions: severity must be in 0..10 (0 = drawn per image), got ", severity());
  DIGN_CHECK(width() >= 1 && width() <= 16, "AugMixOptions: width must be in 1..16, got ", width());
  DIGN_CHECK(depth() >= 0 && depth() <= 16,
             "AugMixOptions: depth must be in 0..16 (0 = drawn from 1..3), got ", depth());
}

AugMix::AugMix(AugMixOptions options) : options_(std::move(options)) {
  options_.validate();
}

void AugMix::apply(Image& image, SampleRng& rng) const {
  const int64_t h = image.height(), w = image.width();
  DIGN_CHECK(h == w, "augmix: expected a square image, got ", h, "x", w);
  const size_t values = static_cast<size_t>(h * w * 3);

  // The image as the chains see it (uint8) and as the mix sees it (float).
  std::vector<uint8_t> start(values);
  std::vector<float> mixed(values);
  if (image.is_float()) {
    const auto& f = image.floats();
    for (size_t i = 0; i < values; ++i) {
      start[i] = static_cast<uint8_t>(std::lround(std::clamp(f[i], 0.0f, 1.0f) * 255.0f));
    }
    mixed = f;
  } else {
    start = image.bytes();
    for (size_t i = 0; i < values; ++i) mixed[i] = unit_float(start[i]);
  }

  const double severity = static_cast<double>(
      options_.severity() > 0 ? options_.severity() : 1 + static_cast<int64_t>(rng.below(10)));
  // Dirichlet(1, ..., 1) as normalised Exp(1) draws; Beta(1, 1) is U(0, 1).
  std::vector<double> weights(static_cast<size_t>(options_.width()));
  double total = 0;
  for (double& weight : weights) {
    weight = -std::log1p(-rng.uniform());
    total += weight;
  }
  const auto m = static_cast<float>(rng.uniform());

  const auto& ops = augmix_ops(options_.all_ops());
  std::vector<float> mix(values, 0.0f);
  std::vector<uint8_t> chain(values);
  for (double weight : weights) {
    chain = start;
    const int64_t depth =
        options_.depth() > 0 ? options_.depth() : 1 + static_cast<int64_t>(rng.below(3));
    for (int64_t d = 0; d < depth; ++d) {
      const AugMixOp op = ops[rng.below(ops.size())];
      apply_op(op, sample_op_parameter(op, severity, w, rng), chain.data(), h, w);
    }
    const auto wi = static_cast<float>(total > 0 ? weight / total : 1.0 / weights.size());
    for (size_t i = 0; i < values; ++i) mix[i] += wi * unit_float(chain[i]);
  }
  for (size_t i = 0; i < values; ++i) {
    mixed[i] = std::clamp((1.0f - m) * mixed[i] + m * mix[i], 0.0f, 1.0f);
  }
  image.assign(h, w, std::move(mixed));
}

}  // namespace dign::augment
