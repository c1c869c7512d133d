#pragma once
// The landscape report: one JSON layout (fractions in [0,1]; everything but `timing` is
// deterministic given the seed), a CSV of the Figure 2 data and the figure itself.
//
// Layout (schema_version 1):
//   { "schema_version": 1, "settings": {...}, "estimators": {what each figure is},
//     "models": [ {"name", "model": {...}, "images",
//                  "clean": {"accuracy", "loss", "gradient_norm", "hessian_frobenius_sq", ...},
//                  "radii": [{"epsilon", "loss_difference", "accuracy", "first_order",
//                             "second_order", each with "_se"}],
//                  "eq8": [{"sigma", "kl", "predicted", "ratio", ...}], "eq9": [...],
//                  "proposition1": {"eval": {...}, "train": {...}} } ],
//     "provenance": {...}, "timing": {...} }
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "landscape/landscape.h"
#include "landscape/landscape_figure.h"

namespace dign::landscape {

constexpr int kLandscapeSchemaVersion = 1;

/// The options as the report records them.
nlohmann::json settings_json(const LandscapeOptions& options);

/// What every reported figure is: estimators, units, precision.
nlohmann::json estimators_json(const LandscapeOptions& options);

/// One row per model and radius: model, epsilon, images, directions, then each figure of the
/// four panels with its standard error.
std::string landscape_csv(const nlohmann::json& report);

/// The four panels' curves of a report, one per model.
std::vector<LandscapeCurve> figure_curves(const nlohmann::json& report);

/// Writes DIR/landscape.json, .csv, .png and .svg (each atomically), creating DIR.
void write_landscape_report(const std::string& dir, const nlohmann::json& report);

}  // namespace dign::landscape
