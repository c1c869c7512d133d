#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace dign::cli {

std::unique_ptr<Progress> make_progress(bool quiet) {
  if (quiet) return std::make_unique<QuietProgress>();
  if (isatty(STDERR_FILENO)) return std::make_unique<TerminalProgress>();
  return std::make_unique<PlainProgress>();
}

void QuietProgress::warning(const std::string& line) {
  std::cerr << "warning: " << line << "\n" << std::flush;
}

TerminalProgress::~TerminalProgress() {
  clear();
}

void TerminalProgress::clear() {
  if (shown_ == 0) return;
  std::cerr << "\r" << std::string(shown_, ' ') << "\r" << std::flush;
  shown_ = 0;
}

void TerminalProgress::message(const std::string& line) {
  clear();
  std::cout << line << "\n" << std::flush;
}

void TerminalProgress::warning(const std::string& line) {
  clear();
  std::cerr << "warning: " << line << "\n" << std::flush;
}

void TerminalProgress::status(const std::string& line) {
  std::cerr << "\r" << line;
  if (line.size() < shown_) std::cerr << std::string(shown_ - line.size(), ' ');
  std::cerr << std::flush;
  shown_ = std::max(shown_, line.size());
}

void PlainProgress::message(const std::string& line) {
  std::cout << line << "\n" << std::flush;
}

void PlainProgress::warning(const std::string& line) {
  std::cerr << "warning: " << line << "\n" << std::flush;
}

void PlainProgress::status(const std::string& line) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::seconds(30)) return;
  last_ = now;
  std::cerr << line << "\n" << std::flush;
}

}  // namespace dign::cli
