#include "cli/commands.h"

int main(int argc, char** argv) {
  return dign::cli::run(argc, argv);
}
