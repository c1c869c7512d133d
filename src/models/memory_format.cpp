#include "models/memory_format.h"

#include "core/error.h"

namespace dign::models {

c10::MemoryFormat to_torch_memory_format(const std::string& format) {
  DIGN_CHECK(format == "contiguous" || format == "channels-last",
             "memory format: expected contiguous or channels-last, got '", format, "'");
  return format == "channels-last" ? c10::MemoryFormat::ChannelsLast
                                   : c10::MemoryFormat::Contiguous;
}

void apply_memory_format(torch::nn::Module& model, const std::string& format) {
  const auto memory_format = to_torch_memory_format(format);
  torch::NoGradGuard no_grad;
  auto convert = [&](torch::Tensor& t) {
    if (t.defined() && t.dim() == 4 && !t.is_contiguous(memory_format)) {
      t.set_data(t.contiguous(memory_format));
    }
  };
  for (auto& p : model.parameters()) convert(p);
  for (auto& b : model.buffers()) convert(b);
}

}  // namespace dign::models
