import Foundation
import Markup
import Mustache

/// A report problem in one line: which template or why the markup is broken.
public struct ReportError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Renders the report from the templates of a directory (`report.html.mustache` and its partials,
/// every `*.mustache` there registered by file name) and checks the result is well-formed XHTML
/// with libxml2 before anyone sees it.
public struct ReportRenderer: Sendable {
    public let directory: URL
    private let library: MustacheLibrary

    public init(templates directory: URL) throws {
        self.directory = directory
        var library = MustacheLibrary()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard names.contains("report.html.mustache") else {
            throw ReportError(message: "\(directory.path): no report.html.mustache in this templates directory")
        }
        for file in names.sorted() where file.hasSuffix(".mustache") {
            let url = directory.appendingPathComponent(file)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw ReportError(message: "\(url.path): cannot read the template")
            }
            // A partial's final newline is the editor's, not content (it matters inside <pre>).
            let body = file != "report.html.mustache" && text.hasSuffix("\n") ? String(text.dropLast()) : text
            do {
                try library.register(body, named: String(file.dropLast(".mustache".count)))
            } catch {
                throw ReportError(message: "\(url.path): template does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The HTML of the report, checked for well-formedness.
    public func render(_ input: ReportInput) throws -> String {
        let model = ReportModel.build(input)
        guard let html = library.render(model, withTemplate: "report.html") else {
            throw ReportError(message: "\(directory.path)/report.html.mustache: rendering produced nothing")
        }
        do {
            try MarkupDocument.checkWellFormed(html, source: "report")
        } catch {
            throw ReportError(message: "\(directory.path)/report.html.mustache produced markup that is not well-formed: \(error)")
        }
        return html
    }
}
