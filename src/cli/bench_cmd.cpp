#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/choice_flags.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "core/file_io.h"
#include "train/throughput.h"

namespace dign::cli {
namespace {

struct BenchTrainArgs {
  train::ThroughputOptions o;
  std::shared_ptr<ChoiceFlags<objectives::MethodOptions>> method;
  std::shared_ptr<ChoiceFlags<models::ArchOptions>> arch;
  std::string json;
  bool quiet = false;

  train::ThroughputOptions options() const {
    train::ThroughputOptions t = o;
    t.method = objectives::MethodConfig{method->resolve()};
    t.model = arch->resolve();
    return t;
  }
};

void add_bench_train(CLI::App& bench, Action& action) {
  auto* cmd = bench.add_subcommand(
      "train",
      "Time training steps on random data (the model, objective and optimizer of 'dign "
      "train'); prints 'images/s N' last");
  auto a = std::make_shared<BenchTrainArgs>();
  a->method =
      std::make_shared<ChoiceFlags<objectives::MethodOptions>>(*cmd, "method", a->o.method.options);
  a->arch = std::make_shared<ChoiceFlags<models::ArchOptions>>(*cmd, "arch", a->o.model);
  cmd->add_option("--batch-size", a->o.batch_size, "Training examples per step")
      ->capture_default_str();
  cmd->add_option("--image-size", a->o.image_size, "Side of the random square images")
      ->capture_default_str();
  cmd->add_option("--iters", a->o.iters, "Timed steps")->capture_default_str();
  cmd->add_option("--warmup-iters", a->o.warmup_iters, "Untimed steps first")
      ->capture_default_str();
  cmd->add_option("--seed", a->o.seed, "Seed of the weights and data")->capture_default_str();
  cmd->add_option("--json", a->json, "Also write the full record to this JSON file");
  add_machine_options(*cmd, a->o.machine);
  add_quiet_option(*cmd, a->quiet);
  cmd->callback([&action, a] {
    action = [a] {
      const train::ThroughputOptions o = a->options();
      const nlohmann::json r = train::measure_training_throughput(o, *make_progress(a->quiet));
      if (!a->json.empty()) write_file_atomic(a->json, r.dump(2) + "\n");
      std::cout << fmt::format(
          "median step {:.4f} s, {:.1f} GFLOP/s ({:.2f} GFLOP per image), peak memory {:.0f} "
          "MiB\n",
          r["median_step_seconds"].get<double>(), r["gflops_per_second"].get<double>(),
          r["step_flops_per_image"].get<double>() / 1e9, r["peak_resident_mib"].get<double>());
      std::cout << fmt::format("images/s {:.2f}\n", r["images_per_second"].get<double>());
      return 0;
    };
  });
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  auto* bench = app.add_subcommand("bench", "Benchmarks: 'dign bench train'");
  bench->require_subcommand(1);
  add_bench_train(*bench, action);
}

}  // namespace dign::cli
