#!/usr/bin/env bash
# slow-reader: a receiving application that stops reading its socket. Its receive buffer
# fills, the kernel advertises a zero window, the sender probes (zero-window probes) until the
# application reads again. The same client host does it on two connections, so casebook's
# perf.zero-window reports one receiving host with two stalled connections.
#
#   client 10.0.5.10 ------ 10.0.5.80 server (bulk sender, port 8080)
#   (one link, no router, both Linux TTL 64; client SO_RCVBUF 4096 bytes)
#
#   client:40081 and client:40082 each send "GET", then sleep 1.5 s before reading
#   100000 bytes the server sends, then read to the end.
#
# Writes slow-reader/client.pcap (client eth0).
source "$(dirname "$0")/lib.sh"
lab_init slow-reader

ns_add client
ns_add server
link client eth0 10.0.5.10/24 02:00:00:00:05:10  server eth0 10.0.5.80/24 02:00:00:00:05:80

bgtool server bulk-server --port 8080 --bytes 100000 --lifetime 60
wait_listen server 8080

cap_start client eth0 client

log "two connections whose reader pauses 1.5 s"
tool client bulk-client --dst 10.0.5.80 --port 8080 --sport 40081 --rcvbuf 4096 --pause 1.5
tool client bulk-client --dst 10.0.5.80 --port 8080 --sport 40082 --rcvbuf 4096 --pause 1.5

cap_stop_all
summary
