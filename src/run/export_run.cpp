#include "run/export_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/file_io.h"
#include "core/torch_rng.h"
#include "core/version.h"
#include "models/scripted_classifier.h"
#include "models/state_dict_file.h"
#include "models/torchscript_export.h"
#include "run/load_run.h"

namespace dign::run {

void ExportOptions::validate() const {
  DIGN_CHECK_OPTION(!model_dir.empty(), "model", "a run directory is required");
  DIGN_CHECK_OPTION(!out.empty(), "out", "an output file is required");
  DIGN_CHECK_OPTION(format == "torchscript" || format == "state-dict", "format",
                    "expected torchscript or state-dict, got '", format, "'");
}

namespace {

/// Two fixed images at the run's image size (32 when not recorded).
torch::Tensor probe_images(const LoadedRun& run) {
  const int64_t recorded = std::max(run.record.data.image_size(), run.image_size);
  const int64_t side = recorded > 0 ? recorded : 32;
  auto generator = make_generator(torch::kCPU, 0);
  return torch::rand({2, 3, side, side}, generator);
}

/// The archive read back as `dign eval --model FILE` reads it gives the run's logits.
void check_torchscript(const std::vector<uint8_t>& bytes, const LoadedRun& run,
                       const std::string& out) {
  const auto scripted = models::read_scripted_classifier(bytes, out, models::InputNormalization());
  const torch::Tensor x = probe_images(run);
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = run.model->forward(x);
  const torch::Tensor got = scripted->forward(x);
  DIGN_CHECK(got.sizes() == expected.sizes(), out, ": the exported module gives logits ",
             got.sizes(), ", the run's network ", expected.sizes());
  // The same operations on the same tensors: equal up to the order of float sums.
  const double scale = std::max(1.0, expected.abs().max().item<double>());
  const double error = (got - expected).abs().max().item<double>();
  DIGN_CHECK(error <= 1e-4 * scale, out, ": the exported module's logits differ from the run's by ",
             error, " (an error of dign export)");
}

std::string joined(const std::set<std::string>& names) {
  std::string s;
  for (const auto& name : names) s += (s.empty() ? "" : ", ") + name;
  return s.empty() ? "none" : s;
}

/// The file read back holds exactly `expected`: the same names, shapes, types and values.
void check_state_dict(const std::vector<char>& bytes, const models::NamedTensors& expected,
                      const std::string& out) {
  const models::NamedTensors got = models::read_state_dict(bytes, out);
  std::set<std::string> missing, extra;
  for (const auto& [name, tensor] : expected) missing.insert(name);
  for (const auto& [name, tensor] : got) {
    if (missing.erase(name) == 0) extra.insert(name);
  }
  DIGN_CHECK(missing.empty() && extra.empty(), out, ": the state dict read back lacks keys (",
             joined(missing), ") or has extra ones (", joined(extra), ")");
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& [name, tensor] = got[i];
    const auto& want = std::find_if(expected.begin(), expected.end(), [&](const auto& e) {
                         return e.first == name;
                       })->second;
    DIGN_CHECK(tensor.scalar_type() == want.scalar_type() && tensor.sizes() == want.sizes() &&
                   torch::equal(tensor, want),
               out, ": the state dict read back differs at ", name);
  }
}

}  // namespace

nlohmann::json run_export(const ExportOptions& o, Progress& progress) {
  o.validate();
  const LoadedRun run = load_run(o.model_dir, o.checkpoint);
  nlohmann::json record = models::to_json(run.record);
  record["format"] = o.format;
  record["input"] =
      "float [N,3,H,W] in [0,1]; the normalization (model_options mean and std) is inside";
  record["run_dir"] = o.model_dir;
  record["checkpoint"] = run.checkpoint;
  record["checkpoint_epoch"] = run.checkpoint_epoch;
  record["exported_by"] = fmt::format("dign {} ({})", version(), git_commit());
  if (run.ensemble.copies > 1) {
    record["test_time_ensemble_not_included"] = {{"copies", run.ensemble.copies},
                                                 {"sigma", run.ensemble.sigma}};
  }
  size_t tensors = 0;
  if (o.format == "torchscript") {
    const torch::jit::Module module = models::to_torchscript(*run.model);
    tensors = module.named_parameters().size() + module.named_buffers().size();
    const std::vector<uint8_t> bytes = models::torchscript_bytes(module, record.dump(2));
    check_torchscript(bytes, run, o.out);
    write_file_atomic(o.out, bytes.data(), bytes.size());
  } else {
    const models::NamedTensors state = models::state_dict_of(*run.model);
    tensors = state.size();
    const std::vector<char> bytes = models::state_dict_bytes(state);
    check_state_dict(bytes, state, o.out);
    write_file_atomic(o.out, bytes.data(), bytes.size());
  }
  progress.message(fmt::format("wrote {} ({}: {}, {} tensors, from {}, epoch {})", o.out, o.format,
                               record["arch"].get<std::string>(), tensors, run.checkpoint,
                               run.checkpoint_epoch));
  if (run.ensemble.copies > 1) {
    progress.warning(fmt::format(
        "the run's test-time ensemble ({} noisy copies at sigma {}) is not part of the exported "
        "network: average the softmax over copies of x + N(0, sigma^2) to predict as dign eval",
        run.ensemble.copies, run.ensemble.sigma));
  }
  return record;
}

}  // namespace dign::run
