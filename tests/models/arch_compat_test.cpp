// Records written by dign 0.2 (no stem, no image size) build the network they built then:
// the same parameter names, shapes and, from the same generator, the same bits. The digest
// below was computed with dign 0.2's resnet.cpp (commit 1eca88d), before the stems existed.
// Records written today carry the image size and every architecture's fields.
#include <gtest/gtest.h>

#include <cstring>

#include "core/torch_rng.h"
#include "models/registry.h"
#include "test_util.h"

namespace dign::models {
namespace {

// FNV-1a over every parameter's and buffer's name, shape and float bytes, in registration
// order: a renamed, reshaped, reordered or redrawn tensor changes it.
uint64_t state_digest(torch::nn::Module& model) {
  uint64_t h = 1469598103934665603ULL;
  const auto mix = [&h](const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * 1099511628211ULL;
  };
  const auto add = [&](const std::string& name, const torch::Tensor& t) {
    mix(name.data(), name.size());
    for (const int64_t s : t.sizes()) mix(&s, sizeof s);
    const auto c = t.contiguous();
    mix(c.data_ptr(), c.nbytes());
  };
  for (const auto& p : model.named_parameters()) add(p.key(), p.value());
  for (const auto& b : model.named_buffers()) add(b.key(), b.value());
  return h;
}

// The model record of a dign 0.2 config.json or checkpoint (ResNet-18 width 4, 10 classes).
const char* kRecord02 = R"({"arch": "resnet18", "model_options": {
    "mean": [0.4912503841196216, 0.4820902712244315, 0.4465209360607207], "num_classes": 10,
    "std": [0.24523160740203345, 0.24278155019188485, 0.26062876804790286], "width": 4}})";

constexpr uint64_t kDigest02 = 12850699115833717186ULL;  // dign 0.2, generator seed 7

uint64_t digest_of(const Classifier& net) {
  auto gen = make_generator(torch::kCPU, 7);
  net->reset_parameters(gen);
  return state_digest(*net);
}

TEST(ArchCompat, ADign02ModelRecordBuildsTheSameNetwork) {
  const ModelRecord record = parse_model_record(nlohmann::json::parse(kRecord02), "config.json");
  EXPECT_EQ(record.data.image_size(), 0);
  EXPECT_EQ(std::get<ResNet18Options>(record.arch).stem(), "auto");
  EXPECT_EQ(std::get<ResNet18Options>(record.arch).norm(), "bn");  // no --norm then: BatchNorm
  EXPECT_EQ(digest_of(make_model(record)), kDigest02);
  // As it did, at any input size: the CIFAR stem, 3x3.
  EXPECT_EQ(make_model(record)->named_parameters()["stem.weight"].size(3), 3);
}

TEST(ArchCompat, ADign02OptionsRecordBuildsTheSameNetwork) {
  // config.json's "options": {"model": {"arch": "resnet18", "width": 4}} in dign 0.2, which
  // `dign train --resume` reads back.
  const ArchOptions arch =
      arch_from_json({{"arch", "resnet18"}, {"width", 4}}, "config.json: model");
  const ModelRecord old = parse_model_record(nlohmann::json::parse(kRecord02), "config.json");
  EXPECT_EQ(digest_of(make_model(arch, old.data)), kDigest02);
  // Today's default options at width 4 are that network too, and so is the explicit stem.
  EXPECT_EQ(digest_of(make_model(ResNet18Options().width(4), old.data)), kDigest02);
  EXPECT_EQ(digest_of(make_model(ResNet18Options().width(4).stem("cifar"),
                                 ModelData(old.data).image_size(64))),
            kDigest02);
}

TEST(ArchCompat, TodaysRecordsCarryTheImageSizeAndEveryArchitectureRoundTrips) {
  for (const auto& entry : arch_catalog()) {
    const ModelRecord record{entry.defaults, ModelData().num_classes(7).image_size(64)};
    const auto j = to_json(record);
    EXPECT_EQ(j.at("model_options").at("image_size"), 64) << entry.name;
    const ModelRecord back = parse_model_record(j, "checkpoint");
    EXPECT_EQ(to_json(back), j) << entry.name;
    EXPECT_EQ(back.data.image_size(), 64);
  }
  const ModelRecord tiny{ResNet18Options().width(4), ModelData().image_size(64)};
  const auto net = make_model(parse_model_record(to_json(tiny), "checkpoint"));
  EXPECT_EQ(net->named_parameters()["stem.weight"].size(3), 7);
}

TEST(ArchCompat, BadImageSizesInARecordAreOneErrorNamingTheFile) {
  auto j = to_json(ModelRecord{DenseNet121Options().growth_rate(2), ModelData().image_size(4)});
  auto message = testing::error_of([&] { parse_model_record(j, "run/best.ckpt"); });
  EXPECT_TRUE(testing::contains(message, "run/best.ckpt: model image_size: densenet121 needs"))
      << message;
  j["model_options"]["image_size"] = -1;
  message = testing::error_of([&] { parse_model_record(j, "run/best.ckpt"); });
  EXPECT_TRUE(testing::contains(message, "image_size: expected 0 (not recorded) to 65536"))
      << message;
  j["model_options"]["image_size"] = "large";
  message = testing::error_of([&] { parse_model_record(j, "run/best.ckpt"); });
  EXPECT_TRUE(testing::contains(message, "image_size")) << message;
}

}  // namespace
}  // namespace dign::models
