#include "run/run_config.h"

#include <cmath>

#include "core/error.h"
#include "core/file_io.h"
#include "core/json_checked.h"

namespace dign::run {

RunConfig parse_run_config(const std::string& text, const std::string& source) {
  RunConfig c;
  try {
    c.json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(source, ": not valid JSON (", e.what(), ")"));
  }
  DIGN_CHECK(c.json.is_object(), source, ": expected a JSON object");
  try {
    c.options = train_options_from_json(c.json.at("options"), source);
    c.options.validate();
    c.model = models::parse_model_record(c.json.at("model"), source);
    const auto& resolved = c.json.at("resolved");
    const auto precision = resolved.at("precision").get<std::string>();
    DIGN_CHECK(precision == "fp32" || precision == "bf16", source,
               ": resolved precision must be fp32 or bf16, got '", precision, "'");
    const auto memory_format = resolved.value("memory_format", std::string("contiguous"));
    DIGN_CHECK(memory_format == "contiguous" || memory_format == "channels-last", source,
               ": resolved memory_format must be contiguous or channels-last, got '", memory_format,
               "'");
    const auto& data = c.json.at("data");
    for (const char* key : {"train_hash", "selection_hash"}) data.at(key).get<std::string>();
    if (c.json.contains("inference")) {
      const auto& inference = c.json.at("inference");
      const int64_t ensemble = json_int64_or(inference, "ensemble", 1, source);
      const double sigma = inference.value("ensemble_sigma", 0.0);
      DIGN_CHECK(ensemble >= 1 && ensemble <= 100000, source,
                 ": inference ensemble must be in [1, 100000], got ", ensemble);
      DIGN_CHECK(std::isfinite(sigma) && sigma >= 0, source,
                 ": inference ensemble_sigma must be finite and >= 0");
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(source, ": incomplete (", e.what(), ")"));
  } catch (const Error& e) {
    const std::string message = e.what();
    // Option errors name the field; say which file it is in.
    if (message.rfind(source, 0) == 0) throw;
    throw Error(detail::concat(source, ": ", message));
  }
  return c;
}

RunConfig read_run_config(const std::string& path) {
  return parse_run_config(read_text_file(path), path);
}

}  // namespace dign::run
