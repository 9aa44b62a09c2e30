/* driver.c -- runs cmd_trap_dnsbl as a program, for the test while the mxkit trap dispatcher does not call it yet */
#include "cmd.h"

int
main(int argc, char **argv)
{
	return cmd_trap_dnsbl(argc, argv);
}
