#include "run/train_options.h"

#include <limits>

#include "augment/pipeline.h"
#include "core/error.h"
#include "core/json_checked.h"

namespace dign::run {

void TrainOptions::validate() const {
  DIGN_CHECK_OPTION(!out.empty(), "out", "a run directory is required");
  objectives::validate_method_and_arch(method, model);
  augment::parse_augment_list(augment, "augment");
  DIGN_CHECK_OPTION(epochs >= 1, "epochs", "expected at least 1, got ", epochs);
  DIGN_CHECK_OPTION(batch_size >= 2, "batch_size", "expected at least 2 (BatchNorm), got ",
                    batch_size);
  DIGN_CHECK_OPTION(lr > 0, "lr", "expected a positive learning rate, got ", lr);
  DIGN_CHECK_OPTION(momentum >= 0 && momentum < 1, "momentum", "expected a value in [0, 1), got ",
                    momentum);
  DIGN_CHECK_OPTION(!nesterov || momentum > 0, "nesterov", "needs a positive momentum");
  DIGN_CHECK_OPTION(weight_decay >= 0, "weight_decay", "expected a value >= 0, got ", weight_decay);
  DIGN_CHECK_OPTION(warmup_epochs >= 0, "warmup_epochs", "expected a count >= 0, got ",
                    warmup_epochs);
  DIGN_CHECK_OPTION(lr_gamma > 0, "lr_gamma", "expected a positive factor, got ", lr_gamma);
  for (size_t i = 0; i < lr_milestones.size(); ++i) {
    DIGN_CHECK_OPTION(lr_milestones[i] >= 1, "lr_milestones", "expected positive epochs, got ",
                      lr_milestones[i]);
    DIGN_CHECK_OPTION(i == 0 || lr_milestones[i] > lr_milestones[i - 1], "lr_milestones",
                      "expected increasing epochs");
  }
  DIGN_CHECK_OPTION(train_limit >= 0, "train_limit", "expected a count >= 0, got ", train_limit);
  DIGN_CHECK_OPTION(test_limit >= 0, "test_limit", "expected a count >= 0, got ", test_limit);
  DIGN_CHECK_OPTION(val_split >= 0, "val_split", "expected a count >= 0, got ", val_split);
  DIGN_CHECK_OPTION(select_by == "clean" || select_by == "robust", "select_by",
                    "expected clean or robust, got '", select_by, "'");
  DIGN_CHECK_OPTION(select_limit >= 1, "select_limit", "expected at least 1 image, got ",
                    select_limit);
  DIGN_CHECK_OPTION(loader_threads >= 0 && loader_threads <= 1024, "loader_threads",
                    "expected 0 to 1024, got ", loader_threads);
  DIGN_CHECK_OPTION(eval_batch_size >= 1, "eval_batch_size", "expected at least 1");
  machine.validate();
  DIGN_CHECK_OPTION(checkpoint_every >= 0, "checkpoint_every", "expected a step count >= 0, got ",
                    checkpoint_every);
  DIGN_CHECK_OPTION(keep_last >= 1, "keep_last", "expected at least 1, got ", keep_last);
  DIGN_CHECK_OPTION(on_nonfinite == "stop" || on_nonfinite == "skip", "on_nonfinite",
                    "expected stop or skip, got '", on_nonfinite, "'");
  DIGN_CHECK_OPTION(data.image_size >= 0, "image_size", "expected a size >= 0, got ",
                    data.image_size);
  // Before any data are read; a native size is checked once the data are (TrainingRun::start).
  if (data.image_size > 0) models::check_image_size(model, data.image_size);
}

nlohmann::json to_json(const TrainOptions& o) {
  return {{"data",
           {{"path", o.data.path},
            {"format", o.data.format},
            {"image_size", o.data.image_size},
            {"synthetic_train", o.data.synthetic_train},
            {"synthetic_test", o.data.synthetic_test},
            {"synthetic_seed", o.data.synthetic_seed}}},
          {"out", o.out},
          {"method", objectives::to_json(o.method)},
          {"model", models::to_json(o.model)},
          {"epochs", o.epochs},
          {"batch_size", o.batch_size},
          {"lr", o.lr},
          {"momentum", o.momentum},
          {"nesterov", o.nesterov},
          {"weight_decay", o.weight_decay},
          {"lr_milestones", o.lr_milestones},
          {"lr_gamma", o.lr_gamma},
          {"warmup_epochs", o.warmup_epochs},
          {"augment", augment::to_list(augment::parse_augment_list(o.augment, "augment"))},
          {"seed", o.seed},
          {"train_limit", o.train_limit},
          {"test_limit", o.test_limit},
          {"val_split", o.val_split},
          {"select_by", o.select_by},
          {"preset", o.preset},
          {"preset_values", o.preset_values},
          {"select_limit", o.select_limit},
          {"threads", o.machine.threads},
          {"loader_threads", o.loader_threads},
          {"device", o.machine.device},
          {"precision", o.machine.precision},
          {"memory_format", o.machine.memory_format},
          {"eval_batch_size", o.eval_batch_size},
          {"checkpoint_every", o.checkpoint_every},
          {"keep_last", o.keep_last},
          {"on_nonfinite", o.on_nonfinite},
          {"sync_bn", o.sync_bn}};
}

TrainOptions train_options_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    TrainOptions o;
    const auto int64 = [&](const nlohmann::json& from, const char* key) {
      return json_int64(from, key, source);
    };
    const auto& d = j.at("data");
    o.data.path = d.at("path").get<std::string>();
    o.data.format = d.at("format").get<std::string>();
    o.data.image_size = int64(d, "image_size");
    o.data.synthetic_train = int64(d, "synthetic_train");
    o.data.synthetic_test = int64(d, "synthetic_test");
    o.data.synthetic_seed = json_uint64(d, "synthetic_seed", source);
    o.out = j.at("out").get<std::string>();
    o.method = objectives::method_config_from_json(j.at("method"), source);
    if (j.contains("model")) {
      o.model = models::arch_from_json(j.at("model"), source + ": model");
    } else {  // dign before 0.2: the architecture's name and width beside the other options
      o.model = models::arch_from_json({{"arch", j.at("arch")}, {"width", j.at("width")}},
                                       source + ": model");
    }
    o.epochs = int64(j, "epochs");
    o.batch_size = int64(j, "batch_size");
    o.lr = j.at("lr").get<double>();
    o.momentum = j.at("momentum").get<double>();
    o.nesterov = j.at("nesterov").get<bool>();
    o.weight_decay = j.at("weight_decay").get<double>();
    o.lr_milestones.clear();
    for (const auto& m : j.at("lr_milestones").get<std::vector<nlohmann::json>>()) {
      o.lr_milestones.push_back(json_value_int64(m, source + ": an lr_milestones entry"));
    }
    o.lr_gamma = j.at("lr_gamma").get<double>();
    o.warmup_epochs = json_int64_or(j, "warmup_epochs", o.warmup_epochs, source);
    o.augment = augment::to_list(
        augment::parse_augment_list(j.at("augment").get<std::string>(), source + ": augment"));
    o.seed = json_uint64(j, "seed", source);
    o.train_limit = int64(j, "train_limit");
    o.test_limit = int64(j, "test_limit");
    o.val_split = int64(j, "val_split");
    if (j.contains("select_by")) {
      DIGN_CHECK(j.at("select_by").is_string(), source, ": select_by must be a string");
      o.select_by = j.at("select_by").get<std::string>();
    }
    o.select_limit = json_int64_or(j, "select_limit", o.select_limit, source);
    if (j.contains("preset")) {
      DIGN_CHECK(j.at("preset").is_string(), source, ": preset must be a string");
      o.preset = j.at("preset").get<std::string>();
    }
    if (j.contains("preset_values")) o.preset_values = j.at("preset_values");
    const int64_t threads = int64(j, "threads");
    DIGN_CHECK(threads >= 0 && threads <= std::numeric_limits<int>::max(), source,
               ": threads out of range: ", threads);
    o.machine.threads = static_cast<int>(threads);
    o.loader_threads = json_int64_or(j, "loader_threads", o.loader_threads, source);
    o.machine.device = j.at("device").get<std::string>();
    o.machine.precision = j.at("precision").get<std::string>();
    o.machine.memory_format = j.value("memory_format", o.machine.memory_format);
    o.eval_batch_size = int64(j, "eval_batch_size");
    o.checkpoint_every = json_int64_or(j, "checkpoint_every", o.checkpoint_every, source);
    o.keep_last = json_int64_or(j, "keep_last", o.keep_last, source);
    o.on_nonfinite = j.value("on_nonfinite", o.on_nonfinite);
    o.sync_bn = j.value("sync_bn", o.sync_bn);  // absent before --sync-bn was recorded
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw Error(detail::concat(source, ": options are incomplete (", e.what(), ")"));
  }
}

}  // namespace dign::run
