#!/usr/bin/env python3
"""Small TCP endpoints for the casebook capture lab.

Run inside a network namespace by the scenario scripts (see lib.sh). Every
command bounds itself in time; servers exit after --lifetime seconds.

  server       line server: for each connection read one line, answer
               "OK <line>", then close after the peer closes (clean FIN close)
  client       connect (optionally from a fixed source port), send one line,
               read the answer, close (FIN, or RST with --rst); reports the
               outcome (ok / refused / timeout / reset) on stdout
  hold         like client, but after the exchange waits until a trigger
               file exists, then closes abortively (SO_LINGER 0 -> RST)
  smtp-server  SMTP server that accepts EHLO/MAIL/RCPT/DATA but never
               answers the final "." of the DATA phase
  smtp-client  SMTP client that sends one message and gives up after
               --timeout seconds without the final reply
  bulk-server  send --bytes bytes to each client, then close
  bulk-client  read everything from a bulk-server
  upload-server read a "PUT <n>" line, answer "GO", read n bytes, answer "DONE"
  upload-client send "PUT <n>", wait for "GO", send n bytes, wait for "DONE";
               on timeout give up with an abortive close (RST)
  l2delay      layer-2 "bump in the wire": copy every Ethernet frame between
               two interfaces (AF_PACKET) after a fixed delay (tc netem stand-in)
  tls-server   TLS server (python ssl, certificate from files): handshake, read
               one line, answer "OK <line>", close after the peer closes
  tls-client   TLS client: connect from a fixed port, handshake (optionally
               TLS 1.2 only), send one line, read the answer, close; reports
               the outcome (ok / eof during handshake / reset / timeout)
  tproxy       TCP-terminating "firewall" (needs nft tproxy + policy routing in
               its namespace): accepts each intercepted connection itself, opens
               its own connection to the original destination from the
               client's address and port (IP_TRANSPARENT) and relays bytes.
               Connections from --inspect-from are "inspected": the server's
               first TLS flight is read but not relayed, and the proxy closes
               both sides itself (FIN to each).
"""
import argparse
import collections
import ipaddress
import select
import os
import ssl
import socket
import struct
import sys
import threading
import time


def out(*a):
    print(*a, flush=True)


def listen(port, backlog=16):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(backlog)
    return s


def serve_forever(ports, handler, lifetime):
    socks = [listen(p) for p in ports]
    deadline = time.time() + lifetime

    def acceptor(ls):
        ls.settimeout(0.2)
        while time.time() < deadline:
            try:
                c, addr = ls.accept()
            except socket.timeout:
                continue
            c.settimeout(max(1.0, deadline - time.time()))
            threading.Thread(target=guard, args=(handler, c, addr), daemon=True).start()

    def guard(h, c, addr):
        try:
            h(c, addr)
        except OSError as e:
            out("handler error", addr, e)
        finally:
            c.close()

    ts = [threading.Thread(target=acceptor, args=(ls,), daemon=True) for ls in socks]
    for t in ts:
        t.start()
    out("listening", ports)
    for t in ts:
        t.join()


def readline(c, limit=4096):
    buf = b""
    while not buf.endswith(b"\n") and len(buf) < limit:
        d = c.recv(1)
        if not d:
            break
        buf += d
    return buf


def read_until_eof(c):
    while True:
        d = c.recv(65536)
        if not d:
            return


# ---------------------------------------------------------------- line server
def cmd_server(a):
    def h(c, addr):
        line = readline(c)
        out("request from", addr, line)
        if line:
            c.sendall(b"OK " + line)
        read_until_eof(c)
    serve_forever(a.port, h, a.lifetime)


def make_client_socket(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.sport:
        s.bind((a.src or "0.0.0.0", a.sport))
    elif a.src:
        s.bind((a.src, 0))
    return s


def abortive(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def cmd_client(a):
    s = make_client_socket(a)
    s.settimeout(a.timeout)
    t0 = time.time()
    try:
        s.connect((a.dst, a.port))
    except ConnectionRefusedError:
        out("refused after %.3fs" % (time.time() - t0)); return
    except (socket.timeout, TimeoutError):
        out("timeout after %.3fs" % (time.time() - t0)); return
    except OSError as e:
        out("error %s after %.3fs" % (e, time.time() - t0)); return
    try:
        s.sendall(a.send.encode() + b"\n")
        reply = readline(s)
        out("ok reply=%r after %.3fs" % (reply, time.time() - t0))
        if a.pause:
            time.sleep(a.pause)
    except (socket.timeout, TimeoutError):
        out("reply timeout")
    except OSError as e:
        out("error", e)
    if a.rst:
        abortive(s)
    else:
        s.shutdown(socket.SHUT_WR)
        try:
            read_until_eof(s)
        except OSError:
            pass
        s.close()


def cmd_hold(a):
    s = make_client_socket(a)
    s.settimeout(a.timeout)
    s.connect((a.dst, a.port))
    s.sendall(a.send.encode() + b"\n")
    out("reply", readline(s))
    open(a.ready, "w").close()
    deadline = time.time() + a.timeout
    while not os.path.exists(a.trigger) and time.time() < deadline:
        time.sleep(0.05)
    abortive(s)
    out("closed abortively")


# ---------------------------------------------------------------------- SMTP
def cmd_smtp_server(a):
    def h(c, addr):
        f = c.makefile("rb")
        def say(t):
            c.sendall(t.encode() + b"\r\n")
        say("220 mail.example.test ESMTP casebook-lab")
        in_data = False
        while True:
            line = f.readline()
            if not line:
                out("client closed"); return
            if in_data:
                if line == b".\r\n":
                    out("end of DATA received; staying silent")
                    in_data = False
                    # never answer "250 queued": wait for the client to give up
                continue
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO") or cmd.startswith(b"HELO"):
                c.sendall(b"250-mail.example.test\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n")
            elif cmd.startswith(b"MAIL FROM"):
                say("250 2.1.0 Ok")
            elif cmd.startswith(b"RCPT TO"):
                say("250 2.1.5 Ok")
            elif cmd == b"DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                in_data = True
            elif cmd == b"QUIT":
                say("221 2.0.0 Bye"); return
            else:
                say("502 5.5.2 Error: command not recognized")
    serve_forever(a.port, h, a.lifetime)


def cmd_smtp_client(a):
    s = make_client_socket(a)
    s.settimeout(a.timeout)
    s.connect((a.dst, a.port[0]))
    f = s.makefile("rb")

    def reply():
        lines = []
        while True:
            l = f.readline()
            if not l:
                raise ConnectionError("closed")
            lines.append(l)
            if l[3:4] != b"-":
                return b"".join(lines)

    def send(t):
        s.sendall(t.encode() + b"\r\n")

    out(reply())
    for cmd in ["EHLO client.example.test", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@example.test>", "DATA"]:
        send(cmd)
        out(cmd, "->", reply())
    body = ("From: alice@example.test\r\nTo: bob@example.test\r\n"
            "Subject: casebook lab\r\n\r\nHello Bob,\r\nthis message is never confirmed.\r\n.")
    send(body)
    t0 = time.time()
    try:
        out("final reply", reply())
    except (socket.timeout, TimeoutError):
        out("no reply to end of DATA after %.3fs; giving up" % (time.time() - t0))
    s.close()


# ---------------------------------------------------------------------- bulk
def cmd_bulk_server(a):
    payload = bytes((i * 7) & 0xFF for i in range(a.bytes))

    def h(c, addr):
        readline(c)
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)
        read_until_eof(c)
    serve_forever(a.port, h, a.lifetime)


def cmd_bulk_client(a):
    s = make_client_socket(a)
    if a.rcvbuf:
        # A small receive buffer (set before connect, so the window scale stays small).
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    s.settimeout(a.timeout)
    s.connect((a.dst, a.port[0]))
    s.sendall(b"GET\n")
    if a.pause:
        # A reader that stops reading: the receive buffer fills and the window closes.
        time.sleep(a.pause)
    n = 0
    while True:
        d = s.recv(65536)
        if not d:
            break
        n += len(d)
    s.close()
    out("received", n)


# -------------------------------------------------------------------- upload
def cmd_upload_server(a):
    def h(c, addr):
        line = readline(c)
        n = int(line.split()[1])
        c.sendall(b"GO\n")
        got = 0
        while got < n:
            d = c.recv(65536)
            if not d:
                out("peer closed after", got); return
            got += len(d)
        c.sendall(b"DONE\n")
        read_until_eof(c)
    serve_forever(a.port, h, a.lifetime)


def cmd_upload_client(a):
    s = make_client_socket(a)
    s.settimeout(a.timeout)
    s.connect((a.dst, a.port[0]))
    s.sendall(b"PUT %d\n" % a.bytes)
    out("server says", readline(s))
    s.sendall(bytes((i * 13) & 0xFF for i in range(a.bytes)))
    t0 = time.time()
    try:
        out("server says", readline(s))
        s.close()
    except (socket.timeout, TimeoutError):
        out("upload not confirmed after %.3fs; giving up (RST)" % (time.time() - t0))
        abortive(s)


# ------------------------------------------------------------ layer-2 delay
def cmd_l2delay(a):
    """Copy frames between two interfaces after a fixed delay, both ways."""
    eth_p_all = 0x0003
    pkt_outgoing = 4
    socks = []
    for ifname in (a.if_a, a.if_b):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(eth_p_all))
        s.bind((ifname, 0))
        s.setblocking(False)
        socks.append(s)
    other = {socks[0]: socks[1], socks[1]: socks[0]}
    queues = {socks[0]: collections.deque(), socks[1]: collections.deque()}  # out socket -> (due, frame)
    delay = a.delay_ms / 1000.0
    deadline = time.monotonic() + a.lifetime
    n = 0
    out("relaying", a.if_a, "<->", a.if_b, "delay %.3f ms" % a.delay_ms)
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        due = [q[0][0] for q in queues.values() if q]
        timeout = max(0.0, min(due) - now) if due else min(0.2, deadline - now)
        r, _, _ = select.select(socks, [], [], timeout)
        now = time.monotonic()
        for s in r:
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == pkt_outgoing:
                    continue  # our own transmission on this interface
                queues[other[s]].append((now + delay, frame))
        now = time.monotonic()
        for s, q in queues.items():
            while q and q[0][0] <= now:
                s.send(q.popleft()[1])
                n += 1
    out("relayed", n, "frames")


# ----------------------------------------------------------------------- TLS
def cmd_tls_server(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    # treat a TCP FIN without close_notify as a plain close: no TLS alert is sent
    ctx.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)

    def h(c, addr):
        try:
            t = ctx.wrap_socket(c, server_side=True)
        except (ssl.SSLError, OSError) as e:
            out("handshake with", addr, "failed:", repr(e))
            return
        out("handshake with", addr, "ok", t.version(), t.cipher()[0])
        line = readline(t)
        out("request from", addr, line)
        if line:
            t.sendall(b"OK " + line)
        try:
            read_until_eof(t)
        except (ssl.SSLError, OSError):
            pass
        t.close()
    serve_forever(a.port, h, a.lifetime)


def cmd_tls_client(a):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
    if a.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    s = make_client_socket(a)
    s.settimeout(a.timeout)
    t0 = time.time()
    try:
        s.connect((a.dst, a.port))
    except OSError as e:
        out("connect error %r after %.3fs" % (e, time.time() - t0)); s.close(); return
    try:
        t = ctx.wrap_socket(s, server_hostname=a.sni)
    except ssl.SSLEOFError as e:
        out("EOF during TLS handshake after %.3fs: %r" % (time.time() - t0, e)); s.close(); return
    except (ssl.SSLError, OSError) as e:
        out("TLS handshake failed after %.3fs: %r" % (time.time() - t0, e)); s.close(); return
    out("handshake ok", t.version(), t.cipher()[0], "after %.3fs" % (time.time() - t0))
    try:
        t.sendall(a.send.encode() + b"\n")
        out("reply", readline(t))
    except (ssl.SSLError, OSError) as e:
        out("error", repr(e))
    t.close()


# --------------------------------------------------------- terminating proxy
IP_TRANSPARENT = getattr(socket, "IP_TRANSPARENT", 19)


def tls_first_flight_complete(buf):
    """True once buf holds complete TLS records ending the server's first
    flight: a ServerHelloDone (TLS 1.2) or any non-handshake record."""
    i = 0
    while i + 5 <= len(buf):
        rtype = buf[i]
        rlen = struct.unpack("!H", buf[i + 3:i + 5])[0]
        if i + 5 + rlen > len(buf):
            return False
        if rtype != 22:
            return True
        j = i + 5
        while j + 4 <= i + 5 + rlen:
            if buf[j] == 14:  # server_hello_done
                return True
            j += 4 + int.from_bytes(buf[j + 1:j + 4], "big")
        i += 5 + rlen
    return False


def cmd_tproxy(a):
    inspect_nets = [ipaddress.ip_network(n) for n in (a.inspect_from or [])]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
    if a.rcvbuf:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    ls.bind(("0.0.0.0", a.listen_port))
    ls.listen(16)
    ls.settimeout(0.2)
    deadline = time.time() + a.lifetime
    out("tproxy listening on", a.listen_port, "inspecting", [str(n) for n in inspect_nets])

    def handle(c, peer):
        orig = c.getsockname()  # the original destination (tproxy keeps it)
        inspect = any(ipaddress.ip_address(peer[0]) in n for n in inspect_nets)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
        if a.rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
        s.settimeout(5)
        try:
            s.bind(peer)  # keep the client's address and port
            s.connect(orig)
        except OSError as e:
            out("%.6f connect %s:%d -> %s:%d failed: %r" % (time.time(), peer[0], peer[1], orig[0], orig[1], e))
            c.close(); s.close(); return
        out("%.6f accepted %s:%d -> %s:%d, own connection open (%s)" % (
            time.time(), peer[0], peer[1], orig[0], orig[1], "inspect" if inspect else "relay"))
        c.setblocking(False)
        s.setblocking(False)
        peer_of = {c: s, s: c}
        open_in = {c, s}
        flight = b""
        end = time.time() + a.conn_timeout
        while open_in and time.time() < end:
            r, _, _ = select.select(list(open_in), [], [], 0.2)
            for x in r:
                try:
                    d = x.recv(65536)
                except BlockingIOError:
                    continue
                except OSError as e:
                    out("%.6f recv error %r" % (time.time(), e)); d = b""
                if not d:
                    open_in.discard(x)
                    try:
                        peer_of[x].shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                if inspect and x is s:
                    flight += d
                    if tls_first_flight_complete(flight):
                        out("%.6f server's first flight (%d bytes) not relayed; "
                            "closing both sides (TLS connection has to be closed)" % (time.time(), len(flight)))
                        c.close()
                        s.close()
                        return
                    continue
                peer_of[x].setblocking(True)
                peer_of[x].sendall(d)
                peer_of[x].setblocking(False)
        out("%.6f relay done %s:%d" % (time.time(), peer[0], peer[1]))
        c.close()
        s.close()

    while time.time() < deadline:
        try:
            c, peer = ls.accept()
        except socket.timeout:
            continue
        threading.Thread(target=handle, args=(c, peer), daemon=True).start()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp, client=False):
        sp.add_argument("--port", type=int, action="append", required=True)
        sp.add_argument("--lifetime", type=float, default=60)
        if client:
            sp.add_argument("--dst", required=True)
            sp.add_argument("--src")
            sp.add_argument("--sport", type=int)
            sp.add_argument("--timeout", type=float, default=10)
        return sp

    common(sub.add_parser("server")).set_defaults(f=cmd_server)
    c = common(sub.add_parser("client"), True)
    c.add_argument("--send", default="hello")
    c.add_argument("--rst", action="store_true")
    c.add_argument("--pause", type=float, default=0)
    c.set_defaults(f=lambda a: (setattr(a, "port", a.port[0]), cmd_client(a)))
    h = common(sub.add_parser("hold"), True)
    h.add_argument("--send", default="hello")
    h.add_argument("--ready", required=True)
    h.add_argument("--trigger", required=True)
    h.set_defaults(f=lambda a: (setattr(a, "port", a.port[0]), cmd_hold(a)))
    common(sub.add_parser("smtp-server")).set_defaults(f=cmd_smtp_server)
    common(sub.add_parser("smtp-client"), True).set_defaults(f=cmd_smtp_client)
    b = common(sub.add_parser("bulk-server"))
    b.add_argument("--bytes", type=int, default=30000)
    b.set_defaults(f=cmd_bulk_server)
    bc = common(sub.add_parser("bulk-client"), True)
    bc.add_argument("--pause", type=float, default=0, help="seconds to wait before reading")
    bc.add_argument("--rcvbuf", type=int, default=0, help="SO_RCVBUF in bytes (0: the kernel's default)")
    bc.set_defaults(f=cmd_bulk_client)
    common(sub.add_parser("upload-server")).set_defaults(f=cmd_upload_server)
    u = common(sub.add_parser("upload-client"), True)
    u.add_argument("--bytes", type=int, default=2896)
    u.set_defaults(f=cmd_upload_client)
    d = sub.add_parser("l2delay")
    d.add_argument("--if-a", required=True)
    d.add_argument("--if-b", required=True)
    d.add_argument("--delay-ms", type=float, required=True)
    d.add_argument("--lifetime", type=float, default=60)
    d.set_defaults(f=cmd_l2delay)
    ts = common(sub.add_parser("tls-server"))
    ts.add_argument("--cert", required=True)
    ts.add_argument("--key", required=True)
    ts.set_defaults(f=cmd_tls_server)
    tc = common(sub.add_parser("tls-client"), True)
    tc.add_argument("--send", default="hello")
    tc.add_argument("--sni", default="sip.example.test")
    tc.add_argument("--tls12", action="store_true")
    tc.set_defaults(f=lambda a: (setattr(a, "port", a.port[0]), cmd_tls_client(a)))
    tp = sub.add_parser("tproxy")
    tp.add_argument("--listen-port", type=int, required=True)
    tp.add_argument("--rcvbuf", type=int, default=0)
    tp.add_argument("--inspect-from", action="append")
    tp.add_argument("--conn-timeout", type=float, default=20)
    tp.add_argument("--lifetime", type=float, default=60)
    tp.set_defaults(f=cmd_tproxy)
    a = p.parse_args()
    a.f(a)


if __name__ == "__main__":
    main()
