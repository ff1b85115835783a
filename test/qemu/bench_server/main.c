/* The IPC benchmark's server: answers every call on the endpoint in its slot 3 with an empty
 * reply, in its own address space, so each round trip crosses two address-space switches. */
#include <hv/sys.h>

#define BENCH_EP 3

void hv_main(uint64_t arg)
{
    struct hv_msg m = {0};
    hv_recv(BENCH_EP, &m);
    for (;;) {
        m.info = hv_msginfo(0, 0);
        hv_reply_recv(BENCH_EP, &m);
    }
}
