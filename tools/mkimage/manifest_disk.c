/* The manifest's disk properties of a partition (disk, disk-guid, disk-access: docs/manifest.md)
 * read into its struct hv_pt_disk, with the checks that need only the manifest. */
#include <string.h>

#include "diag.h"
#include "mkimage.h"

#include <hv/guid.h>
#include <hv/proto/block.h>

#define ACCESS_RW "read-write"
#define ACCESS_RO "read-only"

/* One NUL-terminated string, or NULL: the caller names the property in its message. */
static const char *one_string(const uint8_t *v, uint32_t len)
{
    if (len == 0 || v[len - 1] != '\0' || memchr(v, '\0', len) != v + len - 1)
        return NULL;
    return (const char *)v;
}

/* A GPT name the manifest can state: printable ASCII without quotes or backslashes (they
 * would need escaping in every message and tool that shows it), 1..36 characters. */
static int take_name(struct mk_partition *p, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > HV_PT_DISK_NAME_MAX)
        return mk_error("partition '%s': disk must be a GPT partition name of 1 to %u "
                        "characters (it has %zu)",
                        p->name, HV_PT_DISK_NAME_MAX, n);
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
            return mk_error("partition '%s': disk name holds character 0x%02x: only printable "
                            "ASCII (no quote or backslash) can be matched",
                            p->name, (unsigned char)s[i]);
    memcpy(p->disk.gpt_name, s, n + 1);
    p->disk.select = HV_PT_DISK_BY_NAME;
    return 0;
}

static int take_guid(struct mk_partition *p, const char *s)
{
    static const uint8_t zero[16];
    if (!hv_guid_parse(s, p->disk.gpt_guid))
        return mk_error("partition '%s': disk-guid \"%s\" is not a GUID "
                        "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hexadecimal)",
                        p->name, s);
    if (!memcmp(p->disk.gpt_guid, zero, 16))
        return mk_error("partition '%s': disk-guid is the zero GUID, which marks an unused "
                        "GPT entry", p->name);
    p->disk.select = HV_PT_DISK_BY_GUID;
    return 0;
}

int manifest_disk_prop(struct mk_partition *p, const char *prop, const uint8_t *v, uint32_t len)
{
    bool is_disk = !strcmp(prop, "disk"), is_guid = !strcmp(prop, "disk-guid");
    if (!is_disk && !is_guid && strcmp(prop, "disk-access"))
        return 1;
    const char *s = one_string(v, len);
    if (!s)
        return mk_error("partition '%s': property '%s' must be one string", p->name, prop);
    if (is_disk || is_guid) {
        if (p->disk.select != HV_PT_DISK_NONE)
            return mk_error("partition '%s': give one of 'disk' and 'disk-guid', not both",
                            p->name);
        return is_disk ? take_name(p, s) : take_guid(p, s);
    }
    if (!strcmp(s, ACCESS_RW))
        p->disk.access = HV_PT_DISK_READ_WRITE;
    else if (!strcmp(s, ACCESS_RO))
        p->disk.access = HV_PT_DISK_READ_ONLY;
    else
        return mk_error("partition '%s': disk-access \"%s\" must be \"" ACCESS_RW "\" or \""
                        ACCESS_RO "\"",
                        p->name, s);
    return 0;
}

int manifest_disk_check(const struct mk_partition *p)
{
    if (p->disk.select == HV_PT_DISK_NONE && p->disk.access)
        return mk_error("partition '%s': disk-access without 'disk' or 'disk-guid'", p->name);
    if (p->disk.select != HV_PT_DISK_NONE && !p->disk.access)
        return mk_error("partition '%s': a disk needs disk-access = \"" ACCESS_RW "\" or \""
                        ACCESS_RO "\"",
                        p->name);
    return 0;
}

static bool same_slice(const struct hv_pt_disk *a, const struct hv_pt_disk *b)
{
    if (a->select != b->select || a->select == HV_PT_DISK_NONE)
        return false;
    return a->select == HV_PT_DISK_BY_NAME ? !strcmp(a->gpt_name, b->gpt_name)
                                           : !memcmp(a->gpt_guid, b->gpt_guid, 16);
}

int manifest_disk_check_all(const struct mk_system *sys)
{
    unsigned with_disk = 0;
    for (unsigned i = 0; i < sys->count; i++) {
        const struct mk_partition *p = &sys->part[i];
        if (p->disk.select == HV_PT_DISK_NONE)
            continue;
        if (++with_disk > HV_VDEV_MAX_CLIENTS)
            return mk_error("partition '%s': more than %u partitions have a disk (the storage "
                            "server's limit)",
                            p->name, HV_VDEV_MAX_CLIENTS);
        /* Two partitions may share a GPT partition only if neither writes it: one's writes
         * would change the other's file system under it. (A name and a GUID meaning the same
         * GPT partition are only seen by the storage server, which refuses them too.) */
        for (unsigned j = 0; j < i; j++) {
            const struct mk_partition *q = &sys->part[j];
            if (same_slice(&p->disk, &q->disk) &&
                (p->disk.access == HV_PT_DISK_READ_WRITE ||
                 q->disk.access == HV_PT_DISK_READ_WRITE))
                return mk_error("partition '%s': its disk is also partition '%s''s, and one of "
                                "them may write it",
                                p->name, q->name);
        }
    }
    return 0;
}
