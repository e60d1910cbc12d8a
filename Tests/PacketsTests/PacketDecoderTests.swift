import Capture
import Foundation
import Packets
import TestSupport
import XCTest

final class PacketDecoderTests: XCTestCase {
    func packets(_ path: String) throws -> [Packet] {
        let trace = try TraceFile(path: path)
        var reader = trace.makeReader()
        var out: [Packet] = []
        // Keep the trace alive while packets borrow its bytes.
        while let f = reader.next() { out.append(PacketDecoder.decode(f)) }
        withExtendedLifetime(trace) {}
        return out
    }

    func testRefusedSYNInLabBasicCapture() throws {
        let trace = try TraceFile(path: Fixtures.lab("basic/client.pcap"))
        var reader = trace.makeReader()
        var frames: [Packet] = []
        while let f = reader.next() { frames.append(PacketDecoder.decode(f)) }
        // Frame 11: SYN 10.0.1.10:40002 → 10.0.2.20:8081 with MSS 1460, SACK_PERM, TS, WS shift 10.
        let syn = frames[10]
        XCTAssertEqual(syn.ip?.source, IPAddress("10.0.1.10"))
        XCTAssertEqual(syn.ip?.destination, IPAddress("10.0.2.20"))
        XCTAssertEqual(syn.ip?.ttl, 64)
        XCTAssertEqual(syn.tcp?.sourcePort, 40002)
        XCTAssertEqual(syn.tcp?.destinationPort, 8081)
        XCTAssertEqual(syn.tcp?.flags, [.syn])
        XCTAssertEqual(syn.tcp?.options.mss, 1460)
        XCTAssertEqual(syn.tcp?.options.windowScale, 10)
        XCTAssertEqual(syn.tcp?.options.sackPermitted, true)
        XCTAssertNotNil(syn.tcp?.options.timestampValue)
        XCTAssertEqual(syn.tcp?.options.kinds.all, [2, 4, 8, 1, 3])
        // Frame 12: the server kernel's RST/ACK, one router hop away (TTL 63), ack = ISN + 1.
        let rst = frames[11]
        XCTAssertEqual(rst.ip?.ttl, 63)
        XCTAssertEqual(rst.tcp?.flags, [.rst, .ack])
        XCTAssertEqual(rst.tcp?.acknowledgementNumber, syn.tcp!.sequenceNumber &+ 1)
        XCTAssertEqual(rst.tcp?.segmentLength, 0)
        XCTAssertEqual(rst.frame.originalLength, 54)
        // Frame 4: 15 bytes of request payload.
        XCTAssertEqual(frames[3].tcp?.segmentLength, 15)
        XCTAssertEqual(frames[3].capturedPayloadLength, 15)
        // NOP, NOP, timestamps (the decoder's shortcut): tshark's tcp.option_kind 1,1,8 and values.
        XCTAssertEqual(frames[3].tcp?.options.kinds.all, [1, 1, 8])
        XCTAssertEqual(frames[3].tcp?.options.timestampValue, 1_591_062_703)
        XCTAssertEqual(frames[3].tcp?.options.timestampEchoReply, 2_672_896_096)
        XCTAssertEqual(frames[3].ethernet?.source.description, "02:00:00:00:01:10")
        XCTAssertTrue(frames.allSatisfy { $0.problems.isEmpty })
    }

    func testForgedResetHasTTL64AmongTTL127() throws {
        let trace = try TraceFile(path: Fixtures.lab("forged-rst/client.pcap"))
        var reader = trace.makeReader()
        var ttlsFromServer: [Int: UInt8] = [:]
        while let f = reader.next() {
            let p = PacketDecoder.decode(f)
            if let ip = p.ip, ip.source == IPAddress("10.0.2.20") || p.tcp?.flags.contains(.rst) == true {
                ttlsFromServer[f.number] = ip.ttl
            }
        }
        XCTAssertEqual(ttlsFromServer[12], 64, "the forged RST/ACK (frame 12) carries the router's TTL")
        XCTAssertEqual(ttlsFromServer[14], 127, "the genuine RST (frame 14) comes from the TTL-128 server one hop away")
    }

    func testOffloadFramesLargerThanMTU() throws {
        let trace = try TraceFile(path: Fixtures.lab("offload/server.pcap"))
        var reader = trace.makeReader()
        var lengths: [Int: Int] = [:]
        while let f = reader.next() { lengths[f.number] = PacketDecoder.decode(f).tcp?.segmentLength }
        XCTAssertEqual(lengths[6], 7240)
        XCTAssertEqual(lengths[10], 14480)
    }

    func testAddressTextBothWays() {
        XCTAssertEqual(IPAddress("192.4.4.4")?.description, "192.4.4.4")
        XCTAssertEqual(IPAddress("2001:db8:0:0:1:0:0:1")?.description, "2001:db8::1:0:0:1")
        XCTAssertEqual(IPAddress("::1")?.description, "::1")
        XCTAssertEqual(IPAddress("fe80::")?.description, "fe80::")
        XCTAssertEqual(IPAddress("::ffff:10.1.1.1")?.description, "::ffff:10.1.1.1")
        XCTAssertEqual(IPAddress("0.0.0.0")?.description, "0.0.0.0")
        XCTAssertEqual(IPAddress("255.255.255.255")?.description, "255.255.255.255")
        XCTAssertEqual(IPAddress("10.100.9.0").map { Endpoint($0, 65535).description }, "10.100.9.0:65535")
        XCTAssertEqual(IPAddress("1.2.3.4").map { Endpoint($0, 0).description }, "1.2.3.4:0")
        XCTAssertEqual(IPAddress("2001:db8::1").map { Endpoint($0, 443).description }, "[2001:db8::1]:443")
        XCTAssertEqual(MACAddress(0xFF_0A_00_10_C0_01).description, "ff:0a:00:10:c0:01")
        XCTAssertNil(IPAddress("10.1.1"))
        XCTAssertNil(IPAddress("10.1.1.256"))
        XCTAssertNil(IPAddress("1::2::3"))
        XCTAssertEqual(Endpoint(IPAddress("2001:db8::1")!, 443).description, "[2001:db8::1]:443")
    }

    /// IPv6 text as glibc's inet_ntop writes it (RFC 5952: longest zero run, first of equals,
    /// lowercase), for addresses with many zero groups; glibc's dotted form of the deprecated
    /// IPv4-compatible ::a.b.c.d is left out (Wireshark prints those in hex).
    func testIPv6TextAgreesWithInetNtop() {
        var g = SystemRandomNumberGenerator()
        var compared = 0
        for _ in 0..<50_000 {
            var words = (0..<8).map { _ in Bool.random(using: &g) ? UInt16(0) : UInt16.random(in: 1...UInt16.max, using: &g) }
            if Int.random(in: 0..<20, using: &g) == 0 { words = [0, 0, 0, 0, 0, 0xFFFF, words[6], words[7]] }
            if words[0..<6].allSatisfy({ $0 == 0 }) && words[6] != 0 { continue }
            let hi = words[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
            let lo = words[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
            var bytes = [UInt8]()
            for w in words { bytes += [UInt8(w >> 8), UInt8(w & 0xFF)] }
            var text = [CChar](repeating: 0, count: 64)
            XCTAssertNotNil(inet_ntop(AF_INET6, bytes, &text, 64))
            let expected = String(cString: text)
            XCTAssertEqual(IPAddress.v6(hi, lo).description, expected)
            XCTAssertEqual(Endpoint(.v6(hi, lo), 8080).description, "[\(expected)]:8080")
            XCTAssertEqual(IPAddress(expected), .v6(hi, lo))
            compared += 1
        }
        XCTAssertGreaterThan(compared, 40_000)
    }

    /// Ethernet/IPv4/TCP frames with random payloads of every length 0–64 and some long ones:
    /// the checksum the test computes the plain way (16-bit big-endian words) is accepted, and
    /// any single flipped bit is not.
    func testTCPChecksumOfEveryLengthAndAFlippedBit() {
        var g = SystemRandomNumberGenerator()
        for payloadLength in Array(0...64) + [1447, 1448, 1459, 8951] {
            let tcpLength = 32 + payloadLength
            var f = [UInt8](repeating: 0, count: 14 + 20 + tcpLength)
            f[12] = 0x08; f[13] = 0x00
            f[14] = 0x45; f[16] = UInt8((20 + tcpLength) >> 8); f[17] = UInt8((20 + tcpLength) & 0xFF); f[22] = 64; f[23] = 6
            for i in 26..<34 { f[i] = UInt8.random(in: 0...255, using: &g) }
            for i in 34..<f.count { f[i] = UInt8.random(in: 0...255, using: &g) }
            f[46] = 0x80 // data offset 8 words
            f[50] = 0; f[51] = 0
            // Pseudo header plus segment, 16-bit big-endian words, the last byte padded.
            var sum = 6 + tcpLength
            for i in stride(from: 26, to: 34, by: 2) { sum += Int(f[i]) << 8 | Int(f[i + 1]) }
            for i in stride(from: 34, to: f.count, by: 2) { sum += Int(f[i]) << 8 | (i + 1 < f.count ? Int(f[i + 1]) : 0) }
            while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
            let checksum = ~UInt16(sum)
            f[50] = UInt8(checksum >> 8); f[51] = UInt8(checksum & 0xFF)
            func valid(_ bytes: [UInt8]) -> Bool? {
                bytes.withUnsafeBytes { raw in
                    Checksum.tcpIsValid(PacketDecoder.decode(Frame(
                        number: 1, timestamp: Timestamp(nanoseconds: 0), capturedLength: raw.count, originalLength: raw.count,
                        linkType: .ethernet, interfaceID: 0, bytes: raw)))
                }
            }
            XCTAssertEqual(valid(f), true, "payload \(payloadLength)")
            var flipped = f
            var at = Int.random(in: 34..<f.count, using: &g)
            if at == 46 { at = 47 } // not the data offset: that changes what is read as payload
            flipped[at] ^= 1 << UInt8.random(in: 0...7, using: &g)
            XCTAssertEqual(valid(flipped), false, "payload \(payloadLength), byte \(at)")
        }
    }

    func testInfoColumnFlagNames() {
        XCTAssertEqual(InfoColumn.flags([.fin, .psh, .ack]), "FIN, PSH, ACK")
        XCTAssertEqual(InfoColumn.flags([.syn, .ack, .ece, .cwr]), "SYN, ACK, ECE, CWR")
        XCTAssertEqual(InfoColumn.flags([]), "<None>")
    }
}
