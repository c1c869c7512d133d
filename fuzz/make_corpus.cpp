// Writes the seed corpora of the fuzz targets (valid inputs of each format), so
// that no binary seed file lives in the repository. Usage: make_corpus DIR
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "data/npy.h"
#include "run/checkpoint_format.h"
#include "run/train_options.h"
#include "run/train_state.h"

namespace fs = std::filesystem;

namespace {
void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}
std::string as_string(const std::vector<uint8_t>& v) {
  return std::string(v.begin(), v.end());
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_corpus DIR\n";
    return 2;
  }
  const fs::path dir(argv[1]);
  // CIFAR: two CIFAR-10 records and one CIFAR-100 record.
  std::string cifar10, cifar100;
  for (int r = 0; r < 2; ++r) {
    cifar10 += static_cast<char>(r * 7);
    for (int i = 0; i < 3072; ++i) cifar10 += static_cast<char>((i * 31 + r) & 0xff);
  }
  cifar100 += static_cast<char>(3);
  cifar100 += static_cast<char>(42);
  for (int i = 0; i < 3072; ++i) cifar100 += static_cast<char>(i & 0xff);
  write(dir / "cifar_binary" / "cifar10.bin", cifar10);
  write(dir / "cifar_binary" / "cifar100.bin", cifar100);
  // Images: small PNG (colour, gray) and JPEG.
  cv::Mat image(5, 7, CV_8UC3);
  for (int i = 0; i < 5 * 7 * 3; ++i) image.data[i] = static_cast<uint8_t>(i * 11);
  std::vector<uint8_t> bytes;
  cv::imencode(".png", image, bytes);
  write(dir / "image" / "a.png", as_string(bytes));
  cv::Mat gray(4, 3, CV_8UC1, cv::Scalar(90));
  cv::imencode(".png", gray, bytes);
  write(dir / "image" / "gray.png", as_string(bytes));
  cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, 75});
  write(dir / "image" / "a.jpg", as_string(bytes));
  // Checkpoints: a container whose meta holds a training state; and the meta alone.
  dign::run::TrainState state;
  state.epoch = 1;
  state.batch = 3;
  state.log = {nlohmann::json{{"epoch", 1}, {"test_accuracy", 0.5}}};
  const nlohmann::json model = {{"arch", "resnet18"},
                                {"model_options",
                                 {{"num_classes", 10},
                                  {"width", 16},
                                  {"mean", {0.49, 0.48, 0.45}},
                                  {"std", {0.25, 0.24, 0.26}}}}};
  nlohmann::json meta = model;
  meta["epoch"] = 1;
  meta["state"] = to_json(state);
  write(dir / "checkpoint" / "a.ckpt", dign::run::encode_checkpoint(meta, "payload bytes"));
  write(dir / "checkpoint" / "meta.json", meta.dump());
  // config.json: the defaults, and an RSE run on a real-looking CIFAR-10 path.
  dign::run::TrainOptions options;
  options.out = "runs/a";
  nlohmann::json config = {{"options", to_json(options)},
                           {"model", model},
                           {"resolved", {{"device", "cpu"}, {"precision", "fp32"}, {"threads", 2}}},
                           {"data", {{"train_hash", "xxh3:0"}, {"selection_hash", "xxh3:1"}}},
                           {"inference", {{"ensemble", 1}, {"ensemble_sigma", 0.0}}}};
  write(dir / "config" / "default.json", config.dump(2));
  // dign 0.1's layout: the architecture's name and width beside the other options.
  nlohmann::json old = config;
  old["options"].erase("model");
  old["options"]["arch"] = "resnet18";
  old["options"]["width"] = 16;
  write(dir / "config" / "dign-0.1.json", old.dump(2));
  options.method = dign::objectives::MethodConfig::named("rse");
  options.data.path = "../shared/datasets/cifar10-jpeg";
  options.lr_milestones = {7, 11};
  config["options"] = to_json(options);
  config["inference"] = {{"ensemble", 10}, {"ensemble_sigma", 0.1}};
  write(dir / "config" / "rse.json", config.dump());
  // .npy: CIFAR-10-C-like images and labels.
  write(dir / "npy" / "images.npy", dign::data::encode_npy(dign::data::NpyArray::u1(
                                        {2, 4, 4, 3}, std::vector<uint8_t>(96, 7))));
  write(dir / "npy" / "labels.npy",
        dign::data::encode_npy(dign::data::NpyArray::u1({3}, {0, 9, 4})));
  return 0;
}
