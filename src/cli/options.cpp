#include "cli/options.h"

#include <unistd.h>

#include <csignal>

#include "core/stop_signal.h"

namespace dign::cli {

void add_data_options(CLI::App& command, data::DataOptions& data, bool required) {
  auto* opt = command.add_option("--data", data.path,
                                 "Dataset directory (CIFAR binary, ImageFolder, Tiny-ImageNet-200) "
                                 "or 'synthetic'");
  if (required) {
    opt->required();
  } else {
    opt->description(opt->get_description() + " (required, but for --resume)");
  }
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

void add_resize_option(CLI::App& command, data::DataOptions& data) {
  command
      .add_option("--resize", data.resize,
                  "Shorter side the test images are resized to (Pillow's antialiased bilinear, as "
                  "torchvision's Resize) before the centre crop of --image-size: --resize 256 "
                  "--image-size 224 is the ImageNet evaluation crop the 224 px (ImageNet-C) table "
                  "expects. 0 = none: --image-size alone resizes the shorter side straight to its "
                  "size (OpenCV, area filter)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

void add_machine_options(CLI::App& command, MachineOptions& machine) {
  command.add_option("--threads", machine.threads, "Threads (0 = the cores this process may use)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--device", machine.device, "auto|cpu|cuda|cuda:N")->capture_default_str();
  command
      .add_option("--precision", machine.precision,
                  "auto|fp32|bf16 (auto: bf16 where the CPU has native bf16, else fp32)")
      ->check(CLI::IsMember({"auto", "fp32", "bf16"}))
      ->capture_default_str();
  command
      .add_option("--memory-format", machine.memory_format,
                  "auto|contiguous|channels-last (auto: channels-last under bf16, else "
                  "contiguous)")
      ->check(CLI::IsMember({"auto", "contiguous", "channels-last"}))
      ->capture_default_str();
}

namespace {

void on_stop_signal(int sig) {
  if (sig == SIGINT && stop_requested() == SIGINT) _exit(128 + SIGINT);
  request_stop(sig);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void add_quiet_option(CLI::App& command, bool& quiet) {
  command.add_flag("--quiet", quiet, "No messages or progress (warnings and errors stay)");
}

void add_corruption_options(CLI::App& command, corrupt::GenerateOptions& generate) {
  command
      .add_option("--corruptions", generate.corruptions,
                  "Comma-separated corruption names (default: all of the benchmark: 19 for "
                  "32x32 images, 15 for 64x64 and 224x224)")
      ->delimiter(',');
  command.add_option("--severities", generate.severities, "Comma-separated severities, 1 to 5")
      ->delimiter(',')
      ->capture_default_str();
  command
      .add_option("--corruption-seed", generate.seed,
                  "Seed of the corruptions (each image's randomness derives from it, the "
                  "corruption, the severity and the image's index)")
      ->capture_default_str();
  command.add_option("--frost-dir", generate.frost_dir,
                     "Directory with the original frost photographs (frost1.png ... frost5.jpg); "
                     "default: a procedural frost texture");
  command
      .add_option("--final-jpeg-quality", generate.final_jpeg_quality,
                  "JPEG quality of a save after each corruption, as the Tiny-ImageNet-C writer "
                  "saved every image (-1 = 85 for 64x64 and 224x224 images, as the released files; "
                  "none for 32x32; 0 = none)")
      ->check(CLI::Range(-1, 100))
      ->capture_default_str();
}

}  // namespace dign::cli
