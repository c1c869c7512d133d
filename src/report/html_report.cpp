#include "report/html_report.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"
#include "core/version.h"
#include "landscape/landscape_figure.h"
#include "landscape/landscape_report.h"
#include "report/html_text.h"
#include "report/inline_svg.h"
#include "report/report_figures.h"
#include "report/report_tables.h"

namespace dign::report {
namespace fs = std::filesystem;
namespace {

// Inline, and no url(): the page loads nothing.
constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 0 auto; max-width: 1240px; padding: 16px 24px 48px; color: #1a1a1a;
       line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ddd; }
p.meta, p.note { color: #555; font-size: 0.9em; margin: 0.3em 0; }
nav { font-size: 0.9em; margin: 0.6em 0 1em; }
nav a { margin-right: 1em; color: #1f63a8; text-decoration: none; }
table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 0.9em; }
th, td { border: 1px solid #d4d4d4; padding: 4px 8px; vertical-align: top; }
thead th { background: #f2f2f2; text-align: left; }
tbody th { text-align: left; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.na { text-align: center; color: #999; }
td.text { max-width: 420px; overflow-wrap: anywhere; }
table.provenance td.text { font-family: ui-monospace, "DejaVu Sans Mono", monospace;
                           font-size: 0.85em; }
span.ci { color: #666; font-size: 0.85em; }
span.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
              border-radius: 2px; vertical-align: -1px; }
figure { margin: 0.8em 0 1.4em; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.88em; margin-top: 0.3em; max-width: 900px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr));
        gap: 8px 20px; }
)";

struct Page {
  std::string body, nav;
  int figures = 0;

  void section(const std::string& id, const std::string& heading) {
    body += "<section id=\"" + id + "\">\n<h2>" + html_escape(heading) + "</h2>\n";
    nav += "<a href=\"#" + id + "\">" + html_escape(heading) + "</a>";
  }
  void end_section() { body += "</section>\n"; }
  void figure(const Figure& f) {
    if (f.svg.empty()) return;
    ++figures;
    body += "<figure>\n" + inline_svg(f.svg, fmt::format("f{}-", figures)) + "\n<figcaption>" +
            html_escape(f.caption) + "</figcaption>\n</figure>\n";
  }
};

Figure landscape_figure(const std::string& where) {
  const std::string path =
      fs::is_directory(where) ? (fs::path(where) / "landscape.json").string() : where;
  const std::string expected = ": not dign landscape's report (expected its landscape.json)";
  DIGN_CHECK(fs::is_regular_file(path), path,
             ": no such file (expected dign landscape's --out "
             "directory or its landscape.json)");
  std::vector<landscape::LandscapeCurve> curves;
  try {
    const auto j = nlohmann::json::parse(read_text_file(path));
    DIGN_CHECK(j.is_object() && j.value("schema_version", 0) == 1 && j.contains("models"), path,
               expected);
    curves = landscape::figure_curves(j);
  } catch (const nlohmann::json::exception&) {
    throw Error(path + expected);
  }
  try {
    landscape::LandscapeFigureOptions options;
    return {landscape::render_landscape_figure(curves, metrics::FigureFormat::kSvg, options),
            "The loss landscape under random perturbations (dign landscape, " + path +
                "): loss difference, accuracy and Theorem 1's first- and second-order terms "
                "against the l2 radius; its models' colours follow its own order."};
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace

std::string render_html_report(const std::vector<EvalReport>& reports,
                               const HtmlReportOptions& options) {
  DIGN_CHECK(!reports.empty(), "report: no evaluation reports to show");
  // The landscape first: a bad --landscape fails before any work.
  const Figure landscape =
      options.landscape.empty() ? Figure{} : landscape_figure(options.landscape);
  Page page;
  page.section("headline", "Headline");
  page.body += headline_table(reports);
  page.body +=
      "<p class=\"note\">Percent. mCA: mean accuracy over the corruptions counted in mCA "
      "(gaussian_noise left out, as in the paper); mCA-N: over the noise corruptions; RMSE-N: "
      "calibration RMSE on the noise corruptions pooled.";
  for (const auto& r : reports) {
    if (r.json.contains("bootstrap")) {
      page.body +=
          " [low, high]: 95% percentile-bootstrap intervals over the test images (" +
          html_escape(json_text(r.json["bootstrap"].value("resamples", nlohmann::json()))) +
          " resamples).";
      break;
    }
  }
  page.body += "</p>\n";
  page.end_section();

  const Figure severity = severity_figure(reports);
  if (!severity.svg.empty()) {
    page.section("corruptions", "Corruptions");
    page.figure(severity);
    page.figure(corruption_bars_figure(reports));
    page.end_section();
  }
  const Figure noise = noise_figure(reports);
  if (!noise.svg.empty()) {
    page.section("noise", "Gaussian noise");
    page.figure(noise);
    page.end_section();
  }
  page.section("calibration", "Calibration");
  page.body += calibration_table(reports);
  page.body += "<div class=\"grid\">\n";
  for (const auto& f : reliability_figures(reports)) page.figure(f);
  page.body += "</div>\n";
  page.end_section();
  const std::string temperature = temperature_table(reports);
  if (!temperature.empty()) {
    page.section("temperature", "Temperature scaling");
    page.body += temperature;
    page.body += "<div class=\"grid\">\n";
    for (const auto& f : temperature_figures(reports)) page.figure(f);
    page.body += "</div>\n";
    page.end_section();
  }
  const std::string attacks = adversarial_table(reports);
  if (!attacks.empty()) {
    page.section("adversarial", "Adversarial attacks");
    page.body += attacks;
    page.end_section();
  }
  if (!landscape.svg.empty()) {
    page.section("landscape", "Loss landscape");
    page.figure(landscape);
    page.end_section();
  }
  page.section("provenance", "Provenance");
  page.body += provenance_table(reports);
  page.end_section();

  std::string models;
  for (size_t i = 0; i < reports.size(); ++i) models += (i ? ", " : "") + reports[i].name;
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escape(options.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" +
         "<h1>" + html_escape(options.title) + "</h1>\n<p class=\"meta\">" +
         html_escape(fmt::format("{} model{}: {}. Made by dign {} ({}) from the models' eval.json; "
                                 "this file loads nothing from elsewhere.",
                                 reports.size(), reports.size() == 1 ? "" : "s", models, version(),
                                 git_commit())) +
         "</p>\n<nav>" + page.nav + "</nav>\n" + page.body + "</body>\n</html>\n";
}

void write_html_report(const std::vector<std::string>& eval_paths, const std::string& out,
                       const HtmlReportOptions& options) {
  const std::string ext = fs::path(out).extension().string();
  DIGN_CHECK(ext == ".html" || ext == ".htm", "--out ", out,
             ": expected a file name ending in .html");
  const std::vector<EvalReport> reports = read_eval_reports(eval_paths);
  write_file_atomic(out, render_html_report(reports, options));
}

std::string write_html_beside(const std::string& eval_json, const nlohmann::json& report) {
  check_eval_report(report, eval_json);
  std::vector<EvalReport> reports = {{eval_json, "", report}};
  assign_names(reports);
  HtmlReportOptions options;
  options.title = "dign evaluation report: " + reports.front().name;
  const std::string out = html_path_beside(eval_json);
  write_file_atomic(out, render_html_report(reports, options));
  return out;
}

std::string html_path_beside(const std::string& eval_json) {
  const fs::path p(eval_json);
  if (p.filename() == "eval.json") return (p.parent_path() / "report.html").string();
  return (p.parent_path() / (p.stem().string() + ".html")).string();
}

}  // namespace dign::report
