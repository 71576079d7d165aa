// libFuzzer's entry for a program with its own main (LLVM's
// FuzzerInterface.h). The harnesses' main calls it: SwiftPM links an
// executable's main to its module's own entry, so libFuzzer's main is unused.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
