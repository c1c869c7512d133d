#include "landscape/landscape_report.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"

namespace dign::landscape {
namespace fs = std::filesystem;

namespace {

// a / b, or null when b is 0 (no prediction to compare with).
nlohmann::json ratio(double a, double b) {
  return b != 0 && std::isfinite(a / b) ? nlohmann::json(a / b) : nlohmann::json(nullptr);
}

void put(nlohmann::json& j, const std::string& key, const Mean& m, double scale = 1.0) {
  j[key] = scale * m.value();
  j[key + "_se"] = scale * m.standard_error();
}

nlohmann::json kl_json(const KlStats& s, const char* level) {
  nlohmann::json j;
  j[level] = s.sigma;
  put(j, "kl", s.kl);
  put(j, "predicted", s.predicted);
  j["ratio"] = ratio(s.kl.value(), s.predicted.value());
  put(j, "taylor_term", s.paired);
  j["taylor_ratio"] = ratio(s.kl.value(), s.paired.value());
  return j;
}

nlohmann::json proposition_json(const PropositionStats& s, bool exact_fisher) {
  nlohmann::json j;
  j["images"] = s.images;
  put(j, "fisher_trace", s.fisher_trace);
  j["fisher_trace_estimator"] = exact_fisher
                                    ? "exact, Eq. 10 (one backward per class)"
                                    : "Hutchinson, mean z^T G z (Jacobian-vector products)";
  put(j, "hessian_trace", s.hessian_trace);
  j["hessian_trace_estimator"] = "Hutchinson, mean z^T H z (exact Hessian-vector products)";
  put(j, "fisher_quadratic", s.fisher_quadratic);
  j["trace_relative_difference"] =
      s.images > 0 ? ratio(std::abs(s.hessian_trace.value() - s.fisher_trace.value()),
                           s.fisher_trace.value())
                   : nlohmann::json(nullptr);
  j["paired_relative_difference"] = ratio(s.abs_difference, s.reference);
  return j;
}

}  // namespace

nlohmann::json landscape_json(const ModelLandscape& m, const LandscapeOptions& o) {
  nlohmann::json j;
  j["images"] = m.images;
  nlohmann::json clean;
  put(clean, "accuracy", m.accuracy);
  put(clean, "loss", m.loss);
  put(clean, "gradient_norm", m.gradient_norm);
  put(clean, "hessian_frobenius_sq", m.curvature);
  put(clean, "hessian_frobenius_sq_exact_hvp", m.curvature_exact);
  clean["finite_difference_relative_error"] =
      m.exact_sq > 0 ? nlohmann::json(std::sqrt(m.fd_error_sq / m.exact_sq)) : nullptr;
  j["clean"] = clean;
  j["radii"] = nlohmann::json::array();
  for (size_t r = 0; r < o.radii.size(); ++r) {
    const double eps = o.radii[r];
    nlohmann::json row;
    row["epsilon"] = eps;
    put(row, "loss_difference", m.radii[r].loss_difference);
    put(row, "accuracy", m.radii[r].accuracy);
    put(row, "first_order", m.gradient_norm, eps);
    put(row, "second_order", m.curvature, eps * eps / 2);
    put(row, "second_order_exact_hvp", m.curvature_exact, eps * eps / 2);
    j["radii"].push_back(row);
  }
  j["eq8"] = nlohmann::json::array();
  j["eq9"] = nlohmann::json::array();
  for (const auto& s : m.eq8) j["eq8"].push_back(kl_json(s, "sigma"));
  for (const auto& s : m.eq9) j["eq9"].push_back(kl_json(s, "sigma_max"));
  j["proposition1"] = {{"eval", proposition_json(m.eval_mode, true)},
                       {"train", proposition_json(m.train_mode, false)}};
  return j;
}

nlohmann::json settings_json(const LandscapeOptions& o) {
  return {{"radii", o.radii},
          {"directions", o.directions},
          {"eta", o.eta},
          {"curvature_samples", o.curvature_samples},
          {"kl_samples", o.kl_samples},
          {"sigmas", o.sigmas},
          {"seed", o.seed},
          {"batch_size", o.batch_size},
          {"train_mode_check", o.train_mode_check}};
}

nlohmann::json estimators_json(const LandscapeOptions& o) {
  return {
      {"units",
       "images in [0,1] pixel units; radii, sigmas and eta in those units (l2 for radii, per "
       "pixel for sigma and eta); losses and KL in nats; accuracies are fractions"},
      {"precision",
       "fp32 whatever the CPU offers (no bf16 autocast: its 8-bit mantissa is too coarse for "
       "finite differences); contiguous memory format"},
      {"perturbation",
       "delta = epsilon * u / ||u||_2, u ~ N(0, I) per image and direction (seeded by the image's "
       "position in the test split), the same directions at every radius; x + delta not clipped"},
      {"loss_difference", "mean over images and directions of |L(x + delta, y) - L(x, y)|"},
      {"accuracy", "fraction of (image, direction) pairs with x + delta classified correctly"},
      {"first_order", "epsilon * ||grad_x L(x, y)||_2 at the clean image, mean over images"},
      {"second_order",
       fmt::format("(1/2) epsilon^2 Tr(H^T H) at the clean image; Tr(H^T H) = E_z ||H z||^2 by "
                   "centred gradient differences in the consistent form (1/n) sum_i ||(grad "
                   "L(x + eta z_i) - grad L(x - eta z_i)) / (2 eta)||^2, z_i ~ N(0, I), n = {}, "
                   "eta = {} (section 3.2 prints 1/(2 eta) outside the squared norm, which "
                   "estimates 2 eta Tr(H^T H) and scales with eta). For a ReLU network the "
                   "gradient jumps at the kinks a step crosses, so this figure is the curvature "
                   "at the scale eta and grows as eta shrinks (docs/landscape.md)",
                   o.curvature_samples, o.eta)},
      {"hessian_frobenius_sq_exact_hvp",
       "the same E_z ||H z||^2 with exact Hessian-vector products (double backward) on the same "
       "probes: the Hessian almost everywhere, blind to ReLU kinks the finite difference crosses"},
      {"eq8",
       fmt::format("Monte-Carlo E_delta KL(p(x) || p(x + delta)), delta = sigma xi, xi ~ N(0, I), "
                   "{} draws per image shared by every sigma, against (sigma^2 / 2) Tr G(x) "
                   "(Eq. 8); taylor_term: (1/2) delta^T G delta on the same draws",
                   o.kl_samples)},
      {"eq9",
       "as eq8 with sigma ~ U(0, sigma_max) per image and draw, against (sigma_max^2 / 6) Tr G(x)"},
      {"fisher_trace", "Tr G(x) = sum_k p_k ||grad_x log p_k||^2 (Eq. 10), exact"},
      {"proposition1",
       "Tr H by Hutchinson (z^T H z, exact Hessian-vector products, the curvature probes) against "
       "Tr G; paired_relative_difference = sum |z^T H z - z^T G z| / sum z^T G z over the same "
       "probes (per image in eval mode, per batch in train mode, where BatchNorm couples a batch): "
       "0 up to rounding when H = G, as for a ReLU network in eval mode"}};
}

std::string landscape_csv(const nlohmann::json& report) {
  std::string out =
      "model,epsilon,images,directions,loss_difference,loss_difference_se,accuracy,accuracy_se,"
      "first_order,first_order_se,second_order,second_order_se,second_order_exact_hvp,"
      "second_order_exact_hvp_se\n";
  const int64_t directions = report.at("settings").at("directions").get<int64_t>();
  for (const auto& model : report.at("models")) {
    for (const auto& r : model.at("radii")) {
      out +=
          fmt::format("{},{},{},{}", model.at("name").get<std::string>(),
                      r.at("epsilon").get<double>(), model.at("images").get<int64_t>(), directions);
      for (const char* key : {"loss_difference", "accuracy", "first_order", "second_order",
                              "second_order_exact_hvp"}) {
        out += fmt::format(",{:.8g},{:.8g}", r.at(key).get<double>(),
                           r.at(std::string(key) + "_se").get<double>());
      }
      out += "\n";
    }
  }
  return out;
}

std::vector<LandscapeCurve> figure_curves(const nlohmann::json& report) {
  std::vector<LandscapeCurve> curves;
  for (const auto& model : report.at("models")) {
    LandscapeCurve c;
    c.name = model.at("name").get<std::string>();
    for (const auto& r : model.at("radii")) {
      c.radii.push_back(r.at("epsilon").get<double>());
      c.loss_difference.push_back(r.at("loss_difference").get<double>());
      c.accuracy.push_back(r.at("accuracy").get<double>());
      c.first_order.push_back(r.at("first_order").get<double>());
      c.second_order.push_back(r.at("second_order").get<double>());
    }
    curves.push_back(std::move(c));
  }
  return curves;
}

void write_landscape_report(const std::string& dir, const nlohmann::json& report) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  DIGN_CHECK(!ec && fs::is_directory(dir), "landscape: cannot create the output directory '", dir,
             "' (", ec.message(), ")");
  const fs::path base = fs::path(dir) / "landscape";
  const auto curves = figure_curves(report);
  const auto& settings = report.at("settings");
  LandscapeFigureOptions figure;
  figure.subtitle = fmt::format(
      "{} test images x {} direction(s), fp32; second-order term by centred gradient differences "
      "(\u03b7 = {}, {} probes)",
      report.at("models").front().at("images").get<int64_t>(),
      settings.at("directions").get<int64_t>(), settings.at("eta").get<double>(),
      settings.at("curvature_samples").get<int64_t>());
  write_landscape_figure(base.string() + ".png", curves, figure);
  write_landscape_figure(base.string() + ".svg", curves, figure);
  write_file_atomic(base.string() + ".csv", landscape_csv(report));
  write_file_atomic(base.string() + ".json", report.dump(2) + "\n");
}

}  // namespace dign::landscape
