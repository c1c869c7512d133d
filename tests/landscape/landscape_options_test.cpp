// Every out-of-range landscape option is refused naming its field and the range expected.
#include <gtest/gtest.h>

#include "core/error.h"
#include "landscape/landscape_options.h"
#include "test_util.h"

namespace dign::landscape {
namespace {

std::string field_error(const LandscapeOptions& o) {
  try {
    o.validate();
  } catch (const OptionError& e) {
    return e.field() + ": " + e.message();
  }
  return "<no error>";
}

TEST(LandscapeOptions, DefaultsAreValidAndStartAtRadiusZero) {
  const LandscapeOptions o;
  EXPECT_NO_THROW(o.validate());
  EXPECT_EQ(o.radii.front(), 0.0);
  EXPECT_EQ(o.directions, 1);
  EXPECT_EQ(o.eta, 1e-3);
  EXPECT_EQ(o.curvature_samples, 8);
}

TEST(LandscapeOptions, OutOfRangeValuesNameTheFieldAndTheRange) {
  struct Case {
    void (*change)(LandscapeOptions&);
    const char* expected;
  };
  const Case cases[] = {
      {[](LandscapeOptions& o) {
         o.radii = {0, 2, 1};
       },
       "radii: expected strictly increasing"},
      {[](LandscapeOptions& o) {
         o.radii = {0, 1, 1};
       },
       "radii: expected strictly increasing"},
      {[](LandscapeOptions& o) {
         o.radii = {-1, 1};
       },
       "radii: expected l2 radii in [0, "},
      {[](LandscapeOptions& o) { o.radii = {}; }, "radii: expected 1 to 1000"},
      {[](LandscapeOptions& o) { o.eta = 0; }, "eta: expected a step in (0, 0.1]"},
      {[](LandscapeOptions& o) { o.eta = -1e-3; }, "eta: expected a step in (0, 0.1]"},
      {[](LandscapeOptions& o) { o.directions = 0; }, "directions: expected 1 to 1000"},
      {[](LandscapeOptions& o) { o.curvature_samples = 0; }, "curvature_samples: expected 1 to"},
      {[](LandscapeOptions& o) { o.kl_samples = 0; }, "kl_samples: expected 1 to"},
      {[](LandscapeOptions& o) {
         o.sigmas = {0.1, 0};
       },
       "sigmas: expected noise levels in (0, 1]"},
      {[](LandscapeOptions& o) { o.sigmas = {2}; }, "sigmas: expected noise levels in (0, 1]"},
      {[](LandscapeOptions& o) { o.batch_size = 0; }, "batch_size: expected 1 to"},
  };
  for (const auto& c : cases) {
    LandscapeOptions o;
    c.change(o);
    EXPECT_TRUE(testing::contains(field_error(o), c.expected)) << field_error(o);
  }
}

}  // namespace
}  // namespace dign::landscape
