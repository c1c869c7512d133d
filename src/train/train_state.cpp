#include "train/train_state.h"

#include "core/error.h"

namespace dign::train {

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
    s.epoch = j.at("epoch").get<int64_t>();
    s.batch = j.at("batch").get<int64_t>();
    s.step = j.at("step").get<int64_t>();
    s.best_accuracy = j.at("best_accuracy").get<double>();
    s.best_epoch = j.at("best_epoch").get<int64_t>();
    s.order_hash = j.at("order_hash").get<uint64_t>();
    const auto& sums = j.at("sums");
    s.sums.loss = sums.at("loss").get<double>();
    s.sums.terms = sums.at("terms").get<std::map<std::string, double>>();
    s.sums.correct = sums.at("correct").get<int64_t>();
    s.sums.seen = sums.at("seen").get<int64_t>();
    s.sums.skipped_steps = sums.at("skipped_steps").get<int64_t>();
    s.sums.seconds = sums.at("seconds").get<double>();
    s.log = j.at("log").get<std::vector<nlohmann::json>>();
    s.images_seen = j.at("images_seen").get<int64_t>();
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

}  // namespace dign::train
