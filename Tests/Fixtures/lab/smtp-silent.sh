#!/usr/bin/env bash
# smtp-silent: the SMTP server accepts the whole message at the TCP level
# (every segment ACKed) but never sends the "250" after the final "." of
# DATA; the client gives up after 5 s and closes the connection.
#
#   client 192.0.2.10 ------ 192.0.2.25 server (SMTP on port 25)
#   (one link, no router, both Linux TTL 64)
#
# Writes smtp-silent/client.pcap (client eth0) and smtp-silent/server.pcap (server eth0).
source "$(dirname "$0")/lib.sh"
lab_init smtp-silent

ns_add client
ns_add server
link client eth0 192.0.2.10/24 02:00:00:00:01:10  server eth0 192.0.2.25/24 02:00:00:00:01:25

bgtool server smtp-server --port 25 --lifetime 60
wait_listen server 25

cap_start client eth0 client
cap_start server eth0 server

log "SMTP session; no reply to the end of DATA, client times out after 5 s"
tool client smtp-client --dst 192.0.2.25 --port 25 --sport 40025 --timeout 5

cap_stop_all
summary
