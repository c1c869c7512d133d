#include "landscape/landscape_options.h"

#include <cmath>

#include "core/error.h"

namespace dign::landscape {

std::vector<double> default_radii() {
  std::vector<double> radii;
  for (int eps = 0; eps <= 20; ++eps) radii.push_back(eps);
  return radii;
}

void LandscapeOptions::validate() const {
  constexpr double kMaxRadius = 1e4;
  DIGN_CHECK_OPTION(!radii.empty() && radii.size() <= 1000, "radii",
                    "expected 1 to 1000 l2 radii, got ", radii.size());
  for (size_t i = 0; i < radii.size(); ++i) {
    DIGN_CHECK_OPTION(std::isfinite(radii[i]) && radii[i] >= 0 && radii[i] <= kMaxRadius, "radii",
                      "expected l2 radii in [0, ", kMaxRadius, "] ([0,1] pixel units), got ",
                      radii[i]);
    DIGN_CHECK_OPTION(i == 0 || radii[i] > radii[i - 1], "radii",
                      "expected strictly increasing radii, got ", radii[i - 1], " then ", radii[i]);
  }
  DIGN_CHECK_OPTION(directions >= 1 && directions <= 1000, "directions",
                    "expected 1 to 1000 directions per image, got ", directions);
  DIGN_CHECK_OPTION(std::isfinite(eta) && eta > 0 && eta <= 0.1, "eta",
                    "expected a step in (0, 0.1] ([0,1] pixel units), got ", eta);
  DIGN_CHECK_OPTION(curvature_samples >= 1 && curvature_samples <= 1000, "curvature_samples",
                    "expected 1 to 1000 probes per image, got ", curvature_samples);
  DIGN_CHECK_OPTION(kl_samples >= 1 && kl_samples <= 1000, "kl_samples",
                    "expected 1 to 1000 draws per image, got ", kl_samples);
  DIGN_CHECK_OPTION(!sigmas.empty() && sigmas.size() <= 100, "sigmas",
                    "expected 1 to 100 noise levels, got ", sigmas.size());
  for (double s : sigmas) {
    DIGN_CHECK_OPTION(std::isfinite(s) && s > 0 && s <= 1, "sigmas",
                      "expected noise levels in (0, 1] ([0,1] pixel units), got ", s);
  }
  DIGN_CHECK_OPTION(batch_size >= 1 && batch_size <= 100000, "batch_size",
                    "expected 1 to 100000 images per batch, got ", batch_size);
}

}  // namespace dign::landscape
