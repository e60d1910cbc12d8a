#!/usr/bin/env bash
# stale-state (variant: recovered | stuck): the server still holds an old,
# silently abandoned connection from the same client port, so a new SYN from
# that port is answered with a challenge ACK carrying the old connection's
# sequence numbers instead of a SYN/ACK.
#
#   client 10.0.1.10 --- 10.0.1.1 router 10.0.2.1 --- 10.0.2.20 server:8080
#   (all Linux, TTL 64)
#
#   1. client:40000 -> server:8080 connects, sends one line, gets the answer
#      (the old connection, in the capture).
#   2. the client namespace drops its own outgoing packets from port 40000
#      (nft output rule) and the client socket is closed abortively: its RST
#      never leaves, the server keeps the connection ESTABLISHED. The nft
#      rule is removed again. About 2 s of silence follow.
#   3. a new connection from client port 40000 -> server:8080: the server
#      answers the SYN with a challenge ACK (old numbers), the client kernel
#      answers that with a RST (seq = the ACK's ack number).
#      recovered: the RST reaches the server, which drops the old connection;
#                 the client's SYN retry 1 s later gets a normal SYN/ACK and
#                 the new connection works.
#      stuck:     the router drops RSTs from client port 40000 (nft forward
#                 rule), so every SYN retry gets the same challenge ACK until
#                 the client gives up.
#
# Writes stale-state-<variant>/client.pcap and .../server.pcap.
variant="${1:?usage: stale-state.sh recovered|stuck}"
case "$variant" in recovered|stuck) ;; *) echo "unknown variant $variant" >&2; exit 2;; esac
source "$(dirname "$0")/lib.sh"
lab_init "stale-state-$variant"

client_router_server
# Linux 6.x: with tcp_syn_linear_timeouts=4 (default) and tcp_syn_retries=2 the
# client retransmits its SYN every second and gives up after 7 s.
ns_sysctl client net.ipv4.tcp_syn_retries=2

bgtool server server --port 8080 --lifetime 60
wait_listen server 8080

cap_start client eth0 client
cap_start server eth0 server

log "1. old connection from client port 40000"
ready="$LAB_TMP/ready" trigger="$LAB_TMP/trigger"
bgtool client hold --dst 10.0.2.20 --port 8080 --sport 40000 --send "old connection" \
    --ready "$ready" --trigger "$trigger" --timeout 20
hold_pid="$LAST_PID"
for _ in $(seq 1 50); do [[ -e "$ready" ]] && break; sleep 0.1; done
[[ -e "$ready" ]] || die "old connection did not come up"
sleep 0.5

log "2. client goes away silently (its RST is dropped inside the client)"
nsx client nft -f - <<'NFT'
table inet silence {
    chain output {
        type filter hook output priority 0; policy accept;
        tcp sport 40000 drop
    }
}
NFT
touch "$trigger"
timeout 10 tail --pid="$hold_pid" -f /dev/null || die "hold client did not exit"
nsx client nft delete table inet silence
nsx server ss -tn state established '( sport = :8080 )' >&2

if [[ "$variant" == stuck ]]; then
    nsx router nft -f - <<'NFT'
table inet filter {
    chain forward {
        type filter hook forward priority 0; policy accept;
        ip saddr 10.0.1.10 tcp sport 40000 tcp flags & rst == rst drop
    }
}
NFT
fi
sleep 2

log "3. new connection from the same client port 40000"
tool client client --dst 10.0.2.20 --port 8080 --sport 40000 --send "new connection" --timeout 15

cap_stop_all
summary
