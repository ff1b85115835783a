/* The PC's keyboard controller (x86_64) through the two one-port caps the root task gave the
 * keyboard server: data port 0x60 and status/command port 0x64, nothing else. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Empties the output buffer and makes sure the keyboard's interrupt (IRQ 1) is on, its clock
 * enabled and translation (scancode set 1) left as the firmware set it. False if the port caps
 * are refused or the controller does not answer. */
bool i8042_init(void);

/* Reads every byte waiting (at most a bounded number), hands the keyboard's to byte() and
 * drops the mouse's (status bit 5). Returns how many keyboard bytes there were. */
unsigned i8042_drain(void (*byte)(uint8_t b));
