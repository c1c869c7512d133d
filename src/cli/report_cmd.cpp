#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "report/html_report.h"

namespace dign::cli {

void add_report_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "report",
      "One self-contained HTML page (inline SVG figures, nothing loaded from elsewhere) putting "
      "several evaluated models side by side: headline table, accuracy against severity per "
      "corruption, per-corruption bars, Gaussian noise, reliability diagrams, attacks, "
      "provenance");
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto o = std::make_shared<report::HtmlReportOptions>();
  cmd->add_option("reports", *inputs, "eval.json files written by 'dign eval', one per model")
      ->required();
  cmd->add_option("--out", *out, "The page, FILE.html (written atomically)")->required();
  cmd->add_option("--title", o->title, "The page's title")->capture_default_str();
  cmd->add_option("--landscape", o->landscape,
                  "Add the loss landscape figure of 'dign landscape': its --out DIR or the "
                  "landscape.json in it");
  cmd->callback([&action, inputs, out, o] {
    action = [inputs, out, o] {
      report::write_html_report(*inputs, *out, *o);
      std::cout << "wrote " << *out << "\n";
      return 0;
    };
  });
}

}  // namespace dign::cli
