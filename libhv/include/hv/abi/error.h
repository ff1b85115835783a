/* Error codes shared by the kernel's syscalls and every user-side library: part of the ABI. */
#pragma once

enum hv_error {
    HV_OK = 0,
    HV_EINVAL = 1,   /* an argument is malformed */
    HV_EALIGN = 2,   /* an address or size is not aligned as required */
    HV_EEXIST = 3,   /* the slot or mapping is already in use */
    HV_ENOMEM = 4,   /* not enough memory in the object supplied */
    HV_ERANGE = 5,   /* an address or index is outside what is allowed */
    HV_EFORMAT = 6,  /* a structure read from outside (device tree, image) is malformed */
    HV_ENOENT = 7,   /* the thing looked up is not there */
    HV_ETRUNC = 8,   /* a result did not fit the space given for it */
    HV_ENOSYS = 9,   /* no such system call */
    HV_ETYPE = 10,   /* the capability is not of the type the operation needs */
    HV_EPERM = 11,   /* the capability lacks a right the operation needs */
    HV_EBUSY = 12,   /* the object is in a state that forbids the operation now */
    HV_ECANCELED = 13, /* the IPC partner or the object waited on went away */
};
