/* The kernel's boot self-test (duet.test=boot), reported in the PASS/FAIL/SUMMARY format. */
#pragma once

#include <kernel/boot_info.h>

/* Runs every check; returns the number of unexpected failures. */
unsigned boot_test_run(const struct boot_info *bi);
