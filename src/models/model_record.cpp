#include "models/model_record.h"

#include <cmath>

#include "core/error.h"
#include "core/json_checked.h"
#include "models/catalog.h"

namespace dign::models {

ModelRecord parse_model_record(const nlohmann::json& meta, const std::string& source) {
  try {
    ModelRecord m;
    DIGN_CHECK(meta.is_object(), source, ": model record is not a JSON object");
    m.arch = meta.at("arch").get<std::string>();
    models::check_model_name(m.arch, source + ": arch");
    const auto& o = meta.at("model_options");
    m.num_classes = json_int64(o, "num_classes", source);
    m.width = json_int64(o, "width", source);
    m.mean = o.at("mean").get<std::array<double, 3>>();
    m.std = o.at("std").get<std::array<double, 3>>();
    // The channel count limit keeps a hostile file from asking for a huge model.
    DIGN_CHECK(m.num_classes >= 2 && m.num_classes <= 1'000'000, source,
               ": model num_classes must be in [2, 1000000], got ", m.num_classes);
    DIGN_CHECK(m.width >= 1 && m.width <= 4096, source, ": model width must be in [1, 4096], got ",
               m.width);
    for (int c = 0; c < 3; ++c) {
      DIGN_CHECK(std::isfinite(m.mean[c]) && std::isfinite(m.std[c]) && m.std[c] > 0, source,
                 ": model normalization must be finite with positive std (channel ", c, ")");
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(source, ": model record is incomplete (", e.what(), ")"));
  }
}

}  // namespace dign::models
