// The AugMix view (augment/augmix.h): the mixture of its chains by its documented draws, values
// in [0,1], reproducibility, and its options. The operations themselves are checked against
// Pillow by the augmix_oracle test.
#include "augment/augmix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "augment/augmix_ops.h"
#include "core/error.h"

namespace dign::augment {
namespace {

Image test_image(int64_t size, uint64_t seed) {
  SampleRng rng(seed);
  std::vector<uint8_t> bytes(static_cast<size_t>(size * size * 3));
  for (size_t i = 0; i < bytes.size(); ++i) {
    // A gradient with noise: every operation changes it.
    bytes[i] = static_cast<uint8_t>((i * 7 / 3 + rng.below(40)) % 256);
  }
  return Image(size, size, bytes);
}

TEST(AugMix, IsTheDocumentedMixtureOfItsChains) {
  // Replays the draws in the order augmix.h documents (severity, Dirichlet weights as
  // normalised exponentials, m, then per chain its depth and each operation with its
  // parameter) and mixes by the formula (1 - m) x + m sum_i w_i chain_i.
  for (const int64_t severity : {0, 3, 10}) {
    const Image input = test_image(32, 5);
    Image out = input;
    const AugMix augmix(AugMixOptions().severity(severity));
    SampleRng rng(77 + static_cast<uint64_t>(severity));
    augmix.apply(out, rng);
    ASSERT_TRUE(out.is_float());

    SampleRng replay(77 + static_cast<uint64_t>(severity));
    const double s =
        severity > 0 ? static_cast<double>(severity) : static_cast<double>(1 + replay.below(10));
    double e[3], total = 0;
    for (double& v : e) total += v = -std::log1p(-replay.uniform());
    const double m = replay.uniform();
    std::vector<double> mix(input.bytes().size(), 0.0);
    for (double v : e) {
      std::vector<uint8_t> chain = input.bytes();
      const uint64_t depth = 1 + replay.below(3);
      for (uint64_t d = 0; d < depth; ++d) {
        const AugMixOp op = augmix_ops(false)[replay.below(9)];
        apply_op(op, sample_op_parameter(op, s, 32, replay), chain.data(), 32, 32);
      }
      for (size_t i = 0; i < chain.size(); ++i) mix[i] += v / total * chain[i] / 255.0;
    }
    double max_error = 0;
    for (size_t i = 0; i < mix.size(); ++i) {
      const double expected = (1 - m) * input.bytes()[i] / 255.0 + m * mix[i];
      max_error = std::max(max_error, std::abs(out.floats()[i] - expected));
    }
    EXPECT_LT(max_error, 1e-5) << "severity " << severity;
  }
}

TEST(AugMix, ViewsAreInTheUnitRangeDifferFromTheInputAndRepeatGivenTheSeed) {
  const Image input = test_image(32, 1);
  const AugMix augmix;
  int changed = 0;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Image a = input, b = input;
    SampleRng ra(seed), rb(seed);
    augmix.apply(a, ra);
    augmix.apply(b, rb);
    EXPECT_EQ(a.floats(), b.floats());
    double diff = 0;
    for (size_t i = 0; i < a.floats().size(); ++i) {
      const float v = a.floats()[i];
      ASSERT_TRUE(v >= 0.0f && v <= 1.0f) << v;
      diff += std::abs(v - unit_float(input.bytes()[i]));
    }
    changed += diff > 0;
  }
  // Every view differs from its input (m = 0 exactly has probability 2^-53).
  EXPECT_EQ(changed, 50);
}

TEST(AugMix, AFloatImageEntersTheChainsRoundedAndTheMixAsItIs) {
  // A float image with values a quarter-level off the byte grid: the result differs from that
  // of the rounded bytes only through the (1 - m) x term, by less than 1/(4 * 255).
  const Image bytes = test_image(16, 3);
  std::vector<float> floats(bytes.bytes().size());
  for (size_t i = 0; i < floats.size(); ++i) {
    floats[i] = std::min(1.0f, (static_cast<float>(bytes.bytes()[i]) + 0.25f) / 255.0f);
  }
  Image from_bytes = bytes, from_floats(16, 16, floats);
  const AugMix augmix(AugMixOptions().severity(3));
  SampleRng ra(9), rb(9);
  augmix.apply(from_bytes, ra);
  augmix.apply(from_floats, rb);
  double max_diff = 0;
  for (size_t i = 0; i < floats.size(); ++i) {
    max_diff = std::max(
        max_diff, std::abs(static_cast<double>(from_bytes.floats()[i]) - from_floats.floats()[i]));
  }
  EXPECT_GT(max_diff, 0.0);
  EXPECT_LT(max_diff, 0.25 / 255 + 1e-6);
}

TEST(AugMixChains, StacksTheUnmixedChainsWithOneSeverityPerImage) {
  const Image input = test_image(32, 8);
  Image out = input;
  const AugMixChains chains(AugMixOptions().width(3));
  SampleRng rng(5);
  chains.apply(out, rng);
  ASSERT_TRUE(out.is_float());
  ASSERT_EQ(out.height(), 96);
  ASSERT_EQ(out.width(), 32);
  // Replayed: the severity, then each chain's depth and operations.
  SampleRng replay(5);
  const double s = static_cast<double>(1 + replay.below(10));
  const size_t plane = input.bytes().size();
  for (size_t k = 0; k < 3; ++k) {
    std::vector<uint8_t> chain = input.bytes();
    const uint64_t depth = 1 + replay.below(3);
    for (uint64_t d = 0; d < depth; ++d) {
      const AugMixOp op = augmix_ops(false)[replay.below(9)];
      apply_op(op, sample_op_parameter(op, s, 32, replay), chain.data(), 32, 32);
    }
    for (size_t i = 0; i < plane; ++i) {
      ASSERT_EQ(out.floats()[k * plane + i], unit_float(chain[i])) << "chain " << k;
    }
  }
}

TEST(AugMix, OptionsOutOfRangeAreErrorsNamingTheField) {
  EXPECT_THROW(AugMix(AugMixOptions().severity(11)), Error);
  EXPECT_THROW(AugMix(AugMixOptions().severity(-1)), Error);
  EXPECT_THROW(AugMix(AugMixOptions().width(0)), Error);
  EXPECT_THROW(AugMix(AugMixOptions().depth(-1)), Error);
  Image wide(2, 3, std::vector<uint8_t>(18, 0));
  SampleRng rng(1);
  EXPECT_THROW(AugMix().apply(wide, rng), Error);
}

}  // namespace
}  // namespace dign::augment
