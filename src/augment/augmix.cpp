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

namespace {

// The image as the chains see it (uint8, rounded if the image is float) and as the mix sees it.
struct Start {
  std::vector<uint8_t> bytes;
  std::vector<float> floats;
};

Start start_of(const Image& image) {
  DIGN_CHECK(image.height() == image.width(), "augmix: expected a square image, got ",
             image.height(), "x", image.width());
  Start s;
  if (image.is_float()) {
    s.floats = image.floats();
    s.bytes.resize(s.floats.size());
    for (size_t i = 0; i < s.floats.size(); ++i) {
      s.bytes[i] = static_cast<uint8_t>(std::lround(std::clamp(s.floats[i], 0.0f, 1.0f) * 255.0f));
    }
  } else {
    s.bytes = image.bytes();
    s.floats.resize(s.bytes.size());
    for (size_t i = 0; i < s.bytes.size(); ++i) s.floats[i] = unit_float(s.bytes[i]);
  }
  return s;
}

double draw_severity(const AugMixOptions& o, SampleRng& rng) {
  return static_cast<double>(o.severity() > 0 ? o.severity()
                                              : 1 + static_cast<int64_t>(rng.below(10)));
}

// One chain applied to `chain` (uint8 [size, size, 3]) in place: its depth, then each op.
void run_chain(const AugMixOptions& o, double severity, int64_t size, std::vector<uint8_t>& chain,
               SampleRng& rng) {
  const auto& ops = augmix_ops(o.all_ops());
  const int64_t depth = o.depth() > 0 ? o.depth() : 1 + static_cast<int64_t>(rng.below(3));
  for (int64_t d = 0; d < depth; ++d) {
    const AugMixOp op = ops[rng.below(ops.size())];
    apply_op(op, sample_op_parameter(op, severity, size, rng), chain.data(), size, size);
  }
}

}  // namespace

void AugMix::apply(Image& image, SampleRng& rng) const {
  const int64_t size = image.width();
  Start start = start_of(image);
  const size_t values = start.bytes.size();
  const double severity = draw_severity(options_, rng);
  // Dirichlet(1, ..., 1) as normalised Exp(1) draws; Beta(1, 1) is U(0, 1).
  std::vector<double> weights(static_cast<size_t>(options_.width()));
  double total = 0;
  for (double& weight : weights) {
    weight = -std::log1p(-rng.uniform());
    total += weight;
  }
  const auto m = static_cast<float>(rng.uniform());

  std::vector<float> mix(values, 0.0f);
  std::vector<uint8_t> chain(values);
  for (double weight : weights) {
    chain = start.bytes;
    run_chain(options_, severity, size, chain, rng);
    const auto wi = static_cast<float>(total > 0 ? weight / total : 1.0 / weights.size());
    for (size_t i = 0; i < values; ++i) mix[i] += wi * unit_float(chain[i]);
  }
  std::vector<float>& mixed = start.floats;
  for (size_t i = 0; i < values; ++i) {
    mixed[i] = std::clamp((1.0f - m) * mixed[i] + m * mix[i], 0.0f, 1.0f);
  }
  image.assign(size, size, std::move(mixed));
}

AugMixChains::AugMixChains(AugMixOptions options) : options_(std::move(options)) {
  options_.validate();
}

void AugMixChains::apply(Image& image, SampleRng& rng) const {
  const int64_t size = image.width();
  const Start start = start_of(image);
  const double severity = draw_severity(options_, rng);
  std::vector<float> stacked;
  stacked.reserve(start.bytes.size() * static_cast<size_t>(options_.width()));
  std::vector<uint8_t> chain;
  for (int64_t k = 0; k < options_.width(); ++k) {
    chain = start.bytes;
    run_chain(options_, severity, size, chain, rng);
    for (uint8_t v : chain) stacked.push_back(unit_float(v));
  }
  image.assign(size * options_.width(), size, std::move(stacked));
}

}  // namespace dign::augment
