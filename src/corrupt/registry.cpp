#include "corrupt/registry.h"

#include "core/error.h"
#include "core/rng.h"
#include "corrupt/blur.h"
#include "corrupt/digital.h"
#include "corrupt/noise.h"
#include "corrupt/weather/weather.h"

namespace dign::corrupt {

const std::vector<Corruption>& corruption_catalog() {
  // The original make_cifar_c.py order: the 15 benchmark corruptions, then the 4 extras.
  static const std::vector<Corruption> catalog = {
      {"gaussian_noise", "noise", true, gaussian_noise},
      {"shot_noise", "noise", true, shot_noise},
      {"impulse_noise", "noise", true, impulse_noise},
      {"defocus_blur", "blur", true, defocus_blur},
      {"glass_blur", "blur", true, glass_blur},
      {"motion_blur", "blur", true, motion_blur},
      {"zoom_blur", "blur", true, zoom_blur},
      {"snow", "weather", true, snow},
      {"frost", "weather", true, frost},
      {"fog", "weather", true, fog},
      {"brightness", "weather", true, brightness},
      {"contrast", "digital", true, contrast},
      {"elastic_transform", "digital", true, elastic_transform},
      {"pixelate", "digital", true, pixelate},
      {"jpeg_compression", "digital", true, jpeg_compression},
      {"speckle_noise", "noise", false, speckle_noise},
      {"gaussian_blur", "blur", false, gaussian_blur},
      {"spatter", "weather", false, spatter},
      {"saturate", "digital", false, saturate},
  };
  return catalog;
}

const Corruption& find_corruption(const std::string& name) {
  std::string known;
  for (const auto& c : corruption_catalog()) {
    if (c.name == name) return c;
    known += (known.empty() ? "" : ", ") + c.name;
  }
  throw OptionError("corruptions",
                    detail::concat("unknown corruption '", name, "' (known: ", known, ")"));
}

std::vector<std::string> corruption_names(Table table) {
  std::vector<std::string> names;
  for (const auto& c : corruption_catalog()) {
    if (table == Table::kCifar || c.benchmark) names.push_back(c.name);
  }
  return names;
}

uint64_t image_seed(uint64_t seed, const std::string& corruption, int severity, int64_t index) {
  return derive_seed(seed, {purpose_tag("corrupt"), purpose_tag(corruption),
                            static_cast<uint64_t>(severity), static_cast<uint64_t>(index)});
}

cv::Mat corrupt_image(const Corruption& corruption, const cv::Mat& rgb, int severity, uint64_t seed,
                      int64_t index, const Context& context) {
  DIGN_CHECK_OPTION(severity >= 1 && severity <= 5, "severities", "expected 1 to 5, got ",
                    severity);
  DIGN_CHECK(rgb.type() == CV_8UC3, corruption.name, ": expected a uint8 HxWx3 RGB image");
  Rng rng(image_seed(seed, corruption.name, severity, index));
  cv::Mat out = corruption.apply(rgb, severity, rng, context);
  DIGN_CHECK(out.type() == CV_8UC3 && out.size() == rgb.size(), corruption.name,
             ": produced an image of another size or type");
  return out;
}

}  // namespace dign::corrupt
