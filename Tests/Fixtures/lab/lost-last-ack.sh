#!/usr/bin/env bash
# lost-last-ack: the client's ACK of the server's FIN is lost, so the server retransmits its FIN
# with back-off and the client (in TIME_WAIT) answers each copy again; the gap between the
# seventh and eighth copy (13.3 s) is longer than casebook keeps a closed connection (10 s).
#
#   client 10.0.1.10 --- 10.0.1.1 router 10.0.2.1 --- 10.0.2.20 server
#   (the router drops the client's pure ACKs for 20 s, from just before the client closes)
#
#   client:40010 -> server:8080: request/response, the client closes (FIN), the server closes
#   (FIN); the client's ACKs of that FIN never arrive until the drop rule goes: the server's
#   FIN copies come about 0.2, 0.4, 0.8, 1.7, 3.3, 6.7, 13.4 and 26.7 s after the first, the
#   last one's answer is let through.
#
# Writes lost-last-ack/client.pcap (client eth0: every FIN copy and every re-ACK).
source "$(dirname "$0")/lib.sh"
lab_init lost-last-ack

client_router_server

bgtool server server --port 8080 --lifetime 90
wait_listen server 8080

cap_start client eth0 client

log "request/response to 10.0.2.20:8080; the client closes after a 2 s pause"
bg client timeout 60 python3 "$LAB_TOOL" client --dst 10.0.2.20 --port 8080 --sport 40010 --send "hello casebook" --pause 2
client_pid=$LAST_PID
sleep 1
log "router: drop the client's pure ACKs (its ACKs of the server's FIN)"
nsx router nft -f - <<'NFT'
table inet filter {
    chain forward {
        type filter hook forward priority 0; policy accept;
        ip saddr 10.0.1.10 tcp flags & (fin | syn | rst | psh | ack) == ack drop
    }
}
NFT
sleep 20
log "router: let them through again"
nsx router nft flush ruleset
# The server's eighth FIN copy comes ~26.7 s after its first; wait for it and the answer.
sleep 10
stop_pid "$client_pid"

cap_stop_all
summary
