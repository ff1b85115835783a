/* The simulator's command line (loopback only) and its log line format. */
#include "frames.h"
#include "options.h"
#include "plan.h"
#include "suites.h"

#include <arpa/inet.h>
#include <string.h>

static int parse(struct netsim_options *o, char *err, const char *listen, const char *peer)
{
    char *argv[] = {"netsim", "--listen", (char *)listen, "--peer", (char *)peer, NULL};
    return netsim_parse_options(5, argv, o, err, 256);
}

START_TEST(loopback_addresses_are_taken)
{
    struct netsim_options o;
    char err[256];
    ck_assert_int_eq(parse(&o, err, "127.0.0.1:0", "127.0.0.1:40000"), 0);
    ck_assert_uint_eq(ntohs(o.peer.sin_port), 40000);
    ck_assert_uint_eq(ntohl(o.peer.sin_addr.s_addr), NETSIM_IP(127, 0, 0, 1));
    ck_assert_uint_eq(o.capture_limit, 256ull << 20);
    ck_assert_int_eq(parse(&o, err, "127.1.2.3:5", "127.0.0.1:6"), 0);
}
END_TEST

START_TEST(other_addresses_are_refused)
{
    struct netsim_options o;
    char err[256];
    const char *bad[][2] = {
        {"0.0.0.0:4000", "127.0.0.1:4001"}, /* every interface */
        {"192.0.2.1:4000", "127.0.0.1:4001"},
        {"127.0.0.1:4000", "10.0.0.1:4001"}, /* a peer off the machine */
        {"127.0.0.1:4000", "127.0.0.1:0"},   /* nobody */
        {"127.0.0.1:70000", "127.0.0.1:1"},
        {"127.0.0.1", "127.0.0.1:1"},
        {"localhost:1", "127.0.0.1:1"},
        {"127.0.0.1:1x", "127.0.0.1:1"},
        {"::1:1", "127.0.0.1:1"},
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        ck_assert_int_eq(parse(&o, err, bad[i][0], bad[i][1]), -1);
        ck_assert_uint_gt(strlen(err), 0);
    }
    parse(&o, err, "127.0.0.1:1", "10.0.0.1:2");
    ck_assert_ptr_nonnull(strstr(err, "not a loopback address"));
}
END_TEST

START_TEST(missing_and_unknown_options)
{
    struct netsim_options o;
    char err[256];
    char *only_listen[] = {"netsim", "--listen", "127.0.0.1:1", NULL};
    ck_assert_int_eq(netsim_parse_options(3, only_listen, &o, err, sizeof(err)), -1);
    char *unknown[] = {"netsim",      "--listen", "127.0.0.1:1", "--peer",
                       "127.0.0.1:2", "--x",      "1",           NULL};
    ck_assert_int_eq(netsim_parse_options(7, unknown, &o, err, sizeof(err)), -1);
    char *dangling[] = {"netsim", "--listen", NULL};
    ck_assert_int_eq(netsim_parse_options(2, dangling, &o, err, sizeof(err)), -1);
    char *help[] = {"netsim", "--help", NULL};
    ck_assert_int_eq(netsim_parse_options(2, help, &o, err, sizeof(err)), 1);
    char *duration[] = {"netsim",      "--listen",   "127.0.0.1:1", "--peer",
                        "127.0.0.1:2", "--duration", "-5",          NULL};
    ck_assert_int_eq(netsim_parse_options(7, duration, &o, err, sizeof(err)), -1);
}
END_TEST

static struct sent sent;

START_TEST(log_line_format)
{
    struct netsim sim;
    struct netsim_event ev;
    uint8_t f[NETSIM_FRAME_MAX];
    char line[256];
    netsim_init(&sim, sent_record, &sent);
    netsim_rx(&sim, f, frame_icmp_echo(f, NETSIM_CORPORATE_GATEWAY_IP, 1, 2, "ab", 2), 1234, &ev);
    netsim_format_event(line, sizeof(line), &ev, 1234);
    ck_assert_str_eq(line, "rx=1 t=1234 len=44 smac=52:54:00:00:02:14 dmac=02:00:5e:00:02:01 "
                           "src=192.0.2.20 dst=198.51.100.1 kind=icmp/echo-request "
                           "route=corporate verdict=answered");
    netsim_rx(&sim, f,
              frame_tcp(f, NETSIM_INTERNET_SERVICE_IP, 4000, 23, 1, 0, TCP_SYN, 10, NULL, 0), 1300,
              &ev);
    netsim_format_event(line, sizeof(line), &ev, 1300);
    ck_assert_str_eq(line, "rx=2 t=1300 len=54 smac=52:54:00:00:02:14 dmac=02:00:5e:00:02:01 "
                           "src=192.0.2.20 dst=203.0.113.10 kind=tcp/23 flags=S "
                           "route=internet verdict=unreachable");
    netsim_rx(&sim, f, 5, 1400, &ev);
    netsim_format_event(line, sizeof(line), &ev, 1400);
    ck_assert_str_eq(line, "rx=3 t=1400 len=5 smac=00:00:00:00:00:00 dmac=00:00:00:00:00:00 "
                           "src=- dst=- kind=malformed route=dropped verdict=short");
}
END_TEST

TCase *netsim_options_tcase(void)
{
    TCase *tc = tcase_create("options");
    tcase_add_test(tc, loopback_addresses_are_taken);
    tcase_add_test(tc, other_addresses_are_refused);
    tcase_add_test(tc, missing_and_unknown_options);
    tcase_add_test(tc, log_line_format);
    return tc;
}
