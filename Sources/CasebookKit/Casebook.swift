import CaseFile
import Foundation

/// One function per command. The CLI parses arguments and calls these; everything a command
/// prints comes back as text (or through a line sink for long outputs).
public struct Casebook: Sendable {
    public let locator: CaseLocator
    public static let version = "0.1.0"

    public init(root: String?) {
        locator = CaseLocator(root: root)
    }

    public init(locator: CaseLocator) {
        self.locator = locator
    }

    func locate(_ reference: String) throws(CasebookError) -> CaseWorkspace {
        try wrapped { try locator.locate(reference) }
    }

    /// `casebook new ID [--title TEXT]`
    public func newCase(id: String, title: String?) throws(CasebookError) -> String {
        let ws = try wrapped { try CaseWorkspace.create(id: id, title: title, root: locator.root) }
        return "created case \(id) at \(ws.directory.path)"
    }

    /// `casebook note CASE TEXT`
    public func note(case reference: String, text: String) throws(CasebookError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CasebookError.usage("note: the text is empty") }
        let ws = try locate(reference)
        try wrapped { try ws.appendNote(trimmed) }
        return "noted in \(ws.directory.lastPathComponent)"
    }

    /// `casebook alias CASE ADDRESS NAME`
    public func alias(case reference: String, address: String, name: String) throws(CasebookError) -> String {
        guard let parsed = IPAddressText.normalize(address) else {
            throw CasebookError("alias: \"\(address)\" is not an IPv4 or IPv6 address")
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
            throw CasebookError("alias: the name must be one non-empty line")
        }
        let ws = try locate(reference)
        try wrapped { try ws.updateManifest { $0.aliases[parsed] = trimmed } }
        return "\(parsed) = \(trimmed)"
    }

    /// `casebook list`
    public func list() throws(CasebookError) -> String {
        let cases = locator.allCases()
        if cases.isEmpty { return "no cases under \(locator.root.path)" }
        var rows: [[String]] = [["CASE", "STATUS", "TRACES", "LOGS", "NOTES", "LAST ACTIVITY", "TITLE"]]
        for ws in cases {
            guard let m = try? ws.loadManifest() else {
                rows.append([ws.directory.lastPathComponent, "unreadable", "-", "-", "-", "-", "case.yaml cannot be read"])
                continue
            }
            let traces = m.attachments.filter { $0.kind == .trace }.count
            let logs = m.attachments.filter { $0.kind == .log || $0.kind == .config }.count
            let notes = ws.notes()
            let times = [m.created] + m.attachments.map(\.attachedAt) + notes.map(\.time)
            rows.append([m.id, m.status, "\(traces)", "\(logs)", "\(notes.count)", times.max() ?? m.created, m.title])
        }
        return TextTable.render(rows)
    }
}

/// Plain-text table with columns padded to their widest cell.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
