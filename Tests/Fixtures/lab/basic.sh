#!/usr/bin/env bash
# basic: one client, one router, one server; three connection outcomes.
#
#   client 10.0.1.10 --- 10.0.1.1 router 10.0.2.1 --- 10.0.2.20 server
#   (all Linux, default TTL 64; router forwards and drops TCP dport 8082)
#
#   (a) client:40001 -> server:8080  listening: request/response, clean FIN close
#   (b) client:40002 -> server:8081  closed port: RST/ACK from the server kernel
#   (c) client:40003 -> server:8082  silently dropped by nftables on the router:
#       the client retries its SYN with exponential back-off and gives up
#
# Writes basic/client.pcap (client eth0) and basic/server.pcap (server eth0).
source "$(dirname "$0")/lib.sh"
lab_init basic

client_router_server
# 3 SYN retries with exponential back-off (1 s, 2 s, 4 s), give up after 15 s.
ns_sysctl client net.ipv4.tcp_syn_retries=3 net.ipv4.tcp_syn_linear_timeouts=0

nsx router nft -f - <<'NFT'
table inet filter {
    chain forward {
        type filter hook forward priority 0; policy accept;
        tcp dport 8082 drop
    }
}
NFT

bgtool server server --port 8080 --port 8082 --lifetime 60
wait_listen server 8080

cap_start client eth0 client
cap_start server eth0 server

log "(a) working connection to 10.0.2.20:8080"
tool client client --dst 10.0.2.20 --port 8080 --sport 40001 --send "hello casebook"
sleep 1
log "(b) closed port 10.0.2.20:8081"
tool client client --dst 10.0.2.20 --port 8081 --sport 40002
sleep 1
log "(c) port 10.0.2.20:8082 dropped by the router"
tool client client --dst 10.0.2.20 --port 8082 --sport 40003 --timeout 30

cap_stop_all
summary
