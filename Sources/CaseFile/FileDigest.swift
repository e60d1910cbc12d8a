import Crypto
import Foundation

/// SHA-256 of a file, read in 1 MiB pieces (memory stays flat for multi-GB traces).
public enum FileDigest {
    public static func sha256(of url: URL) throws -> String {
        guard let input = InputStream(url: url) else { throw CaseError("\(url.path): cannot read") }
        input.open()
        defer { input.close() }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = input.read(&buffer, maxLength: buffer.count)
            if n < 0 { throw CaseError("\(url.path): read error") }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hasher.finalize().map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

extension FileDigest {
    /// SHA-256 of a string's UTF-8 bytes, hex.
    public static func sha256(text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
