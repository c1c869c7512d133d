#pragma once
// Where a run stands, as stored in every checkpoint: with the model, the
// optimizer and the run's options it determines the rest of the run exactly.
// Everything random in training is derived from (seed, epoch, index/step), so
// no generator state needs saving beyond this position.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dign::run {

/// Running sums of the current epoch's log line.
struct EpochSums {
  double loss = 0;  ///< sum over examples of the loss
  std::map<std::string, double> terms;
  int64_t correct = 0;
  int64_t seen = 0;
  int64_t skipped_steps = 0;  ///< non-finite steps skipped (--on-nonfinite skip)
  double seconds = 0;         ///< training wall time so far (timing only)
};

struct TrainState {
  int64_t epoch = 0;  ///< completed epochs (0-based index of the current epoch)
  int64_t batch = 0;  ///< batches of the current epoch already trained
  int64_t step = 0;   ///< optimizer steps since the start of the run
  double best_accuracy = -1;
  int64_t best_epoch = 0;   ///< 1-based; 0 = none yet
  uint64_t order_hash = 0;  ///< hash of the current epoch's data order, checked on resume
  EpochSums sums;
  std::vector<nlohmann::json> log;  ///< one line per completed epoch
  int64_t images_seen = 0;          ///< timing only
  double seconds = 0;               ///< timing only
};

nlohmann::json to_json(const TrainState& state);
/// dign::Error naming `source` when a field is missing or has the wrong type.
TrainState train_state_from_json(const nlohmann::json& j, const std::string& source);

}  // namespace dign::run
