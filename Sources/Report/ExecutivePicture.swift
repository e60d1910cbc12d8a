import Diagnosis

/// The one-picture explanation for a non-technical reader: client — network device — server,
/// with the failing element marked. Where the failure sits comes from the finding id.
enum ExecutivePicture {
    enum Spot { case client, device, server, returnPath, path }

    static func spot(for id: String) -> Spot {
        switch id {
        case "handshake.refused", "app.no-response", "perf.zero-window": return .server
        case "handshake.synack-from-unexpected-address": return .returnPath
        case "handshake.no-response", "path.mtu-blackhole", "path.icmp-error", "perf.retransmissions": return .path
        default: return .device // forged resets, terminating or closing middleboxes, firewall logs, stale state
        }
    }

    static func caption(_ s: Spot) -> String {
        switch s {
        case .server: return "The request reaches the server; the server (or its program) does not accept or answer it."
        case .returnPath: return "The request goes in, but the answer comes back from another address on the way back."
        case .path: return "Packets are lost or stopped on the way between client and server."
        case .device: return "A device in the middle (firewall or proxy) interferes and ends the connection."
        case .client: return "The problem is on the client's side."
        }
    }

    static func model(for f: Finding, name: (String) -> String) -> [String: Any] {
        let s = spot(for: f.id)
        let client = f.connections.first.map { name($0.client) } ?? "Client"
        let server = f.connections.first.map { name($0.server) } ?? "Server"
        // "address (alias)" on two lines; a line too long for its box is squeezed to fit it.
        func lines(_ label: String) -> (String, String) {
            guard let open = label.range(of: " (", options: .backwards), label.hasSuffix(")") else { return (label, "") }
            return (String(label[..<open.lowerBound]), String(label[open.upperBound...].dropLast()))
        }
        let (clientAddress, clientAlias) = lines(client), (serverAddress, serverAlias) = lines(server)
        return [
            "clientLabel": Clean.text(clientAddress, limit: 48), "serverLabel": Clean.text(serverAddress, limit: 48),
            "clientAlias": Clean.text(clientAlias, limit: 48), "serverAlias": Clean.text(serverAlias, limit: 48),
            "clientSqueeze": clientAddress.count > 26, "serverSqueeze": serverAddress.count > 26,
            "clientAliasSqueeze": clientAlias.count > 26, "serverAliasSqueeze": serverAlias.count > 26,
            "clientClass": s == .client ? "bad" : "ok", "deviceClass": s == .device ? "bad" : "ok", "serverClass": s == .server ? "bad" : "ok",
            "pathIn": s == .path ? "bad" : "ok", "pathBack": s == .returnPath || s == .path ? "bad" : "ok",
            "markX": s == .client ? "178" : s == .device ? "448" : s == .server ? "718" : s == .returnPath ? "245" : "245",
            "markY": s == .returnPath ? "112" : s == .path ? "62" : "52",
            "caption": caption(s),
        ]
    }
}
