#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CaseFile
import CasebookKit
import Foundation
import Report

extension AttachmentKind: ExpressibleByArgument {}

// Each command names itself: without a name ArgumentParser derives it from the type name by
// reflection, some 300,000 instructions per lookup at every start (35 lookups).
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "new", abstract: "Create a case workspace.")
    @Argument(help: "Case id: letters, digits, '-', '_', '.'.") var id: String
    @Option(help: "A title for the case.") var title: String?
    @OptionGroup var options: RootOptions

    func run() throws {
        print(try options.casebook.newCase(id: id, title: title))
    }
}

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Copy evidence (traces, firewall logs, configs, notes) into a case; the kind is detected from content.")
    @Argument(help: "Case id or path.") var caseReference: String
    @Argument(help: "Files to attach.") var files: [String] = []
    @Option(help: "Where the trace was captured: client, server, fw-inside, fw-outside, or any word.") var vantage: String?
    @Option(help: "Force the kind: trace, log, config or note.") var kind: AttachmentKind?
    @Option(name: .customLong("clock-offset"), help: "Seconds this trace's clock is ahead of true time (negative: behind).") var clockOffset: Double?
    @Option(help: "Time zone of a log whose lines carry none (Europe/Berlin, UTC, +01:00).") var tz: String?
    @OptionGroup var options: RootOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("attach: name at least one file") }
    }

    func run() throws {
        for line in try options.casebook.attach(case: caseReference, files: files, vantage: vantage, kind: kind,
                                                 clockOffset: clockOffset, timeZone: tz) {
            print(line)
        }
    }
}

struct Note: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Append a timestamped note to a case.")
    @Argument(help: "Case id or path.") var caseReference: String
    @Argument(help: "The note text.") var text: [String] = []
    @OptionGroup var options: RootOptions

    func validate() throws {
        if text.isEmpty { throw ValidationError("note: give the note's text") }
    }

    func run() throws {
        print(try options.casebook.note(case: caseReference, text: text.joined(separator: " ")))
    }
}

struct Alias: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alias", abstract: "Name a host: casebook alias CASE 10.1.1.1 ResourceServer1.")
    @Argument(help: "Case id or path.") var caseReference: String
    @Argument(help: "IPv4 or IPv6 address.") var address: String
    @Argument(help: "The name.") var name: String
    @OptionGroup var options: RootOptions

    func run() throws {
        print(try options.casebook.alias(case: caseReference, address: address, name: name))
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List cases with status, counts and last activity.")
    @OptionGroup var options: RootOptions

    func run() throws {
        print(try options.casebook.list())
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Packet list of a case's traces, tshark-style.")
    @Argument(help: "Case id or path.") var caseReference: String
    @Option(help: "Only this trace (stored name).") var trace: String?
    @Option(help: "Only this TCP stream (Wireshark's tcp.stream).") var stream: Int?
    @Option(help: "BPF capture filter (tcpdump syntax), compiled by libpcap.") var filter: String?
    @Flag(help: "With --trace and --stream: the same connection from every vantage point, interleaved by corrected time.")
    var vantages = false
    @OptionGroup var options: RootOptions

    func validate() throws {
        if let stream, stream < 0 { throw ValidationError("--stream must be 0 or more") }
        if vantages && (trace == nil || stream == nil) { throw ValidationError("--vantages needs --trace and --stream") }
    }

    func run() throws {
        if vantages, let trace, let stream {
            try options.casebook.showAcrossVantages(case: caseReference, trace: trace, stream: stream, colour: wantsColour()) { print($0) }
            return
        }
        try options.casebook.show(case: caseReference, trace: trace, stream: stream, filter: filter,
                                  colour: wantsColour()) { print($0) }
    }
}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse every trace of a case: connections, states, hosts (written to CASE/analysis/analysis.json).")
    @Argument(help: "Case id or path.") var caseReference: String
    @Flag(help: "Print the analysis document (JSON) instead of the summary.") var json = false
    @OptionGroup var options: RootOptions

    func run() throws {
        let progress: ((String) -> Void)? = isatty(2) != 0 ? { FileHandleStderr.write("\u{1B}[2K\r" + $0) } : nil
        if json {
            let url = try options.casebook.analysisJSON(case: caseReference, progress: progress)
            if progress != nil { FileHandleStderr.write("\u{1B}[2K\r") }
            try FileHandleStdout.copy(contentsOf: url)
        } else {
            let doc = try options.casebook.analyze(case: caseReference, progress: progress)
            if progress != nil { FileHandleStderr.write("\u{1B}[2K\r") }
            print(AnalysisSummary.render(doc), terminator: "")
        }
    }
}

extension ReportInput.Audience: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (executive and technical parts, ladder diagrams).")
    @Argument(help: "Case id or path.") var caseReference: String
    @Option(name: .shortAndLong, help: "Output file (default: CASE/report/report.html).") var output: String?
    @Option(help: "technical, executive or both.") var audience: ReportInput.Audience = .both
    @Option(help: "Directory with report.html.mustache and its partials (default: ./Templates).") var templates: String?
    @Flag(help: "Open the report with xdg-open afterwards.") var open = false
    @OptionGroup var options: RootOptions

    func run() throws {
        let url = try options.casebook.report(case: caseReference, output: output, audience: audience, templates: templates)
        print("report written to \(url.path)")
        if open {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["xdg-open", url.path]
            if (try? p.run()) == nil { print("(could not run xdg-open; open the file in a browser)") }
        }
    }
}
