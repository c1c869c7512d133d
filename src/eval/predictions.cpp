#include "eval/predictions.h"

#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "data/npy.h"

namespace dign::eval {
namespace fs = std::filesystem;

void PredictionRecords::resize(int64_t n) {
  const auto size = static_cast<size_t>(n);
  confidence.resize(size);
  correct.resize(size);
  predicted.resize(size);
  label.resize(size);
}

metrics::BinnedPredictions PredictionRecords::binned(int64_t bins) const {
  return metrics::BinnedPredictions(confidence.data(), correct.data(), size(), bins);
}

namespace {

template <typename T>
data::NpyArray array_of(const char* dtype, std::vector<int64_t> shape,
                        const std::vector<const PredictionRecords*>& records,
                        const std::vector<T> PredictionRecords::*field) {
  data::NpyArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  for (const PredictionRecords* r : records) {
    const auto& v = r->*field;
    const auto* bytes = reinterpret_cast<const uint8_t*>(v.data());
    a.data.insert(a.data.end(), bytes, bytes + v.size() * sizeof(T));
  }
  return a;
}

std::string file_of(const std::string& dir, const std::string& section, const char* field) {
  return (fs::path(dir) / (section + "." + field + ".npy")).string();
}

}  // namespace

void write_predictions(const std::string& dir, const std::string& section,
                       const std::vector<const PredictionRecords*>& records,
                       const std::vector<int64_t>& leading) {
  int64_t groups = 1;
  for (int64_t d : leading) groups *= d;
  DIGN_CHECK(static_cast<int64_t>(records.size()) == groups, "write_predictions: ", records.size(),
             " records for ", groups, " conditions");
  const int64_t n = records.empty() ? 0 : records.front()->size();
  for (const auto* r : records) {
    DIGN_CHECK(r->size() == n, "write_predictions: records of ", r->size(), " and ", n, " images");
  }
  std::vector<int64_t> shape = leading;
  shape.push_back(n);
  fs::create_directories(dir);
  data::write_npy(file_of(dir, section, "confidence"),
                  array_of("f4", shape, records, &PredictionRecords::confidence));
  data::write_npy(file_of(dir, section, "predicted"),
                  array_of("i4", shape, records, &PredictionRecords::predicted));
  data::write_npy(file_of(dir, section, "label"),
                  array_of("i4", shape, records, &PredictionRecords::label));
}

std::vector<PredictionRecords> read_predictions(const std::string& dir, const std::string& section,
                                                const std::vector<int64_t>& leading) {
  std::vector<data::NpyArray> arrays;
  int64_t n = -1;
  for (const char* field : {"confidence", "predicted", "label"}) {
    const std::string path = file_of(dir, section, field);
    DIGN_CHECK(fs::exists(path), path,
               ": no such file (write it with dign eval --save-predictions)");
    arrays.push_back(data::read_npy(path));
    const auto& a = arrays.back();
    const char* dtype = std::string(field) == "confidence" ? "f4" : "i4";
    DIGN_CHECK(a.dtype == dtype && a.shape.size() == leading.size() + 1 &&
                   std::equal(leading.begin(), leading.end(), a.shape.begin()),
               path, ": expected ", dtype, " predictions of ", leading.size() + 1,
               " dimensions starting with the report's ", leading.size(), " (its conditions)");
    DIGN_CHECK(n < 0 || a.shape.back() == n, path, ": ", a.shape.back(), " images, expected ", n);
    n = a.shape.back();
  }
  int64_t groups = 1;
  for (int64_t d : leading) groups *= d;
  std::vector<PredictionRecords> out(static_cast<size_t>(groups));
  for (int64_t g = 0; g < groups; ++g) {
    PredictionRecords& r = out[static_cast<size_t>(g)];
    r.resize(n);
    const size_t offset = static_cast<size_t>(g * n) * 4, bytes = static_cast<size_t>(n) * 4;
    std::memcpy(r.confidence.data(), arrays[0].data.data() + offset, bytes);
    std::memcpy(r.predicted.data(), arrays[1].data.data() + offset, bytes);
    std::memcpy(r.label.data(), arrays[2].data.data() + offset, bytes);
    for (int64_t i = 0; i < n; ++i) {
      const float c = r.confidence[static_cast<size_t>(i)];
      DIGN_CHECK(c >= 0.0f && c <= 1.0f, file_of(dir, section, "confidence"), ": confidence ", c,
                 " outside [0, 1]");
      r.correct[static_cast<size_t>(i)] =
          r.predicted[static_cast<size_t>(i)] == r.label[static_cast<size_t>(i)] ? 1 : 0;
    }
  }
  return out;
}

}  // namespace dign::eval
