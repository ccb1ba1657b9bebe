#include <clocale>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "C.UTF-8");
  return credit::cli::run(argc, argv);
}
