#!/usr/bin/env bash
# forged-rst: a middlebox (the router) answers SYNs to one port with a RST
# that pretends to come from the server; TTLs give it away.
#
#   client 10.0.1.10 --- 10.0.1.1 router 10.0.2.1 --- 10.0.2.20 server
#   (client, router: Linux TTL 64; server: "Windows", ip_default_ttl=128)
#
# The router has: iptables -A FORWARD -p tcp --dport 445 -j REJECT --reject-with tcp-reset
# The server listens on 80 and 445; 81 is closed.
#
#   (1) client:40001 -> server:80   works; server packets arrive with TTL 127
#   (2) client:40002 -> server:445  RST/ACK "from 10.0.2.20" with TTL 64, forged by
#       the router; the server never sees the SYN
#   (3) client:40003 -> server:81   genuine RST/ACK from the server kernel, TTL 127
#
# Writes forged-rst/client.pcap (client eth0), forged-rst/server.pcap (server eth0).
source "$(dirname "$0")/lib.sh"
lab_init forged-rst
command -v iptables >/dev/null || die "missing tool: iptables"

ns_add client 64
ns_add router 64
ns_add server 128
router_enable router
link client eth0 10.0.1.10/24 02:00:00:00:01:10  router eth0 10.0.1.1/24  02:00:00:00:01:01
link router eth1 10.0.2.1/24  02:00:00:00:02:01  server eth0 10.0.2.20/24 02:00:00:00:02:20
route client default via 10.0.1.1
route server default via 10.0.2.1

nsx router iptables -A FORWARD -p tcp --dport 445 -j REJECT --reject-with tcp-reset

bgtool server server --port 80 --port 445 --lifetime 60
wait_listen server 80
wait_listen server 445

cap_start client eth0 client
cap_start server eth0 server

log "(1) client -> 10.0.2.20:80 (works)"
tool client client --dst 10.0.2.20 --port 80 --sport 40001 --send "GET / HTTP/1.0"
sleep 1
log "(2) client -> 10.0.2.20:445 (forged RST from the router)"
tool client client --dst 10.0.2.20 --port 445 --sport 40002
sleep 1
log "(3) client -> 10.0.2.20:81 (closed port, genuine RST)"
tool client client --dst 10.0.2.20 --port 81 --sport 40003

cap_stop_all
summary
