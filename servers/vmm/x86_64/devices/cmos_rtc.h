/* A minimal MC146818 RTC behind the CMOS index/data ports 0x70/0x71: the time of day from
 * the VMM's clock, status registers A-D, the century byte; no alarms, no periodic interrupt,
 * no NVRAM (other indices read all ones). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum {
    CMOS_PORT_INDEX = 0x70,
    CMOS_PORT_DATA = 0x71,
};
enum {
    RTC_SECONDS = 0x00,
    RTC_MINUTES = 0x02,
    RTC_HOURS = 0x04,
    RTC_DAY_OF_WEEK = 0x06,
    RTC_DAY = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_REG_C = 0x0c,
    RTC_REG_D = 0x0d,
    RTC_CENTURY = 0x32, /* where the FADT's CENTURY field points */
};
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04
#define RTC_D_VRT 0x80

typedef uint64_t cmos_clock_fn(void *ctx); /* ns since the epoch_s instant */

struct cmos_rtc {
    uint8_t index;
    uint8_t reg_a, reg_b;
    uint64_t epoch_s; /* Unix time at clock 0 */
    cmos_clock_fn *now;
    void *ctx;
};

void cmos_init(struct cmos_rtc *c, uint64_t epoch_s, cmos_clock_fn *now, void *ctx);
uint8_t cmos_read(struct cmos_rtc *c, uint16_t port);
/* Returns false for writes the model ignores (the time registers, NVRAM), for the log. */
bool cmos_write(struct cmos_rtc *c, uint16_t port, uint8_t value);

/* Civil date of a Unix time, for the RTC and its tests. */
struct rtc_time {
    unsigned year, month, day, hour, minute, second, weekday; /* weekday 1 = Sunday */
};
void rtc_from_unix(uint64_t t, struct rtc_time *out);
