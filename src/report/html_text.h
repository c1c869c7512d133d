#pragma once
// Text that goes into the HTML report: everything read from a JSON file is escaped before it
// reaches the page, and the report's numbers are printed one way everywhere.
//
// \code
//   page += "<td>" + html_escape(name) + "</td><td>" + percent_with_interval(clean, "accuracy")
//         + "</td>";
// \endcode
#include <nlohmann/json.hpp>

#include <string>

namespace dign::report {

/// `text` with &, <, >, " and ' replaced by character references: safe as element content and
/// inside a quoted attribute value.
std::string html_escape(const std::string& text);

/// record[key] as a double; NaN when absent or not a number (a figure the report lacks).
double number_or_nan(const nlohmann::json& record, const std::string& key);

/// record[key]'s "<key>_ci95" [low, high] when present as two numbers.
bool interval(const nlohmann::json& record, const std::string& key, double* low, double* high);

/// A fraction as a percentage with `digits` decimals ("82.82"); "–" for NaN.
std::string percent(double fraction, int digits = 2);

/// record[key] in percent, followed by its 95% interval "[82.1, 83.5]" in a <span class="ci">
/// when the record has "<key>_ci95"; HTML, ready to insert.
std::string percent_with_interval(const nlohmann::json& record, const std::string& key,
                                  int digits = 2);

/// A JSON value as one line of plain text: strings as they are, numbers with at most 6
/// significant digits, objects as "key value, key value" (nested ones in braces), arrays as
/// "[a, b]".
std::string json_text(const nlohmann::json& value);

}  // namespace dign::report
