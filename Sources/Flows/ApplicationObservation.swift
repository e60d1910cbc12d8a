import Capture

/// What the payload shows about the application, per connection: enough to tell "TCP is fine
/// but the application never answered" (SMTP, HTTP, TLS) without reassembling streams.
public struct ApplicationObservation: Sendable, Equatable {
    public enum Kind: String, Sendable { case smtp, http, tls }
    public var guess: Kind?
    /// Last short command line the client sent (SMTP command, HTTP request line), its frame and time.
    public var lastClientCommand: String?
    public var lastClientCommandFrame: Int?
    public var lastClientCommandTime: Timestamp?
    /// Frame of the client segment that ended an SMTP message ("\r\n.\r\n").
    public var dataTerminatorFrame: Int?
    /// Last reply line the server sent (SMTP "250 …", HTTP status line) and its frame.
    public var lastServerReply: String?
    public var lastServerReplyFrame: Int?
    public var tlsClientHelloFrame: Int?
    public var tlsServerHelloFrame: Int?
    public var lastClientDataFrame: Int?
    public var lastServerDataFrame: Int?
    public init() {}

    /// First line of a payload (up to 200 printable bytes), nil when it is not printable text.
    static func line(_ p: UnsafeRawBufferPointer) -> String? {
        lineLength(p).map { text(p, $0) }
    }

    /// Length of the payload's first line (up to 200 printable bytes, before CR or LF); nil when
    /// it is empty or not printable text. Printable ASCII only: a byte is a character.
    static func lineLength(_ p: UnsafeRawBufferPointer) -> Int? {
        var end = 0
        while end < p.count && end < 200 {
            let b = p[end]
            if b == 0x0D || b == 0x0A { break }
            guard b >= 0x20 && b < 0x7F else { return nil }
            end += 1
        }
        return end > 0 ? end : nil
    }

    static func text(_ p: UnsafeRawBufferPointer, _ count: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: p[0..<count]), as: UTF8.self)
    }

    static let smtpCommands = ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "STARTTLS", "AUTH"].map { Array($0.utf8) }
    /// Does the payload start with "HTTP/" (a status line)? Four bytes compared as one word:
    /// nearly every segment a server sends is looked at.
    static func startsWithHTTPStatus(_ p: UnsafeRawBufferPointer) -> Bool {
        p.count >= 5 && p.loadUnaligned(as: UInt32.self) == UInt32(littleEndian: 0x5054_5448) && p[4] == UInt8(ascii: "/")
    }
    static let httpVersionMarker = Array(" HTTP/".utf8)

    /// Whether the payload's first line (up to CR or LF, at most the 200 bytes ``line(_:)``
    /// keeps) contains `needle`, on the bytes.
    static func firstLine(of p: UnsafeRawBufferPointer, contains needle: [UInt8]) -> Bool {
        let n = min(p.count, 200)
        var i = 0
        while i + needle.count <= n {
            if p[i] == 0x0D || p[i] == 0x0A { return false }
            var j = 0
            while j < needle.count && p[i + j] == needle[j] { j += 1 }
            if j == needle.count { return true }
            i += 1
        }
        return false
    }
    static let httpMethods = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT "].map { Array($0.utf8) }

    /// Does the payload start with `prefix` (ASCII, case-insensitive when asked)?
    static func starts(_ p: UnsafeRawBufferPointer, with prefix: [UInt8], caseInsensitive: Bool) -> Bool {
        guard p.count >= prefix.count else { return false }
        for i in 0..<prefix.count {
            var b = p[i]
            if caseInsensitive && b >= 0x61 && b <= 0x7A { b -= 0x20 }
            if b != prefix[i] { return false }
        }
        return true
    }

    static func endsWithDataTerminator(_ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        guard n >= 3 else { return false }
        if n >= 5 && p[n - 5] == 0x0D && p[n - 4] == 0x0A && p[n - 3] == 0x2E && p[n - 2] == 0x0D && p[n - 1] == 0x0A { return true }
        return n == 3 && p[0] == 0x2E && p[1] == 0x0D && p[2] == 0x0A
    }

    /// TLS handshake record carrying a message of `type` (1 ClientHello, 2 ServerHello) first.
    static func tlsHandshake(_ p: UnsafeRawBufferPointer, type: UInt8) -> Bool {
        p.count >= 6 && p[0] == 0x16 && p[1] == 0x03 && p[5] == type
    }

    mutating func clientPayload(_ p: UnsafeRawBufferPointer, frame: Int, time: Timestamp) {
        lastClientDataFrame = frame
        let before = lastClientCommandFrame
        defer { if lastClientCommandFrame != before { lastClientCommandTime = time } }
        if Self.tlsHandshake(p, type: 1) {
            guess = .tls
            if tlsClientHelloFrame == nil { tlsClientHelloFrame = frame; lastClientCommandTime = time }
            return
        }
        if Self.endsWithDataTerminator(p) && (guess == .smtp || guess == nil) {
            dataTerminatorFrame = frame
            lastClientCommand = "."
            lastClientCommandFrame = frame
            return
        }
        // Only payloads that start like a command become strings (bulk data never does).
        if guess != .http, Self.smtpCommands.contains(where: { Self.starts(p, with: $0, caseInsensitive: true) }),
           let n = Self.lineLength(p), n <= 120 {
            guess = .smtp
            lastClientCommand = Self.text(p, n)
            lastClientCommandFrame = frame
        } else if guess != .smtp, Self.httpMethods.contains(where: { Self.starts(p, with: $0, caseInsensitive: false) }),
                  Self.firstLine(of: p, contains: Self.httpVersionMarker), let l = Self.line(p) {
            guess = .http
            lastClientCommand = l
            lastClientCommandFrame = frame
        }
    }

    mutating func serverPayload(_ p: UnsafeRawBufferPointer, frame: Int) {
        lastServerDataFrame = frame
        if Self.tlsHandshake(p, type: 2) {
            if tlsServerHelloFrame == nil { tlsServerHelloFrame = frame }
            return
        }
        let isHTTP = Self.startsWithHTTPStatus(p)
        let isSMTP = p.count >= 4 && (0x30...0x39).contains(p[0]) && (0x30...0x39).contains(p[1]) && (0x30...0x39).contains(p[2])
            && (p[3] == 0x20 || p[3] == 0x2D)
        if isHTTP || isSMTP, let n = Self.lineLength(p) {
            lastServerReply = Self.text(p, min(n, 120))
            lastServerReplyFrame = frame
        }
    }
}
