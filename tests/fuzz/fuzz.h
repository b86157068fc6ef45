/*
 * fuzz.h - every fuzz target is one LLVMFuzzerTestOneInput over a parser
 * that reads untrusted bytes.  `make fuzz` links the targets with
 * libFuzzer (clang); `make check` links them with replay.c and runs every
 * file of their corpus under tests/fuzz/corpus/TARGET/, so that inputs
 * that once found a bug stay regression tests.
 */
#ifndef IMSCHECK_FUZZ_H
#define IMSCHECK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
