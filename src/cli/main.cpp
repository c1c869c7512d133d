#include "cli/commands.h"
#include "core/allocator.h"

int main(int argc, char** argv) {
  dign::keep_freed_memory_for_reuse();
  return dign::cli::run(argc, argv);
}
