#include "objectives/method_options.h"

#include "core/error.h"
#include "core/json_checked.h"

namespace dign::objectives {

void DignOptions::validate() const {
  DIGN_CHECK(lambda() >= 0, "--lambda: expected a value >= 0, got ", lambda());
  DIGN_CHECK(sigma_max() >= 0, "--sigma-max: expected a value >= 0, got ", sigma_max());
  DIGN_CHECK(samples() >= 1, "--samples: expected at least 1 noisy sample, got ", samples());
}

void GaussianNoiseOptions::validate() const {
  DIGN_CHECK(sigma_max() >= 0, "--sigma-max: expected a value >= 0, got ", sigma_max());
}

void RseOptions::validate() const {
  DIGN_CHECK(sigma() >= 0, "--sigma: expected a value >= 0, got ", sigma());
  DIGN_CHECK(ensemble() >= 1, "--ensemble: expected at least 1 copy, got ", ensemble());
}

const std::vector<MethodEntry>& method_catalog() {
  static const std::vector<MethodEntry> catalog = {
      {"standard", "cross-entropy (Eq. 1)"},
      {"dign", "cross-entropy + lambda * KL consistency to diverse Gaussian noise (Eq. 6)"},
      {"gn", "cross-entropy on diverse Gaussian noise, no consistency term (Eq. 12)"},
      {"rse", "cross-entropy on fixed-sigma Gaussian noise + test-time ensemble (Eq. 4)"},
  };
  return catalog;
}

void MethodConfig::validate() const {
  std::string known;
  bool found = false;
  for (const auto& entry : method_catalog()) {
    found |= entry.name == method;
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  DIGN_CHECK(found, "--method: unknown method '", method, "' (known: ", known, ")");
  if (method == "dign") dign.validate();
  if (method == "gn") gn.validate();
  if (method == "rse") rse.validate();
}

int64_t MethodConfig::default_ensemble() const {
  return method == "rse" ? rse.ensemble() : 1;
}
double MethodConfig::ensemble_sigma() const {
  return method == "rse" ? rse.sigma() : 0.0;
}

nlohmann::json to_json(const MethodConfig& c) {
  nlohmann::json j = {{"method", c.method}};
  if (c.method == "dign") {
    j["lambda"] = c.dign.lambda();
    j["sigma_max"] = c.dign.sigma_max();
    j["samples"] = c.dign.samples();
    j["concat_views"] = c.dign.concat_views();
  } else if (c.method == "gn") {
    j["sigma_max"] = c.gn.sigma_max();
  } else if (c.method == "rse") {
    j["sigma"] = c.rse.sigma();
    j["ensemble"] = c.rse.ensemble();
  }
  return j;
}

MethodConfig method_config_from_json(const nlohmann::json& j, const std::string& source) {
  MethodConfig c;
  c.method = j.at("method").get<std::string>();
  if (c.method == "dign") {
    c.dign.lambda(j.at("lambda").get<double>())
        .sigma_max(j.at("sigma_max").get<double>())
        .samples(json_int64(j, "samples", source))
        .concat_views(j.value("concat_views", false));
  } else if (c.method == "gn") {
    c.gn.sigma_max(j.at("sigma_max").get<double>());
  } else if (c.method == "rse") {
    c.rse.sigma(j.at("sigma").get<double>()).ensemble(json_int64(j, "ensemble", source));
  }
  c.validate();
  return c;
}

}  // namespace dign::objectives
