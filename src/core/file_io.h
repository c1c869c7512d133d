#pragma once
// Reading whole files and writing them so that a crash never leaves a
// half-written file behind: write to a temporary name in the same directory,
// fsync, rename over the target, fsync the directory.
#include <cstdint>
#include <string>
#include <vector>

namespace dign {

/// Reads a whole file; throws dign::Error naming the file when it cannot.
std::vector<uint8_t> read_file(const std::string& path);
std::string read_text_file(const std::string& path);

/// Atomically replaces `path` with `bytes` (temp file + fsync + rename + dir fsync).
/// On failure the previous content of `path` is untouched and dign::Error names the file.
void write_file_atomic(const std::string& path, const void* bytes, size_t size);
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace dign
