/* x86_64 keeps instruction fetch coherent with stores (SDM vol. 3A 11.6): nothing to do. */
#include <arch.h>

void arch_icache_sync(const void *va, uint64_t size)
{
}
