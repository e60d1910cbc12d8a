import Capture
import Packets

/// The notable packets a connection's segments add to the trace's events: handshakes answered
/// from an unexpected address, resets, and payload, checksum and size observations.
extension ConnectionTracker {
    /// SYNs remembered (two generations of ``synMemory`` seconds), SYN/ACKs that answer one from
    /// another address, the client's reset of such a SYN/ACK, and every RST.
    mutating func noteHandshake(_ r: SegmentRecord, conn: Connection, key: ConversationKey, direction d: Int) {
        let fl = r.flags
        if fl.contains(.syn) && !fl.contains(.ack) {
            let current = synGenerationStart.map { Timestamp.interval(from: $0, to: r.time) < Self.synMemory } ?? false
            if !current || recentSYNs.count >= 200_000 {
                olderSYNs = recentSYNs
                recentSYNs = [:]
                synGenerationStart = r.time
            }
            recentSYNs[SYNKey(clientPort: r.source.port, serverPort: r.destination.port, ackExpected: r.seq &+ 1)] = r
        } else if fl.contains(.syn) && fl.contains(.ack), conn.lastPureSYNSeq[1 - d] == nil,
                  let syn = recentSYN(SYNKey(clientPort: r.destination.port, serverPort: r.source.port, ackExpected: r.ack)),
                  syn.source.address == r.destination.address, syn.destination.address != r.source.address,
                  pendingUnexpected[key]?.ack != r.ack, events.unexpectedSynAcks.count < TraceEvents.limit {
            // A new incident (another ISN) on these ports gets its own record.
            pendingUnexpected[key] = (r.ack, events.unexpectedSynAcks.count)
            events.unexpectedSynAcks.append(UnexpectedSynAck(syn: syn, synAck: r, clientReset: nil, synAckFrames: [r.frame]))
        } else if fl.contains(.syn) && fl.contains(.ack), let (ack, i) = pendingUnexpected[key], ack == r.ack,
                  events.unexpectedSynAcks[i].synAckFrames.count < 64 {
            events.unexpectedSynAcks[i].synAckFrames.append(r.frame)
        } else if fl.contains(.rst), let i = pendingUnexpected[key]?.index, events.unexpectedSynAcks[i].clientReset == nil,
                  r.source == events.unexpectedSynAcks[i].syn.source {
            events.unexpectedSynAcks[i].clientReset = r
        }
        if fl.contains(.rst) && events.resets.count < TraceEvents.limit { events.resets.append(r) }
    }

    func recentSYN(_ k: SYNKey) -> SegmentRecord? { recentSYNs[k] ?? olderSYNs[k] }

    /// Payload, checksum and size observations for one segment.
    /// (`inout` only so the packet is not copied to be passed; it is not changed.)
    mutating func inspect(_ p: inout Packet, _ tcp: TCPHeader, _ ip: IPHeader, record: () -> SegmentRecord, conn: Connection,
                          host: HostRecord, direction d: Int) {
        let clientDir = conn.firstPureSYNDirection ?? conn.origin
        if tcp.segmentLength > 0 && p.capturedPayloadLength > 0 {
            if d == clientDir { conn.app.clientPayload(p.payload, frame: p.frame.number, time: p.frame.timestamp) }
            else { conn.app.serverPayload(p.payload, frame: p.frame.number) }
        }
        // Larger than an Ethernet MTU allows on the wire: segmentation/receive offload.
        // (Loopback carries 64 KiB segments by design: not an offload artifact.)
        let oversized = !ip.source.isLoopback && (ip.totalLength > 1500 || p.problems.contains(.ipLengthZeroAssumeTSO))
        if oversized {
            events.oversizedCount += 1
            if events.oversized.count < 20 { events.oversized.append(record()) }
        }
        // A sample: the first four segments of each direction, and every oversized one; a sender
        // whose first 64 sampled checksums were all correct is not sampled further (only as many
        // wrong ones later could bring it to the offload rule's half-bad threshold, and a busy
        // server's segments cost ~1% of the analysis).
        let settledClean = host.checksums.checked >= 64 && host.checksums.bad == 0
        if (conn.checksumSamples[d] < 4 && !settledClean) || oversized {
            conn.checksumSamples.set(d, conn.checksumSamples[d] + 1)
            if let ok = Checksum.tcpIsValid(p) {
                // Kept in the sender's host record (no hash lookup); gathered by `finish()`.
                host.checksums.checked += 1
                if !ok {
                    host.checksums.bad += 1
                    if host.checksums.firstBadFrames.count < 5 { host.checksums.firstBadFrames.append(p.frame.number) }
                }
            }
        }
    }
}
