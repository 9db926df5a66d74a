import FirewallIR

/// `flags-on-non-tcp`: TCP flags on a rule for other protocols only.
struct FlagsOnNonTCPRule: LintRule {
  static let info = LintRuleInfo(
    id: "flags-on-non-tcp", severity: .warning, summary: "TCP flags on a rule that is not for TCP.",
    help: """
      Only TCP packets carry flags. pfctl drops the flags of a rule for other protocols \
      silently; ipfw's `tcpflags` and `setup` make such a rule match nothing; ipfilter refuses \
      them. Drop the flags, or make the rule `proto tcp`.
      Example (ipfw): `allow udp from any to any setup`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    // Rules by the line they were written on: a line is reported when none of its rules is
    // for TCP and it asks for flags.
    var lines: [SourceLocation: (tcp: Bool, flags: Bool)] = [:]
    var order: [SourceLocation] = []
    for r in subject.allRules {
      guard let loc = subject.location(r), let ps = r.match.protocols else { continue }
      if lines[loc] == nil { order.append(loc) }
      let flags =
        r.match.tcpFlags != nil || (subject.language == .pf && Self.words(subject.lineText(loc)).contains("flags"))
      lines[loc, default: (false, false)].tcp = (lines[loc]?.tcp ?? false) || ps.contains(6)
      lines[loc, default: (false, false)].flags = (lines[loc]?.flags ?? false) || flags
    }
    return order.compactMap { loc in
      guard let l = lines[loc], l.flags, !l.tcp else { return nil }
      let word: String
      switch subject.language {
      case .ipfw: word = subject.lineText(loc).contains("setup") ? "setup" : "tcpflags"
      default: word = "flags"
      }
      return finding("TCP flags on a rule that matches no TCP packet", at: subject.locate(word, near: loc))
    }
  }

  static func words(_ line: String) -> [Substring] {
    line.prefix { $0 != "#" }.split(whereSeparator: { $0 == " " || $0 == "\t" })
  }
}
