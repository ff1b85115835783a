/* The manifest's network properties (the /networks node and a partition's net-mac, net-address
 * and net-reach: docs/manifest.md) read into each partition's struct hv_pt_net, with the checks
 * that need only the manifest. */
#include <hv/hex.h>
#include <string.h>

#include "diag.h"
#include "mkimage.h"

#define NETWORKS_COMPATIBLE "duet,networks"

/* One NUL-terminated string, or NULL: the caller names the property in its message. */
static const char *one_string(const uint8_t *v, uint32_t len)
{
    if (len == 0 || v[len - 1] != '\0' || memchr(v, '\0', len) != v + len - 1)
        return NULL;
    return (const char *)v;
}

/* A decimal number of 1..3 digits without a leading zero (inet_aton would read "010" as octal:
 * a manifest must mean one thing to every reader), at most max; advances *s past it. */
static bool take_decimal(const char **s, unsigned max, unsigned *out)
{
    const char *p = *s;
    unsigned v = 0, n = 0;
    while (*p >= '0' && *p <= '9' && n < 4) {
        v = v * 10 + (unsigned)(*p++ - '0');
        n++;
    }
    if (n == 0 || n > 3 || (n > 1 && **s == '0') || v > max)
        return false;
    *s = p;
    *out = v;
    return true;
}

/* "a.b.c.d" in network byte order; advances *s past it. */
static bool take_ipv4(const char **s, uint8_t out[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v;
        if (i && *(*s)++ != '.')
            return false;
        if (!take_decimal(s, 255, &v))
            return false;
        out[i] = (uint8_t)v;
    }
    return true;
}

/* "a.b.c.d/n", the whole string. */
static bool parse_cidr(const char *s, uint8_t addr[4], unsigned *len)
{
    return take_ipv4(&s, addr) && *s++ == '/' && take_decimal(&s, 32, len) && *s == '\0';
}

static uint32_t be32_of(const uint8_t a[4])
{
    return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static uint32_t mask_of(unsigned len)
{
    return len ? ~0u << (32 - len) : 0;
}


/* "xx:xx:xx:xx:xx:xx", hexadecimal in either case. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 17)
        return false;
    for (int i = 0; i < 6; i++) {
        int hi = hv_hex_digit(s[3 * i]), lo = hv_hex_digit(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static int take_mac(struct mk_partition *p, const char *s)
{
    static const uint8_t zero[6];
    if (!parse_mac(s, p->net.mac))
        return mk_error("partition '%s': net-mac \"%s\" is not a MAC address "
                        "(xx:xx:xx:xx:xx:xx, hexadecimal)",
                        p->name, s);
    if (p->net.mac[0] & 1)
        return mk_error("partition '%s': net-mac \"%s\" is a multicast address (the first "
                        "byte's low bit is set)",
                        p->name, s);
    if (!memcmp(p->net.mac, zero, 6))
        return mk_error("partition '%s': net-mac is all zero", p->name);
    p->has_net_mac = true;
    return 0;
}

/* The partition's own address on its link: a host address (not the prefix's network or
 * broadcast address), on a link with room for a router (prefix length 1..30). */
static int take_address(struct mk_partition *p, const char *s)
{
    unsigned len;
    if (!parse_cidr(s, p->net.ipv4, &len))
        return mk_error("partition '%s': net-address \"%s\" is not an IPv4 address with its "
                        "prefix length (a.b.c.d/n, decimal)",
                        p->name, s);
    uint32_t a = be32_of(p->net.ipv4), host = a & ~mask_of(len);
    if (len < 1 || len > 30)
        return mk_error("partition '%s': net-address \"%s\": the prefix length must be 1 to 30",
                        p->name, s);
    if (host == 0 || host == ~mask_of(len))
        return mk_error("partition '%s': net-address \"%s\" is its link's network or broadcast "
                        "address",
                        p->name, s);
    if ((a >> 28) >= 0xe || (a >> 24) == 0 || (a >> 24) == 127)
        return mk_error("partition '%s': net-address \"%s\" is not a unicast host address", p->name,
                        s);
    p->net.ipv4_prefix_len = (uint8_t)len;
    p->has_net_address = true;
    return 0;
}

/* net-reach: a list of network names (empty: none), resolved once /networks is known. */
static int take_reach(struct mk_partition *p, const uint8_t *v, uint32_t len)
{
    if (len && v[len - 1] != '\0')
        return mk_error("partition '%s': property 'net-reach' must be a list of strings", p->name);
    for (uint32_t off = 0; off < len;) {
        const char *name = (const char *)v + off;
        size_t n = strlen(name);
        if (p->nreach == HV_PT_NET_MAX_NETWORKS)
            return mk_error("partition '%s': net-reach names more than %u networks", p->name,
                            HV_PT_NET_MAX_NETWORKS);
        if (n == 0 || n >= HV_PT_NET_NAME_MAX)
            return mk_error("partition '%s': net-reach holds a name that is empty or longer "
                            "than %u characters",
                            p->name, HV_PT_NET_NAME_MAX - 1);
        memcpy(p->reach[p->nreach++], name, n + 1);
        off += (uint32_t)n + 1;
    }
    p->has_net_reach = true;
    return 0;
}

int manifest_net_prop(struct mk_partition *p, const char *prop, const uint8_t *v, uint32_t len)
{
    if (!strcmp(prop, "net-reach"))
        return take_reach(p, v, len);
    bool is_mac = !strcmp(prop, "net-mac");
    if (!is_mac && strcmp(prop, "net-address"))
        return 1;
    const char *s = one_string(v, len);
    if (!s)
        return mk_error("partition '%s': property '%s' must be one string", p->name, prop);
    return is_mac ? take_mac(p, s) : take_address(p, s);
}

/* A network's name: what the partitions' net-reach and the radio server's counters call it. */
static bool valid_network_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= HV_PT_NET_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_'))
            return false;
    return true;
}

int manifest_networks_prop(struct mk_system *sys, const char *prop, const uint8_t *v, uint32_t len)
{
    if (!strcmp(prop, "compatible")) {
        const char *s = one_string(v, len);
        if (!s || strcmp(s, NETWORKS_COMPATIBLE))
            return mk_error("manifest: /networks must be compatible \"%s\"", NETWORKS_COMPATIBLE);
        sys->seen_networks = true;
        return 0;
    }
    if (!valid_network_name(prop))
        return mk_error("network '%s': the name must be 1 to %u characters of a-z, 0-9, '-' "
                        "and '_'",
                        prop, HV_PT_NET_NAME_MAX - 1);
    if (sys->nnetworks == HV_PT_NET_MAX_NETWORKS)
        return mk_error("network '%s': more than %u networks", prop, HV_PT_NET_MAX_NETWORKS);
    struct hv_pt_netdef *d = &sys->networks[sys->nnetworks];
    const char *s = one_string(v, len);
    unsigned plen;
    if (!s || !parse_cidr(s, d->prefix, &plen))
        return mk_error("network '%s': must be one string a.b.c.d/n (an IPv4 prefix, decimal)",
                        prop);
    if (be32_of(d->prefix) & ~mask_of(plen))
        return mk_error("network '%s': \"%s\" has bits set past its prefix length", prop, s);
    d->prefix_len = (uint8_t)plen;
    /* The most specific prefix a destination falls in says its network: two networks with the
     * same prefix would leave that undecided. */
    for (unsigned i = 0; i < sys->nnetworks; i++)
        if (sys->networks[i].prefix_len == plen && !memcmp(sys->networks[i].prefix, d->prefix, 4))
            return mk_error("network '%s': the prefix %s is also network '%s''s", prop, s,
                            sys->networks[i].name);
    memcpy(d->name, prop, strlen(prop) + 1);
    sys->nnetworks++;
    return 0;
}

static int find_network(const struct mk_system *sys, const char *name)
{
    for (unsigned i = 0; i < sys->nnetworks; i++)
        if (!strcmp(sys->networks[i].name, name))
            return (int)i;
    return -1;
}

/* A partition's own record: every network of the system, in manifest order, each marked. */
static int resolve_partition(const struct mk_system *sys, struct mk_partition *p)
{
    if (!p->has_net_mac && !p->has_net_address) {
        if (p->has_net_reach)
            return mk_error("partition '%s': net-reach without net-mac and net-address", p->name);
        return 0;
    }
    if (!p->has_net_mac || !p->has_net_address)
        return mk_error("partition '%s': a network needs both net-mac and net-address", p->name);
    if (sys->nnetworks == 0)
        return mk_error("partition '%s': it has a network port but the manifest defines no "
                        "network (/networks)",
                        p->name);
    p->net.kind = HV_PT_NET_IPV4;
    p->net.nnetworks = sys->nnetworks;
    memcpy(p->net.networks, sys->networks, sizeof(p->net.networks));
    for (unsigned i = 0; i < p->nreach; i++) {
        int n = find_network(sys, p->reach[i]);
        if (n < 0)
            return mk_error("partition '%s': net-reach names network '%s', which /networks does "
                            "not define",
                            p->name, p->reach[i]);
        if (p->net.networks[n].reach == HV_PT_NET_ALLOW)
            return mk_error("partition '%s': net-reach names network '%s' twice", p->name,
                            p->reach[i]);
        p->net.networks[n].reach = HV_PT_NET_ALLOW;
    }
    return 0;
}

int manifest_net_check_all(struct mk_system *sys)
{
    if (sys->nnetworks && !sys->seen_networks)
        return mk_error("manifest: /networks must be compatible \"%s\"", NETWORKS_COMPATIBLE);
    unsigned ports = 0;
    for (unsigned i = 0; i < sys->count; i++) {
        struct mk_partition *p = &sys->part[i];
        if (resolve_partition(sys, p))
            return -1;
        if (p->net.kind == HV_PT_NET_NONE)
            continue;
        if (++ports > HV_PT_NET_MAX_PORTS)
            return mk_error("partition '%s': more than %u partitions have a network (the radio "
                            "server's ports)",
                            p->name, HV_PT_NET_MAX_PORTS);
        /* The switch tells partitions apart by these: two alike would let one receive the
         * other's frames and send as it. */
        for (unsigned j = 0; j < i; j++) {
            const struct mk_partition *q = &sys->part[j];
            if (q->net.kind == HV_PT_NET_NONE)
                continue;
            if (!memcmp(p->net.mac, q->net.mac, 6))
                return mk_error("partition '%s': net-mac is also partition '%s''s", p->name,
                                q->name);
            if (!memcmp(p->net.ipv4, q->net.ipv4, 4))
                return mk_error("partition '%s': net-address is also partition '%s''s", p->name,
                                q->name);
        }
    }
    return 0;
}
