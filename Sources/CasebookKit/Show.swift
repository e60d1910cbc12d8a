import CaseFile
import Capture
import Foundation
import Packets

extension Casebook {
    /// `casebook show CASE [--trace NAME] [--stream N] [--filter BPF]`: the packet list of each
    /// trace in the case (or one), streamed line by line to `emit`.
    public func show(case reference: String, trace: String?, stream: Int?, filter: String?,
                     colour: Bool, emit: (String) -> Void) throws(CasebookError) {
        let ws = try locate(reference)
        let manifest = try wrapped { try ws.loadManifest() }
        var traces = manifest.attachments.filter { $0.kind == .trace }
        if let trace {
            traces = traces.filter { $0.stored == trace || ($0.original as NSString).lastPathComponent == trace }
            if traces.isEmpty {
                let names = manifest.attachments.filter { $0.kind == .trace }.map(\.stored)
                throw CasebookError("case \(manifest.id): no trace named \"\(trace)\" (traces: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
        }
        if traces.isEmpty { throw CasebookError("case \(manifest.id): no traces attached; use `casebook attach`") }
        for (i, attachment) in traces.enumerated() {
            let path = ws.evidenceDirectory.appendingPathComponent(attachment.stored).path
            let file = try wrapped { try TraceFile(path: path) }
            if traces.count > 1 {
                if i > 0 { emit("") }
                emit("# \(attachment.stored)" + (attachment.vantage.map { " (vantage \($0))" } ?? ""))
            }
            try Self.packetList(of: file, stream: stream, filter: filter, colour: colour, emit: emit)
        }
    }

    /// The packet list of one trace file.
    public static func packetList(of file: TraceFile, stream: Int?, filter: String?, colour: Bool,
                                  emit: (String) -> Void) throws(CasebookError) {
        var bpf: BPFFilter?
        if let filter {
            let links = file.summarize().linkTypes
            bpf = try wrapped { try BPFFilter(expression: filter, linkTypes: links) }
        }
        var formatter = PacketListFormatter(format: file.format, colour: colour)
        var reader = file.makeReader()
        while let frame = reader.next() {
            let packet = PacketDecoder.decode(frame)
            // Stream numbering must see every frame, so filter after formatting.
            let (text, s) = formatter.line(for: packet)
            if let stream, s != stream { continue }
            if let bpf, !bpf.matches(frame) { continue }
            emit(text)
        }
        for problem in file.headerProblems + reader.problems {
            emit("# problem: \(problem.message)")
        }
    }
}
