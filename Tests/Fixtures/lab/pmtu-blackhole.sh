#!/usr/bin/env bash
# pmtu-blackhole: a link in the path has a smaller MTU (1400) and the router
# in front of it drops its own ICMP "fragmentation needed" messages, so the
# client's full-size DF segments vanish: they are retransmitted with
# exponential back-off and never acknowledged, while the handshake and small
# segments pass. The client gives up after 5 s with an abortive close (RST).
#
#   client 10.0.1.10 --- 10.0.1.1 r1 10.0.12.1 ==MTU 1400== 10.0.12.2 r2 10.0.2.1 --- 10.0.2.20 server
#   (all Linux TTL 64; every other link MTU 1500, so both ends announce MSS 1460)
#   r1: nft output rule drops icmp destination-unreachable / frag-needed
#
# The client sends "PUT 2896" (small, passes), the server answers "GO"
# (small, passes), the client sends 2896 bytes = 2 full segments of 1448
# bytes in 1500-byte DF packets (dropped at r1), waits 5 s for "DONE".
# Writes pmtu-blackhole/client.pcap (client eth0), pmtu-blackhole/server.pcap (server eth0).
source "$(dirname "$0")/lib.sh"
lab_init pmtu-blackhole

ns_add client
ns_add r1
ns_add r2
ns_add server
router_enable r1
router_enable r2
link client eth0 10.0.1.10/24 02:00:00:00:01:10  r1 eth0 10.0.1.1/24   02:00:00:00:01:01
link r1 eth1 10.0.12.1/24     02:00:00:00:12:01  r2 eth0 10.0.12.2/24  02:00:00:00:12:02
link r2 eth1 10.0.2.1/24      02:00:00:00:02:01  server eth0 10.0.2.20/24 02:00:00:00:02:20
nsx r1 ip link set eth1 mtu 1400
nsx r2 ip link set eth0 mtu 1400
route client default via 10.0.1.1
route r1 10.0.2.0/24 via 10.0.12.2
route r2 default via 10.0.12.1
route server default via 10.0.2.1
# no TCP MTU probing (Linux default 0) on the client: the black hole persists
ns_sysctl client net.ipv4.tcp_mtu_probing=0

nsx r1 nft -f - <<'NFT'
table inet filter {
    chain output {
        type filter hook output priority 0; policy accept;
        icmp type destination-unreachable icmp code frag-needed counter drop
    }
}
NFT

bgtool server upload-server --port 8080 --lifetime 60
wait_listen server 8080

cap_start client eth0 client
cap_start server eth0 server

log "upload of 2896 bytes through the 1400-byte link"
tool client upload-client --dst 10.0.2.20 --port 8080 --sport 40000 --bytes 2896 --timeout 5

cap_stop_all
nsx r1 nft list chain inet filter output | grep counter >&2
summary
