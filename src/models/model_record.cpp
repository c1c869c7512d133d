#include "models/model_record.h"

#include <cmath>

#include "core/error.h"
#include "core/json_checked.h"

namespace dign::models {

void ModelRecord::validate() const {
  DIGN_CHECK_OPTION(data.num_classes() >= 2 && data.num_classes() <= 1'000'000, "num_classes",
                    "expected 2 to 1000000 classes, got ", data.num_classes());
  for (int c = 0; c < 3; ++c) {
    DIGN_CHECK_OPTION(
        std::isfinite(data.mean()[c]) && std::isfinite(data.std()[c]) && data.std()[c] > 0,
        "normalization", "expected a finite mean and a positive std (channel ", c, ")");
  }
  DIGN_CHECK_OPTION(data.image_size() >= 0 && data.image_size() <= 65536, "image_size",
                    "expected 0 (not recorded) to 65536 pixels, got ", data.image_size());
  choice_validate(arch);
  if (data.image_size() > 0) check_image_size(arch, data.image_size());
}

nlohmann::json to_json(const ModelRecord& r) {
  nlohmann::json options = to_json(r.arch);
  options.erase("arch");
  options["num_classes"] = r.data.num_classes();
  options["mean"] = r.data.mean();
  options["std"] = r.data.std();
  options["image_size"] = r.data.image_size();
  return {{"arch", arch_name(r.arch)}, {"model_options", options}};
}

ModelRecord parse_model_record(const nlohmann::json& meta, const std::string& source) {
  try {
    DIGN_CHECK(meta.is_object(), source, ": model record is not a JSON object");
    const auto& o = meta.at("model_options");
    DIGN_CHECK(o.is_object(), source, ": model_options is not a JSON object");
    nlohmann::json arch = o;
    for (const char* key : {"num_classes", "mean", "std", "image_size"}) arch.erase(key);
    arch["arch"] = meta.at("arch");
    ModelRecord r;
    r.arch = choice_from_json<ArchOptions>(arch, "arch", source + ": model", {}, "architecture");
    r.data.num_classes(json_int64(o, "num_classes", source))
        .mean(o.at("mean").get<ChannelValues>())
        .std(o.at("std").get<ChannelValues>())
        .image_size(json_int64_or(o, "image_size", 0, source));
    r.validate();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(source, ": model record is incomplete (", e.what(), ")"));
  } catch (const OptionError& e) {
    throw Error(detail::concat(source, ": model ", e.what()));
  }
}

}  // namespace dign::models
