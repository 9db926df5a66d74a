import FirewallIR

/// Findings in compiler style: `file:line:col: severity: message [id]`, the source line with a
/// marker, then the related places, the example packet and the fix, indented.
public enum TextReport {
  public static func render(_ findings: [LintFinding], files: [SourceFile]) -> String {
    var byName: [String: SourceFile] = [:]
    for f in files { byName[f.name] = f }
    let renderer = DiagnosticRenderer(files: byName)
    var out = ""
    for f in findings {
      out += renderer.render(Diagnostic(f.severity, f.message, at: f.location, id: f.id))
      for r in f.related {
        out += "  \(r.location.file):\(r.location.line):\(r.location.column): note: \(r.message)\n"
      }
      if let e = f.example { out += "  example packet: \(e)\n" }
      if let fix = f.fix { out += "  fix: \(fix.description)\n" }
    }
    return out
  }

  /// `3 findings: 1 error, 2 warnings`.
  public static func summary(_ findings: [LintFinding]) -> String {
    let n = findings.count
    guard n > 0 else { return "no findings" }
    var parts: [String] = []
    for s in [Severity.error, .warning, .note] {
      let k = findings.filter { $0.severity == s }.count
      if k > 0 { parts.append("\(k) \(s.rawValue)\(k == 1 ? "" : "s")") }
    }
    return "\(n) finding\(n == 1 ? "" : "s"): " + parts.joined(separator: ", ")
  }
}
