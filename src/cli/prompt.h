/* Asking at the terminal, as docker login does when no password is piped in. */
#ifndef CLI_PROMPT_H
#define CLI_PROMPT_H

#include <stdbool.h>

/* Writes question to the controlling terminal and reads one line back (with
 * echo off when secret: the terminal is restored even if a signal ends the
 * program meanwhile). Returns the line without its newline (malloc'd), or
 * NULL when there is no terminal, the answer is empty or over 4 KiB. */
char *cli_prompt(const char *question, bool secret);

#endif
