/* The test cases of netsim-unit, one function per file, gathered by main.c. */
#pragma once

#include <check.h>

TCase *netsim_link_tcase(void);    /* test_link.c: Ethernet, ARP, ICMP, UDP, malformed */
TCase *netsim_tcp_tcase(void);     /* test_tcp.c */
TCase *netsim_options_tcase(void); /* test_options.c: command line, log line */
