import FirewallIR

/// Where a ruleset names its tables (pf tables, ipfw tables, ippools).
struct TableReference {
  var name: String
  var rule: Rule
}

extension LintSubject {
  /// Every use of a table by a rule's addresses or translation targets.
  var tableReferences: [TableReference] {
    var out: [TableReference] = []
    for r in allRules {
      let terms = r.match.source.terms + r.match.destination.terms + r.translation.flatMap(\.targets)
      for case .table(let name) in terms { out.append(TableReference(name: name, rule: r)) }
    }
    return out
  }

  /// How a table is spelled in the language, for locating it on a line.
  func tableSpelling(_ name: String) -> String {
    switch language {
    case .pf: return "<\(name)>"
    case .ipfw: return "table(\(name)"
    case .ipf: return name.split(separator: "/").last.map(String.init) ?? name
    }
  }
}
