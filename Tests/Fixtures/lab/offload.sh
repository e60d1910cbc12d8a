#!/usr/bin/env bash
# offload: capture at a sender whose NIC does TCP segmentation and checksum
# offload (veth with tx checksumming, TSO and GSO left on). The capture shows
# TCP segments far larger than the 1500-byte MTU and TCP checksums that are
# not filled in yet ("partial": only the pseudo-header sum), although nothing
# is wrong on the wire.
#
#   client 192.0.2.10 ------ 192.0.2.80 server (bulk sender, port 8080)
#   (one link, no router, both Linux TTL 64, MTU 1500)
#   server eth0: offload ON (tx-checksumming, TSO, GSO); client eth0: offload off
#
# The client sends one line, the server answers with 30000 bytes and closes.
# Writes offload/server.pcap (server eth0, the sender's vantage).
source "$(dirname "$0")/lib.sh"
lab_init offload

ns_add client
ns_add server
# leave offload on for both ends first, then switch it off on the client only
link client eth0 192.0.2.10/24 02:00:00:00:01:10  server eth0 192.0.2.80/24 02:00:00:00:01:80 offload
offload_off client eth0
nsx server ethtool -k eth0 | grep -E '^(tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload):' >&2

bgtool server bulk-server --port 8080 --bytes 30000 --lifetime 60
wait_listen server 8080

cap_start server eth0 server

log "30000-byte transfer server -> client"
tool client bulk-client --dst 192.0.2.80 --port 8080 --sport 40080

cap_stop_all
summary
