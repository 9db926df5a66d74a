import FirewallIR

/// pf's model of a loaded ruleset: rules as pfctl hands them to the kernel (lists expanded,
/// defaults filled in), which is what `pfctl -nv` prints and what lowering reads.

/// An address in a pf rule (pfctl's `pf_addr_wrap`).
public enum PFAddress: Hashable, Sendable {
  /// An address and prefix; `any` is the zero address with prefix 0 and no family.
  case addrMask(IPAddress?, prefix: Int)
  /// `a - b`
  case range(IPAddress, IPAddress)
  /// `(ifname[:mod])[/prefix]`, resolved by the kernel.
  case dynamic(ifname: String, modifiers: [String], prefix: Int?)
  case table(String)
  /// An interface name (with `:network`-style modifiers) kept symbolic because no host context
  /// says which addresses it has.
  case interfaceName(String)
  case noRoute
  case urpfFailed

  public static let any = PFAddress.addrMask(nil, prefix: 0)

  public var isAny: Bool {
    if case .addrMask(nil, 0) = self { return true }
    return false
  }
}

/// A host as the parser produces it: an address with its family, negation and (for link-local
/// addresses) the interface it is scoped to.
public struct PFHost: Hashable, Sendable {
  public var address: PFAddress
  public var family: AddressFamily?
  public var negated = false
  /// Interface an IPv6 link-local address belongs to.
  public var scope: String?
  /// Interface name attached to a pool entry (`route-to (em0 1.2.3.4)`), or an interface pool entry.
  public var ifname: String?

  public init(address: PFAddress, family: AddressFamily?) {
    self.address = address
    self.family = family
  }
}

/// A port or uid/gid comparison.
public struct PFRange: Hashable, Sendable {
  public var op: RangeOperator
  public var a: UInt32
  public var b: UInt32

  public init(_ op: RangeOperator, _ a: UInt32, _ b: UInt32 = 0) {
    self.op = op
    self.a = a
    self.b = b
  }
}

public enum PFAction: Hashable, Sendable {
  case pass, block, match, scrub, noScrub, nat, noNat, binat, noBinat, rdr, noRdr

  public var isTranslation: Bool {
    switch self {
    case .nat, .noNat, .binat, .noBinat, .rdr, .noRdr: return true
    default: return false
    }
  }
}

public enum PFBlockPolicy: Hashable, Sendable {
  case drop
  case `return`
  case returnRST(ttl: Int)
  /// ICMP codes as (type << 8 | code), for IPv4 and IPv6.
  case returnICMP(v4: UInt16, v6: UInt16)
}

public enum PFStateMode: Hashable, Sendable { case none, keep, modulate, synproxy }

public enum PFPoolType: Hashable, Sendable { case none, bitmask, random, sourceHash, roundRobin }

/// An address pool: translation or route targets with the selection options.
public struct PFPool: Hashable, Sendable {
  public var hosts: [PFHost] = []
  public var type: PFPoolType = .none
  /// The source-hash key as 32 hex digits.
  public var key: String?
  public var sticky = false
  public var staticPort = false
  public var endpointIndependent = false
  public var preferIPv6NextHop = false
  /// `map-e-portset psid-offset/psid-len/psid`.
  public var mapE: (Int, Int, Int)? {
    get { mapEValue.map { ($0[0], $0[1], $0[2]) } }
    set { mapEValue = newValue.map { [$0.0, $0.1, $0.2] } }
  }
  var mapEValue: [Int]? = nil
  /// Port or range (`port a[:b]`); `proxyHigh` is 0 when a single port.
  public var proxyLow: UInt16 = 0
  public var proxyHigh: UInt16 = 0

  public init() {}
}

/// State options in parentheses after `keep state`.
public struct PFStateOptions: Hashable, Sendable {
  public var max: UInt32 = 0
  public var noSync = false
  public var sourceTrack: String? = nil  // "global" or "rule"
  public var maxSrcStates: UInt32 = 0
  public var maxSrcConn: UInt32 = 0
  public var maxSrcConnRate: (UInt32, UInt32)? {
    get { rate.map { ($0[0], $0[1]) } }
    set { rate = newValue.map { [$0.0, $0.1] } }
  }
  var rate: [UInt32]? = nil
  public var maxSrcNodes: UInt32 = 0
  public var overload: String? = nil
  public var flush = false
  public var flushGlobal = false
  public var ifBound = false
  public var floating = false
  public var sloppy = false
  public var pflow = false
  public var timeouts: [(String, UInt32)] {
    get { timeoutList.map { ($0.name, $0.seconds) } }
    set { timeoutList = newValue.map { TimeoutValue(name: $0.0, seconds: $0.1) } }
  }
  struct TimeoutValue: Hashable, Sendable {
    var name: String
    var seconds: UInt32
  }
  var timeoutList: [TimeoutValue] = []

  public init() {}

  public var isEmpty: Bool { self == PFStateOptions() }
}

/// A pf filter, scrub or translation rule after list expansion.
public struct PFRule: Hashable, Sendable {
  public var action: PFAction = .pass
  public var natPass = false
  public var blockPolicy: PFBlockPolicy = .drop
  public var direction: Direction? = nil
  public var log = false
  public var logAll = false
  public var logMatches = false
  public var logUser = false
  public var logIf: Int = 0
  public var quick = false
  public var ifname: String? = nil
  public var ifNot = false
  public var routeKind: String? = nil  // route-to, reply-to, dup-to
  public var route = PFPool()
  public var af: AddressFamily? = nil
  public var proto: UInt8 = 0
  public var src = PFRuleAddress()
  public var dst = PFRuleAddress()
  public var os: String? = nil
  public var receivedOn: String? = nil
  public var receivedOnNot = false
  public var uid: PFRange? = nil
  public var gid: PFRange? = nil
  public var flags: UInt8 = 0
  public var flagset: UInt8 = 0
  /// ICMP type + 1 and code + 1 (0 = unset), as pf stores them.
  public var icmpType: UInt16 = 0
  public var icmpCode: UInt16 = 0
  public var tos: UInt8 = 0
  public var prio: Int? = nil
  public var setPrio: (Int, Int)? {
    get { setPrioValue.map { ($0[0], $0[1]) } }
    set { setPrioValue = newValue.map { [$0.0, $0.1] } }
  }
  var setPrioValue: [Int]? = nil
  public var maxPktRate: (UInt32, UInt32)? {
    get { pktRate.map { ($0[0], $0[1]) } }
    set { pktRate = newValue.map { [$0.0, $0.1] } }
  }
  var pktRate: [UInt32]? = nil
  public var maxPktSize: UInt32 = 0
  public var keepState: PFStateMode = .none
  public var probability: UInt32 = 0
  public var stateOptions = PFStateOptions()
  public var fragment = false
  public var noDF = false
  public var randomID = false
  public var minTTL = 0
  public var maxMSS = 0
  public var setTOS: UInt8? = nil
  public var allowOpts = false
  public var reassembleTCP = false
  public var fragmentNoReassemble = false
  public var labels: [String] = []
  public var ridentifier: UInt32 = 0
  public var dnpipe = 0
  public var dnrpipe = 0
  public var dnIsPipe = false
  public var queue: String? = nil
  public var priorityQueue: String? = nil
  public var tag: String? = nil
  public var tagged: String? = nil
  public var taggedNot = false
  public var rtable: Int? = nil
  public var divertPort: UInt16 = 0
  public var divertReply = false
  public var once = false
  public var stateLimiter: Int? = nil
  public var sourceLimiter: Int? = nil
  public var limiterNoMatch = false
  /// `nat-to` / `af-to … from` pool, and `rdr-to` / `af-to … to` pool, on filter rules.
  public var natPool: PFPool? = nil
  public var rdrPool: PFPool? = nil
  public var afTo: AddressFamily? = nil
  /// The pool after `->` on nat/rdr/binat rules.
  public var translation = PFPool()
  /// For anchor rules: the anchor's name as written (or `_N` for inline anchors) and its ruleset.
  public var anchorCall: String? = nil
  public var anchor: PFRuleset? = nil
  /// Where this rule was written.
  public var origin: SourceLocation

  public init(origin: SourceLocation) { self.origin = origin }

  public static func == (a: PFRule, b: PFRule) -> Bool { a.origin == b.origin && a.nr == b.nr }
  public func hash(into h: inout Hasher) {
    h.combine(origin)
    h.combine(nr)
  }
  /// The rule's number within its ruleset and list.
  public var nr = 0
}

/// Source or destination of a rule: address, negation and port.
public struct PFRuleAddress: Hashable, Sendable {
  public var address: PFAddress = .any
  public var negated = false
  public var port: PFRange? = nil

  public init() {}
}

/// An Ethernet-layer rule.
public struct PFEtherRule: Sendable {
  public var action: PFAction = .pass
  public var direction: Direction? = nil
  public var quick = false
  public var ifname: String? = nil
  public var ifNot = false
  public var bridgeTo: String? = nil
  public var proto: UInt16 = 0
  public var src: PFMAC? = nil
  public var dst: PFMAC? = nil
  public var ipsrc = PFRuleAddress()
  public var ipdst = PFRuleAddress()
  public var queue: String? = nil
  public var tag: String? = nil
  public var tagged: String? = nil
  public var taggedNot = false
  public var labels: [String] = []
  public var ridentifier: UInt32 = 0
  public var dnpipe = 0
  public var dnIsPipe = false
  public var anchorCall: String? = nil
  public var origin: SourceLocation

  public init(origin: SourceLocation) { self.origin = origin }
}

/// A MAC address with mask.
public struct PFMAC: Sendable, Hashable {
  public var bytes: [UInt8]
  public var mask: [UInt8]
  public var negated = false
}

/// The rules of one anchor, by kind, in pfctl's load order.
public final class PFRuleset: @unchecked Sendable {
  public var name: String
  public var scrub: [PFRule] = []
  public var nat: [PFRule] = []
  public var rdr: [PFRule] = []
  public var binat: [PFRule] = []
  public var filter: [PFRule] = []
  public var ether: [PFEtherRule] = []

  public init(name: String) { self.name = name }

  public var isEmpty: Bool {
    scrub.isEmpty && nat.isEmpty && rdr.isEmpty && binat.isEmpty && filter.isEmpty && ether.isEmpty
  }
}

/// A whole parsed pf.conf: the lines pfctl echoes while parsing (macros, options, tables,
/// queues) in source order, and the main ruleset.
public struct PFConfig: Sendable {
  /// Text pfctl prints during parsing, in order, each a full line.
  public var echo: [String] = []
  public var main = PFRuleset(name: "")
  /// Tables defined in the file, by name.
  public var tables: [String: PFTableDef] = [:]
  public var tableOrder: [String] = []
  /// Macros by name.
  public var macros: [String: String] = [:]
  /// `load anchor` directives: anchor name and file.
  public var loadAnchors: [(String, String)] = []
  /// Limiter ids by "state NAME" / "source NAME".
  public var limiterIDs: [String: Int] = [:]

  public init() {}
}

/// A table definition.
public struct PFTableDef: Sendable {
  public var name: String
  public var persist = false
  public var const = false
  public var counters = false
  public var entries: [PFHost] = []
  public var files: [String] = []
  public var origin: SourceLocation
}
