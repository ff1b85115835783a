/* The radio policy table built from partition-table records (radio_policy_build): each
 * malformed record alone refused with a message naming the port or network, and the limits on
 * the number of ports. */
#include <check.h>
#include <string.h>

#include "check_run.h"
#include "radio_fixture.h"

/* Each malformed record alone, refused with a message naming the port or network. */
struct bad_record {
    const char *why;
    void (*spoil)(struct hv_pt_net *p, struct hv_pt_net *w);
};

static void kind_none(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->kind = HV_PT_NET_NONE;
}
static void kind_other(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->kind = 7;
}
static void mac_multicast(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->mac[0] = 0x01;
}
static void mac_zero(struct hv_pt_net *p, struct hv_pt_net *w)
{
    memset(w->mac, 0, 6);
}
static void mac_dup(struct hv_pt_net *p, struct hv_pt_net *w)
{
    memcpy(w->mac, p->mac, 6);
}
static void ip_dup(struct hv_pt_net *p, struct hv_pt_net *w)
{
    memcpy(w->ipv4, p->ipv4, 4);
}
static void ip_bcast(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->ipv4[3] = 255;
}
static void ip_net(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->ipv4[3] = 0;
}
static void ip_len31(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->ipv4_prefix_len = 31;
}
static void ip_len0(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->ipv4_prefix_len = 0;
}
/* Found by fuzz_radio_switch: a length past 32 reached the mask's shift before its check. */
static void ip_len200(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->ipv4_prefix_len = 200;
}
static void flags(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->flags = 1;
}
static void nets_zero(struct hv_pt_net *p, struct hv_pt_net *w)
{
    p->nnetworks = 0;
}
static void nets_many(struct hv_pt_net *p, struct hv_pt_net *w)
{
    p->nnetworks = 9;
}
static void net_name(struct hv_pt_net *p, struct hv_pt_net *w)
{
    memset(p->networks[0].name, 'a', sizeof(p->networks[0].name));
}
static void net_empty(struct hv_pt_net *p, struct hv_pt_net *w)
{
    p->networks[1].name[0] = 0;
}
static void net_bits(struct hv_pt_net *p, struct hv_pt_net *w)
{
    p->networks[0].prefix[3] = 1;
}
static void net_len(struct hv_pt_net *p, struct hv_pt_net *w)
{
    p->networks[0].prefix_len = 33;
}
static void net_dup(struct hv_pt_net *p, struct hv_pt_net *w)
{
    p->networks[1] = p->networks[0];
    strcpy(p->networks[1].name, "other");
}
static void reach_value(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->networks[0].reach = 2;
}
static void lists_differ(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->networks[0].prefix[2] = 101;
}
static void lists_length(struct hv_pt_net *p, struct hv_pt_net *w)
{
    w->nnetworks = 1;
}
static void list_name(struct hv_pt_net *p, struct hv_pt_net *w)
{
    strcpy(w->networks[0].name, "corp");
}

static const struct bad_record bad_records[] = {
    {"port 'work': record kind 0 is not IPv4", kind_none},
    {"port 'work': record kind 7 is not IPv4", kind_other},
    {"port 'work': MAC not unicast", mac_multicast},
    {"port 'work': MAC not unicast", mac_zero},
    {"port 'work': same MAC as 'personal'", mac_dup},
    {"port 'work': same address as 'personal'", ip_dup},
    {"port 'work': address not a host address of its link", ip_bcast},
    {"port 'work': address not a host address of its link", ip_net},
    {"port 'work': address not a host address of its link", ip_len31},
    {"port 'work': address not a host address of its link", ip_len0},
    {"port 'work': address not a host address of its link", ip_len200},
    {"port 'work': flags 0x1 unknown", flags},
    {"0 networks (1 to 8)", nets_zero},
    {"9 networks (1 to 8)", nets_many},
    {"network 0: bad name", net_name},
    {"network 1: bad name", net_empty},
    {"network 'corporate': bad prefix", net_bits},
    {"network 'corporate': bad prefix", net_len},
    {"network 'other': same prefix as 'corporate'", net_dup},
    {"port 'work': network 'corporate': reach 2 unknown", reach_value},
    {"port 'work': its network list differs from port 'personal''s", lists_differ},
    {"port 'work': its network list differs from port 'personal''s", lists_length},
    {"port 'work': its network list differs from port 'personal''s", list_name},
};

START_TEST(bad_record_refused)
{
    const struct bad_record *b = &bad_records[_i];
    struct hv_pt_net p, w;
    fixture_records(&p, &w);
    b->spoil(&p, &w);
    struct radio_policy pol;
    char why[128] = "";
    const struct radio_port_spec spec[2] = {{"personal", &p}, {"work", &w}};
    ck_assert_int_eq(radio_policy_build(&pol, spec, 2, why, sizeof(why)), -1);
    ck_assert_str_eq(why, b->why);
}
END_TEST

START_TEST(port_counts)
{
    struct hv_pt_net recs[RADIO_MAX_PORTS + 1], w;
    struct radio_port_spec spec[RADIO_MAX_PORTS + 1];
    static const char *const names[] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"};
    for (unsigned i = 0; i <= RADIO_MAX_PORTS; i++) {
        fixture_records(&recs[i], &w);
        recs[i].mac[5] = (uint8_t)(0x30 + i);
        recs[i].ipv4[3] = (uint8_t)(0x30 + i);
        spec[i] = (struct radio_port_spec){names[i], &recs[i]};
    }
    struct radio_policy pol;
    char why[128];
    ck_assert_int_eq(radio_policy_build(&pol, spec, RADIO_MAX_PORTS, why, sizeof(why)), 0);
    ck_assert_uint_eq(pol.nports, RADIO_MAX_PORTS);
    ck_assert_int_eq(radio_policy_build(&pol, spec, RADIO_MAX_PORTS + 1, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "9 ports (1 to 8)");
    ck_assert_int_eq(radio_policy_build(&pol, spec, 0, why, sizeof(why)), -1);
    spec[1].name = "";
    ck_assert_int_eq(radio_policy_build(&pol, spec, 2, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "port 1: bad partition name");
    spec[1].name = "p1";
    spec[1].net = NULL;
    ck_assert_int_eq(radio_policy_build(&pol, spec, 2, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "port 1: no record");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("radio_records");
    TCase *tc = tcase_create("records");
    tcase_add_loop_test(tc, bad_record_refused, 0,
                        (int)(sizeof(bad_records) / sizeof(bad_records[0])));
    tcase_add_test(tc, port_counts);
    suite_add_tcase(s, tc);
    return check_run(s);
}
