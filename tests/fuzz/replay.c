/*
 * replay.c - run a fuzz target over files, without libFuzzer: every file
 * named on the command line is one input.  Prints one line per corpus
 * and exits non-zero when a file cannot be read; a crash ends it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int
main(int argc, char **argv)
{
	static uint8_t data[1 << 20];

	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		size_t n;

		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(data, 1, sizeof(data), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(data, n);
	}
	printf("%d inputs replayed\n", argc - 1);
	return 0;
}
