/* customs command-line entry point (placeholder until the CLI lands). */
#include <stdio.h>
#include "customs/customs.h"
int main(void) { printf("customs %s\n", customs_version()); return 0; }
