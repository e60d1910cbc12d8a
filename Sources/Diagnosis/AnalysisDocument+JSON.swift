/// The analysis document written with ``JSONOutput``, keys in sorted order (the same document
/// `JSONDecoder` reads back through the Codable conformance).
extension AnalysisDocument {
    public func write(to out: inout JSONOutput) throws {
        try writeDocument(to: &out, connections: connections)
    }

    /// The document with its `connections` part taken from `connections` instead of the stored
    /// array: the entries are made one at a time from the traces' stores, so tens of thousands of
    /// them are streamed without being held.
    public func write(to out: inout JSONOutput, connections: DocumentBuilder.ConnectionEntries) throws {
        try writeDocument(to: &out, connections: connections)
    }

    /// The body of both writers, specialized for each sequence type here in the module.
    private func writeDocument<C: Sequence<ConnectionEntry>>(to out: inout JSONOutput, connections: C) throws {
        try out.object { o in
            o.field("cache_key", cacheKey)
            o.key("case")
            try o.object { c in c.field("id", `case`.id); c.field("title", `case`.title) }
            o.field("casebook_version", casebookVersion)
            o.key("clock_offsets")
            try o.array(clockOffsets) { out, x in
                try out.object { o in
                    o.field("basis", x.basis)
                    o.field("client_side", x.clientSide); o.field("offset_s", x.offsetS); o.field("samples", x.samples)
                    if let st = x.stated { o.field("stated", st) }
                    o.field("trace_a", x.traceA); o.field("trace_b", x.traceB); o.field("uncertainty_s", x.uncertaintyS)
                }
            }
            o.key("connections")
            try o.array(connections) { try $1.write(to: &$0) }
            o.key("findings")
            try o.array(findings) { try $1.write(to: &$0) }
            o.key("hosts")
            try o.array(hosts) { try $1.write(to: &$0) }
            o.key("matches")
            try o.array(matches) { out, x in
                try out.object { o in
                    o.field("client_side", x.clientSide)
                    try o.frames("created_between", x.createdBetween)
                    o.field("evidence", x.evidence)
                    if let ids = x.ipIDs { o.key("ip_ids"); try o.array(ids) { try $1.write(to: &$0) } }
                    try o.frames("lost_between", x.lostBetween)
                    o.field("method", x.method); o.field("stream_a", x.streamA)
                    o.field("stream_b", x.streamB); o.field("trace_a", x.traceA); o.field("trace_b", x.traceB)
                }
            }
            o.key("traces")
            try o.array(traces) { try $1.write(to: &$0) }
            o.key("vantage_delays")
            try o.array(vantageDelays) { try $1.write(to: &$0) }
        }
    }
}

extension AnalysisDocument.TraceEntry {
    func write(to out: inout JSONOutput) throws {
        try out.object { o in
            try o.field("decode_problems", decodeProblems)
            o.field("first_time", firstTime)
            o.field("format", format)
            o.field("last_time", lastTime)
            try o.field("link_types", linkTypes)
            o.field("name", name)
            o.field("packets", packets)
            try o.field("problems", problems)
            o.field("sha256", sha256)
            o.field("tcp_connections", tcpConnections)
            o.field("vantage", vantage)
        }
    }
}

extension AnalysisDocument.HostEntry {
    func write(to out: inout JSONOutput) throws {
        try out.object { o in
            o.field("address", address)
            o.field("alias", alias)
            o.key("seen")
            try o.array(seen) { out, s in
                try out.object { o in
                    o.field("hops", s.hops)
                    o.field("initial_ttl", s.initialTTL)
                    o.field("ip_id", s.ipID)
                    try o.field("macs", s.macs)
                    o.field("packets", s.packets)
                    o.field("trace", s.trace)
                    o.field("ttl", s.ttl)
                    try o.field("ttls", s.ttls)
                }
            }
        }
    }
}

extension AnalysisDocument.ConnectionEntry {
    func write(to out: inout JSONOutput) throws {
        try out.object { o in
            if let r = ackRTTms {
                o.key("ack_rtt_ms")
                try o.object { o in o.field("max", r.max); o.field("mean", r.mean); o.field("min", r.min); o.field("samples", r.samples) }
            }
            o.field("bytes", bytes)
            o.field("client", client)
            if let c = close {
                o.key("close")
                try o.object { o in
                    o.field("after_last_data_s", c.afterLastDataS); o.field("by", c.by); o.field("frame", c.frame); o.field("kind", c.kind)
                }
            }
            o.field("duration_s", durationS)
            o.field("first_frame", firstFrame)
            o.field("handshake_rtt_ms", handshakeRTTms)
            o.field("history", history)
            o.field("initial_rtt_ms", initialRTTms)
            o.field("last_frame", lastFrame)
            o.field("max_idle_s", maxIdleS)
            o.field("packets", packets)
            o.field("server", server)
            o.field("start_time", startTime)
            o.field("state", state)
            o.field("stream", stream)
            o.field("syn_retransmissions", synRetransmissions)
            o.field("syn_to_synack_ms", synToSynAckMs)
            o.field("synack_to_ack_ms", synAckToAckMs)
            o.key("to_client")
            try toClient.write(to: &o)
            o.key("to_server")
            try toServer.write(to: &o)
            o.field("trace", trace)
        }
    }
}

extension AnalysisDocument.Direction {
    func write(to out: inout JSONOutput) throws {
        try out.object { o in
            o.field("acked_unseen", ackedUnseen)
            o.field("bytes", bytes)
            o.field("challenge_acks", challengeAcks)
            o.field("duplicate_acks", duplicateAcks)
            o.field("ecn", ecn)
            o.field("isn", isn)
            o.field("keep_alives", keepAlives)
            o.field("lost_segments", lostSegments)
            o.field("max_segment", maxSegment)
            o.field("max_window", maxWindow)
            o.field("mss", mss)
            o.field("out_of_order", outOfOrder)
            o.field("packets", packets)
            o.field("retransmissions", retransmissions)
            o.field("retransmitted_bytes", retransmittedBytes)
            o.field("sack_permitted", sackPermitted)
            o.field("timestamps", timestamps)
            o.field("window_scale", windowScale)
            o.field("zero_windows", zeroWindows)
        }
    }
}

extension Finding {
    func write(to out: inout JSONOutput) throws {
        try out.object { o in
            o.field("confidence", confidence)
            o.key("connections")
            try o.array(connections) { out, c in
                try out.object { o in o.field("client", c.client); o.field("server", c.server); o.field("stream", c.stream); o.field("trace", c.trace) }
            }
            o.field("display_filter", displayFilter)
            o.key("evidence")
            try o.array(evidence) { out, e in
                try out.object { o in try o.field("fields", e.fields); o.field("frame", e.frame); o.field("text", e.text); o.field("trace", e.trace) }
            }
            o.field("id", id)
            try o.field("next_steps", nextSteps)
            o.field("plain", plain)
            o.field("severity", severity)
            o.field("technical", technical)
            o.field("title", title)
            try o.field("would_disprove", wouldDisprove)
        }
    }
}

extension JSONOutput {
    /// `"key" : [{frame, trace}, …]`, left out when nil.
    mutating func frames(_ key: StaticString, _ refs: [AnalysisDocument.FrameRef]?) throws {
        guard let refs else { return }
        self.key(key)
        try array(refs) { out, f in try out.object { o in o.field("frame", f.frame); o.field("trace", f.trace) } }
    }
}
