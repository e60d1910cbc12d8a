#!/usr/bin/env bash
# tls-proxy-reset: a firewall that TERMINATES TCP (a transparent proxy) lets the
# TLS ClientHello through, reads the server's first flight, does not relay it,
# and closes both TCP connections itself. Each end sees the *other end* close
# the connection (FIN), yet neither did. Story of seed 004 (Skype for Business
# between 10.1.1.1 and 10.2.2.2:5061 through a Check Point).
#
#   client 10.1.1.1 ==[wan: L2 delay relay, 1.75 ms each way]== 10.1.1.254 router 10.9.0.1
#          --- 10.9.0.2 firewall 10.2.2.254 --- 10.2.2.2 server
#
#   client, server: "Windows" TTL 128, tcp_ecn=1 (ask for ECN), no TCP timestamps
#   router:         Linux TTL 64, plain IPv4 forwarding
#   firewall:       TTL 255, tcp_ecn=0, timestamps on (Linux default), ip_forward OFF:
#                   nft tproxy hands every TCP connection to port 5061 to the python proxy
#                   (labtool.py tproxy), which opens its own connection to the original
#                   destination from the original source address and port
#                   (IP_TRANSPARENT) with SO_RCVBUF 262144 (smaller window scale).
#                   MACs use the Check Point OUI 00:1c:7f (tshark shows "CheckPoi_...").
#   wan:            no IP at all; labtool.py l2delay copies frames between its two
#                   interfaces after 1.75 ms (tc netem is not available in this kernel)
#
#   (1) client 10.1.1.1:53695 -> 10.2.2.2:5061, TLS 1.2 ClientHello. The proxy relays it,
#       reads ServerHello..ServerHelloDone from the server, does not relay it and closes
#       both legs: FIN "from 10.2.2.2" to the client, FIN "from 10.1.1.1" to the server.
#   (2) server 10.2.2.2:50123 -> 10.1.1.1:5061 (other direction): relayed, TLS works,
#       one request/answer, FIN close.
#
# Writes tls-proxy-reset/client.pcap (client eth0), tls-proxy-reset/server.pcap (server
# eth0) and tls-proxy-reset/firewall.log (Check Point style key=value lines WRITTEN BY THIS
# SCRIPT from the capture times; no real firewall produced them). The TLS certificate is
# generated at run time into the temp dir and deleted afterwards.
source "$(dirname "$0")/lib.sh"
lab_init tls-proxy-reset
for t in nft openssl; do command -v "$t" >/dev/null || die "missing tool: $t"; done

ns_add client 128
ns_add wan 64
ns_add router 64
ns_add firewall 255
ns_add server 128
ns_sysctl client net.ipv4.tcp_ecn=1 net.ipv4.tcp_timestamps=0
ns_sysctl server net.ipv4.tcp_ecn=1 net.ipv4.tcp_timestamps=0
ns_sysctl firewall net.ipv4.tcp_ecn=0 net.ipv4.ip_forward=0
router_enable router

CLIENT_MAC=02:00:00:00:01:01
ROUTER_MAC=02:00:00:00:01:fe
veth_bare client eth0 "$CLIENT_MAC" wan eth0 02:00:00:00:0a:01
veth_bare wan eth1 02:00:00:00:0a:02 router eth0 "$ROUTER_MAC"
nsx wan ip link set eth0 promisc on
nsx wan ip link set eth1 promisc on
addr client eth0 10.1.1.1/24
addr router eth0 10.1.1.254/24
neigh client eth0 10.1.1.254 "$ROUTER_MAC"
neigh router eth0 10.1.1.1 "$CLIENT_MAC"
link router eth1 10.9.0.1/24 02:00:00:00:09:01  firewall eth0 10.9.0.2/24   00:1c:7f:00:09:02
link firewall eth1 10.2.2.254/24 00:1c:7f:00:02:fe  server eth0 10.2.2.2/24 02:00:00:00:02:02
route client default via 10.1.1.254
route router 10.2.2.0/24 via 10.9.0.2
route firewall 10.1.1.0/24 via 10.9.0.1
route server default via 10.2.2.254

# Transparent interception inside the firewall namespace: packets of existing
# transparent sockets and new connections to port 5061 are marked and delivered
# locally (policy routing table 100), the rest would be dropped (no forwarding).
nsx firewall ip rule add fwmark 0x1 lookup 100
nsx firewall ip route add local 0.0.0.0/0 dev lo table 100
nsx firewall nft -f - <<'NFT'
table ip fw {
    chain prerouting {
        type filter hook prerouting priority mangle; policy accept;
        meta l4proto tcp socket transparent 1 meta mark set 0x1 accept
        tcp dport 5061 tproxy to :15061 meta mark set 0x1 accept
    }
}
NFT

# Self-signed EC certificate, generated for this run only (never committed).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=sip.example.test" -keyout "$LAB_TMP/key.pem" -out "$LAB_TMP/cert.pem" 2>/dev/null
chmod 644 "$LAB_TMP/key.pem"

# The relay mostly sleeps in select(); a modest real-time priority (own process only)
# keeps its delay close to 1.75 ms while other work loads the machine.
RT=(); command -v chrt >/dev/null && chrt -f 5 true 2>/dev/null && RT=(chrt -f 5)
bg wan timeout 60 "${RT[@]}" python3 "$LAB_TOOL" l2delay --if-a eth0 --if-b eth1 --delay-ms 1.75 --lifetime 50
bgtool firewall tproxy --listen-port 15061 --rcvbuf 262144 --inspect-from 10.1.1.0/24 --lifetime 50
PROXY_LOG="$LAB_TMP/bg-$((${#LAB_PIDS[@]} - 1)).log"
bgtool server tls-server --port 5061 --cert "$LAB_TMP/cert.pem" --key "$LAB_TMP/key.pem" --lifetime 50
bgtool client tls-server --port 5061 --cert "$LAB_TMP/cert.pem" --key "$LAB_TMP/key.pem" --lifetime 50
wait_listen firewall 15061
wait_listen server 5061
wait_listen client 5061
sleep 0.3

cap_start client eth0 client
cap_start server eth0 server

log "(1) client 10.1.1.1:53695 -> 10.2.2.2:5061 (inspected, closed by the proxy)"
tool client tls-client --dst 10.2.2.2 --port 5061 --sport 53695 --tls12 \
    --send "OPTIONS sip:10.2.2.2:5061;transport=tls SIP/2.0" --timeout 10
sleep 1
log "(2) server 10.2.2.2:50123 -> 10.1.1.1:5061 (relayed, works)"
tool server tls-client --dst 10.1.1.1 --port 5061 --sport 50123 --tls12 \
    --send "OPTIONS sip:10.1.1.1:5061;transport=tls SIP/2.0" --timeout 10
sleep 0.5

cap_stop_all
log "proxy said:"
cat "$PROXY_LOG" >&2

# firewall.log: Check Point style key=value excerpt, one entry per line, times taken
# from the capture at the server (where the firewall's own packets are seen first
# hand), whole seconds, written in the firewall's local time zone (CET, +01:00).
python3 - "$LAB_OUT/server.pcap" "$LAB_OUT/firewall.log" <<'PY'
import datetime, subprocess, sys
pcap, dest = sys.argv[1], sys.argv[2]
rows = subprocess.run(
    ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=|",
     "-e", "frame.time_epoch", "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst",
     "-e", "tcp.dstport", "-e", "tcp.flags"],
    check=True, capture_output=True, text=True).stdout.split("\n")
def first(pred):
    for r in rows:
        c = r.split("|")
        if len(c) == 6 and pred(c[1], int(c[2]), c[3], int(c[4]), int(c[5], 16)):
            return float(c[0])
    raise SystemExit("firewall.log: frame not found in " + pcap)
SYN, FIN, ACK = 0x02, 0x01, 0x10
t_in = first(lambda s, sp, d, dp, f: s == "10.1.1.1" and sp == 53695 and f & SYN and not f & ACK)
t_drop = first(lambda s, sp, d, dp, f: s == "10.1.1.1" and sp == 53695 and f & FIN)
t_out = first(lambda s, sp, d, dp, f: s == "10.2.2.2" and sp == 50123 and f & SYN and not f & ACK)
cet = datetime.timezone(datetime.timedelta(hours=1))
def ts(t):
    return datetime.datetime.fromtimestamp(int(t), cet).isoformat()
common = "origin=10.2.2.254 product=\"VPN-1 & FireWall-1\""
lines = [
    (t_in, f"time={ts(t_in)} {common} action=accept ifdir=inbound ifname=eth0 rule=7 "
           "service_id=sip_tls_authentication src=10.1.1.1 s_port=53695 dst=10.2.2.2 service=5061 proto=tcp"),
    (t_drop, f"time={ts(t_drop)} {common} action=drop ifdir=inbound ifname=eth1 rule=7 "
             "service_id=sip_tls_authentication src=10.2.2.2 s_port=5061 dst=10.1.1.1 service=53695 proto=tcp "
             "voip_reject_reason=\"TLS connection has to be closed\" "
             "voip_reason_info=\"Encrypted VoIP signaling over TCP is not allowed\" "
             "voip_config=\"In order to allow the inspection of encrypted SIP over TLS connections, please add the "
             "'sip_tls_with_server_certificate' service to the relevant rule, make sure that the "
             "'sip_tls_authentication' service is removed from the rule and configure TLS on the corresponding "
             "SIP Server object\" voip_log_type=Reject content_type=\"VoIP Session\""),
    (t_out, f"time={ts(t_out)} {common} action=accept ifdir=inbound ifname=eth1 rule=12 "
            "service_id=sip_tls_with_server_certificate src=10.2.2.2 s_port=50123 dst=10.1.1.1 service=5061 proto=tcp"),
]
with open(dest, "w") as f:
    f.write("".join(l + "\n" for _, l in sorted(lines)))
PY
log "wrote tls-proxy-reset/firewall.log"
cat "$LAB_OUT/firewall.log" >&2
summary
