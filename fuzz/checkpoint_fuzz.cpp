// libFuzzer target: checkpoint containers (magic, version, lengths, checksum,
// meta JSON) and the training state and model record inside their meta. The checksum makes
// random bytes fail early, so the target also re-seals the input as a valid
// container to reach the JSON and state parsing behind it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "models/model_record.h"
#include "run/checkpoint_format.h"
#include "run/train_state.h"

namespace {
void parse(const uint8_t* data, size_t size) {
  try {
    const auto container = dign::run::decode_checkpoint(data, size, "fuzz.ckpt");
    if (container.meta.contains("state")) {
      dign::run::train_state_from_json(container.meta["state"], "fuzz.ckpt");
    }
    if (container.meta.contains("model_options")) {
      dign::models::parse_model_record(container.meta, "fuzz.ckpt");
    }
  } catch (const dign::Error&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  parse(data, size);
  // The input as meta text of a well-formed container.
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto meta = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_discarded()) {
    const std::string sealed = dign::run::encode_checkpoint(meta, "payload");
    parse(reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size());
  }
  return 0;
}
