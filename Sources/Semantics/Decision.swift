import FirewallIR
import PacketSets

/// What happens to a packet.
public enum Verdict: Hashable, Sendable, CustomStringConvertible {
  case pass
  case block(BlockReply)

  public var isPass: Bool { self == .pass }

  public var description: String {
    switch self {
    case .pass: return "pass"
    case .block(.drop): return "block"
    case .block(.returnRST), .block(.returnRST6): return "block return-rst"
    case .block(.returnICMP), .block(.icmpUnreachable), .block(.icmp6Unreachable): return "block return-icmp"
    case .block(.returnAny): return "block return"
    case .block(.sctpAbort): return "block abort"
    }
  }
}

/// A translation applied to a packet, in words that do not depend on the language:
/// `rdr to 10.0.0.5 port 8080`, `nat to 192.0.2.1`.
public struct AppliedTranslation: Hashable, Sendable, CustomStringConvertible {
  public var kind: TranslationKind
  /// The new address, when it is one address.
  public var address: IPAddress?
  /// The address pool, when the address is chosen at run time.
  public var pool: String?
  public var port: UInt16?
  public var portHigh: UInt16?

  public var description: String {
    var s = "\(kind.rawValue) to \(address.map { "\($0)" } ?? pool ?? "?")"
    if let p = port { s += " port \(p)" + (portHigh.map { ":\($0)" } ?? "") }
    return s
  }
}

/// A rule held by reference.
final class RuleBox: Sendable {
  let rule: Rule
  init(_ rule: Rule) { self.rule = rule }
}

/// The evaluator's answer for one packet.
public struct Decision: Sendable {
  public var verdict: Verdict
  /// The rule that decided; nil when no rule matched and the default applied.
  public var rule: Rule? {
    get { ruleBox?.rule }
    set { ruleBox = newValue.map(RuleBox.init) }
  }
  /// The deciding rule, held by reference so that decisions copy cheaply.
  var ruleBox: RuleBox?
  /// The packet belonged to a connection the firewall already tracks: no rule was evaluated.
  public var byState = false
  /// The translation rule that matched, and what it does.
  public var translationRule: Rule? {
    get { details?.translationRule?.rule }
    set { editDetails().translationRule = newValue.map(RuleBox.init) }
  }
  var translationRuleBox: RuleBox? {
    get { details?.translationRule }
    set { editDetails().translationRule = newValue }
  }
  public var translation: AppliedTranslation? {
    get { details?.translation }
    set { editDetails().translation = newValue }
  }
  /// The translation or hand-off in the words of `Outcome.effect`.
  public var effect: String? {
    get { details?.effect }
    set { editDetails().effect = newValue }
  }
  /// The header after translation, when a translation applied.
  public var translatedHeader: PacketHeader? {
    get { details?.translatedHeader }
    set { editDetails().translatedHeader = newValue }
  }
  /// What a translation did, out of line (most decisions have none), copied on write.
  var details: Details?

  final class Details: @unchecked Sendable {
    var translationRule: RuleBox?
    var translation: AppliedTranslation?
    var effect: String?
    var translatedHeader: PacketHeader?
    var notes: [String] = []

    init(_ other: Details? = nil) {
      translationRule = other?.translationRule
      translation = other?.translation
      effect = other?.effect
      translatedHeader = other?.translatedHeader
      notes = other?.notes ?? []
    }
  }

  mutating func editDetails() -> Details {
    if details == nil || !isKnownUniquelyReferenced(&details!) { details = Details(details) }
    return details!
  }
  /// The packet was dropped before any rule as malformed.
  public var malformed = false
  /// The deciding rule passed the packet but its state could not be created (a state limit
  /// was reached), so the packet is dropped.
  public var stateRefused = false
  /// Things the evaluator could not know and assumed (unknown table contents …).
  public var notes: [String] {
    get { details?.notes ?? [] }
    set { editDetails().notes = newValue }
  }

  public init(verdict: Verdict, rule: Rule?) {
    self.verdict = verdict
    self.ruleBox = rule.map(RuleBox.init)
  }

  init(verdict: Verdict, ruleBox: RuleBox?) {
    self.verdict = verdict
    self.ruleBox = ruleBox
  }

  /// ipftest's words for the outcome: `pass`, `block`, `block return-rst`,
  /// `block return-icmp`, `nomatch` or `bad-packet`.
  public var word: String {
    if malformed { return "bad-packet" }
    if stateRefused || (ruleBox == nil && !byState) { return "nomatch" }
    switch verdict {
    case .pass: return "pass"
    case .block(.returnRST), .block(.returnRST6): return "block return-rst"
    case .block(.returnICMP), .block(.icmpUnreachable), .block(.icmp6Unreachable): return "block return-icmp"
    default: return "block"
    }
  }
}

extension Decision {
  /// The decision as an `Outcome`, comparable with the classes of `DecisionSets`.
  public var outcome: Outcome {
    Outcome(verdict: verdict, effect: effect, keepsState: (ruleBox?.rule.state ?? .none) != .none && !byState)
  }
}
