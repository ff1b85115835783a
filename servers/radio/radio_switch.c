/* The radio server's switch: bounded per-port queues, the policy on every frame, deficit round
 * robin onto the uplink and the drop counters (docs/network.md, "The switch"). */
#include "radio_switch.h"

#include <hv/fmt.h>
#include <string.h>

#define RADIO_QUEUE_RING (RADIO_QUEUE_SLOTS + 1) /* slots in struct radio_queue */

void radio_switch_init(struct radio_switch *sw, const struct radio_policy *pol)
{
    memset(sw, 0, sizeof(*sw));
    sw->policy = *pol;
}

static bool is_partition(const struct radio_switch *sw, unsigned port)
{
    return port < sw->policy.nports;
}

/* A queue's indices as the other side publishes them: what the producer wrote into a slot is
 * seen by the consumer once it sees the tail past it, and a slot the consumer let go is free
 * once the producer sees the head past it. */
unsigned radio_queue_count(const struct radio_queue *q)
{
    unsigned head = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
    unsigned tail = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);
    return (tail + RADIO_QUEUE_RING - head) % RADIO_QUEUE_RING;
}

/* The producer's: the slot it fills next, then publishes. */
static struct radio_slot *tail_slot(struct radio_queue *q)
{
    return &q->slot[q->tail];
}

static void publish_tail(struct radio_queue *q)
{
    __atomic_store_n(&q->tail, (q->tail + 1) % RADIO_QUEUE_RING, __ATOMIC_RELEASE);
}

/* The consumer's: done with the head slot. */
static void release_head(struct radio_queue *q)
{
    __atomic_store_n(&q->head, (q->head + 1) % RADIO_QUEUE_RING, __ATOMIC_RELEASE);
}

/* A counter other threads read: one writer, stored whole. */
static void bump(uint64_t *c, uint64_t by)
{
    __atomic_store_n(c, *c + by, __ATOMIC_RELAXED);
}

static enum radio_drop drop_in(struct radio_switch *sw, unsigned port, enum radio_drop why)
{
    bump(&sw->count[port].in_drops[why], 1);
    return why;
}

static enum radio_drop drop_out(struct radio_switch *sw, unsigned port, enum radio_drop why)
{
    bump(&sw->count[port].out_drops[why], 1);
    return why;
}

bool radio_switch_egress_room(const struct radio_switch *sw, unsigned port)
{
    return is_partition(sw, port) && radio_queue_count(&sw->egress[port]) < RADIO_QUEUE_SLOTS;
}

unsigned radio_switch_egress_free(const struct radio_switch *sw, unsigned port)
{
    return is_partition(sw, port) ? RADIO_QUEUE_SLOTS - radio_queue_count(&sw->egress[port]) : 0;
}

enum radio_drop radio_switch_from_partition(struct radio_switch *sw, unsigned port,
                                            const uint8_t *frame, size_t len)
{
    if (!is_partition(sw, port))
        return RADIO_DROP_NOT_FOR_PORT; /* a caller's bug, not a guest's: nothing to count */
    bump(&sw->count[port].in_frames, 1);
    struct radio_queue *q = &sw->egress[port];
    if (len > RADIO_FRAME_MAX)
        return drop_in(sw, port, RADIO_DROP_OVERSIZE);
    /* Copy, then check the copy: what is checked is what is sent. The tail slot is free even
     * when the queue is full, so a refused frame is counted by its reason, not as queue-full. */
    struct radio_slot *s = tail_slot(q);
    if (len)
        memcpy(s->data, frame, len);
    struct radio_frame f;
    enum radio_drop why = radio_frame_parse(s->data, len, &f);
    if (why == RADIO_PASS)
        why = radio_policy_egress(&sw->policy, port, &f);
    if (why == RADIO_PASS && radio_queue_count(q) == RADIO_QUEUE_SLOTS)
        why = RADIO_DROP_QUEUE_FULL;
    if (why != RADIO_PASS)
        return drop_in(sw, port, why);
    s->len = (uint16_t)len;
    publish_tail(q);
    return RADIO_PASS;
}

enum radio_drop radio_switch_from_uplink(struct radio_switch *sw, const uint8_t *frame, size_t len,
                                         unsigned *port)
{
    struct radio_frame f;
    int to = RADIO_NO_PORT;
    bump(&sw->count[RADIO_UPLINK].in_frames, 1);
    enum radio_drop why = radio_frame_parse(frame, len, &f);
    if (why == RADIO_PASS)
        why = radio_policy_ingress(&sw->policy, &f, &to);
    *port = to == RADIO_NO_PORT ? RADIO_UPLINK : (unsigned)to;
    if (why != RADIO_PASS)
        return *port == RADIO_UPLINK ? drop_in(sw, RADIO_UPLINK, why) : drop_out(sw, *port, why);
    struct radio_queue *q = &sw->ingress[*port];
    if (radio_queue_count(q) == RADIO_QUEUE_SLOTS)
        return drop_out(sw, *port, RADIO_DROP_QUEUE_FULL);
    struct radio_slot *s = tail_slot(q);
    memcpy(s->data, frame, len);
    s->len = (uint16_t)len;
    publish_tail(q);
    return RADIO_PASS;
}

static void next_turn(struct radio_switch *sw)
{
    sw->rr = (sw->rr + 1) % sw->policy.nports;
    sw->turn_started = false;
}

/* Deficit round robin: a port's turn adds RADIO_QUANTUM to its deficit, it sends while its
 * head frame fits in the deficit, and an emptied queue keeps no credit. Since the quantum is
 * at least one largest frame, a full round finds any non-empty queue: at most nports + 1 turns
 * are looked at. */
static int uplink_choice(struct radio_switch *sw)
{
    for (unsigned turns = 0; sw->policy.nports && turns <= sw->policy.nports; turns++) {
        unsigned p = sw->rr;
        struct radio_queue *q = &sw->egress[p];
        if (radio_queue_count(q) == 0) {
            sw->deficit[p] = 0;
            next_turn(sw);
            continue;
        }
        if (!sw->turn_started) {
            sw->deficit[p] += RADIO_QUANTUM;
            sw->turn_started = true;
        }
        if (q->slot[q->head].len <= sw->deficit[p])
            return (int)p;
        next_turn(sw);
    }
    return RADIO_NO_PORT;
}

static struct radio_queue *queue_for(struct radio_switch *sw, unsigned port, unsigned *from)
{
    if (port == RADIO_UPLINK) {
        int p = uplink_choice(sw);
        if (p == RADIO_NO_PORT)
            return NULL;
        *from = (unsigned)p;
        return &sw->egress[p];
    }
    if (!is_partition(sw, port) || radio_queue_count(&sw->ingress[port]) == 0)
        return NULL;
    *from = port;
    return &sw->ingress[port];
}

const uint8_t *radio_switch_peek(struct radio_switch *sw, unsigned port, size_t *len)
{
    unsigned from;
    struct radio_queue *q = queue_for(sw, port, &from);
    if (!q)
        return NULL;
    *len = q->slot[q->head].len;
    return q->slot[q->head].data;
}

void radio_switch_pop(struct radio_switch *sw, unsigned port)
{
    unsigned from;
    struct radio_queue *q = queue_for(sw, port, &from);
    if (!q)
        return;
    uint16_t len = q->slot[q->head].len;
    release_head(q);
    if (port == RADIO_UPLINK) {
        sw->deficit[from] -= len;
        if (radio_queue_count(q) == 0) {
            sw->deficit[from] = 0;
            next_turn(sw);
        }
    }
    /* Counted against the receiving side: the uplink's out counters are everything sent. */
    bump(&sw->count[port].out_frames, 1);
    bump(&sw->count[port].out_bytes, len);
}

size_t radio_switch_next_for(struct radio_switch *sw, unsigned port, uint8_t *buf, size_t cap)
{
    size_t len;
    const uint8_t *data = radio_switch_peek(sw, port, &len);
    if (!data)
        return 0;
    if (len > cap) {
        /* Not pop: the frame was not delivered, so it is not counted out. */
        unsigned from;
        struct radio_queue *q = queue_for(sw, port, &from);
        release_head(q);
        if (port == RADIO_UPLINK && radio_queue_count(q) == 0) {
            sw->deficit[from] = 0;
            next_turn(sw);
        }
        drop_out(sw, port, RADIO_DROP_RX_BUFFER);
        return 0;
    }
    memcpy(buf, data, len);
    radio_switch_pop(sw, port);
    return len;
}

unsigned radio_switch_queued(const struct radio_switch *sw, unsigned port)
{
    if (port != RADIO_UPLINK)
        return is_partition(sw, port) ? radio_queue_count(&sw->ingress[port]) : 0;
    unsigned n = 0;
    for (unsigned p = 0; p < sw->policy.nports; p++)
        n += radio_queue_count(&sw->egress[p]);
    return n;
}

const struct radio_counters *radio_switch_counters(const struct radio_switch *sw, unsigned port)
{
    return port <= RADIO_UPLINK ? &sw->count[port] : NULL;
}

/* " in N dropped (reason n, ...)" for one direction; appends at buf + *n. */
static void format_direction(char *buf, size_t size, int *n, const char *dir,
                             const uint64_t drops[RADIO_DROP_COUNT])
{
    uint64_t total = 0;
    for (unsigned r = RADIO_PASS + 1; r < RADIO_DROP_COUNT; r++)
        total += radio_counter_read(&drops[r]);
    size_t at = (size_t)*n < size ? (size_t)*n : size;
    *n += fmt_snprintf(buf + at, size - at, "%s %llu dropped", dir, (unsigned long long)total);
    const char *sep = " (";
    for (unsigned r = RADIO_PASS + 1; r < RADIO_DROP_COUNT; r++) {
        uint64_t d = radio_counter_read(&drops[r]);
        if (!d)
            continue;
        at = (size_t)*n < size ? (size_t)*n : size;
        *n += fmt_snprintf(buf + at, size - at, "%s%s %llu", sep,
                           radio_drop_name((enum radio_drop)r), (unsigned long long)d);
        sep = ", ";
    }
    if (total) {
        at = (size_t)*n < size ? (size_t)*n : size;
        *n += fmt_snprintf(buf + at, size - at, ")");
    }
}

int radio_switch_format_drops(const struct radio_switch *sw, unsigned port, char *buf, size_t size)
{
    const struct radio_counters *c = radio_switch_counters(sw, port);
    if (!c || (port != RADIO_UPLINK && !is_partition(sw, port)))
        return fmt_snprintf(buf, size, "port %u: no such port", port);
    const char *name = port == RADIO_UPLINK ? "uplink" : sw->policy.port[port].name;
    int n = fmt_snprintf(buf, size, "%s:", name);
    format_direction(buf, size, &n, " in", c->in_drops);
    format_direction(buf, size, &n, ", out", c->out_drops);
    return n;
}
