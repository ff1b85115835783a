/* libhv's freestanding string routines under other names, so that the test links them beside
 * the C library's (whose memcpy the sanitizers and Check call). */
#define memcpy hvs_memcpy
#define memmove hvs_memmove
#define memset hvs_memset
#define memcmp hvs_memcmp
#define strcmp hvs_strcmp
#define strlen hvs_strlen
#include "../../../libhv/lib/string.c"
