#!/usr/bin/env bash
# one-way-nat: the server's replies are NATed, the client's SYN to the
# server's inside address is not, so the SYN/ACK comes back from another
# address and the client kernel resets it.
#
#   client 192.0.2.4 --- 192.0.2.1 router 10.1.1.254 --- 10.1.1.1 server
#
# The router does stateless static NAT with nftables payload rewriting (no
# conntrack): outbound, source 10.1.1.1 becomes 198.51.100.1; inbound,
# destination 198.51.100.1 becomes 10.1.1.1. A client that addresses the
# server by its inside address 10.1.1.1 (routable through the router) gets
# the SYN/ACK from 198.51.100.1, which matches none of its sockets.
#
#   (1) client:40001 -> 198.51.100.1:80 (the NAT address): works
#   (2) client:40002 -> 10.1.1.1:80 (inside address): SYN, SYN/ACK from
#       198.51.100.1, RST from the client; repeated for each SYN retry
#   (3) server:50000 -> client:2525 (other direction): works, the client
#       sees it coming from 198.51.100.1
#
# Writes one-way-nat/client.pcap (client eth0), one-way-nat/server.pcap (server eth0).
source "$(dirname "$0")/lib.sh"
lab_init one-way-nat

ns_add client
ns_add router
ns_add server
router_enable router
link client eth0 192.0.2.4/24  02:00:00:00:01:04  router eth0 192.0.2.1/24  02:00:00:00:01:01
link router eth1 10.1.1.254/24 02:00:00:00:02:fe  server eth0 10.1.1.1/24   02:00:00:00:02:01
route client default via 192.0.2.1
route server default via 10.1.1.254
ns_sysctl client net.ipv4.tcp_syn_retries=2

nsx router nft -f - <<'NFT'
table ip staticnat {
    chain raw {
        type filter hook prerouting priority raw; policy accept;
        notrack
    }
    chain rawout {
        type filter hook output priority raw; policy accept;
        notrack
    }
    chain inbound {
        type filter hook prerouting priority mangle; policy accept;
        iifname "eth0" ip daddr 198.51.100.1 ip daddr set 10.1.1.1
    }
    chain outbound {
        type filter hook postrouting priority srcnat; policy accept;
        oifname "eth0" ip saddr 10.1.1.1 ip saddr set 198.51.100.1
    }
}
NFT

bgtool server server --port 80 --lifetime 60
bgtool client server --port 2525 --lifetime 60
wait_listen server 80
wait_listen client 2525

cap_start client eth0 client
cap_start server eth0 server

log "(1) client -> 198.51.100.1:80 (NAT address)"
tool client client --dst 198.51.100.1 --port 80 --sport 40001 --send "GET / via NAT address"
sleep 1
log "(2) client -> 10.1.1.1:80 (inside address)"
tool client client --dst 10.1.1.1 --port 80 --sport 40002 --send "GET / via inside address" --timeout 10
sleep 1
log "(3) server -> client:2525"
tool server client --dst 192.0.2.4 --port 2525 --sport 50000 --send "callback from server"

cap_stop_all
summary
