#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return pm::cli::main(argc, argv);
}
