import Foundation
import Packets

enum IPAddressText {
    /// Canonical text of an address ("10.1.1.1", "2001:db8::1"), or nil when it is not one.
    static func normalize(_ text: String) -> String? {
        IPAddress(text.trimmingCharacters(in: .whitespaces)).map(\.description)
    }
}
