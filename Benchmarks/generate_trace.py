#!/usr/bin/env python3
"""Write a large, realistic classic pcap for benchmarking casebook.

    generate_trace.py --packets 1000000 --seed 1 -o bench-1M.pcap [--stats stats.json]

Standard library only.  Deterministic: the same arguments give a byte-identical
file (one random.Random(seed) drives everything; no clock, no hashing order).
Streams to disk through a reusable 8 MiB bytearray, so memory does not grow with
--packets (it grows only with the number of connections alive at one moment).

Output: classic pcap, little-endian, microsecond timestamps, LINKTYPE_ETHERNET,
snaplen 262144.  The capture point is a tap on the servers' side of the link:
server packets appear when sent, client packets one RTT after the server packet
they answer.

Traffic (see Benchmarks/README.md for the numbers of a 1 M trace):
  * ~5,000 clients (90 % IPv4 in 198.18.0.0/15, 10 % IPv6 in 2001:db8:c000::/48)
    and 32 dual-stack HTTP servers (203.0.113.0/24, 2001:db8:100::/64) on ports
    80/8080; 3 of the servers sit on 802.1Q VLANs 100/200, so their frames are
    tagged; connections arrive as a Poisson process and overlap in time.
  * TCP connection kinds: complete HTTP/1.1 exchanges (1-6 requests each,
    3-way handshake with MSS/SACK_PERM/TS/NOP/WS, slow-start-paced responses
    of 1448-byte segments (1428 over IPv6) in 1514-byte frames, client ACK
    every 2nd segment (66-byte frames), FIN/ACK close by either side);
    SYNs never answered (retransmitted after 1, 2 and 4 s); SYNs refused with
    RST/ACK; SYNs rejected by a firewall with ICMP port unreachable (quoting the
    SYN); client and server resets mid-transfer; a lost tail segment
    retransmitted after an RTO; a lost segment followed by SACK dup ACKs (3)
    and a fast retransmission; zero windows (window shrinks to 0, 1-byte zero
    window probes, then a window update); idle connections with keep-alives
    (seq = next - 1, 0 bytes from Linux clients, 1 byte from Windows clients).
  * DNS over UDP (A/AAAA query + answer) before ~30 % of the connections.
  * ICMP echo request/reply: a monitor host pings every server once a second.
Checksums: IPv4 header, TCP, UDP, ICMP and ICMPv6 checksums are all correct.
"""
import argparse
import heapq
import json
import math
import random
import struct
import sys
import time

FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
OPT_NONE, OPT_TS, OPT_SYN, OPT_SACK = 0, 1, 2, 3
OPT_ICMP_UNREACH = 9
TCP_HDR_LEN = {OPT_NONE: 20, OPT_TS: 32, OPT_SYN: 40, OPT_SACK: 44}
M32 = 0xFFFFFFFF
DELACK = 40_000          # µs, delayed-ACK timer
T0 = 1_700_000_000       # capture start (2023-11-14 22:13:20 UTC)

# Packet tags (for the generator's own counters).
TAG_NAMES = ["other", "syn_retransmission", "retransmission", "fast_retransmission",
             "dup_ack", "zero_window", "zero_window_probe", "zero_window_probe_ack",
             "window_update", "keep_alive", "keep_alive_ack", "rst", "dns",
             "icmp_echo", "icmp_unreachable"]
(T_OTHER, T_SYNRTX, T_RTX, T_FRTX, T_DUP, T_ZW, T_ZWP, T_ZWPA, T_WU, T_KA, T_KAA,
 T_RST, T_DNS, T_ECHO, T_UNREACH) = range(len(TAG_NAMES))

# Connection kinds and their shares of new TCP connections.
KINDS = [
    ("complete", 0.76),
    ("syn_unanswered", 0.03),
    ("refused_rst", 0.03),
    ("refused_icmp", 0.015),
    ("reset_by_client", 0.02),
    ("reset_by_server", 0.01),
    ("rto_retransmission", 0.04),
    ("dupack_fast_retransmission", 0.04),
    ("zero_window", 0.02),
    ("keepalive_idle", 0.035),
]
(K_COMPLETE, K_NOANSWER, K_REFUSED, K_ICMP, K_RSTC, K_RSTS, K_RTO, K_FRTX, K_ZW,
 K_KA) = range(len(KINDS))

S_PCAP = struct.Struct("<IIII").pack_into
S_IP4 = struct.Struct(">BBHHHBBH4s4s").pack_into
S_IP6 = struct.Struct(">IHBB16s16s").pack_into
S_TCP0 = struct.Struct(">HHIIHHHH").pack_into
S_TCPTS = struct.Struct(">HHIIHHHHHHII").pack_into
S_TCPSYN = struct.Struct(">HHIIHHHHHHHHIII").pack_into
S_TCPSACK = struct.Struct(">HHIIHHHHHHIIHHII").pack_into
S_H = struct.Struct(">H").pack_into

BODY_LEN = 1 << 20


def csum_fold(s):
    """One's complement checksum of a 16-bit-word sum (or of a big-endian integer)."""
    s %= 0xFFFF
    return 0xFFFF - s if s else 0


def words(b):
    """Sum of the big-endian 16-bit words of b (even length)."""
    return sum(struct.unpack(">%dH" % (len(b) // 2), b))


def cksum_bytes(b):
    v = int.from_bytes(b, "big")
    if len(b) & 1:
        v <<= 8
    return v


class Host:
    __slots__ = ("v6", "addr", "ttl", "windows", "rtt", "port", "tsoff", "name", "mac",
                 "vlan", "sport")


class Tcp:
    """One TCP connection: its precomputed events and per-direction header constants."""
    __slots__ = ("events", "i", "raw", "v6", "eth", "src", "dst", "ports", "ttl", "ipc",
                 "pseudo", "ipid", "fw", "isn", "tsoff", "lastts", "rtt", "synip")


class Raw:
    """Prebuilt frames (DNS, ICMP echo): events are (t, frame_bytes, tag)."""
    __slots__ = ("events", "i", "raw")

    def __init__(self, events):
        self.events = events
        self.i = 0
        self.raw = True


class Spawner:
    __slots__ = ("fn", "raw")

    def __init__(self, fn):
        self.fn = fn
        self.raw = None


class Generator:
    def __init__(self, seed, rate, nclients, nservers):
        self.rng = random.Random(seed)
        rng = self.rng
        self.rate = rate
        self.body = memoryview(rng.randbytes(BODY_LEN) + bytes(4096))
        self.router_mac = bytes.fromhex("021b21000001")
        self.kind_cum = []
        acc = 0.0
        for _, share in KINDS:
            acc += share
            self.kind_cum.append(acc)
        self.kind_count = [0] * len(KINDS)
        # Servers: dual-stack, a few on VLANs.
        self.servers = []
        vlans = {5: 100, 17: 100, 29: 200}
        for i in range(nservers):
            h = Host()
            h.v6 = None
            h.addr = (bytes([203, 0, 113, 10 + i]),
                      bytes.fromhex("20010db8010000000000000000000000")[:14] + bytes([0, 10 + i]))
            h.name = b"srv%02d.example.net" % i
            h.mac = bytes([0x02, 0x42, 0xAC, 0x11, 0x00, 10 + i])
            h.vlan = vlans.get(i)
            h.sport = 8080 if i % 8 == 3 else 80
            h.ttl = 64
            h.tsoff = rng.getrandbits(32)
            self.servers.append(h)
        self.resolvers = [(bytes([203, 0, 113, 53]), bytes.fromhex("02420a000035")),
                          (bytes([203, 0, 113, 54]), bytes.fromhex("02420a000036"))]
        self.resolver6 = (bytes.fromhex("20010db8010000000000000000000053"),
                          bytes.fromhex("02420a000035"))
        # Clients.
        self.clients = []
        for i in range(nclients):
            h = Host()
            h.v6 = (i % 10 == 7)
            if h.v6:
                h.addr = bytes.fromhex("20010db8c000") + rng.getrandbits(80).to_bytes(10, "big")
            else:
                n = 0xC6120000 + 256 + i * 7 % 0x1FE00  # 198.18.1.0 .. 198.19.255.255
                h.addr = n.to_bytes(4, "big")
            h.windows = rng.random() < 0.15
            hops = rng.randint(4, 18)
            h.ttl = (128 if h.windows else 64) - hops
            # RTT: log-uniform 2 ms .. 250 ms
            h.rtt = int(math.exp(rng.uniform(math.log(2000), math.log(250000))))
            h.port = rng.randint(32768, 60999)
            h.tsoff = rng.getrandbits(32)
            self.clients.append(h)
        self.monitor4 = bytes([198, 18, 0, 1])
        self.monitor6 = bytes.fromhex("20010db8c00000000000000000000001")
        self.uid = 0

    # ---------------------------------------------------------------- helpers
    def loguni(self, lo, hi):
        return int(math.exp(self.rng.uniform(math.log(lo), math.log(hi))))

    def eth_pair(self, srv_mac, vlan, v6):
        et = b"\x86\xdd" if v6 else b"\x08\x00"
        if vlan is None:
            to_srv = srv_mac + self.router_mac + et
            to_cli = self.router_mac + srv_mac + et
        else:
            tag = b"\x81\x00" + struct.pack(">H", vlan)
            to_srv = srv_mac + self.router_mac + tag + et
            to_cli = self.router_mac + srv_mac + tag + et
        return to_srv, to_cli

    def response_size(self, minimum):
        r = self.rng.random()
        if r < 0.50:
            b = self.loguni(200, 4_000)
        elif r < 0.85:
            b = self.loguni(4_000, 40_000)
        elif r < 0.985:
            b = self.loguni(40_000, 200_000)
        else:
            b = self.loguni(200_000, 2_000_000)
        return max(b, minimum)

    # ------------------------------------------------------------ raw frames
    def frame4(self, eth, src, dst, proto, ttl, l4, ck_off, pseudo):
        """Build an IPv4 frame; l4 has a zero checksum at ck_off; pseudo: use pseudo-header."""
        l4 = bytearray(l4)
        s = cksum_bytes(l4)
        if pseudo:
            s += words(src) + words(dst) + proto + len(l4)
        c = csum_fold(s)
        if proto == 17 and c == 0:
            c = 0xFFFF
        S_H(l4, ck_off, c)
        ipid = self.rng.getrandbits(16)
        hdr = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ipid,
                                    0x4000 if proto != 1 else 0, ttl, proto, 0, src, dst))
        S_H(hdr, 10, csum_fold(words(hdr)))
        f = eth + bytes(hdr) + bytes(l4)
        if len(f) < 60:
            f += bytes(60 - len(f))
        return f

    def frame6(self, eth, src, dst, nh, hlim, l4, ck_off):
        l4 = bytearray(l4)
        s = cksum_bytes(l4) + words(src) + words(dst) + nh + len(l4)
        c = csum_fold(s)
        if c == 0:
            c = 0xFFFF
        S_H(l4, ck_off, c)
        flow = self.rng.getrandbits(20)
        return eth + struct.pack(">IHBB16s16s", 0x60000000 | flow, len(l4), nh, hlim, src, dst) + bytes(l4)

    def dns_flow(self, t, cli, srv):
        rng = self.rng
        txid = rng.getrandbits(16)
        sport = rng.randint(1024, 65535)
        labels = b"".join(bytes([len(p)]) + p for p in srv.name.split(b".")) + b"\x00"
        qtype = 28 if cli.v6 else 1
        q = struct.pack(">HHHHHH", txid, 0x0100, 1, 0, 0, 0) + labels + struct.pack(">HH", qtype, 1)
        rdata = srv.addr[1] if cli.v6 else srv.addr[0]
        a = (struct.pack(">HHHHHH", txid, 0x8180, 1, 1, 0, 0) + labels + struct.pack(">HH", qtype, 1)
             + struct.pack(">HHHIH", 0xC00C, qtype, 1, 300, len(rdata)) + rdata)
        uq = struct.pack(">HHHH", sport, 53, 8 + len(q), 0) + q
        ua = struct.pack(">HHHH", 53, sport, 8 + len(a), 0) + a
        if cli.v6:
            raddr, rmac = self.resolver6
            to_r = rmac + self.router_mac + b"\x86\xdd"
            to_c = self.router_mac + rmac + b"\x86\xdd"
            fq = self.frame6(to_r, cli.addr, raddr, 17, cli.ttl, uq, 6)
            fa = self.frame6(to_c, raddr, cli.addr, 17, 64, ua, 6)
        else:
            raddr, rmac = self.resolvers[rng.getrandbits(1)]
            to_r = rmac + self.router_mac + b"\x08\x00"
            to_c = self.router_mac + rmac + b"\x08\x00"
            fq = self.frame4(to_r, cli.addr, raddr, 17, cli.ttl, uq, 6, True)
            fa = self.frame4(to_c, raddr, cli.addr, 17, 64, ua, 6, True)
        dt = self.loguni(150, 20_000)
        return Raw([(t, fq, T_DNS), (t + dt, fa, T_DNS)]), dt

    def ping_flow(self, t, srv, seq, v6):
        ident = 0x4000 + srv.addr[0][3]
        payload = struct.pack("<II", T0 + t // 1_000_000, t % 1_000_000) + bytes(range(0x10, 0x40))
        to_s, to_c = self.eth_pair(srv.mac, srv.vlan, v6)
        if v6:
            req = struct.pack(">BBHHH", 128, 0, 0, ident, seq) + payload
            rep = struct.pack(">BBHHH", 129, 0, 0, ident, seq) + payload
            fq = self.frame6(to_s, self.monitor6, srv.addr[1], 58, 62, req, 2)
            fr = self.frame6(to_c, srv.addr[1], self.monitor6, 58, 64, rep, 2)
        else:
            req = struct.pack(">BBHHH", 8, 0, 0, ident, seq) + payload
            rep = struct.pack(">BBHHH", 0, 0, 0, ident, seq) + payload
            fq = self.frame4(to_s, self.monitor4, srv.addr[0], 1, 62, req, 2, False)
            fr = self.frame4(to_c, srv.addr[0], self.monitor4, 1, 64, rep, 2, False)
        dt = self.rng.randint(40, 400)
        return Raw([(t, fq, T_ECHO), (t + dt, fr, T_ECHO)])

    # ------------------------------------------------------------ TCP model
    @staticmethod
    def schedule(n, t1, g, rtt, cap, cwnd0=10):
        """Send times of n segments: paced by g, limited by a slow-start window
        (cwnd0 + segments acked, at most cap) clocked by ACKs every 2nd segment."""
        s = [0] * n
        acked = 0
        for i in range(n):
            t = t1 if i == 0 else s[i - 1] + g
            while True:
                while acked + 1 < i:
                    ta = s[acked + 1] + rtt
                    if ta > t:
                        break
                    acked += 2
                w = cwnd0 + acked
                if w > cap:
                    w = cap
                if i < acked + w:
                    break
                t = s[acked + 1] + rtt
            s[i] = t
        return s

    @staticmethod
    def receiver(segs, rtt, base, last_ack):
        """The client's ACKs (as seen at the tap) for data segments.
        segs: (t_sent, start, end, delivered, psh) sorted by t_sent.
        Returns [(t, ack, sack_block_or_None, tag)]."""
        acks = []
        rcv = base
        pend = 0
        t_pend = 0
        ooo_lo = ooo_hi = None
        for ts, st, en, ok, psh in segs:
            if not ok:
                continue
            ta = ts + rtt
            if pend and ta - t_pend > DELACK:
                acks.append((t_pend + DELACK, rcv, None, T_OTHER))
                last_ack = rcv
                pend = 0
            if st == rcv:
                rcv = en
                if ooo_lo is not None:
                    if rcv >= ooo_lo:
                        if ooo_hi > rcv:
                            rcv = ooo_hi
                        ooo_lo = ooo_hi = None
                        acks.append((ta, rcv, None, T_OTHER))
                    else:
                        acks.append((ta, rcv, (ooo_lo, ooo_hi), T_OTHER))
                    last_ack = rcv
                    pend = 0
                    continue
                pend += 1
                if pend == 1:
                    t_pend = ta
                if pend >= 2 or psh:
                    acks.append((ta, rcv, None, T_OTHER))
                    last_ack = rcv
                    pend = 0
            elif st > rcv:
                if ooo_lo is None:
                    ooo_lo, ooo_hi = st, en
                elif en > ooo_hi:
                    ooo_hi = en
                acks.append((ta, rcv, (ooo_lo, ooo_hi), T_DUP if rcv == last_ack else T_OTHER))
                last_ack = rcv
                pend = 0
            else:
                acks.append((ta, rcv, None, T_OTHER))
                last_ack = rcv
                pend = 0
        if pend:
            acks.append((t_pend + DELACK, rcv, None, T_OTHER))
        return acks

    def new_tcp(self, t0, cli, srv, kind):
        rng = self.rng
        c = Tcp()
        c.i = 0
        c.raw = False
        v6 = cli.v6
        c.v6 = v6
        c.eth = self.eth_pair(srv.mac, srv.vlan, v6)
        saddr = srv.addr[1] if v6 else srv.addr[0]
        c.src = (cli.addr, saddr)
        c.dst = (saddr, cli.addr)
        cli.port += 1
        if cli.port > 60999:
            cli.port = 32768
        c.ports = (cli.port, srv.sport)
        c.ttl = (cli.ttl, 64)
        proto = 6
        c.pseudo = (words(cli.addr) + words(saddr) + proto,) * 2
        if v6:
            c.fw = (0x60000000 | rng.getrandbits(20), 0x60000000 | rng.getrandbits(20))
            c.ipc = None
            c.ipid = None
        else:
            c.fw = None
            c.ipc = tuple(0x4500 + 0x4000 + (c.ttl[d] << 8 | proto) + words(c.src[d]) + words(c.dst[d])
                          for d in (0, 1))
            c.ipid = [rng.getrandbits(16), rng.getrandbits(16)]
        c.isn = (rng.getrandbits(32), rng.getrandbits(32))
        c.tsoff = (cli.tsoff, srv.tsoff)
        c.lastts = [0, 0]
        rtt = int(cli.rtt * rng.uniform(0.95, 1.15))
        c.rtt = rtt
        c.synip = None
        c.events = self.tcp_events(c, t0, cli, srv, kind, rtt)
        c.events.sort(key=lambda e: e[0])
        return c

    def tcp_events(self, c, t0, cli, srv, kind, rtt):
        rng = self.rng
        E = []
        add = E.append
        C, S = 0, 1
        v6 = c.v6
        mss = 1440 if v6 else 1460
        eff = mss - 12
        c_ws = 8 if cli.windows else 7
        s_ws = 7
        syn_opts = (mss, c_ws)
        add((t0, C, SYN, 0, 0, 64240 if not cli.windows else 65535, OPT_SYN, None, 0, 0, syn_opts, T_OTHER))
        dly = rng.randint(20, 150)
        if kind == K_NOANSWER:
            for dt in (1_000_000, 3_000_000, 7_000_000):
                add((t0 + dt + rng.randint(0, 2000), C, SYN, 0, 0, 64240 if not cli.windows else 65535,
                     OPT_SYN, None, 0, 0, syn_opts, T_SYNRTX))
            return E
        if kind == K_REFUSED:
            add((t0 + dly, S, RST | ACK, 0, 1, 0, OPT_NONE, None, 0, 0, None, T_RST))
            return E
        if kind == K_ICMP:
            add((t0 + dly, S, 0, 0, 0, 0, OPT_ICMP_UNREACH, None, 0, 0, None, T_UNREACH))
            return E
        # Handshake.
        t = t0 + dly
        add((t, S, SYN | ACK, 0, 1, 65160 if not v6 else 64800, OPT_SYN, None, 0, 0, (mss, s_ws), T_OTHER))
        t += rtt
        cwin_bytes = rng.choice((65536, 131072, 262144, 524288, 1048576, 3145728))
        if cli.windows:
            cwin_bytes = min(cwin_bytes, 262144 * 2)
        cwin = min(cwin_bytes >> c_ws, 65535)
        cwin_bytes = cwin << c_ws
        swin = 509
        add((t, C, ACK, 1, 1, cwin, OPT_TS, None, 0, 0, None, T_OTHER))
        cap = max(4, min(cwin_bytes // eff, 300))
        rate_bps = math.exp(rng.uniform(math.log(5e6), math.log(1e9)))
        g = max(1, int(1514 * 8 / rate_bps * 1e6))
        cseq = 1
        sseq = 1
        nreq = 1 if rng.random() < 0.7 else rng.randint(2, 6)
        if kind in (K_RSTC, K_RSTS, K_KA, K_ZW, K_RTO, K_FRTX):
            nreq = 1 if kind in (K_RSTC, K_RSTS) else min(nreq, 2)
        server_closes = rng.random() < 0.5 and kind not in (K_RTO, K_KA)
        t_req = t + rng.randint(5, 400)
        body = self.body
        host = srv.name
        for r in range(nreq):
            path = rng.choice((b"/static/js/app.%08x.js" % rng.getrandbits(32),
                               b"/api/v1/items/%d" % rng.randint(1, 999999),
                               b"/img/p%06d.jpg" % rng.randint(0, 999999),
                               b"/download/pkg-%d.%d.%d.tar.gz" % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 99)),
                               b"/"))
            req = (b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\nUser-Agent: "
                   + (b"Mozilla/5.0 (Windows NT 10.0; Win64; x64)" if cli.windows else b"curl/7.88.1")
                   + b"\r\nAccept: */*\r\n\r\n")
            add((t_req, C, PSH | ACK, cseq, sseq, cwin, OPT_TS, req, 0, len(req), None, T_OTHER))
            cseq += len(req)
            variant = kind if r == 0 else K_COMPLETE
            last_resp = r == nreq - 1
            minimum = {K_RSTC: 60_000, K_RSTS: 60_000, K_RTO: 3_000, K_FRTX: 40_000,
                       K_ZW: 150_000}.get(variant, 0)
            blen = self.response_size(minimum)
            hdr = (b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: application/octet-stream\r\n"
                   b"Content-Length: %d\r\nConnection: %s\r\n\r\n"
                   % (blen, b"close" if (last_resp and server_closes) else b"keep-alive"))
            hlen = len(hdr)
            L = hlen + blen
            first = memoryview(hdr + bytes(body[:max(0, min(eff, L) - hlen)]))
            n = (L + eff - 1) // eff
            think = self.loguni(100, 80_000)
            if think > DELACK:
                add((t_req + DELACK, S, ACK, sseq, cseq, swin, OPT_TS, None, 0, 0, None, T_OTHER))
            t1 = t_req + think

            def seg(ts, i, tag, ok=True):
                o = i * eff
                ln = L - o if o + eff > L else eff
                if i == 0:
                    src, off = first, 0
                else:
                    src, off = body, (o - hlen) % BODY_LEN
                psh = (o + ln == L)
                add((ts, S, ACK | PSH if psh else ACK, sseq + o, cseq, swin, OPT_TS, src, off, ln, None, tag))
                return (ts, sseq + o, sseq + o + ln, ok, psh)

            def ack_events(acks, win_fn=None):
                for ta, a, sack, tag in acks:
                    w = cwin if win_fn is None else win_fn(a)
                    if sack is None:
                        add((ta, C, ACK, cseq, a, w, OPT_TS, None, 0, 0, None, tag))
                    else:
                        add((ta, C, ACK, cseq, a, w, OPT_SACK, None, 0, 0, sack, tag))

            s = self.schedule(n, t1, g, rtt, cap)
            last_sent = s[-1]
            if variant == K_FRTX:
                k = rng.randint(2, n - 9)
                segs = [seg(s[i], i, T_OTHER, i != k) for i in range(n)]
                acks = self.receiver(segs, rtt, sseq, sseq)
                dups = [a[0] for a in acks if a[3] == T_DUP]
                R = (dups[2] if len(dups) >= 3 else dups[-1]) + rng.randint(15, 80)
                segs.append(seg(R, k, T_FRTX))
                segs.sort(key=lambda x: x[0])
                acks = self.receiver(segs, rtt, sseq, sseq)
                ack_events(acks)
                last_sent = max(last_sent, R)
            elif variant == K_RTO:
                segs = [seg(s[i], i, T_OTHER, i != n - 1) for i in range(n)]
                R = s[-1] + 200_000 + rtt + rng.randint(0, 5000)
                segs.append(seg(R, n - 1, T_RTX))
                acks = self.receiver(segs, rtt, sseq, sseq)
                ack_events(acks)
                last_sent = R
            elif variant == K_ZW:
                z = min(n - 20, max(15, int(n * rng.uniform(0.3, 0.6))))
                endA = sseq + (z + 1) * eff
                segs = [seg(s[i], i, T_OTHER) for i in range(z + 1)]
                segs[-1] = segs[-1][:4] + (True,)    # client ACKs the window-filling segment at once
                acks = self.receiver(segs, rtt, sseq, sseq)
                for ta, a, sack, tag in acks:
                    w = min(cwin_bytes, endA - a) >> c_ws
                    add((ta, C, ACK, cseq, a, w, OPT_TS, None, 0, 0, None, T_ZW if w == 0 else T_OTHER))
                t_zw = acks[-1][0]
                t_wu = t_zw + self.loguni(300_000, 3_000_000)
                rto = 200_000 + rtt
                p = t_zw + rto
                o = endA - sseq
                psrc, poff = (first, o) if o < len(first) else (body, (o - hlen) % BODY_LEN)
                while p + rtt < t_wu:
                    add((p, S, ACK, endA, cseq, swin, OPT_TS, psrc, poff, 1, None, T_ZWP))
                    add((p + rtt, C, ACK, cseq, endA, 0, OPT_TS, None, 0, 0, None, T_ZWPA))
                    rto = min(rto * 2, 120_000_000)
                    p += rto
                add((t_wu, C, ACK, cseq, endA, cwin, OPT_TS, None, 0, 0, None, T_WU))
                sB = self.schedule(n - z - 1, t_wu + rng.randint(20, 100), g, rtt, cap)
                segs = [seg(sB[j], z + 1 + j, T_OTHER) for j in range(n - z - 1)]
                ack_events(self.receiver(segs, rtt, endA, endA))
                last_sent = sB[-1]
            elif variant == K_RSTC:
                r_i = rng.randint(3, min(n - 5, 10))    # early: few segments in flight to answer with RST
                T = s[r_i] + rtt + rng.randint(50, 5000)
                segs = [seg(s[i], i, T_OTHER) for i in range(n) if s[i] < T]
                acks = self.receiver(segs, rtt, sseq, sseq)
                ack_events([a for a in acks if a[0] < T])
                rcv = max([a[1] for a in acks if a[0] < T] or [sseq])
                add((T, C, RST | ACK, cseq, rcv, cwin, OPT_TS, None, 0, 0, None, T_RST))
                for x in segs:
                    if x[0] > T - rtt:
                        add((x[0] + rtt, C, RST, cseq, 0, 0, OPT_NONE, None, 0, 0, None, T_RST))
                return E
            elif variant == K_RSTS:
                r_i = rng.randint(3, n - 5)
                T = s[r_i] + g
                segs = [seg(s[i], i, T_OTHER) for i in range(r_i + 1)]
                acks = self.receiver(segs, rtt, sseq, sseq)
                end_r = segs[-1][2]
                add((T, S, RST | ACK, end_r, cseq, swin, OPT_TS, None, 0, 0, None, T_RST))
                for a in acks:
                    if a[0] < T + rtt:
                        add((a[0], C, ACK, cseq, a[1], cwin, OPT_TS, None, 0, 0, None, T_OTHER))
                        if a[0] >= T:
                            add((a[0] + dly, S, RST, a[1], 0, 0, OPT_NONE, None, 0, 0, None, T_RST))
                return E
            else:
                segs = [seg(s[i], i, T_OTHER) for i in range(n)]
                acks = self.receiver(segs, rtt, sseq, sseq)
                ack_events(acks)
            sseq += L
            t_done = max(E[-1][0], last_sent + rtt)
            for e in E:
                if e[1] == C and e[0] > t_done:
                    t_done = e[0]
            if not last_resp:
                t_req = t_done + self.loguni(200, 300_000)
        # Idle keep-alives.
        if kind == K_KA:
            interval = rng.choice((3, 5, 10, 15)) * 1_000_000
            tk = t_done
            ka_len = 1 if cli.windows else 0
            for _ in range(rng.randint(2, 5)):
                tk += interval + rng.randint(0, 3000)
                add((tk, C, ACK, cseq - 1, sseq, cwin, OPT_TS, b"\x00", 0, ka_len, None, T_KA))
                add((tk + dly, S, ACK, sseq, cseq, swin, OPT_TS, None, 0, 0, None, T_KAA))
            t_done = tk + dly
        # Close.
        if server_closes:
            tf = last_sent + rng.randint(5, 60)
            add((tf, S, FIN | ACK, sseq, cseq, swin, OPT_TS, None, 0, 0, None, T_OTHER))
            ta = tf + rtt
            add((ta, C, ACK, cseq, sseq + 1, cwin, OPT_TS, None, 0, 0, None, T_OTHER))
            tcf = ta + rng.randint(30, 3000)
            add((tcf, C, FIN | ACK, cseq, sseq + 1, cwin, OPT_TS, None, 0, 0, None, T_OTHER))
            add((tcf + dly, S, ACK, sseq + 1, cseq + 1, swin, OPT_TS, None, 0, 0, None, T_OTHER))
        else:
            tcf = t_done + self.loguni(100, 50_000)
            add((tcf, C, FIN | ACK, cseq, sseq, cwin, OPT_TS, None, 0, 0, None, T_OTHER))
            add((tcf + dly, S, FIN | ACK, sseq, cseq + 1, swin, OPT_TS, None, 0, 0, None, T_OTHER))
            add((tcf + dly + rtt, C, ACK, cseq + 1, sseq + 1, cwin, OPT_TS, None, 0, 0, None, T_OTHER))
        return E

    # ------------------------------------------------------------ the run
    def run(self, npackets, out):
        rng = self.rng
        buf = bytearray(8 << 20)
        mv = memoryview(buf)
        limit = len(buf) - 4096
        zeros = bytes(64)
        pos = 0
        count = 0
        tags = [0] * len(TAG_NAMES)
        fam = {"ipv4": 0, "ipv6": 0, "vlan": 0, "tcp": 0, "udp": 0, "icmp": 0}
        st = {"frames_lt_64": 0, "frames_1514_1518": 0}
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))

        def emit_raw(t, frame, tag):
            nonlocal pos, count
            if pos > limit:
                out.write(mv[:pos])
                pos = 0
            fl = len(frame)
            S_PCAP(buf, pos, T0 + t // 1_000_000, t % 1_000_000, fl, fl)
            buf[pos + 16:pos + 16 + fl] = frame
            pos += 16 + fl
            count += 1
            tags[tag] += 1

        def icmp_unreach(c, t):
            syn = c.synip
            srv_eth = c.eth[1]
            if c.v6:
                l4 = struct.pack(">BBHI", 1, 4, 0, 0) + syn
                f = gen.frame6(srv_eth, c.dst[0], c.src[0], 58, 64, l4, 2)
            else:
                l4 = struct.pack(">BBHI", 3, 3, 0, 0) + syn
                f = gen.frame4(srv_eth, c.dst[0], c.src[0], 1, 64, l4, 2, False)
            emit_raw(t, f, T_UNREACH)

        gen = self

        def emit_tcp(c, ev):
            nonlocal pos, count
            t, d, flags, seq, ack, win, opt, psrc, poff, plen, extra, tag = ev
            if opt == OPT_ICMP_UNREACH:
                if c.synip is not None:
                    icmp_unreach(c, t)
                return
            if pos > limit:
                out.write(mv[:pos])
                pos = 0
            p = pos
            eth = c.eth[d]
            el = len(eth)
            ip = p + 16 + el
            buf[p + 16:ip] = eth
            thl = TCP_HDR_LEN[opt]
            tcplen = thl + plen
            if c.v6:
                S_IP6(buf, ip, c.fw[d], tcplen, 6, c.ttl[d], c.src[d], c.dst[d])
                th = ip + 40
            else:
                iplen = 20 + tcplen
                ipid = c.ipid[d] = (c.ipid[d] + 1) & 0xFFFF
                cs = c.ipc[d] + iplen + ipid
                cs = (cs & 0xFFFF) + (cs >> 16)
                cs = (cs & 0xFFFF) + (cs >> 16)
                S_IP4(buf, ip, 0x45, 0, iplen, ipid, 0x4000, c.ttl[d], 6, 0xFFFF ^ cs, c.src[d], c.dst[d])
                th = ip + 20
            ports = c.ports
            sp = ports[d]
            dp = ports[1 - d]
            seqa = (seq + c.isn[d]) & M32
            acka = (ack + c.isn[1 - d]) & M32 if flags & ACK else 0
            offfl = (thl << 10) | flags
            if opt == OPT_TS or opt == OPT_SACK:
                tsv = t // 1000 + c.tsoff[d]
                if d == 0:
                    ecr = (t - c.rtt) // 1000 + c.tsoff[1]
                    if ecr > c.lastts[1]:
                        ecr = c.lastts[1]
                else:
                    ecr = c.lastts[0]
                c.lastts[d] = tsv
                if opt == OPT_TS:
                    S_TCPTS(buf, th, sp, dp, seqa, acka, offfl, win, 0, 0, 0x0101, 0x080A,
                            tsv & M32, ecr & M32)
                else:
                    S_TCPSACK(buf, th, sp, dp, seqa, acka, offfl, win, 0, 0, 0x0101, 0x080A,
                              tsv & M32, ecr & M32, 0x0101, 0x050A,
                              (extra[0] + c.isn[1]) & M32, (extra[1] + c.isn[1]) & M32)
            elif opt == OPT_SYN:
                tsv = t // 1000 + c.tsoff[d]
                ecr = c.lastts[0] if d == 1 else 0
                c.lastts[d] = tsv
                S_TCPSYN(buf, th, sp, dp, seqa, acka, offfl, win, 0, 0, 0x0204, extra[0], 0x0402,
                         0x080A, tsv & M32, ecr & M32, 0x01030300 | extra[1])
            else:
                S_TCP0(buf, th, sp, dp, seqa, acka, offfl, win, 0, 0)
            end = th + tcplen
            if plen:
                buf[th + thl:end] = psrc[poff:poff + plen]
            s = int.from_bytes(mv[th:end], "big")
            if tcplen & 1:
                s <<= 8
            s = (s + c.pseudo[d] + tcplen) % 0xFFFF
            S_H(buf, th + 16, 0xFFFF - s if s else 0)
            fl = end - p - 16
            if fl < 60:
                buf[end:p + 76] = zeros[:60 - fl]
                fl = 60
            S_PCAP(buf, p, T0 + t // 1_000_000, t % 1_000_000, fl, fl)
            if opt == OPT_SYN and d == 0 and c.synip is None:
                c.synip = bytes(buf[ip:end])
            pos = p + 16 + fl
            count += 1
            tags[tag] += 1

        # Arrival processes.
        lam = self.rate
        clients = self.clients
        servers = self.servers
        ncli = len(clients)
        nsrv = len(servers)
        kind_cum = self.kind_cum
        new_entries = []
        uid = [1]

        def spawn_tcp(t):
            cli = clients[int(ncli * rng.random() ** 1.6)]
            srv = servers[int(nsrv * rng.random() ** 1.4)]
            u = rng.random()
            kind = 0
            while kind < len(kind_cum) - 1 and u >= kind_cum[kind]:
                kind += 1
            self.kind_count[kind] += 1
            t_conn = t
            if rng.random() < 0.3:
                flow, dt = self.dns_flow(t, cli, srv)
                new_entries.append(flow)
                t_conn = t + dt + rng.randint(50, 500)
            new_entries.append(self.new_tcp(t_conn, cli, srv, kind))
            return t + max(1, int(rng.expovariate(lam) * 1_000_000))

        ping_seq = [0]

        def spawn_ping(t):
            k = ping_seq[0]
            ping_seq[0] += 1
            srv_i = k % (nsrv + 8)
            if srv_i < nsrv:
                new_entries.append(self.ping_flow(t, servers[srv_i], k // (nsrv + 8), False))
            else:
                new_entries.append(self.ping_flow(t, servers[srv_i - nsrv], k // (nsrv + 8), True))
            return t + 1_000_000 // (nsrv + 8)

        heap = [(0, 0, Spawner(spawn_tcp)), (1000, 1, Spawner(spawn_ping))]
        uid[0] = 2
        heappop, heappush, heapreplace = heapq.heappop, heapq.heappush, heapq.heapreplace
        last_t = 0
        while count < npackets:
            t, u, o = heap[0]
            raw = o.raw
            if raw is None:
                nt = o.fn(t)
                heapreplace(heap, (nt, u, o))
                for e in new_entries:
                    heappush(heap, (e.events[0][0], uid[0], e))
                    uid[0] += 1
                new_entries.clear()
                continue
            ev = o.events[o.i]
            o.i += 1
            if raw:
                emit_raw(ev[0], ev[1], ev[2])
            else:
                emit_tcp(o, ev)
            last_t = t
            if o.i < len(o.events):
                heapreplace(heap, (o.events[o.i][0], u, o))
            else:
                heappop(heap)
        out.write(mv[:pos])
        self.duration_us = last_t
        return tags


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packets", type=int, required=True, help="number of packets to write")
    ap.add_argument("--seed", type=int, required=True, help="random seed (same seed, same file)")
    ap.add_argument("-o", "--output", required=True, help="output pcap path")
    ap.add_argument("--rate", type=float, default=250.0, help="new TCP connections per second (default 250)")
    ap.add_argument("--clients", type=int, default=5000, help="number of clients (default 5000)")
    ap.add_argument("--servers", type=int, default=32, help="number of servers (default 32, at most 200)")
    ap.add_argument("--stats", help="write the generator's counters as JSON to this file")
    a = ap.parse_args()
    if a.packets < 1 or not (1 <= a.servers <= 200) or a.clients < 1:
        ap.error("bad --packets/--servers/--clients")
    started = time.monotonic()
    g = Generator(a.seed, a.rate, a.clients, a.servers)
    with open(a.output, "wb", buffering=1 << 20) as f:
        tags = g.run(a.packets, f)
        size = f.tell()
    elapsed = time.monotonic() - started
    stats = {
        "packets": a.packets,
        "seed": a.seed,
        "bytes": size,
        "seconds_to_generate": round(elapsed, 2),
        "trace_duration_s": round(g.duration_us / 1e6, 3),
        "tcp_connections_started": dict(zip((k for k, _ in KINDS), g.kind_count)),
        "packets_by_tag": dict(zip(TAG_NAMES, tags)),
    }
    if a.stats:
        with open(a.stats, "w") as f:
            json.dump(stats, f, indent=2)
            f.write("\n")
    print("wrote %s: %d packets, %d bytes, %.1f s of traffic, in %.1f s (%.0f packets/s)"
          % (a.output, a.packets, size, g.duration_us / 1e6, elapsed, a.packets / elapsed), file=sys.stderr)


if __name__ == "__main__":
    main()
