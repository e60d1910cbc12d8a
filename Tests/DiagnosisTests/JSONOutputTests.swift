import Diagnosis
import XCTest

/// The streaming JSON writer: layout as JSONEncoder's pretty-printed, sorted output, and numbers
/// written by its fast paths exactly as Swift's own text for them.
final class JSONOutputTests: XCTestCase {
    private func text(_ body: (inout JSONOutput) throws -> Void) throws -> String {
        var bytes: [UInt8] = []
        var out = JSONOutput { bytes += $0 }
        try body(&out)
        try out.finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    private func doubleText(_ v: Double) throws -> String {
        try text { $0.double(v) }.trimmingCharacters(in: .newlines)
    }

    func testFieldsNestedObjectsAndArrays() throws {
        let t = try text { o in
            try o.object { o in
                o.field("a", 1)
                o.key("averyveryverylongkeyname")
                try o.object { o in
                    o.field("b", "x\"y")
                    o.field("c", true)
                    o.key("deeper")
                    try o.object { o in o.field("d", -42); o.field("e", Int?.none); o.field("keyof11char", 10); o.field("abc", 0) }
                }
                try o.field("list", ["p", "q"])
                o.key("empty")
                try o.object { _ in }
            }
        }
        XCTAssertEqual(t, """
            {
              "a" : 1,
              "averyveryverylongkeyname" : {
                "b" : "x\\"y",
                "c" : true,
                "deeper" : {
                  "d" : -42,
                  "keyof11char" : 10,
                  "abc" : 0
                }
              },
              "list" : [
                "p",
                "q"
              ],
              "empty" : {}
            }

            """)
    }

    /// Strings are checked for characters to escape eight bytes at a time: escapes found in
    /// every position of a word and in the tail, and UTF-8 beyond ASCII left as it is.
    func testStringsEscapedWhereverTheCharacterIs() throws {
        for (raw, escaped) in [("\\", "\\\\"), ("\"", "\\\""), ("\n", "\\n"), ("\u{1}", "\\u0001"), ("\t", "\\t")] {
            for prefix in 0..<17 {
                let s = String(repeating: "a", count: prefix) + raw + "bcd"
                let expected = "\"" + String(repeating: "a", count: prefix) + escaped + "bcd\""
                XCTAssertEqual(try text { $0.string(s) }.trimmingCharacters(in: .newlines), expected, "at \(prefix)")
            }
        }
        XCTAssertEqual(try text { $0.string("Zürich → 東京 ok, 12345678") }.trimmingCharacters(in: .newlines), "\"Zürich → 東京 ok, 12345678\"")
        XCTAssertEqual(try text { $0.string("") }.trimmingCharacters(in: .newlines), "\"\"")
    }

    func testIntegralDoublesAreWrittenAsIntegers() throws {
        XCTAssertEqual(try doubleText(78), "78")
        XCTAssertEqual(try doubleText(-3), "-3")
        XCTAssertEqual(try doubleText(0), "0")
        XCTAssertEqual(try doubleText(1e15), "1000000000000000.0") // beyond the integer path: Swift's text
    }

    func testFractionsMatchSwiftsShortestText() throws {
        var values: [Double] = [
            0.5, -0.5, 78.211, 0.634048, 0.0001, 0.00012, 0.000999, 5.4e-05, 1e-05, 0.1, 0.2, 0.3, 1.0 / 3.0,
            2.0 / 3.0, 123456789.123, 999999999999999.9, 99999999999999.98, 0.000123456789, 1234.56789,
            Double.pi, -Double.ulpOfOne, 1e16 + 2, 0.1 + 0.2, 1.5e300, 4.9e-324,
        ]
        // What the analysis writes: nanosecond intervals as seconds, RTTs rounded to microseconds
        // as milliseconds, means, and arbitrary doubles.
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let ns = Int64.random(in: 0...(86_400 * 1_000_000_000), using: &g)
            values.append(Double(ns) / 1e9)
            values.append((Double(ns % 10_000_000_000) / 1e6 * 1000).rounded() / 1000)
            values.append(Double(ns) / Double(Int.random(in: 1...997, using: &g)))
            values.append(Double.random(in: -1e6...1e6, using: &g))
            values.append(Double.random(in: 0...0.001, using: &g))
        }
        for v in values {
            let expected = v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : v.description
            XCTAssertEqual(try doubleText(v), expected, "\(v)")
        }
    }
}
