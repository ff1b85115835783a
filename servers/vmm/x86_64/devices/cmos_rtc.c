/* The CMOS RTC model. Time is never stored: each read converts the clock to a date. */
#include "x86_64/devices/cmos_rtc.h"

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void rtc_from_unix(uint64_t t, struct rtc_time *out)
{
    uint64_t days = t / 86400, secs = t % 86400;
    out->hour = (unsigned)(secs / 3600);
    out->minute = (unsigned)(secs / 60 % 60);
    out->second = (unsigned)(secs % 60);
    out->weekday = (unsigned)((days + 4) % 7) + 1; /* 1970-01-01 was a Thursday */
    unsigned y = 1970;
    for (;;) {
        unsigned len = leap(y) ? 366 : 365;
        if (days < len)
            break;
        days -= len;
        y++;
    }
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned m = 0;
    for (; m < 11; m++) {
        unsigned len = mdays[m] + (m == 1 && leap(y) ? 1 : 0);
        if (days < len)
            break;
        days -= len;
    }
    out->year = y;
    out->month = m + 1;
    out->day = (unsigned)days + 1;
}

void cmos_init(struct cmos_rtc *c, uint64_t epoch_s, cmos_clock_fn *now, void *ctx)
{
    /* Clamp to year 9999 so the date loop stays short whatever the VMM passes. */
    if (epoch_s > 253402300799ull)
        epoch_s = 253402300799ull;
    *c = (struct cmos_rtc){
        .reg_a = 0x26, /* 32.768 kHz time base, 1024 Hz rate: what PC firmware sets */
        .reg_b = RTC_B_24H,
        .epoch_s = epoch_s,
        .now = now,
        .ctx = ctx,
    };
}

static uint8_t rtc_encode(const struct cmos_rtc *c, unsigned v)
{
    if (c->reg_b & RTC_B_BINARY)
        return (uint8_t)v;
    return (uint8_t)((v / 10) << 4 | v % 10);
}

static uint8_t rtc_hour(const struct cmos_rtc *c, unsigned h)
{
    if (c->reg_b & RTC_B_24H)
        return rtc_encode(c, h);
    /* 12-hour mode: 1..12 with bit 7 for PM. */
    unsigned h12 = h % 12 ? h % 12 : 12;
    return rtc_encode(c, h12) | (h >= 12 ? 0x80 : 0);
}

static uint8_t rtc_read_reg(struct cmos_rtc *c, uint8_t index)
{
    if (index > RTC_REG_D && index != RTC_CENTURY)
        return 0xff; /* no NVRAM */
    if (index == RTC_REG_A)
        return c->reg_a; /* UIP (bit 7) never set: an update is instantaneous here */
    if (index == RTC_REG_B)
        return c->reg_b;
    if (index == RTC_REG_C)
        return 0; /* no interrupt flags: no alarm, periodic or update interrupts */
    if (index == RTC_REG_D)
        return RTC_D_VRT; /* the battery is fine */
    struct rtc_time tm;
    uint64_t t = c->epoch_s + c->now(c->ctx) / 1000000000ull;
    rtc_from_unix(t > 253402300799ull ? 253402300799ull : t, &tm);
    if (index == RTC_HOURS)
        return rtc_hour(c, tm.hour);
    if (index == RTC_CENTURY)
        return rtc_encode(c, tm.year / 100);
    /* The time of day and the date, by register; the alarm registers 1, 3, 5 read 0 (no
     * alarm set). */
    const unsigned field[RTC_YEAR + 1] = {
        [RTC_SECONDS] = tm.second, [RTC_MINUTES] = tm.minute, [RTC_DAY_OF_WEEK] = tm.weekday,
        [RTC_DAY] = tm.day,        [RTC_MONTH] = tm.month,    [RTC_YEAR] = tm.year % 100,
    };
    return index <= RTC_YEAR ? rtc_encode(c, field[index]) : 0;
}

uint8_t cmos_read(struct cmos_rtc *c, uint16_t port)
{
    if (port == CMOS_PORT_DATA)
        return rtc_read_reg(c, c->index);
    return 0xff; /* the index port is write-only */
}

bool cmos_write(struct cmos_rtc *c, uint16_t port, uint8_t value)
{
    if (port == CMOS_PORT_INDEX) {
        c->index = value & 0x7f; /* bit 7 is the NMI mask, not part of the index */
        return true;
    }
    if (port != CMOS_PORT_DATA)
        return false;
    switch (c->index) {
    case RTC_REG_A:
        c->reg_a = value & 0x7f; /* UIP is read only */
        return true;
    case RTC_REG_B:
        /* Keep the data mode and 12/24 hours; interrupt enables have nothing to enable. */
        c->reg_b = value & (RTC_B_24H | RTC_B_BINARY);
        return true;
    default:
        return false; /* setting the time or NVRAM: the host clock is not the guest's */
    }
}
