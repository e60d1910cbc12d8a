import Foundation

/// Splits a `key=value` log line into its pairs, in order. Three layouts are read:
/// - space (or `;`) separated, values with spaces in double quotes (`rule_name="Cleanup rule"`,
///   `\"` inside quotes), as in the Check Point log export and most key=value syslog;
/// - `key=value; key=value`;
/// - `key=value|key=value|` (Check Point Log Exporter "splunk" format), where values are not
///   quoted and may contain spaces.
/// Words without `=` are returned separately (a truncated key such as `s_po` ends up there).
struct KeyValueScanner {
    var pairs: [(key: String, value: String)] = []
    var bareWords: [String] = []

    init(_ line: Substring) throws(LineError) {
        if KeyValueScanner.isPipeSeparated(line) {
            for segment in line.split(separator: "|") {
                let s = segment.trimmingCharacters(in: .whitespaces)
                guard !s.isEmpty else { continue }
                if let eq = s.firstIndex(of: "="), eq != s.startIndex {
                    pairs.append((String(s[..<eq]), String(s[s.index(after: eq)...])))
                } else {
                    bareWords.append(s)
                }
            }
            return
        }
        var i = line.startIndex
        func isSeparator(_ c: Character) -> Bool { c == " " || c == "\t" || c == ";" }
        while i < line.endIndex {
            if isSeparator(line[i]) {
                i = line.index(after: i)
                continue
            }
            let keyStart = i
            while i < line.endIndex, !isSeparator(line[i]), line[i] != "=" { i = line.index(after: i) }
            guard i < line.endIndex, line[i] == "=", i != keyStart else {
                if i == keyStart { i = line.index(after: i) }  // a lone "=": skip it
                bareWords.append(String(line[keyStart..<i]))
                continue
            }
            let key = String(line[keyStart..<i])
            i = line.index(after: i)
            if i < line.endIndex, line[i] == "\"" {
                var value = ""
                i = line.index(after: i)
                var closed = false
                while i < line.endIndex {
                    let c = line[i]
                    i = line.index(after: i)
                    if c == "\\", i < line.endIndex, line[i] == "\"" || line[i] == "\\" {
                        value.append(line[i])
                        i = line.index(after: i)
                    } else if c == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { throw LineError("value of \(key) has no closing quote (line cut short?)") }
                pairs.append((key, value))
            } else {
                let valueStart = i
                while i < line.endIndex, !isSeparator(line[i]) { i = line.index(after: i) }
                pairs.append((key, String(line[valueStart..<i])))
            }
        }
    }

    /// `|` separates fields when there is one outside any value and no value is quoted.
    static func isPipeSeparated(_ line: Substring) -> Bool {
        guard let bar = line.firstIndex(of: "|"), !line.contains("=\"") else { return false }
        return line[..<bar].contains("=")
    }

    /// The pairs as a dictionary; the first value of a repeated key wins.
    var dictionary: [String: String] {
        var d: [String: String] = [:]
        for (k, v) in pairs where d[k] == nil { d[k] = v }
        return d
    }
}
