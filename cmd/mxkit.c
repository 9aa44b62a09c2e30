/* mxkit.c -- the mxkit binary: dispatch to subcommands */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static void
usage(FILE *fp)
{
	fputs("usage: mxkit [--version] [--help] COMMAND [ARGS...]\n"
	    "\n"
	    "The DNS side of running a mail server.\n"
	    "\n"
	    "commands:\n"
	    "  zone print FILE   print every record on one line, fully qualified\n"
	    "  zone check FILE   lint a zone file, with the mail rules\n"
	    "  zone init DOMAIN  write the forward and reverse zones of a mail domain\n"
	    "  serve             answer for your zones as an authoritative server\n"
	    "  lookup NAME       query DNS as host(1) does, with host's output\n"
	    "  route RECIPIENT   the delivery plan a sending mail server follows\n"
	    "  check DOMAIN      prove a domain's mail DNS (or --bulk for many)\n"
	    "  trap listen       the SMTP listener of a low-priority MX trap\n"
	    "  trap report       classify the trap's clients against the MXes' logs\n"
	    "  trap dnsbl        the SKIPPED clients as an RFC 5782 DNSBL zone\n"
	    "\n"
	    "Run 'mxkit COMMAND --help' for the options of a command.\n", fp);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("mxkit %s\n", MXKIT_VERSION);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "zone") == 0)
		return cmd_zone(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "lookup") == 0)
		return cmd_lookup(argc - 1, argv + 1);
	if (strcmp(argv[1], "route") == 0)
		return cmd_route(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "trap") == 0)
		return cmd_trap(argc - 1, argv + 1);
	warnx_("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
