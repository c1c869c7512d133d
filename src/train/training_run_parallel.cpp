// TrainingRun's data-parallel side (training_run.h): the start-up agreement between ranks and
// the hooks that average gradients and keep every rank's counts and decisions the same.
#include <fmt/format.h>

#include "core/error.h"
#include "train/training_run.h"

namespace dign::train::internal {

nlohmann::json TrainingRun::agreed_json(nlohmann::json extra) const {
  nlohmann::json options = to_json(o_);
  // Per machine: a rank may use other thread counts without changing the result.
  for (const char* key : {"threads", "loader_threads"}) options.erase(key);
  extra["options"] = std::move(options);
  return extra;
}

void TrainingRun::agree(const nlohmann::json& agreed, std::exception_ptr error) const {
  if (!parallel_.group) {
    if (error) std::rethrow_exception(error);
    return;
  }
  std::string message;
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      message = e.what();
    }
  }
  auto& group = *parallel_.group;
  const auto all = group.all_gather_bytes(
      nlohmann::json{{"error", message}, {"agreed", error ? nlohmann::json() : agreed}}.dump());
  if (error) std::rethrow_exception(error);
  for (int r = 0; r < group.size(); ++r) {
    const auto theirs = nlohmann::json::parse(all[static_cast<size_t>(r)]);
    DIGN_CHECK(theirs.at("error").get<std::string>().empty(), "rank ", r, " of ", group.size(),
               " failed: ", theirs.at("error").get<std::string>());
  }
  const auto first = nlohmann::json::parse(all[0]).at("agreed");
  for (int r = 1; r < group.size(); ++r) {
    const auto theirs = nlohmann::json::parse(all[static_cast<size_t>(r)]).at("agreed");
    const auto diff = nlohmann::json::diff(first, theirs);
    if (diff.empty()) continue;
    const std::string where = diff.front().at("path").get<std::string>();
    const auto pointer = nlohmann::json::json_pointer(where);
    throw Error(fmt::format(
        "ranks disagree on the run (config hash exchanged at start-up): rank {} has {} = {}, "
        "rank 0 has {}; start every rank with the same command and data",
        r, where.substr(1), theirs.contains(pointer) ? theirs.at(pointer).dump() : "unset",
        first.contains(pointer) ? first.at(pointer).dump() : "unset"));
  }
}

void TrainingRun::start_data_parallel(TrainingLoop& loop) {
  if (!parallel_.group) return;
  auto& group = *parallel_.group;
  loop.set_shard(group.rank(), group.size());
  std::vector<torch::Tensor> state = model_->parameters();
  for (const auto& buffer : model_->buffers()) state.push_back(buffer);
  distributed::broadcast_from_root(group, state);
  sync_ = std::make_unique<distributed::GradientSync>(parallel_.group, model_->parameters(),
                                                      parallel_.bucket_bytes);
  progress_.message(fmt::format(
      "data-parallel: {} ranks, {} images per rank per step (global batch {}), {} gradient "
      "bucket{}",
      group.size(), o_.batch_size / group.size(), o_.batch_size, sync_->buckets(),
      sync_->buckets() == 1 ? "" : "s"));
}

void TrainingRun::after_backward(models::ClassifierImpl& /*model*/) {
  if (sync_) sync_->average();
}

bool TrainingRun::agree_finite(bool finite) {
  return sync_ ? sync_->all_finite(finite) : finite;
}

int TrainingRun::agree_stop(int signal) {
  return sync_ ? sync_->agree_stop(signal) : signal;
}

void TrainingRun::sum_step_totals(torch::Tensor& totals) {
  if (!parallel_.group) return;
  std::vector<torch::Tensor> t{totals};
  parallel_.group->all_reduce_sum(t);
}

void TrainingRun::before_evaluation(models::ClassifierImpl& model) {
  if (parallel_.group) distributed::broadcast_from_root(*parallel_.group, model.buffers());
}

}  // namespace dign::train::internal
