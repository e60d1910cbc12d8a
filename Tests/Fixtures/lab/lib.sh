# shellcheck shell=bash
# Shared helpers for the casebook packet-capture lab.
#
# Every scenario script sources this file, calls `lab_init <scenario>`, builds
# its topology out of network namespaces named `cbl-<scenario>-<role>`, runs
# real Linux TCP traffic through them and captures it with tcpdump.
#
# Safety: nothing here touches the host's own network stack. Every `ip`,
# `sysctl`, `nft`, `iptables`, `ethtool` and traffic command runs inside a
# namespace created by the script (via `ip netns exec`), all waits are bounded,
# and an EXIT trap kills the processes the script started (by PID) and deletes
# its namespaces, also on error.
#
# Requires root, iproute2, tcpdump, tshark, nft, iptables, ethtool, python3.

set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_TOOL="$LAB_DIR/labtool.py"
LAB_NAME=""
LAB_OUT=""
LAB_NS=()       # namespaces created by this run
LAB_PIDS=()     # background processes started by this run (servers etc.)
LAB_CAP_PIDS=() # running tcpdump processes
LAB_CAP_FILES=()
LAB_TMP=""

log() { printf '[%s] %s\n' "${LAB_NAME:-lab}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# lab_init NAME: set up output directory, temp dir and the cleanup trap.
lab_init() {
    LAB_NAME="$1"
    [[ $EUID -eq 0 ]] || die "must run as root (network namespaces)"
    for tool in ip tcpdump tshark python3 ethtool timeout; do
        command -v "$tool" >/dev/null || die "missing tool: $tool"
    done
    LAB_OUT="$LAB_DIR/$LAB_NAME"
    mkdir -p "$LAB_OUT"
    LAB_TMP="$(mktemp -d "/tmp/cbl-${LAB_NAME}.XXXXXX")"
    trap lab_cleanup EXIT
    trap 'exit 130' INT TERM
    # Leftovers of an earlier, interrupted run of the same scenario.
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep "^cbl-${LAB_NAME}-" || true); do
        log "removing stale namespace $ns"
        ip netns del "$ns" || true
    done
}

lab_cleanup() {
    local rc=$?
    local pid
    for pid in "${LAB_CAP_PIDS[@]}"; do
        kill -INT "$pid" 2>/dev/null || true
    done
    for pid in "${LAB_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${LAB_CAP_PIDS[@]}" "${LAB_PIDS[@]}"; do
        timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    local ns
    for ns in "${LAB_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    [[ -n "$LAB_TMP" && -d "$LAB_TMP" ]] && rm -rf "$LAB_TMP"
    if [[ $rc -ne 0 ]]; then log "failed (exit $rc); namespaces removed"; fi
    return $rc
}

# nsname ROLE -> full namespace name
nsname() { printf 'cbl-%s-%s' "$LAB_NAME" "$1"; }

# nsx ROLE CMD... : run a command inside the role's namespace
nsx() { local r="$1"; shift; ip netns exec "$(nsname "$r")" "$@"; }

# ns_add ROLE [TTL]: create a namespace with loopback up, IPv6 off (no
# router/neighbour solicitations in the captures) and the given default TTL.
ns_add() {
    local role="$1" ttl="${2:-64}"
    local ns; ns="$(nsname "$role")"
    ip netns add "$ns"
    LAB_NS+=("$ns")
    nsx "$role" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    nsx "$role" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    nsx "$role" sysctl -qw net.ipv4.ip_default_ttl="$ttl"
    nsx "$role" ip link set lo up
}

# ns_sysctl ROLE KEY=VALUE...
ns_sysctl() { local r="$1"; shift; local kv; for kv in "$@"; do nsx "$r" sysctl -qw "$kv"; done; }

# router_enable ROLE: turn on IPv4 forwarding inside that namespace.
router_enable() { ns_sysctl "$1" net.ipv4.ip_forward=1; }

# link ROLE_A IF_A ADDR_A/PFX MAC_A ROLE_B IF_B ADDR_B/PFX MAC_B [offload]
# Creates a veth pair between two namespaces with fixed MAC addresses, puts
# the addresses on, brings both ends up and installs permanent neighbour
# entries for each other (so no ARP appears in the captures). Unless the
# last argument is "offload", checksum/segmentation offload is switched off on
# both ends so that the captured TCP checksums are complete and correct.
link() {
    local ra="$1" ia="$2" aa="$3" ma="$4" rb="$5" ib="$6" ab="$7" mb="$8" mode="${9:-nooffload}"
    nsx "$ra" ip link add "$ia" type veth peer name "$ib" netns "$(nsname "$rb")"
    nsx "$ra" ip link set "$ia" address "$ma"
    nsx "$rb" ip link set "$ib" address "$mb"
    nsx "$ra" ip addr add "$aa" dev "$ia"
    nsx "$rb" ip addr add "$ab" dev "$ib"
    if [[ "$mode" != "offload" ]]; then
        offload_off "$ra" "$ia"
        offload_off "$rb" "$ib"
    fi
    nsx "$ra" ip link set "$ia" up
    nsx "$rb" ip link set "$ib" up
    nsx "$ra" ip neigh replace "${ab%/*}" lladdr "$mb" dev "$ia" nud permanent
    nsx "$rb" ip neigh replace "${aa%/*}" lladdr "$ma" dev "$ib" nud permanent
}

# offload_off ROLE IF: complete checksums in software, no TSO/GSO/GRO.
offload_off() {
    nsx "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 ||
        nsx "$1" ethtool -K "$2" tx off >/dev/null
}

# neigh ROLE IF ADDR MAC: extra permanent neighbour entry (e.g. for an address
# that lives behind a router on the same link).
neigh() { nsx "$1" ip neigh replace "$3" lladdr "$4" dev "$2" nud permanent; }

# route ROLE ARGS... : ip route add ARGS inside the namespace
route() { local r="$1"; shift; nsx "$r" ip route add "$@"; }

# client_router_server: the lab's common topology (basic, stale-state, lost-last-ack):
#   client 10.0.1.10 --- 10.0.1.1 router 10.0.2.1 --- 10.0.2.20 server, router forwarding,
#   each end's default route through the router.
client_router_server() {
    ns_add client
    ns_add router
    ns_add server
    router_enable router
    link client eth0 10.0.1.10/24 02:00:00:00:01:10  router eth0 10.0.1.1/24 02:00:00:00:01:01
    link router eth1 10.0.2.1/24  02:00:00:00:02:01  server eth0 10.0.2.20/24 02:00:00:00:02:20
    route client default via 10.0.1.1
    route server default via 10.0.2.1
}

# bg ROLE CMD... : start a background process inside the namespace and
# remember its PID for cleanup (also in $LAST_PID). Every such command must
# bound itself (e.g. with `timeout`). Output goes to $LAB_TMP/bg-<n>.log.
LAST_PID=""
bg() {
    local r="$1"; shift
    local logf="$LAB_TMP/bg-${#LAB_PIDS[@]}.log"
    ip netns exec "$(nsname "$r")" "$@" >"$logf" 2>&1 &
    LAST_PID="$!"
    LAB_PIDS+=("$LAST_PID")
}

# wait_listen ROLE PORT: wait (max 5 s) until something listens on TCP PORT.
wait_listen() {
    local r="$1" port="$2" i
    for i in $(seq 1 50); do
        if nsx "$r" ss -Hltn "sport = :$port" | grep -q LISTEN; then return 0; fi
        sleep 0.1
    done
    die "nothing listening on port $port in $(nsname "$r")"
}

# cap_start ROLE IF NAME [FILTER...]: start tcpdump on IF inside ROLE writing
# $LAB_OUT/NAME.pcap (classic pcap, full snaplen, immediate mode).
cap_start() {
    local r="$1" ifc="$2" name="$3"; shift 3
    local f="$LAB_OUT/$name.pcap" errf="$LAB_TMP/tcpdump-$name.err"
    rm -f "$f"
    ip netns exec "$(nsname "$r")" timeout 300 \
        tcpdump -Z root -i "$ifc" -n -s 0 -B 4096 --immediate-mode -U -w "$f" "$@" 2>"$errf" &
    LAB_CAP_PIDS+=("$!")
    LAB_CAP_FILES+=("$f")
    local i
    for i in $(seq 1 50); do
        grep -q "listening on" "$errf" 2>/dev/null && return 0
        sleep 0.1
    done
    die "tcpdump on $ifc in $(nsname "$r") did not start: $(cat "$errf")"
}

# cap_stop_all: let the last packets land, then stop every capture (SIGINT).
cap_stop_all() {
    sleep 0.5
    local pid
    for pid in "${LAB_CAP_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    for pid in "${LAB_CAP_PIDS[@]}"; do
        timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || true
    done
    LAB_CAP_PIDS=()
    local f
    for f in "${LAB_CAP_FILES[@]}"; do
        log "wrote $(basename "$(dirname "$f")")/$(basename "$f"): $(tshark -n -r "$f" 2>/dev/null | wc -l) frames, $(stat -c %s "$f") bytes"
    done
}

# stop_pid PID: stop one background process started with bg.
stop_pid() { kill "$1" 2>/dev/null || true; timeout 5 tail --pid="$1" -f /dev/null 2>/dev/null || true; }

# tool ROLE ARGS... : run labtool.py in the foreground inside the namespace
tool() { local r="$1"; shift; ip netns exec "$(nsname "$r")" timeout 60 python3 "$LAB_TOOL" "$@"; }

# bgtool ROLE ARGS... : run labtool.py in the background (bounded by timeout)
bgtool() { local r="$1"; shift; bg "$r" timeout 120 python3 "$LAB_TOOL" "$@"; }

# summary: print each pcap of this scenario with tshark for a quick look.
summary() {
    local f
    for f in "${LAB_CAP_FILES[@]}"; do
        echo "== $f"
        tshark -n -r "$f" -o tcp.relative_sequence_numbers:FALSE 2>/dev/null
    done
}

# veth_bare ROLE_A IF_A MAC_A ROLE_B IF_B MAC_B: a veth pair between two
# namespaces with fixed MACs, offload off and both ends up, but no addresses
# and no neighbour entries (for layer-2 "bump in the wire" namespaces such as
# the userspace delay relay; add addresses with `addr` and neighbours with `neigh`).
veth_bare() {
    local ra="$1" ia="$2" ma="$3" rb="$4" ib="$5" mb="$6"
    nsx "$ra" ip link add "$ia" type veth peer name "$ib" netns "$(nsname "$rb")"
    nsx "$ra" ip link set "$ia" address "$ma"
    nsx "$rb" ip link set "$ib" address "$mb"
    offload_off "$ra" "$ia"
    offload_off "$rb" "$ib"
    nsx "$ra" ip link set "$ia" up
    nsx "$rb" ip link set "$ib" up
}

# addr ROLE IF ADDR/PFX: put an address on an interface inside the namespace.
addr() { nsx "$1" ip addr add "$3" dev "$2"; }
