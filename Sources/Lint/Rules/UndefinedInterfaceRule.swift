import FirewallIR

/// `undefined-interface`: with `--host`, an interface or group name the host does not have.
struct UndefinedInterfaceRule: LintRule {
  static let info = LintRuleInfo(
    id: "undefined-interface", severity: .warning,
    summary: "An interface or interface group the host context does not know (with --host).",
    help: """
      Rules on an interface that does not exist match nothing (and `(if)` addresses stay \
      empty). Runs only when `--host FILE` describes the host's interfaces and groups; \
      `any`, `all` and loopback names are always known. Fix the name or the host file.
      Example: `pass in on em1` on a host whose interfaces are em0 and lo0.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    guard !subject.host.interfaces.isEmpty else { return [] }
    var known: Set<String> = ["any", "all", "lo", "lo0", "egress"]
    for i in subject.host.interfaces {
      known.insert(i.name)
      known.formUnion(i.groups ?? [])
    }
    var out: [LintFinding] = []
    var seen: Set<String> = []
    for r in subject.allRules {
      var names: [String] = r.match.interface.map { [$0] } ?? []
      for case .interface(let n, _, _) in r.match.source.terms + r.match.destination.terms { names.append(n) }
      for n in names where !known.contains(n) && seen.insert(n).inserted {
        guard let loc = subject.location(r) else { continue }
        out.append(finding("the host has no interface or group named \(n)", at: subject.locate(n, near: loc)))
      }
    }
    return out
  }
}
