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
  choice_validate(arch);
}

nlohmann::json to_json(const ModelRecord& r) {
  nlohmann::json options = to_json(r.arch);
  options.erase("arch");
  options["num_classes"] = r.data.num_classes();
  options["mean"] = r.data.mean();
  options["std"] = r.data.std();
  return {{"arch", arch_name(r.arch)}, {"model_options", options}};
}

ModelRecord parse_model_record(const nlohmann::json& meta, const std::string& source) {
  try {
    DIGN_CHECK(meta.is_object(), source, ": model record is not a JSON object");
    const auto& o = meta.at("model_options");
    DIGN_CHECK(o.is_object(), source, ": model_options is not a JSON object");
    nlohmann::json arch = o;
    for (const char* key : {"num_classes", "mean", "std"}) arch.erase(key);
    arch["arch"] = meta.at("arch");
    ModelRecord r;
    r.arch = choice_from_json<ArchOptions>(arch, "arch", source + ": model", {}, "architecture");
    r.data.num_classes(json_int64(o, "num_classes", source))
        .mean(o.at("mean").get<ChannelValues>())
        .std(o.at("std").get<ChannelValues>());
    r.validate();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(source, ": model record is incomplete (", e.what(), ")"));
  } catch (const OptionError& e) {
    throw Error(detail::concat(source, ": model ", e.what()));
  }
}

}  // namespace dign::models
