#include "run/checkpoint.h"

#include <gtest/gtest.h>

#include "core/file_io.h"
#include "models/registry.h"
#include "test_util.h"

namespace dign::run {
namespace {
using testing::contains;
using testing::error_of;

models::Classifier small_model(int64_t width) {
  return models::make_model(models::ResNet18Options().width(width),
                            models::ModelData().num_classes(3));
}

nlohmann::json meta_for(int64_t width) {
  return models::to_json(models::ModelRecord{models::ResNet18Options().width(width),
                                             models::ModelData().num_classes(3)});
}

TEST(Checkpoint, RoundTripsModelAndOptimizerBitwise) {
  testing::TempDir dir;
  torch::manual_seed(0);
  auto model = small_model(2);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  model->forward(torch::rand({2, 3, 8, 8})).sum().backward();
  sgd.step();  // creates momentum buffers and changes BatchNorm statistics
  auto meta = meta_for(2);
  meta["epoch"] = 3;
  save_checkpoint(dir.str("a.ckpt"), *model, &sgd, meta);

  auto loaded = model_from_meta(read_checkpoint_meta(dir.str("a.ckpt")));
  torch::optim::SGD sgd2(loaded->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  const auto back = load_checkpoint(dir.str("a.ckpt"), *loaded, &sgd2);
  EXPECT_EQ(back["epoch"], 3);
  auto a = model->named_parameters();
  auto b = loaded->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  auto ab = model->named_buffers();
  auto bb = loaded->named_buffers();
  for (const auto& p : ab) EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();
  // Momentum buffers: one more identical step keeps the models identical.
  sgd.zero_grad();
  sgd2.zero_grad();
  model->forward(torch::ones({2, 3, 8, 8})).sum().backward();
  loaded->forward(torch::ones({2, 3, 8, 8})).sum().backward();
  sgd.step();
  sgd2.step();
  b = loaded->named_parameters();
  for (const auto& p : model->named_parameters()) {
    EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  }
}

TEST(Checkpoint, RefusesAnotherArchitectureWithTheTensorNamed) {
  testing::TempDir dir;
  auto model = small_model(2);
  save_checkpoint(dir.str("a.ckpt"), *model, nullptr, meta_for(2));
  auto wider = small_model(4);
  const auto message = error_of([&] { load_checkpoint(dir.str("a.ckpt"), *wider, nullptr); });
  EXPECT_TRUE(contains(message, "a.ckpt")) << message;
  EXPECT_TRUE(contains(message, "shape")) << message;
}

TEST(Checkpoint, DetectsTruncationBitFlipsAndForeignFiles) {
  testing::TempDir dir;
  auto model = small_model(2);
  save_checkpoint(dir.str("a.ckpt"), *model, nullptr, meta_for(2));
  auto bytes = read_file(dir.str("a.ckpt"));

  auto truncated = bytes;
  truncated.resize(bytes.size() / 2);
  testing::write_bytes(dir.path() / "t.ckpt", truncated);
  EXPECT_TRUE(contains(error_of([&] { read_checkpoint_meta(dir.str("t.ckpt")); }), "t.ckpt"));

  auto flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  testing::write_bytes(dir.path() / "f.ckpt", flipped);
  const auto message = error_of([&] { load_checkpoint(dir.str("f.ckpt"), *model, nullptr); });
  EXPECT_TRUE(contains(message, "checksum")) << message;

  auto version = bytes;
  version[8] = 99;
  testing::write_bytes(dir.path() / "v.ckpt", version);
  EXPECT_TRUE(contains(error_of([&] { read_checkpoint_meta(dir.str("v.ckpt")); }), "version 99"));

  testing::write_text(dir.path() / "x.ckpt", "hello");
  EXPECT_TRUE(contains(error_of([&] { read_checkpoint_meta(dir.str("x.ckpt")); }), "not a dign"));
}

}  // namespace
}  // namespace dign::run
