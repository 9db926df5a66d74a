import FirewallIR

/// Something a translation could not carry to its target, with where it was written and why.
public struct TranslationLoss: Hashable, Sendable, CustomStringConvertible {
  public var origin: SourceLocation?
  /// What was lost, in the source's words (`synproxy state`, `the rule`, `icmp-code`).
  public var what: String
  public var target: Language
  public var reason: String

  public init(origin: SourceLocation?, what: String, target: Language, reason: String) {
    self.origin = origin
    self.what = what
    self.target = target
    self.reason = reason
  }

  /// `file:line: cannot translate X to ipfw: reason`.
  public var description: String {
    (origin.map { "\($0.file):\($0.line): " } ?? "") + "cannot translate \(what) to \(target.rawValue): \(reason)"
  }
}

/// Why a rule cannot be carried: the part of it that the target has no way to say.
public struct Gap: Error, Sendable {
  public var what: String
  public var reason: String

  public init(_ what: String, _ reason: String) {
    self.what = what
    self.reason = reason
  }
}
