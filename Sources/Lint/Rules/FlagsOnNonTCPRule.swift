import FirewallIR

/// `flags-on-non-tcp`: TCP flags on a rule for other protocols only.
struct FlagsOnNonTCPRule: LintRule {
  static let info = LintRuleInfo(
    id: "flags-on-non-tcp", severity: .warning, summary: "TCP flags on a rule that is not for TCP.",
    help: """
      Only TCP packets carry flags. ipfw's `tcpflags` and `setup` make such a rule match \
      nothing; ipfilter ignores the flags for other protocols. Drop the flags, or make the rule \
      `proto tcp`.
      Example (ipfw): `allow udp from any to any setup`.
      """)

  func check(_ subject: LintSubject) -> [LintFinding] {
    var seen: Set<SourceLocation> = []
    return subject.allRules.compactMap { r in
      guard r.match.tcpFlags != nil, let ps = r.match.protocols, !ps.contains(6), let loc = subject.location(r),
        seen.insert(loc).inserted
      else { return nil }
      let word = subject.language == .ipfw ? (subject.lineText(loc).contains("setup") ? "setup" : "tcpflags") : "flags"
      return finding("TCP flags on a rule that matches no TCP packet", at: subject.locate(word, near: loc))
    }
  }
}
