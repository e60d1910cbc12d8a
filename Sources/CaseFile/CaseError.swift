/// A case-workspace error: one line naming the case or file and what is wrong.
public struct CaseError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
