#include "train/throughput.h"

#include <fmt/format.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>

#include "core/cpu_features.h"
#include "core/error.h"
#include "core/machine.h"
#include "core/memory.h"
#include "core/rng.h"
#include "core/torch_rng.h"
#include "core/version.h"
#include "models/memory_format.h"
#include "models/registry.h"
#include "objectives/registry.h"
#include "train/step.h"

namespace dign::train {

void ThroughputOptions::validate() const {
  objectives::validate_method_and_arch(method, model);
  DIGN_CHECK_OPTION(batch_size >= 1, "batch_size", "expected at least 1, got ", batch_size);
  DIGN_CHECK_OPTION(image_size >= 8 && image_size <= 1024, "image_size", "expected 8 to 1024, got ",
                    image_size);
  DIGN_CHECK_OPTION(iters >= 1, "iters", "expected at least 1, got ", iters);
  DIGN_CHECK_OPTION(warmup_iters >= 0, "warmup_iters", "expected 0 or more, got ", warmup_iters);
  machine.validate();
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

nlohmann::json measure_training_throughput(const ThroughputOptions& o, Progress& progress) {
  o.validate();
  const Machine machine = resolve_machine(o.machine);
  const torch::Device device = machine.device;

  auto model = models::make_model(
      o.model, models::ModelData().num_classes(o.num_classes).image_size(o.image_size));
  // The weights as `dign train --seed` draws them (on the CPU whatever the device); the
  // random batch and the objective's noise from a stream of their own.
  auto init = make_generator(torch::kCPU, derive_seed(o.seed, {purpose_tag("init")}));
  model->reset_parameters(init);
  model->to(device);
  models::apply_memory_format(*model, machine.memory_format);
  model->train();
  auto objective = objectives::make_objective(o.method);
  // The optimizer `dign train` builds, with its default (the paper's) settings.
  const run::TrainOptions paper;
  const auto optimizer = make_optimizer(*model, paper);
  auto generator = make_generator(device, derive_seed(o.seed, {purpose_tag("bench-data")}));
  objectives::Batch batch{torch::rand({o.batch_size, 3, o.image_size, o.image_size}, generator,
                                      torch::TensorOptions(torch::kFloat32).device(device)),
                          torch::randint(o.num_classes, {o.batch_size}, generator,
                                         torch::TensorOptions(torch::kInt64).device(device))};
  batch.seed = o.seed;  // the first epoch's per-epoch draws (DeepAugment's kernels), as training
  // The method's views (AugMix's) as random images too: the step's cost does not depend on
  // their content, and the loader's cost is loader_bench's.
  for (const auto& view : o.method.views()) {
    batch.views[view.name] =
        torch::rand({o.batch_size, 3, view.stacked * o.image_size, o.image_size}, generator,
                    torch::TensorOptions(torch::kFloat32).device(device));
  }

  progress.message(fmt::format("bench train: {} {}, batch {}, {}x{}, {} on {} ({} threads), {}",
                               objectives::to_json(o.method).dump(),
                               models::to_json(o.model).dump(), o.batch_size, o.image_size,
                               o.image_size, precision_name(machine.precision),
                               machine.device_name(), machine.threads, machine.memory_format));
  std::vector<double> seconds;
  for (int64_t i = 0; i < o.warmup_iters + o.iters; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const StepResult r =
        training_step(*model, *objective, *optimizer, batch, generator, machine.precision);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    DIGN_CHECK(r.finite, "bench train: the loss or a gradient became non-finite at step ", i + 1);
    if (i >= o.warmup_iters) seconds.push_back(s);
    progress.status(fmt::format("step {}/{}", i + 1, o.warmup_iters + o.iters));
  }
  double total = 0;
  for (double s : seconds) total += s;
  const double images_per_second = static_cast<double>(o.batch_size * o.iters) / total;
  // Forward once per view, backward about twice the forward; an attack's step, a forward and
  // a backward to the input only, about twice the forward.
  const double step_flops_per_image =
      static_cast<double>(3 * o.method.forward_passes() + 2 * o.method.attack_passes()) *
      model->forward_flops(o.image_size, o.image_size);

  nlohmann::json method = objectives::to_json(o.method);
  return {{"benchmark", "train"},
          {"method", method},
          {"model", models::to_json(o.model)},
          {"parameters", models::count_parameters(*model)},
          {"batch_size", o.batch_size},
          {"image_size", o.image_size},
          {"iters", o.iters},
          {"warmup_iters", o.warmup_iters},
          {"device", machine.device_name()},
          {"precision", precision_name(machine.precision)},
          {"memory_format", machine.memory_format},
          {"threads", machine.threads},
          {"cpu", cpu_features().model_name},
          {"dign_version", version()},
          {"git_commit", git_commit()},
          {"libtorch_version", TORCH_VERSION},
          {"step_seconds", seconds},
          {"median_step_seconds", median(seconds)},
          {"images_per_second", images_per_second},
          {"step_flops_per_image", step_flops_per_image},
          {"gflops_per_second", step_flops_per_image * images_per_second / 1e9},
          {"peak_resident_mib", peak_resident_mib()}};
}

}  // namespace dign::train
