/// How serious a finding is.
public enum Severity: String, Sendable, Codable, Comparable {
  case note, warning, error

  public static func < (a: Severity, b: Severity) -> Bool {
    let order: [Severity] = [.note, .warning, .error]
    return order.firstIndex(of: a)! < order.firstIndex(of: b)!
  }
}

/// A located message about the input: an error, a warning or a note.
public struct Diagnostic: Sendable, Hashable {
  public var severity: Severity
  public var message: String
  public var location: SourceLocation?
  /// A stable identifier such as `pf-syntax` or `pf-undefined-macro`.
  public var id: String

  public init(_ severity: Severity, _ message: String, at location: SourceLocation?, id: String) {
    self.severity = severity
    self.message = message
    self.location = location
    self.id = id
  }
}

/// Collects diagnostics while a ruleset is read.
public struct DiagnosticBag: Sendable {
  public private(set) var all: [Diagnostic] = []
  public init() {}

  public mutating func error(_ message: String, at location: SourceLocation?, id: String = "syntax") {
    all.append(Diagnostic(.error, message, at: location, id: id))
  }

  public mutating func warning(_ message: String, at location: SourceLocation?, id: String) {
    all.append(Diagnostic(.warning, message, at: location, id: id))
  }

  public mutating func append(_ d: Diagnostic) { all.append(d) }

  public var hasErrors: Bool { all.contains { $0.severity == .error } }
  public var errorCount: Int { all.filter { $0.severity == .error }.count }
}

/// Renders diagnostics in compiler style: `file:line:col: error: message [id]`, the source line,
/// and a marker under the column.
public struct DiagnosticRenderer {
  /// Source files by diagnostic name, used to show the offending line.
  public var files: [String: SourceFile]

  public init(files: [String: SourceFile]) { self.files = files }

  public func render(_ d: Diagnostic) -> String {
    var out = ""
    if let loc = d.location {
      out += "\(loc.file):\(loc.line):\(loc.column): "
    }
    out += "\(d.severity.rawValue): \(d.message) [\(d.id)]\n"
    if let loc = d.location, let file = files[loc.file] {
      let text = file.lineText(loc.line)
      out += "  " + text + "\n"
      var marker = "  "
      var col = 1
      for ch in text.unicodeScalars {
        if col >= loc.column { break }
        marker += ch == "\t" ? "\t" : " "
        col += String(ch).utf8.count
      }
      out += marker + "^\n"
    }
    return out
  }
}
