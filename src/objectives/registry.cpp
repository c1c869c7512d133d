#include "objectives/registry.h"

#include "core/error.h"
#include "objectives/standard.h"

namespace dign::objectives {

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

std::unique_ptr<Objective> make_objective(const MethodConfig& config) {
  config.validate();
  if (config.method == "dign") return std::make_unique<Dign>(config.dign);
  if (config.method == "gn") return std::make_unique<GaussianNoise>(config.gn);
  if (config.method == "rse") return std::make_unique<Rse>(config.rse);
  return std::make_unique<Standard>();
}

nlohmann::json to_json(const MethodConfig& c) {
  nlohmann::json j = {{"method", c.method}};
  if (c.method == "dign") {
    j["lambda"] = c.dign.lambda();
    j["sigma_max"] = c.dign.sigma_max();
    j["samples"] = c.dign.samples();
  } else if (c.method == "gn") {
    j["sigma_max"] = c.gn.sigma_max();
  } else if (c.method == "rse") {
    j["sigma"] = c.rse.sigma();
    j["ensemble"] = c.rse.ensemble();
  }
  return j;
}

MethodConfig method_config_from_json(const nlohmann::json& j) {
  MethodConfig c;
  c.method = j.at("method").get<std::string>();
  if (c.method == "dign") {
    c.dign.lambda(j.at("lambda").get<double>())
        .sigma_max(j.at("sigma_max").get<double>())
        .samples(j.at("samples").get<int64_t>());
  } else if (c.method == "gn") {
    c.gn.sigma_max(j.at("sigma_max").get<double>());
  } else if (c.method == "rse") {
    c.rse.sigma(j.at("sigma").get<double>()).ensemble(j.at("ensemble").get<int64_t>());
  }
  c.validate();
  return c;
}

}  // namespace dign::objectives
