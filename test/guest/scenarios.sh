# The scenarios of Duet's test guests, one function each, sourced by /init (docs/guests.md).
# Every one prints lines a test can match: DUET-<WHAT> <partition name> ...; $name and $count
# come from /init.

# DUET-COUNT <name> <n> about every 0.5 s, forever: proof that the partition still runs.
scenario_count() {
    i=${1:-0}
    while :; do
        echo "DUET-COUNT $name $i"
        i=$((i + 1))
        sleep 0.5
    done
}

# Counts to $count, then returns.
count_to() {
    i=0
    while [ "$i" -lt "$count" ]; do
        echo "DUET-COUNT $name $i"
        i=$((i + 1))
        sleep 0.5
    done
}

# One devmem access in a child shell, so that a SIGBUS kills only the child; prints the
# access, the exit status and what devmem said.
devmem_try() {
    out=$(devmem "$@" 2>&1)
    echo "DUET-DEVMEM $name $* -> rc=$? ${out:-(no output)}"
}

# The first address past the partition's RAM, from /proc/iomem's last System RAM range.
ram_end() {
    last=$(grep 'System RAM' /proc/iomem | tail -1 | cut -d' ' -f1 | cut -d- -f2)
    printf '0x%x\n' $((0x$last + 1))
}

# Reads then writes guest-physical addresses outside the partition's RAM: 4 GiB and the
# first byte past the end. The hypervisor must refuse both without harming anyone else.
scenario_devmem_outside() {
    end=$(ram_end)
    echo "DUET-DEVMEM $name ram-end $end"
    for a in 0x100000000 "$end"; do
        devmem_try "$a" 32
        devmem_try "$a" 32 0x5a5aa5a5
    done
    echo "DUET-DEVMEM-DONE $name"
}

scenario_reboot() {
    count_to
    echo "DUET-REBOOT $name"
    reboot -f
}

scenario_poweroff() {
    count_to
    echo "DUET-POWEROFF $name"
    poweroff -f
}

# Every CPU busy forever: the budget must keep the other partitions running.
scenario_spin() {
    cpus=$(nproc)
    echo "DUET-SPIN $name $cpus"
    c=1
    while [ "$c" -lt "$cpus" ]; do
        (while :; do :; done) &
        c=$((c + 1))
    done
    while :; do :; done
}

# Garbage to the registers of the devices the VMM emulates (arm64: GICv3 distributor and
# redistributor, PL011, through /dev/mem), then /bin/duet-attack for what a shell can't do
# (odd-width and paired accesses on arm64; port I/O and MMIO on x86). /init counts after it.
scenario_garbage() {
    # Debian's kernels refuse /dev/mem on regions a driver claimed (IO_STRICT_DEVMEM): the
    # GIC's and the UART's, unless the partition boots with iomem=relaxed.
    grep -q 'iomem=relaxed' /proc/cmdline ||
        echo "DUET-GARBAGE-NOTE $name no iomem=relaxed: claimed device registers are out of reach"
    case "$(uname -m)" in
        aarch64)
            # GICD: reserved words, RO ID registers, GICv2's SGIR, SPIs past ITLinesNumber,
            # an IROUTER of a made-up affinity. Writes to CTLR and the UART's control would
            # only silence this guest, so they are left to the VMM's unit tests.
            for a in 0x08000010 0x08000018 0x08000008 0x0800ffe8 0x08000f00 0x0800017c \
                     0x080007fc 0x08007ff8 0x0800c000; do
                devmem_try "$a" 32 0xffffffff
            done
            devmem_try 0x08006100 64 0xdeadbeefcafef00d
            devmem_try 0x08000001 8 0xff
            # GICR: TYPER (RO), PROPBASER/PENDBASER (no LPIs), a reserved word, SGI_base
            # priorities of PPIs, an offset past the one frame the partition has.
            for a in 0x080a0008 0x080a0070 0x080a0078 0x080a0100 0x080b0400 0x080c0000; do
                devmem_try "$a" 32 0xa5a5a5a5
            done
            # PL011: ID registers (RO), integration test registers, a reserved word.
            for a in 0x09000fe0 0x09000080 0x09000084 0x09000040; do
                devmem_try "$a" 32 0x12345678
            done
            devmem_try 0x09000fe0
            ;;
    esac
    /bin/duet-attack
    echo "DUET-GARBAGE-DONE $name"
}

# The partition's disk (docs/storage.md): its size, its ext4 label (the superblock's
# s_volume_name, 16 bytes at byte 1144), a pattern written at its last sector and read back
# past the page cache, a write past its end (which must fail), a file through ext4 kept over
# an unmount; then a scan of its first and last MiB for the other partitions' patterns,
# repeated so that it comes after theirs were written. Every line: DUET-DISK <name> ...
scenario_disk() {
    dev=/dev/vda
    if [ ! -b "$dev" ]; then
        echo "DUET-DISK $name absent"
        echo "DUET-DISK-DONE $name"
        return
    fi
    bytes=$(blockdev --getsize64 "$dev")
    sectors=$((bytes / 512))
    echo "DUET-DISK $name size $bytes"
    label=$(dd if="$dev" bs=1 skip=1144 count=16 2>/dev/null | tr -d '\0')
    echo "DUET-DISK $name label $label"
    last=$((sectors - 1))
    printf 'DUET-PATTERN %s %s %s' "$name" "$last" "$(cat /proc/sys/kernel/random/uuid)" >/tmp/pat
    dd if=/dev/zero bs=1 count=$((512 - $(wc -c </tmp/pat))) 2>/dev/null >>/tmp/pat
    dd if=/tmp/pat of="$dev" bs=512 seek="$last" count=1 conv=notrunc 2>/dev/null
    sync
    blockdev --flushbufs "$dev"    # the read below comes from the disk, not the page cache
    if dd if="$dev" bs=512 skip="$last" count=1 2>/dev/null | cmp -s - /tmp/pat; then
        echo "DUET-DISK $name pattern ok at $last"
    else
        echo "DUET-DISK $name pattern differs at $last"
    fi
    out=$(dd if=/tmp/pat of="$dev" bs=512 seek="$sectors" count=1 conv=notrunc 2>&1)
    echo "DUET-DISK $name past-end rc=$? $(echo "$out" | head -1)"
    mkdir -p /mnt
    if mount -t ext4 "$dev" /mnt 2>/tmp/mount.err; then
        echo "$name $(cat /tmp/pat | head -c 60)" >/mnt/duet-file
        sync
        umount /mnt
        mount -t ext4 "$dev" /mnt && echo "DUET-DISK $name file $(cat /mnt/duet-file | cut -d' ' -f1-3)"
        umount /mnt
    else
        echo "DUET-DISK $name mount failed: $(head -1 /tmp/mount.err)"
    fi
    for round in 1 2 3; do
        sleep 2
        blockdev --flushbufs "$dev"
        foreign=$( { dd if="$dev" bs=1M count=1 2>/dev/null
                     dd if="$dev" bs=512 skip=$((sectors - 2048)) count=2048 2>/dev/null; } |
                   tr -c 'A-Za-z0-9 -' '\n' | grep '^DUET-PATTERN ' | grep -v "^DUET-PATTERN $name " |
                   head -1)
        echo "DUET-DISK $name scan $round ${foreign:-clean}"
    done
    # The driver lets the device go (a virtio reset): the storage server then logs what the
    # run cost (requests against wake-ups, docs/storage.md).
    dev_name=$(basename "$(readlink /sys/block/vda/device)")
    echo "$dev_name" >/sys/bus/virtio/drivers/virtio_blk/unbind
    echo "DUET-DISK $name unbound $dev_name"
    echo "DUET-DISK-DONE $name"
}

# Persistence (docs/storage.md): the first boot writes a file of random bytes to the partition's
# ext4 disk, syncs and resets at once (reboot -f: no unmount); the next boot finds the file
# and its checksum, unmounts, and says so; the test then kills QEMU and checks the physical
# disk image on the host (e2fsck, debugfs) against the checksum this printed.
scenario_persist() {
    mkdir -p /mnt
    if ! mount -t ext4 /dev/vda /mnt 2>/tmp/mount.err; then
        echo "DUET-PERSIST $name mount failed: $(head -1 /tmp/mount.err)"
        return
    fi
    if [ -f /mnt/duet-persist ]; then
        echo "DUET-PERSIST $name found $(md5sum </mnt/duet-persist | cut -d' ' -f1)"
        umount /mnt
        echo "DUET-PERSIST-UNMOUNTED $name"
        return
    fi
    dd if=/dev/urandom of=/mnt/duet-persist bs=4096 count=64 2>/dev/null
    sum=$(md5sum </mnt/duet-persist | cut -d' ' -f1)
    sync
    echo "DUET-PERSIST $name wrote $sum"
    reboot -f
}

# The network (docs/network.md): the first NIC gets duet.net.ip (192.0.2.20/24 by default) and
# a default route through duet.net.gw (the simulator's router, 192.0.2.1); then pings, UDP
# echo (duet-udp), TCP echo, a bulk TCP echo checked by MD5, the banner service and a closed
# port, each one DUET-NET line whose last word is ok or what went wrong.
net_say() { echo "DUET-NET $name $*"; }

# A target the manifest forbids never answers, so each of these waits its whole timeout there:
# they are short (CI's time), and long against an answer's milliseconds even under TCG.
net_ping() {
    out=$(ping -c 3 -W 5 "$1" 2>&1)
    got=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
    if [ "${got:-0}" -ge 1 ]; then net_say "ping $1 ${got}/3 ok"; else net_say "ping $1 ${got:-0}/3 fail"; fi
}

net_udp() {
    token="DUET-UDP-TOKEN-$name-$1"
    out=$(duet-udp "$1" "$2" "$token" 2>&1)
    if [ "$out" = "DUET-UDP-REPLY $token" ]; then net_say "udp $1 $2 ok"; else net_say "udp $1 $2 fail: $out"; fi
}

net_udp_closed() {
    out=$(duet-udp "$1" "$2" "DUET-UDP-TOKEN-$name" 2>&1)
    if [ "$out" = "DUET-UDP-REFUSED" ]; then net_say "udp-closed $1 $2 ok"; else net_say "udp-closed $1 $2 fail: $out"; fi
}

net_tcp_echo() {
    token="DUET-TCP-TOKEN-$name-$1"
    out=$(echo "$token" | timeout 12 nc "$1" 7 2>&1)
    if [ "$out" = "$token" ]; then net_say "tcp-echo $1 7 ok"; else net_say "tcp-echo $1 7 fail: $out"; fi
}

net_tcp_bulk() {
    dd if=/dev/urandom of=/tmp/net-bulk bs=1024 count="$2" 2>/dev/null
    timeout 60 nc "$1" 7 </tmp/net-bulk >/tmp/net-back 2>/tmp/net-err
    want=$(md5sum </tmp/net-bulk | cut -d' ' -f1)
    got=$(md5sum </tmp/net-back | cut -d' ' -f1)
    size=$(wc -c </tmp/net-back)
    if [ "$want" = "$got" ]; then net_say "tcp-bulk $1 7 $size ok"; else net_say "tcp-bulk $1 7 $size fail: $(head -c 80 /tmp/net-err)"; fi
}

net_tcp_banner() {
    out=$(timeout 12 nc "$1" 17 </dev/null 2>&1 | tr -d '\r')
    case "$out" in
        "DUET-NETSIM hello from the $2 service") net_say "tcp-banner $1 17 ok" ;;
        *) net_say "tcp-banner $1 17 fail: $out" ;;
    esac
}

net_tcp_closed() {
    out=$(timeout 12 nc "$1" "$2" </dev/null 2>&1)
    case "$out" in
        *"Connection refused"*) net_say "tcp-closed $1 $2 ok" ;;
        *) net_say "tcp-closed $1 $2 fail: $out" ;;
    esac
}

# The first NIC up at duet.net.ip via duet.net.gw: sets $dev, $addr, $gw and says the "up" line;
# fails (after saying so) when the partition has no NIC.
net_bring_up() {
    addr=192.0.2.20/24 gw=192.0.2.1
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
            duet.net.ip=*) addr=${arg#duet.net.ip=} ;;
            duet.net.gw=*) gw=${arg#duet.net.gw=} ;;
        esac
    done
    dev=
    for d in /sys/class/net/*; do
        [ "${d##*/}" = lo ] || { dev=${d##*/}; break; }
    done
    if [ -z "$dev" ]; then
        net_say "no-nic fail"
        return 1
    fi
    ip link set "$dev" up && ip addr add "$addr" dev "$dev" && ip route add default via "$gw"
    net_say "up $dev $(cat "/sys/class/net/$dev/address") $addr via $gw rc=$?"
}

scenario_net() {
    if ! net_bring_up; then
        echo "DUET-NET-DONE $name"
        return
    fi
    for target in "$gw" 198.51.100.1 198.51.100.10 203.0.113.10; do
        net_ping "$target"
    done
    for target in 203.0.113.10 198.51.100.10; do
        net_udp "$target" 7
        net_tcp_echo "$target"
    done
    net_udp_closed 203.0.113.10 9
    net_tcp_bulk 203.0.113.10 64
    net_tcp_banner 203.0.113.10 internet
    net_tcp_banner 198.51.100.10 corporate
    net_tcp_closed 203.0.113.10 23
    echo "DUET-NET-DONE $name"
}

# The block benchmark (scripts/bench-blk, docs/storage.md "Benchmark"), the same on bare QEMU
# and in a partition: duet-blkbench's three phases on /dev/vda (sequential 1 MiB writes, then
# reads of them, then random 4 KiB reads; direct I/O), duet.blkbench=<MiB>,<seconds> (64,5 by
# default). The driver lets the device go before the first phase and after each (a virtio
# reset, at which Duet's VMM prints its and the storage server's counters: VMM-BLK-STATS), and
# takes it again for the next, so the counters bracket each phase. Powers off at the end.
blkbench_bind() {
    echo "$1" >/sys/bus/virtio/drivers/virtio_blk/$2
    if [ "$2" = bind ]; then
        i=0
        while [ ! -b /dev/vda ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    fi
}

scenario_blkbench() {
    mib=64 secs=5
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
            duet.blkbench=*,*) v=${arg#duet.blkbench=}; mib=${v%%,*}; secs=${v#*,} ;;
        esac
    done
    if [ ! -b /dev/vda ]; then
        echo "DUET-BLKBENCH $name error no-disk"
    else
        seed=$RANDOM$RANDOM$RANDOM
        dev_name=$(basename "$(readlink /sys/block/vda/device)")
        echo "DUET-BLKBENCH $name start mib=$mib seconds=$secs device=$dev_name"
        blkbench_bind "$dev_name" unbind
        for phase in write read rand; do
            blkbench_bind "$dev_name" bind
            duet-blkbench "$name" "$phase" /dev/vda "$mib" "$seed" "$secs" || break
            blkbench_bind "$dev_name" unbind
        done
    fi
    echo "DUET-BLKBENCH-DONE $name"
    poweroff -f
}

# Prints $2 every second until a line typed on the console reads $1: the test types it
# (duet-qemu --send) once the other partition is where it must be, so that two partitions
# can take turns in one boot without seeing each other. The read blocks in a child: busybox's
# `read -t` drops what it read of a line when its time runs out (seen with a busy CPU).
wait_for_typed() {
    rm -f "/tmp/typed-$1"
    (while read -r typed; do
        [ "$typed" = "$1" ] && break
    done
    : >"/tmp/typed-$1") </dev/console &
    until [ -e "/tmp/typed-$1" ]; do
        echo "$2"
        sleep 1
    done
}

# Flood isolation, the flooding side (docs/storage.md): once told "go", personal keeps its disk
# busy with tiny direct requests from many sides at once, for good: four dd readers and two dd
# writers of one 512-byte sector per request (its own slice; the tests boot on a snapshot), and
# duet-disklat keeping 64 reads of 512 bytes in flight through Linux AIO. It says "running"
# once the AIO flood has completed 4096 reads, then the block layer's counters every 5 s.
scenario_disk_flood() {
    dev=/dev/vda
    if [ ! -b "$dev" ]; then
        echo "DUET-FLOOD $name absent"
        return
    fi
    # duet.floodbs=<bytes>: the dd requests' size (512 by default; linux-disk-flood-spent's
    # 262144, requests of 64 pages each: the most work per request for its thread of the server).
    # duet.floodspin=1: a CPU spinner besides, so that the partition's budget is spent in
    # every period of the flood (linux-disk-flood-spent).
    bs=512
    spin=0
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
            duet.floodbs=*) bs=${arg#duet.floodbs=} ;;
            duet.floodspin=1) spin=1 ;;
        esac
    done
    wait_for_typed go "DUET-FLOOD $name waiting"
    if [ "$spin" = 1 ]; then
        (while :; do :; done) &
    fi
    sectors=$(($(blockdev --getsize64 "$dev") / 512))
    per=$((bs / 512))
    for i in 0 1 2 3; do
        (while :; do
            dd if="$dev" of=/dev/null bs=$bs iflag=direct skip=$((i * sectors / 4 / per)) \
               count=$((sectors / 4 / per)) 2>/dev/null
        done) &
    done
    for i in 0 1; do
        (while :; do
            dd if=/dev/zero of="$dev" bs=$bs oflag=direct conv=notrunc \
               seek=$(((sectors / 2 + i * 4096) / per)) count=$((4096 / per)) 2>/dev/null
        done) &
    done
    duet-disklat flood "$dev" 64 "$name" >/tmp/flood.out 2>&1 &
    until grep -q "DUET-FLOOD $name aio" /tmp/flood.out; do
        if ! kill -0 $! 2>/dev/null; then
            echo "DUET-FLOOD $name failed: $(head -1 /tmp/flood.out)"
            return
        fi
        sleep 1
    done
    cat /tmp/flood.out
    # /sys/block/vda/stat: reads, writes completed (fields 1, 5) and requests in flight (9).
    set -- $(cat /sys/block/vda/stat)
    echo "DUET-FLOOD $name running: reads $1 writes $5 in-flight $9"
    (while :; do
        sleep 5
        set -- $(cat /sys/block/vda/stat)
        echo "DUET-FLOOD $name reads $1 writes $5 in-flight $9"
    done) &
}

# A guest that resets its disk under requests in flight (docs/storage.md, "Data moves once"):
# four direct-I/O readers of 1 MiB requests, then, while the kernel says requests are in
# flight (/sys/block/vda/inflight), a write of 0 to its virtio-mmio Status register through
# devmem (iomem=relaxed lets /dev/mem reach a bound device). The storage server answers the
# reset only once what the partition had at the disk is back, and says how many it waited
# for. Linux's driver does not expect the reset: the readers hang, which is the attacker's
# own loss. Up to duet.diskresets=<n> (5) tries, each a second apart, the first at once.
scenario_disk_reset() {
    dev=/dev/vda
    if [ ! -b "$dev" ]; then
        echo "DUET-DRESET $name absent"
        return
    fi
    tries=5
    for arg in $(cat /proc/cmdline); do
        case "$arg" in duet.diskresets=*) tries=${arg#duet.diskresets=} ;; esac
    done
    p=$(readlink -f /sys/block/vda/device); p=${p%/*}; pdev=${p##*/}
    base=$(grep -m1 " : $pdev\$" /proc/iomem | sed 's/^ *\([0-9a-f]*\)-.*/0x\1/')
    # Where the VMM puts the disk when /proc/iomem does not say: slot 0 (HV_A64_GUEST_VIRTIO_
    # SLOT_BLK at 0x0a000000, X86_VIRTIO_SLOT_BLK at 0xd0000000).
    if [ -z "$base" ]; then
        case "$(uname -m)" in aarch64) base=0x0a000000 ;; *) base=0xd0000000 ;; esac
    fi
    echo "DUET-DRESET $name window $pdev $base"
    [ -n "$base" ] || return
    for i in 0 1 2 3; do
        (while :; do
            dd if="$dev" of=/dev/null bs=1M iflag=direct skip=$((i * 32)) count=32 2>/dev/null
        done) &
    done
    t=1
    while [ "$t" -le "$tries" ]; do
        n=0
        while [ "$n" -lt 200 ]; do
            set -- $(cat /sys/block/vda/inflight)
            [ "$1" -gt 0 ] && break
            n=$((n + 1))
        done
        devmem_try "$(printf '0x%x' $((base + 0x70)))" 32 0
        echo "DUET-DRESET $name reset $t in-flight $1"
        sleep 1
        t=$((t + 1))
    done
    echo "DUET-DRESET-DONE $name"
}

# Flood isolation, the measuring side: 200 timed 4 KiB direct reads of work's own disk when
# told "base" (before the flood), and 200 more when told "flood" (while personal floods).
scenario_disk_latency() {
    dev=/dev/vda
    if [ ! -b "$dev" ]; then
        echo "DUET-LAT $name absent"
        return
    fi
    wait_for_typed base "DUET-LAT $name waiting"
    duet-disklat lat "$dev" 200 baseline "$name"
    wait_for_typed flood "DUET-LAT $name waiting"
    duet-disklat lat "$dev" 200 flood "$name"
    echo "DUET-LAT-DONE $name"
}

# Keyboard: what /sys/class/input shows (DUET-INPUT <name> <node> <device name>), then
# duet-evread on the keyboard named duet.kbd=<name, _ for spaces> ("Duet keyboard", the
# partition's virtio-input device, by default; bare QEMU's is QEMU_Virtio_Keyboard): one line
# DUET-EVREAD <name> KEY <code> <value> per key event, until duet.keys=<n>,<seconds> (20,60 by
# default) are seen or have gone by (docs/trusted-path.md).
scenario_keys() {
    kbd="Duet keyboard" keys=20 secs=60
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
            duet.kbd=*) kbd=$(echo "${arg#duet.kbd=}" | tr _ ' ') ;;
            duet.keys=*,*) v=${arg#duet.keys=}; keys=${v%%,*}; secs=${v#*,} ;;
        esac
    done
    # The device's probe may finish after insmod returns: up to 20 s for the keyboard to show.
    i=0
    while [ "$i" -lt 40 ] && ! grep -qx "$kbd" /sys/class/input/event*/device/name 2>/dev/null; do
        sleep 0.5
        i=$((i + 1))
    done
    for e in /sys/class/input/event*; do
        [ -e "$e" ] && echo "DUET-INPUT $name ${e##*/} $(cat "$e/device/name")"
    done
    duet-evread "$name" "$kbd" "$keys" "$secs"
}

# The display test (test/qemu/display_screen.py, docs/trusted-path.md): the console fbcon shows
# on the framebuffer, then duet-fbfill's pattern over all of /dev/fb0 (fbcon unbound first, so
# that its cursor draws nothing over it) and writes past its end, then devmem around it: 64
# bytes below its start (busybox devmem maps a second page when the offset plus the width in
# bits passes a page, and the kernel refuses a mapping that touches the claimed framebuffer),
# a strip's height below (where the strip's rows lie in the display server's buffer), and just
# past the guest's 2 MiB blocks.
scenario_fb() {
    for v in /sys/class/vtconsole/vtcon*; do
        vname=$(cat "$v/name" 2>/dev/null)
        case "$vname" in
            *"frame buffer"*)
                echo "DUET-FB $name fbcon $vname"
                echo 0 > "$v/bind"
                ;;
        esac
    done
    case "$name" in personal) seed=1 ;; work) seed=2 ;; *) seed=3 ;; esac
    out=$(duet-fbfill "$name" "$seed")
    echo "$out"
    start=$(echo "$out" | sed -n 's/.*smem_start=\(0x[0-9a-f]*\).*/\1/p')
    if [ -n "$start" ]; then
        for a in $((start - 64)) $((start - 40 * 4096)) $((start + 0x400000)); do
            a=$(printf '0x%x' "$a")
            devmem_try "$a" 32
            devmem_try "$a" 32 0xffffffff
        done
    fi
    echo "DUET-FB-DONE $name"
}

# The network attack test (test/qemu/net_attack.py, docs/network.md), the attacking side:
# personal, paced by lines typed on the console. "spoof": UDP frames (duet-nettool raw, 4 each)
# with work's MAC, work's address or both as source, to work's MAC, and to work's address
# through the router, each to its own UDP port (4001-4005) so the simulator's log and work's
# listener tell them apart; first a control from its own addresses (port 4000), which the
# simulator must answer; then frames of 2,042 bytes (port 4007, the MTU raised for them). "flood": broadcasts, multicasts and ARP requests as fast as the device
# takes them for duet.net.flood seconds (20). "reset": a TCP download and UDP echoes running,
# the driver lets the virtio-net device go (a device reset) and takes it again; the device must
# come back (the router answers a ping).
net_attack_raw() {
    out=$(duet-nettool raw "$ifx" "$@" 2>&1)
    net_say "raw $out"
}

scenario_net_attack() {
    net_bring_up || { echo "DUET-NET-DONE $name"; return; }
    flood_s=20
    spin=0
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
            duet.net.flood=*) flood_s=${arg#duet.net.flood=} ;;
            # A CPU spinner from the flood on, so that the partition's budget is spent in
            # every period of the flood and the reset (linux-net-attack-spent).
            duet.net.spin=1) spin=1 ;;
        esac
    done
    ifx=$(cat "/sys/class/net/$dev/ifindex")
    mac=$(cat "/sys/class/net/$dev/address")
    ip=${addr%/*}
    router_mac=02:00:5e:00:02:01 work_mac=52:54:00:00:02:14 work_ip=192.0.2.20 inet=203.0.113.10
    net_ping "$gw"
    wait_for_typed spoof "DUET-NET $name waiting spoof"
    net_attack_raw "$mac" "$ip" "$router_mac" "$inet" 4000 4 10
    net_attack_raw "$work_mac" "$ip" "$router_mac" "$inet" 4001 4 3
    net_attack_raw "$mac" "$work_ip" "$router_mac" "$inet" 4002 4 3
    net_attack_raw "$work_mac" "$work_ip" "$router_mac" "$inet" 4003 4 3
    net_attack_raw "$mac" "$ip" "$work_mac" "$work_ip" 4004 4 3
    net_attack_raw "$mac" "$ip" "$router_mac" "$work_ip" 4005 4 3
    # Frames larger than Ethernet's (2,042 bytes): Linux sends them once the MTU allows.
    ip link set "$dev" mtu 3000
    net_attack_raw "$mac" "$ip" "$router_mac" "$inet" 4007 4 3 2000
    ip link set "$dev" mtu 1500
    net_say "spoof done"
    wait_for_typed flood "DUET-NET $name waiting flood"
    if [ "$spin" = 1 ]; then
        (while :; do :; done) &
    fi
    net_say "flooding for $flood_s s"
    net_say "flood $(duet-nettool flood "$ifx" "$mac" "$ip" "$flood_s" 4006 2>&1)"
    wait_for_typed reset "DUET-NET $name waiting reset"
    net_say "resetting"
    nc "$inet" 19 >/dev/null 2>&1 &
    nc_pid=$!
    duet-nettool echo-rate "$inet" 7 30 personal-reset >/tmp/net-echo 2>&1 &
    sleep 4
    vdev=$(basename "$(readlink "/sys/class/net/$dev/device")")
    rx=$(cat "/sys/class/net/$dev/statistics/rx_bytes")
    tx=$(cat "/sys/class/net/$dev/statistics/tx_bytes")
    echo "$vdev" >/sys/bus/virtio/drivers/virtio_net/unbind
    net_say "unbound $vdev mid-transfer rx_bytes=$rx tx_bytes=$tx"
    sleep 2
    echo "$vdev" >/sys/bus/virtio/drivers/virtio_net/bind
    i=0
    while [ ! -e "/sys/bus/virtio/drivers/virtio_net/$vdev" ] && [ "$i" -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    net_say "rebound $vdev"
    kill "$nc_pid" 2>/dev/null
    net_bring_up || { echo "DUET-NET-DONE $name"; return; }
    out=$(ping -c 3 -W 10 "$gw" 2>&1)
    got=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
    if [ "${got:-0}" -ge 1 ]; then net_say "back ping $gw ${got}/3 ok"; else net_say "back ping $gw ${got:-0}/3 fail"; fi
    echo "DUET-NET-DONE $name"
}

# The network attack test, the measuring side: work listens for every frame naming a UDP port
# of the attacks (4000-4010) for the whole run, checks its listener hears its own probe (an ICMP
# port unreachable for port 4010), then times UDP echoes to the internet service each time it is
# told: "base" (before the flood) and "flood" (during it) for 10 s, "reset" (around personal's
# device reset, which comes 4 s after personal says "resetting") for 20 s.
scenario_net_measure() {
    net_bring_up || { echo "DUET-NET-DONE $name"; return; }
    ifx=$(cat "/sys/class/net/$dev/ifindex")
    duet-nettool listen "$ifx" 3600 4000 4010 &
    sleep 1
    net_say "listener-check $(duet-udp 203.0.113.10 4010 listener-check 2>&1)"
    for phase in base flood reset; do
        wait_for_typed "$phase" "DUET-NET $name waiting $phase"
        net_say "measuring $phase"
        secs=10
        [ "$phase" = reset ] && secs=20
        net_say "$(duet-nettool echo-rate 203.0.113.10 7 "$secs" "$phase" 2>&1)"
    done
    echo "DUET-NET-DONE $name"
}

# The network benchmark (scripts/bench-net, docs/network.md "Benchmark"), the same on bare QEMU
# and in a partition: three phases against the simulator's internet service, duet.netbench=
# <KiB>,<seconds> (8192,10 by default): "send" KiB to TCP discard (port 9), "recv" KiB from TCP
# chargen (19), "rtt" UDP echoes one at a time for the seconds. The driver lets the device go
# before the first phase and after each (a virtio reset, at which Duet's VMM prints its and the
# radio server's counters: VMM-NET-STATS), and takes it again for the next, so the counters
# bracket each phase. Powers off at the end.
netbench_bind() {
    echo "$1" >"/sys/bus/virtio/drivers/virtio_net/$2"
    i=0
    while [ "$2" = bind ] && [ -z "$(ls "/sys/bus/virtio/devices/$1/net" 2>/dev/null)" ] &&
          [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

scenario_net_bench() {
    kib=8192 secs=10
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
            duet.netbench=*,*) v=${arg#duet.netbench=}; kib=${v%%,*}; secs=${v#*,} ;;
        esac
    done
    if net_bring_up; then
        vdev=$(basename "$(readlink "/sys/class/net/$dev/device")")
        echo "DUET-NETBENCH $name start kib=$kib seconds=$secs device=$vdev"
        # Enough frames before the first reset that the VMM's first counter line comes there.
        duet-nettool echo-rate 203.0.113.10 7 1 warmup >/dev/null
        netbench_bind "$vdev" unbind
        for phase in send recv rtt; do
            netbench_bind "$vdev" bind
            net_bring_up >/dev/null
            ping -c 1 -W 5 "$gw" >/dev/null 2>&1
            echo "DUET-NETBENCH $name $phase begin"
            case "$phase" in
                send) out=$(duet-nettool tcp-send 203.0.113.10 9 "$kib" send 2>&1) ;;
                recv) out=$(duet-nettool tcp-recv 203.0.113.10 19 "$kib" recv 2>&1) ;;
                rtt) out=$(duet-nettool echo-rate 203.0.113.10 7 "$secs" rtt 2>&1) ;;
            esac
            echo "DUET-NETBENCH $name $phase $out"
            netbench_bind "$vdev" unbind
        done
    else
        echo "DUET-NETBENCH $name error no-nic"
    fi
    echo "DUET-NETBENCH-DONE $name"
    poweroff -f
}

# The keyboard attack test (test/qemu/kbd_attack.py, docs/trusted-path.md), the attacking side,
# while another partition has the focus: duet.kattack=<rounds> (10) rounds, each saying
# DUET-KATTACK <name> round <i> (the test types one key on the victim's keyboard per round),
# then releasing the virtio-mmio window of its "Duet keyboard" from the kernel (unbinding the
# virtio-mmio platform devices: with one bound, the kernel's strict /dev/mem refuses devmem there)
# and flooding it with devmem: reads of every register, QueueSel/QueueNum/queue addresses and
# QueueReady of garbage, QueueNotify, InterruptACK, Status of garbage (DRIVER_OK on garbage rings
# too), then binding it again (a device reset) and unbinding/binding the virtio_input driver
# twice, with a second of duet-evread between (no key may reach it). Then it says
# DUET-KATTACK <name> attack-done and runs the `keys` scenario: after the focus moves to it, its
# re-bound device must give keys as before.
kattack_window() {
    # The platform device behind the virtio device virtio_input drives, and its iomem start:
    # /sys/bus/virtio/devices/virtioN's parent (a000400.virtio_mmio from the device tree on
    # AArch64, LNRO0005:NN from the DSDT on x86_64).
    kdev= kpdev= kbase=
    for d in /sys/bus/virtio/drivers/virtio_input/virtio*; do
        [ -e "$d" ] || continue
        kdev=${d##*/}
        p=$(readlink -f "$d"); p=${p%/*}; kpdev=${p##*/}
    done
    [ -n "$kpdev" ] && kbase=$(grep -m1 " : $kpdev\$" /proc/iomem | sed 's/^ *\([0-9a-f]*\)-.*/0x\1/')
    # Where the VMM puts it when /proc/iomem does not say (servers/vmm/core's virtio slots:
    # HV_A64_GUEST_VIRTIO_SLOT_KBD at 0x0a000400, X86_VIRTIO_SLOT_KBD at 0xd0000400).
    if [ -z "$kbase" ]; then
        case "$(uname -m)" in aarch64) kbase=0x0a000400 ;; *) kbase=0xd0000400 ;; esac
    fi
}

kattack_reg() {
    printf '0x%x' $((kbase + $1))
}

kattack_flood() {
    r=0
    while [ "$r" -lt 512 ]; do      # every register and the config space, read
        devmem "$(kattack_reg "$r")" 32 >/dev/null 2>&1
        r=$((r + 4))
    done
    devmem_try "$(kattack_reg 0)" 32          # MagicValue: the window answers
    devmem_try "$(kattack_reg 8)" 32          # DeviceID: 18, input
    for q in 0 1 7 0xffff 0xffffffff; do
        devmem "$(kattack_reg 0x30)" 32 "$q"              # QueueSel
        devmem "$(kattack_reg 0x38)" 32 0xffffffff        # QueueNum
        devmem "$(kattack_reg 0x38)" 32 0
        devmem "$(kattack_reg 0x38)" 32 8
        for off in 0x80 0x90 0xa0; do                     # descriptor, driver, device rings
            devmem "$(kattack_reg "$off")" 32 0xdeadb000
            devmem "$(kattack_reg $((off + 4)))" 32 0xffffffff
        done
        devmem "$(kattack_reg 0x40)" 32 0xfffff           # legacy QueuePFN
        devmem "$(kattack_reg 0x44)" 32 1                 # QueueReady on garbage rings
        devmem "$(kattack_reg 0x70)" 32 0x0f              # Status: DRIVER_OK among garbage
    done
    for s in 0xff 0x80 0x40 0xdeadbeef 0x0f 0x07 0x04; do
        devmem "$(kattack_reg 0x70)" 32 "$s"              # Status of garbage
        n=0
        while [ "$n" -lt 2 ]; do
            devmem "$(kattack_reg 0x50)" 32 "$n"          # QueueNotify, both queues
            devmem "$(kattack_reg 0x50)" 32 0xffff
            devmem "$(kattack_reg 0x64)" 32 0xffffffff    # InterruptACK
            n=$((n + 1))
        done
    done
    # The register page (docs/vmm.md) is read-only to the guest: a store to InterruptStatus,
    # a read-only register, goes to the VMM, and the load after it reads the device's own.
    devmem "$(kattack_reg 0x60)" 32 0xffffffff
    echo "DUET-KATTACK $name isr-after-store $(devmem "$(kattack_reg 0x60)" 32 2>&1)"
    devmem "$(kattack_reg 0x100)" 8 0xff                  # config select/subsel
    devmem "$(kattack_reg 0x101)" 8 0xff
    devmem "$(kattack_reg 0x70)" 32 0                     # Status 0: a reset
    devmem "$(kattack_reg 0x50)" 32 0                     # and a notify after it
}

scenario_kbd_attack() {
    rounds=10
    for arg in $(cat /proc/cmdline); do
        case "$arg" in duet.kattack=*) rounds=${arg#duet.kattack=} ;; esac
    done
    i=0
    while [ "$i" -lt 40 ] && ! grep -qx "Duet keyboard" /sys/class/input/event*/device/name 2>/dev/null; do
        sleep 0.5
        i=$((i + 1))
    done
    kattack_window
    echo "DUET-KATTACK $name window $kdev $kpdev $kbase"
    devmem_try "$kbase" 32                                # bound: strict /dev/mem may refuse
    round=1
    while [ "$round" -le "$rounds" ]; do
        kattack_window
        echo "DUET-KATTACK $name round $round $kdev $kpdev"
        # Every virtio-mmio device let go, not the keyboard's alone: devmem maps a whole page,
        # which holds the VMM's other slots too, and the kernel refuses it while any is bound.
        released=
        for d in /sys/bus/platform/drivers/virtio-mmio/*; do
            [ -e "$d/driver" ] || continue
            released="$released ${d##*/}"
            echo "${d##*/}" > /sys/bus/platform/drivers/virtio-mmio/unbind
        done
        kattack_flood
        for d in $released; do
            echo "$d" > /sys/bus/platform/drivers/virtio-mmio/bind
        done
        n=0
        while [ "$n" -lt 2 ]; do
            kattack_window
            echo "$kdev" > /sys/bus/virtio/drivers/virtio_input/unbind
            echo "$kdev" > /sys/bus/virtio/drivers/virtio_input/bind
            duet-evread "$name" "Duet keyboard" 100 1 | grep ' KEY '
            n=$((n + 1))
        done
        round=$((round + 1))
    done
    kattack_window
    echo "DUET-KATTACK $name attack-done $kdev $kpdev"
    scenario_keys
}
