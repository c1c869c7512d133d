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
                         std::string& precision, std::string& memory_format) {
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
  command
      .add_option("--memory-format", memory_format,
                  "auto|contiguous|channels-last (auto: channels-last under bf16, else "
                  "contiguous)")
      ->check(CLI::IsMember({"auto", "contiguous", "channels-last"}))
      ->capture_default_str();
}

void MethodArgs::bind(const objectives::MethodConfig& config) {
  method = config.method;
  lambda = config.dign.lambda();
  // config.json keeps only the chosen method's options: a GN run's sigma_max is GN's.
  sigma_max = config.method == "gn" ? config.gn.sigma_max() : config.dign.sigma_max();
  samples = config.dign.samples();
  concat_views = config.dign.concat_views();
  sigma = config.rse.sigma();
  ensemble = config.rse.ensemble();
}

objectives::MethodConfig MethodArgs::config() const {
  objectives::MethodConfig c;
  c.method = method;
  c.dign.lambda(lambda).sigma_max(sigma_max).samples(samples).concat_views(concat_views);
  c.gn.sigma_max(sigma_max);
  c.rse.sigma(sigma).ensemble(ensemble);
  return c;
}

void add_method_options(CLI::App& command, MethodArgs& args) {
  command.add_option("--method", args.method, "standard|dign|gn|rse")->capture_default_str();
  command.add_option("--lambda", args.lambda, "DiGN: weight of the KL consistency term")
      ->capture_default_str();
  command
      .add_option("--sigma-max", args.sigma_max,
                  "DiGN, GN: noise levels drawn from U(0, sigma_max)")
      ->capture_default_str();
  command.add_option("--samples", args.samples, "DiGN: noisy views per example (n)")
      ->capture_default_str();
  command.add_flag(
      "--concat-views", args.concat_views,
      "DiGN: one forward pass over the clean and noisy views together (BatchNorm then pools "
      "the views' statistics); default: one pass per view, as the paper");
  command.add_option("--sigma", args.sigma, "RSE: fixed training noise level")
      ->capture_default_str();
  command
      .add_option("--ensemble", args.ensemble,
                  "RSE: test-time ensemble size recorded with the model")
      ->capture_default_str();
}

void add_corruption_options(CLI::App& command, corrupt::GenerateOptions& generate,
                            const std::string& seed_flag) {
  command
      .add_option("--corruptions", generate.corruptions,
                  "Comma-separated corruption names (default: all of the benchmark: 19 for "
                  "32x32 images, 15 for 64x64)")
      ->delimiter(',');
  command.add_option("--severities", generate.severities, "Comma-separated severities, 1 to 5")
      ->delimiter(',')
      ->capture_default_str();
  command
      .add_option(seed_flag, generate.seed,
                  "Seed of the corruptions (each image's randomness derives from it, the "
                  "corruption, the severity and the image's index)")
      ->capture_default_str();
  command.add_option("--frost-dir", generate.frost_dir,
                     "Directory with the original frost photographs (frost1.png ... frost5.jpg); "
                     "default: a procedural frost texture");
}

}  // namespace dign::cli
