/// The intermediate representation every front end lowers into and every analysis reads.
///
/// A `Ruleset` is a list of `Rule`s plus the evaluation model that orders them. Matches are
/// values over packet header fields; what a rule does is its `Action` plus optional state,
/// logging and translation. Every rule keeps the source locations it came from.

/// The source language of a ruleset.
public enum Language: String, Sendable, CaseIterable {
  case pf, ipfw, ipf
}

/// How a language picks the rule that decides a packet.
public enum EvaluationModel: String, Sendable {
  /// pf and ipfilter: the last matching rule decides, unless a matching rule is `quick`.
  case lastMatchUnlessQuick
  /// ipfw: the first matching rule in number order decides.
  case firstMatch
}

/// Where a rule is evaluated.
public enum Phase: String, Sendable {
  /// Address and port translation, before filtering (pf `nat`/`rdr`/`binat`, ipnat).
  case translation
  /// Packet filtering.
  case filter
  /// Normalisation (pf `scrub`), which never decides a verdict.
  case normalization
  /// Layer-2 rules (pf `ether`).
  case ethernet
}

public enum Direction: String, Sendable { case `in`, out }

/// Comparison operators on ports, user and group ids.
public enum RangeOperator: String, Sendable {
  case equal = "="
  case notEqual = "!="
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
  /// `a:b`, inclusive range.
  case inclusiveRange = ":"
  /// `a >< b`, exclusive of both ends.
  case exclusiveRange = "><"
  /// `a <> b`, outside the range.
  case outsideRange = "<>"

  /// Whether `value` satisfies `op` with operands `a` and `b`.
  public func matches(_ value: UInt32, _ a: UInt32, _ b: UInt32) -> Bool {
    switch self {
    case .equal: return value == a
    case .notEqual: return value != a
    case .less: return value < a
    case .lessOrEqual: return value <= a
    case .greater: return value > a
    case .greaterOrEqual: return value >= a
    case .inclusiveRange: return value >= a && value <= b
    case .exclusiveRange: return value > a && value < b
    case .outsideRange: return value < a || value > b
    }
  }
}

/// A comparison such as `port = 22` or `port 1024:2048`.
public struct RangeMatch: Hashable, Sendable {
  public var op: RangeOperator
  public var low: UInt32
  public var high: UInt32

  public init(_ op: RangeOperator, _ low: UInt32, _ high: UInt32 = 0) {
    self.op = op
    self.low = low
    self.high = high
  }

  public func matches(_ v: UInt32) -> Bool { op.matches(v, low, high) }
}

/// One term of an address match.
public enum AddressTerm: Hashable, Sendable {
  /// Every address.
  case any
  /// A network or host.
  case network(IPNetwork)
  /// An address range `a - b`, inclusive.
  case range(IPAddress, IPAddress)
  /// The addresses that equal `address` in the bits set in `mask`, which need not be a prefix.
  case masked(IPAddress, mask: IPAddress)
  /// A named table (pf table, ipfw table, ippool).
  case table(String)
  /// The addresses of an interface or group, resolved when the rule is evaluated;
  /// `modifier` is `network`, `broadcast`, `peer`, `0` or nil. `prefix` narrows each address.
  case interface(name: String, modifier: String?, prefix: Int?)
  /// Packets for which the route lookup fails (`no-route`).
  case noRoute
  /// Packets that fail a unicast reverse-path check (`urpf-failed`).
  case urpfFailed
}

/// A match on the source or destination address, possibly negated.
public struct AddressMatch: Hashable, Sendable {
  public var terms: [AddressTerm]
  public var negated: Bool

  public init(_ terms: [AddressTerm], negated: Bool = false) {
    self.terms = terms
    self.negated = negated
  }

  public static let any = AddressMatch([.any])

  public var isAny: Bool { !negated && terms == [.any] }
}

/// TCP flags as bits F S R P A U E W (bit 0 = FIN).
public struct TCPFlagsMatch: Hashable, Sendable {
  /// The flags that must be set, among `mask`.
  public var set: UInt8
  /// The flags examined.
  public var mask: UInt8

  public init(set: UInt8, mask: UInt8) {
    self.set = set
    self.mask = mask
  }
}

/// Everything a rule compares in a packet. A nil field matches every packet.
public struct Match: Hashable, Sendable {
  public var family: AddressFamily?
  /// IP protocol numbers; nil for any.
  public var protocols: [UInt8]?
  public var source: AddressMatch = .any
  public var destination: AddressMatch = .any
  /// Source ports: a packet matches if its port satisfies any one comparison.
  public var sourcePort: [RangeMatch]?
  /// Destination ports, as `sourcePort`.
  public var destinationPort: [RangeMatch]?
  public var direction: Direction?
  /// Interface or group name, and whether it is negated.
  public var interface: String?
  public var interfaceNegated = false
  public var tcpFlags: TCPFlagsMatch?
  /// ICMP or ICMPv6 types: a packet matches if its type is any one of them.
  public var icmpType: [UInt8]?
  public var icmpCode: UInt8?
  public var tos: UInt8?
  public var user: RangeMatch?
  public var group: RangeMatch?
  /// A tag the packet must (or, negated, must not) carry.
  public var tagged: String?
  public var taggedNegated = false
  /// Only fragments.
  public var fragment = false
  /// Match only a share of packets (0 < p < 1).
  public var probability: Double?
  /// ipfilter's `with` conditions on the IP header and its options, for the evaluator.
  public var conditions: HeaderConditions?
  /// Fields the IR records but the analyses treat as opaque (OS fingerprints, received-on …).
  public var opaque: [String] = []

  public init() {}
}

/// Conditions on the IP header beyond addresses and ports, as ipfilter's `with` keyword states
/// them: each pair is a bit set, and a packet matches when its bits under `mask` equal `bits`.
public struct HeaderConditions: Hashable, Sendable {
  /// Packet properties: see `HeaderConditions.Property`.
  public var bits: UInt32 = 0
  public var mask: UInt32 = 0
  /// IPv4 options, one bit per option (ipf's numbering).
  public var optionBits: UInt32 = 0
  public var optionMask: UInt32 = 0
  /// IPSO security classes.
  public var securityBits: UInt32 = 0
  public var securityMask: UInt32 = 0

  public init() {}

  /// Packet properties, as ipfilter numbers them.
  public enum Property {
    public static let ipOptions: UInt32 = 0x1
    public static let short: UInt32 = 0x2
    public static let fragment: UInt32 = 0x4
    public static let fragmentBody: UInt32 = 0x8
    public static let bad: UInt32 = 0x40
    public static let badSource: UInt32 = 0x80
    public static let multicastBroadcast: UInt32 = 0x400
    public static let broadcast: UInt32 = 0x800
    public static let multicast: UInt32 = 0x1000
    public static let ipv6Headers: UInt32 = 0x4000
    /// The properties the evaluator can read from a packet.
    public static let known: UInt32 = 0x1 | 0x2 | 0x4 | 0x8 | 0x40 | 0x400 | 0x800 | 0x1000
  }
}

/// What a rule does to a packet it decides.
public enum Action: Hashable, Sendable {
  case pass
  /// Block, with how: drop silently, or answer with a TCP reset or an ICMP error.
  case block(BlockReply)
  /// Mark or translate without deciding (pf `match`, ipfw `count`).
  case match
  /// Continue at another rule: ipf `skip N` skips N rules; ipfw `skipto N` continues at the first
  /// later rule numbered at least N (a target not after the rule means the next rule).
  case skip(to: Int)
  /// Evaluate a sub-ruleset in place: pf anchor and ipf group by name; ipfw `call N` continues
  /// at the first rule numbered at least N, and `return` comes back after the call.
  case call(String)
  /// Translation rules: `nat`, `rdr`, `binat` and their `no` forms.
  case translate(TranslationKind, negated: Bool)
  /// Look up the state table (ipfw `check-state [:name]`): a packet of a known flow takes the
  /// verdict of the rule that created the state; others continue.
  case checkState(name: String)
  /// Return from a `call` (ipfw `return`).
  case returnFromCall
  /// An action the analyses do not model, by its keyword and argument (ipfw `divert 8668`,
  /// `pipe 1`, `setfib 2`, `tcp-setmss 1460` …); `decides` is whether it ends evaluation.
  case external(String, argument: String, decides: Bool)
}

public enum BlockReply: Hashable, Sendable {
  case drop
  case returnRST
  case returnICMP
  /// pf `return`: RST for TCP, ICMP unreachable otherwise.
  case returnAny
  /// An ICMP destination-unreachable with this code (`mtu` for needfrag).
  case icmpUnreachable(code: UInt8, mtu: UInt16?)
  /// An ICMPv6 destination-unreachable with this code.
  case icmp6Unreachable(code: UInt8)
  /// A TCP reset to an IPv6 packet (ipfw `reset6`).
  case returnRST6
  /// An SCTP ABORT (ipfw `abort`, `abort6`).
  case sctpAbort(v6: Bool)
}

public enum TranslationKind: String, Hashable, Sendable {
  case nat, rdr, binat
}

/// Address translation attached to a rule.
public struct Translation: Hashable, Sendable {
  public var kind: TranslationKind
  /// Target addresses (a pool).
  public var targets: [AddressTerm]
  /// Target port or port range, if any.
  public var portLow: UInt16?
  public var portHigh: UInt16?
  /// Pool selection: round-robin, random, source-hash, bitmask.
  public var pool: String?
  /// Other options (sticky-address, static-port, …) in source spelling.
  public var options: [String] = []
  /// An ipfw NAT instance's `redirect_port` entries: inbound packets they match are sent on
  /// to a local address and port instead of being de-aliased.
  public var redirects: [PortRedirect] = []

  public init(kind: TranslationKind, targets: [AddressTerm]) {
    self.kind = kind
    self.targets = targets
  }
}

/// A port redirect of an in-kernel NAT instance (ipfw `redirect_port`): packets of `proto` to
/// one of `aliasPorts` (on `aliasAddress`, or on any address) go to `local`, port for port.
public struct PortRedirect: Hashable, Sendable {
  public var proto: UInt8
  public var aliasAddress: IPAddress?
  public var aliasPorts: ClosedRange<UInt16>
  public var local: IPAddress
  public var localPorts: ClosedRange<UInt16>

  public init(
    proto: UInt8, aliasAddress: IPAddress?, aliasPorts: ClosedRange<UInt16>, local: IPAddress,
    localPorts: ClosedRange<UInt16>
  ) {
    self.proto = proto
    self.aliasAddress = aliasAddress
    self.aliasPorts = aliasPorts
    self.local = local
    self.localPorts = localPorts
  }

  /// The local port a packet to alias port `port` is sent to.
  public func localPort(for port: UInt16) -> UInt16 {
    localPorts.count == 1 ? localPorts.lowerBound : localPorts.lowerBound + (port - aliasPorts.lowerBound)
  }
}

/// Stateful inspection requested by a rule.
public enum StateMode: String, Hashable, Sendable {
  case none, keep, modulate, synproxy
  /// Create state without looking it up first (ipfw `record-state`).
  case record
  /// Create a state for each distinct flow key, up to a limit (ipfw `limit`).
  case limit
}

/// Limits on the states a rule creates (pf `max`, `max-src-nodes`, `max-src-states`; ipf
/// `limit`, `max-srcs`, `max-per-src`). A packet whose state would exceed a limit is refused.
public struct StateLimits: Hashable, Sendable {
  /// States the rule may hold at once.
  public var states: Int?
  /// Distinct sources (masked by `sourcePrefix`) the rule's states may come from.
  public var sources: Int?
  /// States per source.
  public var statesPerSource: Int?
  /// The prefix length sources are grouped by; nil for whole addresses.
  public var sourcePrefix: Int?

  public init(states: Int? = nil, sources: Int? = nil, statesPerSource: Int? = nil, sourcePrefix: Int? = nil) {
    self.states = states
    self.sources = sources
    self.statesPerSource = statesPerSource
    self.sourcePrefix = sourcePrefix
  }
}

/// One rule of a ruleset.
public struct Rule: Hashable, Sendable {
  public var phase: Phase
  public var match: Match
  public var action: Action
  /// pf/ipf `quick`: stop evaluating when this rule matches.
  public var quick: Bool
  public var state: StateMode
  public var log: Bool
  public var translation: [Translation]
  /// Tag set on matching packets.
  public var tag: String?
  /// The name of the state table a stateful rule records into (ipfw `:name`).
  public var stateName: String?
  /// The rule's comment or label (ipfw `// text`, pf `label`).
  public var comment: String?
  /// Features that no analysis models (queues, route-to, labels …), by keyword, so that a
  /// translation can report what it cannot carry.
  public var features: [String]
  /// Where the rule comes from: the user's lines, through macro and list expansion.
  public var origin: [SourceLocation]
  /// The rule's number in its language (ipfw rule number, pf rule index).
  public var number: Int?
  /// The group whose rules are evaluated when this rule matches (ipf `head`).
  public var head: String?
  /// Limits on the states the rule creates.
  public var stateLimits: StateLimits?

  public init(
    phase: Phase, match: Match, action: Action, quick: Bool = false, state: StateMode = .none,
    log: Bool = false, translation: [Translation] = [], tag: String? = nil, features: [String] = [],
    origin: [SourceLocation], number: Int? = nil
  ) {
    self.phase = phase
    self.match = match
    self.action = action
    self.quick = quick
    self.state = state
    self.log = log
    self.translation = translation
    self.tag = tag
    self.features = features
    self.origin = origin
    self.number = number
  }
}

/// A named set of addresses.
public struct Table: Hashable, Sendable {
  public var name: String
  public var entries: [AddressTerm]
  /// Entries excluded from the table (`!addr`).
  public var excluded: [AddressTerm]
  /// Files the table is loaded from at run time, unknown to fwc.
  public var files: [String]
  public var origin: SourceLocation?

  public init(
    name: String, entries: [AddressTerm], excluded: [AddressTerm] = [], files: [String] = [], origin: SourceLocation?
  ) {
    self.name = name
    self.entries = entries
    self.excluded = excluded
    self.files = files
    self.origin = origin
  }
}

/// A whole ruleset in the IR: rules in evaluation order, tables, and nested rulesets (anchors,
/// groups, call targets) by name.
public struct Ruleset: Hashable, Sendable {
  public var language: Language
  public var evaluation: EvaluationModel
  public var rules: [Rule]
  public var tables: [String: Table]
  public var subrulesets: [String: [Rule]]
  /// Interfaces and groups whose packets are not filtered at all (pf `set skip on`).
  public var skippedInterfaces: [String] = []

  public init(
    language: Language, evaluation: EvaluationModel, rules: [Rule] = [], tables: [String: Table] = [:],
    subrulesets: [String: [Rule]] = [:]
  ) {
    self.language = language
    self.evaluation = evaluation
    self.rules = rules
    self.tables = tables
    self.subrulesets = subrulesets
  }
}

extension Rule {
  /// The inbound half of a bidirectional translation (pf `binat`, ipnat `bimap`) written as
  /// the outbound rule `self`: packets from the rule's destination to its new address have
  /// their destination rewritten back to the rule's source. Nil for other rules, and when the
  /// source is not one network (the mapping back needs one address block).
  public var binatInboundHalf: Rule? {
    guard case .translate(.binat, let negated) = action, match.direction != .in,
      match.source.terms.count == 1, !match.source.negated
    else { return nil }
    var r = self
    r.match.direction = .in
    r.match.source = match.destination
    r.match.sourcePort = match.destinationPort
    r.match.destinationPort = match.sourcePort
    if let t = translation.first {
      r.match.destination = AddressMatch(t.targets)
      var back = t
      back.targets = match.source.terms
      r.translation = [back]
    } else if negated {
      r.match.destination = .any
    }
    return r
  }
}

extension Rule {
  /// The kind of a translation rule; nil for other rules.
  public var translationKind: TranslationKind? {
    if case .translate(let k, _) = action { return k }
    return nil
  }
}
