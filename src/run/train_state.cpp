#include "run/train_state.h"

#include "core/error.h"
#include "core/json_checked.h"

#include <cstdint>

namespace dign::run {

nlohmann::json to_json(const TrainState& s) {
  return {{"epoch", s.epoch},
          {"batch", s.batch},
          {"step", s.step},
          {"best_accuracy", s.best_accuracy},
          {"best_epoch", s.best_epoch},
          {"order_hash", s.order_hash},
          {"sums",
           {{"loss", s.sums.loss},
            {"terms", s.sums.terms},
            {"correct", s.sums.correct},
            {"seen", s.sums.seen},
            {"skipped_steps", s.sums.skipped_steps},
            {"seconds", s.sums.seconds}}},
          {"log", s.log},
          {"images_seen", s.images_seen},
          {"seconds", s.seconds}};
}

TrainState train_state_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    TrainState s;
    s.epoch = json_int64(j, "epoch", source);
    s.batch = json_int64(j, "batch", source);
    s.step = json_int64(j, "step", source);
    s.best_accuracy = j.at("best_accuracy").get<double>();
    s.best_epoch = json_int64(j, "best_epoch", source);
    s.order_hash = json_uint64(j, "order_hash", source);
    const auto& sums = j.at("sums");
    s.sums.loss = sums.at("loss").get<double>();
    s.sums.terms = sums.at("terms").get<std::map<std::string, double>>();
    s.sums.correct = json_int64(sums, "correct", source);
    s.sums.seen = json_int64(sums, "seen", source);
    s.sums.skipped_steps = json_int64(sums, "skipped_steps", source);
    s.sums.seconds = sums.at("seconds").get<double>();
    s.log = j.at("log").get<std::vector<nlohmann::json>>();
    s.images_seen = json_int64(j, "images_seen", source);
    s.seconds = j.at("seconds").get<double>();
    DIGN_CHECK(s.epoch >= 0 && s.batch >= 0 && s.step >= 0 &&
                   static_cast<int64_t>(s.log.size()) == s.epoch,
               source, ": inconsistent training state (epoch ", s.epoch, ", batch ", s.batch, ", ",
               s.log.size(), " log lines)");
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(source, ": training state is incomplete (", e.what(), ")"));
  }
}

}  // namespace dign::run
