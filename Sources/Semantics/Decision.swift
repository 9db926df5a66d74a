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

/// The evaluator's answer for one packet.
public struct Decision: Sendable {
  public var verdict: Verdict
  /// The rule that decided; nil when no rule matched and the default applied.
  public var rule: Rule?
  /// The packet belonged to a connection the firewall already tracks: no rule was evaluated.
  public var byState = false
  /// The translation rule that matched, and what it does.
  public var translationRule: Rule?
  public var translation: AppliedTranslation?
  /// The translation or hand-off in the words of `Outcome.effect`.
  public var effect: String?
  /// The header after translation, when a translation applied.
  public var translatedHeader: PacketHeader?
  /// The packet was dropped before any rule as malformed.
  public var malformed = false
  /// The deciding rule passed the packet but its state could not be created (a state limit
  /// was reached), so the packet is dropped.
  public var stateRefused = false
  /// Things the evaluator could not know and assumed (unknown table contents …).
  public var notes: [String] = []

  public init(verdict: Verdict, rule: Rule?) {
    self.verdict = verdict
    self.rule = rule
  }

  /// ipftest's words for the outcome: `pass`, `block`, `block return-rst`,
  /// `block return-icmp`, `nomatch` or `bad-packet`.
  public var word: String {
    if malformed { return "bad-packet" }
    if stateRefused || (rule == nil && !byState) { return "nomatch" }
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
    Outcome(verdict: verdict, effect: effect, keepsState: (rule?.state ?? .none) != .none && !byState)
  }
}
