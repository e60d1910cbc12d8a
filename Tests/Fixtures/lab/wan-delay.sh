#!/usr/bin/env bash
# wan-delay: one routed path with a slow WAN link, captured at both ends, for the round trip
# between two vantage points and the one-way delays (both captures run on the host's clock).
#
#   client 10.3.1.10 ==[wan: L2 delay relay, 1.75 ms each way]== 10.3.1.1 router 10.3.2.1 --- 10.3.2.20 server
#   (all Linux, TTL 64; no NAT, no proxy: the same segments pass both capture points)
#
#   client:40001 -> server:8080: request/response, clean FIN close
#
# Writes wan-delay/client.pcap (client eth0) and wan-delay/server.pcap (server eth0).
source "$(dirname "$0")/lib.sh"
lab_init wan-delay

ns_add client
ns_add wan
ns_add router
ns_add server
router_enable router

CLIENT_MAC=02:00:00:00:03:10
ROUTER_MAC=02:00:00:00:03:01
veth_bare client eth0 "$CLIENT_MAC" wan eth0 02:00:00:00:0b:01
veth_bare wan eth1 02:00:00:00:0b:02 router eth0 "$ROUTER_MAC"
nsx wan ip link set eth0 promisc on
nsx wan ip link set eth1 promisc on
addr client eth0 10.3.1.10/24
addr router eth0 10.3.1.1/24
neigh client eth0 10.3.1.1 "$ROUTER_MAC"
neigh router eth0 10.3.1.10 "$CLIENT_MAC"
link router eth1 10.3.2.1/24 02:00:00:00:03:21  server eth0 10.3.2.20/24 02:00:00:00:03:20
route client default via 10.3.1.1
route server default via 10.3.2.1

# The relay mostly sleeps in select(); a modest real-time priority (own process only)
# keeps its delay close to 1.75 ms while other work loads the machine.
RT=(); command -v chrt >/dev/null && chrt -f 5 true 2>/dev/null && RT=(chrt -f 5)
bg wan timeout 60 "${RT[@]}" python3 "$LAB_TOOL" l2delay --if-a eth0 --if-b eth1 --delay-ms 1.75 --lifetime 30
bgtool server server --port 8080 --lifetime 30
wait_listen server 8080
sleep 0.3

cap_start client eth0 client
cap_start server eth0 server

log "client 10.3.1.10:40001 -> 10.3.2.20:8080 across the delayed WAN link"
tool client client --dst 10.3.2.20 --port 8080 --sport 40001 --send "hello across the wan"

cap_stop_all
summary
