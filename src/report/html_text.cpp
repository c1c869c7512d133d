#include "report/html_text.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "metrics/figure_drawing.h"

namespace dign::report {

std::string html_escape(const std::string& text) {
  return metrics::xml_escape(text);
}

double number_or_nan(const nlohmann::json& record, const std::string& key) {
  if (!record.is_object()) return std::numeric_limits<double>::quiet_NaN();
  const auto it = record.find(key);
  return it != record.end() && it->is_number() ? it->get<double>()
                                               : std::numeric_limits<double>::quiet_NaN();
}

bool interval(const nlohmann::json& record, const std::string& key, double* low, double* high) {
  if (!record.is_object()) return false;
  const auto it = record.find(key + "_ci95");
  if (it == record.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() ||
      !(*it)[1].is_number()) {
    return false;
  }
  *low = (*it)[0].get<double>();
  *high = (*it)[1].get<double>();
  return true;
}

std::string percent(double fraction, int digits) {
  return std::isfinite(fraction) ? fmt::format("{:.{}f}", 100 * fraction, digits)
                                 : std::string("\u2013");
}

std::string percent_with_interval(const nlohmann::json& record, const std::string& key,
                                  int digits) {
  std::string out = percent(number_or_nan(record, key), digits);
  double low = 0, high = 0;
  if (interval(record, key, &low, &high)) {
    out += fmt::format(" <span class=\"ci\">[{}, {}]</span>", percent(low, digits),
                       percent(high, digits));
  }
  return out;
}

std::string json_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return fmt::format("{:.6g}", value.get<double>());
  if (value.is_object() || value.is_array()) {
    std::string out;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string item = it->is_object() ? "{" + json_text(*it) + "}" : json_text(*it);
      out += (out.empty() ? "" : ", ") + (value.is_object() ? it.key() + " " + item : item);
    }
    return value.is_array() ? "[" + out + "]" : out;
  }
  return value.dump();  // integers, booleans, null
}

}  // namespace dign::report
