#include "cli/options.h"

namespace dign::cli {

void add_data_options(CLI::App& command, data::DataOptions& data, bool required) {
  auto* opt = command.add_option("--data", data.path,
                                 "Dataset directory (CIFAR binary, ImageFolder, Tiny-ImageNet-200) "
                                 "or 'synthetic'");
  if (required) opt->required();
  command
      .add_option("--format", data.format, "auto|cifar-binary|imagefolder|tiny-imagenet|synthetic")
      ->capture_default_str();
  command
      .add_option("--image-size", data.image_size,
                  "Resize and crop images to this side (0 = keep; needed when sizes differ)")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--synthetic-train", data.synthetic_train, "Training images of 'synthetic'")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--synthetic-test", data.synthetic_test, "Test images of 'synthetic'")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--synthetic-seed", data.synthetic_seed, "Seed of 'synthetic'")
      ->capture_default_str();
}

void add_machine_options(CLI::App& command, int& threads, std::string& device,
                         std::string& precision) {
  command.add_option("--threads", threads, "Threads (0 = the cores this process may use)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--device", device, "auto|cpu|cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  command
      .add_option("--precision", precision,
                  "auto|fp32|bf16 (auto: bf16 where the CPU has native bf16, else fp32)")
      ->check(CLI::IsMember({"auto", "fp32", "bf16"}))
      ->capture_default_str();
}

}  // namespace dign::cli
