#include "train/train_state.h"

#include "core/error.h"

#include <cstdint>

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

namespace {

// Checked before converting: nlohmann's get<int64_t>() of 4e45 (a double) is undefined behaviour.
int64_t integer(const nlohmann::json& j, const char* key, const std::string& source) {
  const auto& v = j.at(key);
  DIGN_CHECK(v.is_number_integer() &&
                 !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)),
             source, ": training state field '", key, "' is not a 64-bit integer");
  return v.get<int64_t>();
}

uint64_t unsigned_integer(const nlohmann::json& j, const char* key, const std::string& source) {
  const auto& v = j.at(key);
  DIGN_CHECK(v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0), source,
             ": training state field '", key, "' is not an unsigned 64-bit integer");
  return v.get<uint64_t>();
}

}  // namespace

TrainState train_state_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    TrainState s;
    s.epoch = integer(j, "epoch", source);
    s.batch = integer(j, "batch", source);
    s.step = integer(j, "step", source);
    s.best_accuracy = j.at("best_accuracy").get<double>();
    s.best_epoch = integer(j, "best_epoch", source);
    s.order_hash = unsigned_integer(j, "order_hash", source);
    const auto& sums = j.at("sums");
    s.sums.loss = sums.at("loss").get<double>();
    s.sums.terms = sums.at("terms").get<std::map<std::string, double>>();
    s.sums.correct = integer(sums, "correct", source);
    s.sums.seen = integer(sums, "seen", source);
    s.sums.skipped_steps = integer(sums, "skipped_steps", source);
    s.sums.seconds = sums.at("seconds").get<double>();
    s.log = j.at("log").get<std::vector<nlohmann::json>>();
    s.images_seen = integer(j, "images_seen", source);
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
