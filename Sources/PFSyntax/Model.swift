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

/// The options of a rule that most rules leave unset. `PFRule` keeps them out of line, shared
/// between the rules one statement expands into, so that a rule stays small to copy and store.
public struct PFRuleExtras: Sendable {
  public var logAll = false
  public var logMatches = false
  public var logUser = false
  public var logIf: Int = 0
  public var routeKind: String? = nil  // route-to, reply-to, dup-to
  public var route = PFPool()
  public var receivedOn: String? = nil
  public var receivedOnNot = false
  public var tos: UInt8 = 0
  public var prio: Int? = nil
  var setPrioValue: [Int]? = nil
  var pktRate: [UInt32]? = nil
  public var maxPktSize: UInt32 = 0
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
  public var setPrio: (Int, Int)? {
    get { setPrioValue.map { ($0[0], $0[1]) } }
    set { setPrioValue = newValue.map { [$0.0, $0.1] } }
  }
  public var maxPktRate: (UInt32, UInt32)? {
    get { pktRate.map { ($0[0], $0[1]) } }
    set { pktRate = newValue.map { [$0.0, $0.1] } }
  }

  public init() {}
}

/// An immutable box for `PFRuleExtras`; a rule replaces its box to change an option.
final class PFRuleExtrasBox: Sendable {
  let value: PFRuleExtras
  init(_ value: PFRuleExtras) { self.value = value }
  static let empty = PFRuleExtrasBox(PFRuleExtras())
}

/// A pf filter, scrub or translation rule after list expansion: the fields that vary between
/// the rules of one statement inline, the rarer options in a shared box (`extras`), read and
/// written through the forwarding properties below.
public struct PFRule: Hashable, Sendable {
  public var action: PFAction = .pass
  public var natPass = false
  public var blockPolicy: PFBlockPolicy = .drop
  public var direction: Direction? = nil
  public var log = false
  public var quick = false
  public var ifname: String? = nil
  public var ifNot = false
  public var af: AddressFamily? = nil
  public var proto: UInt8 = 0
  public var src = PFRuleAddress()
  public var dst = PFRuleAddress()
  public var os: String? = nil
  public var uid: PFRange? = nil
  public var gid: PFRange? = nil
  public var flags: UInt8 = 0
  public var flagset: UInt8 = 0
  /// ICMP type + 1 and code + 1 (0 = unset), as pf stores them.
  public var icmpType: UInt16 = 0
  public var icmpCode: UInt16 = 0
  public var keepState: PFStateMode = .none
  public var tag: String? = nil
  public var tagged: String? = nil
  /// For anchor rules: the anchor's name as written (or `_N` for inline anchors) and its ruleset.
  public var anchorCall: String? = nil
  public var anchor: PFRuleset? = nil
  /// Where this rule was written.
  public var origin: SourceLocation
  /// The rule's number within its ruleset and list.
  public var nr = 0
  private var box: PFRuleExtrasBox

  /// The rule's rarer options.
  public var extras: PFRuleExtras {
    get { box.value }
    set { box = PFRuleExtrasBox(newValue) }
  }

  public init(origin: SourceLocation) {
    self.origin = origin
    self.box = PFRuleExtrasBox.empty
  }

  public static func == (a: PFRule, b: PFRule) -> Bool { a.origin == b.origin && a.nr == b.nr }
  public func hash(into h: inout Hasher) {
    h.combine(origin)
    h.combine(nr)
  }

  public var logAll: Bool {
    get { box.value.logAll }
    set { modifyExtras { $0.logAll = newValue } }
  }
  public var logMatches: Bool {
    get { box.value.logMatches }
    set { modifyExtras { $0.logMatches = newValue } }
  }
  public var logUser: Bool {
    get { box.value.logUser }
    set { modifyExtras { $0.logUser = newValue } }
  }
  public var logIf: Int {
    get { box.value.logIf }
    set { modifyExtras { $0.logIf = newValue } }
  }
  public var routeKind: String? {
    get { box.value.routeKind }
    set { modifyExtras { $0.routeKind = newValue } }
  }
  public var route: PFPool {
    get { box.value.route }
    set { modifyExtras { $0.route = newValue } }
  }
  public var receivedOn: String? {
    get { box.value.receivedOn }
    set { modifyExtras { $0.receivedOn = newValue } }
  }
  public var receivedOnNot: Bool {
    get { box.value.receivedOnNot }
    set { modifyExtras { $0.receivedOnNot = newValue } }
  }
  public var tos: UInt8 {
    get { box.value.tos }
    set { modifyExtras { $0.tos = newValue } }
  }
  public var prio: Int? {
    get { box.value.prio }
    set { modifyExtras { $0.prio = newValue } }
  }
  public var maxPktSize: UInt32 {
    get { box.value.maxPktSize }
    set { modifyExtras { $0.maxPktSize = newValue } }
  }
  public var probability: UInt32 {
    get { box.value.probability }
    set { modifyExtras { $0.probability = newValue } }
  }
  public var stateOptions: PFStateOptions {
    get { box.value.stateOptions }
    set { modifyExtras { $0.stateOptions = newValue } }
  }
  public var fragment: Bool {
    get { box.value.fragment }
    set { modifyExtras { $0.fragment = newValue } }
  }
  public var noDF: Bool {
    get { box.value.noDF }
    set { modifyExtras { $0.noDF = newValue } }
  }
  public var randomID: Bool {
    get { box.value.randomID }
    set { modifyExtras { $0.randomID = newValue } }
  }
  public var minTTL: Int {
    get { box.value.minTTL }
    set { modifyExtras { $0.minTTL = newValue } }
  }
  public var maxMSS: Int {
    get { box.value.maxMSS }
    set { modifyExtras { $0.maxMSS = newValue } }
  }
  public var setTOS: UInt8? {
    get { box.value.setTOS }
    set { modifyExtras { $0.setTOS = newValue } }
  }
  public var allowOpts: Bool {
    get { box.value.allowOpts }
    set { modifyExtras { $0.allowOpts = newValue } }
  }
  public var reassembleTCP: Bool {
    get { box.value.reassembleTCP }
    set { modifyExtras { $0.reassembleTCP = newValue } }
  }
  public var fragmentNoReassemble: Bool {
    get { box.value.fragmentNoReassemble }
    set { modifyExtras { $0.fragmentNoReassemble = newValue } }
  }
  public var labels: [String] {
    get { box.value.labels }
    set { modifyExtras { $0.labels = newValue } }
  }
  public var ridentifier: UInt32 {
    get { box.value.ridentifier }
    set { modifyExtras { $0.ridentifier = newValue } }
  }
  public var dnpipe: Int {
    get { box.value.dnpipe }
    set { modifyExtras { $0.dnpipe = newValue } }
  }
  public var dnrpipe: Int {
    get { box.value.dnrpipe }
    set { modifyExtras { $0.dnrpipe = newValue } }
  }
  public var dnIsPipe: Bool {
    get { box.value.dnIsPipe }
    set { modifyExtras { $0.dnIsPipe = newValue } }
  }
  public var queue: String? {
    get { box.value.queue }
    set { modifyExtras { $0.queue = newValue } }
  }
  public var priorityQueue: String? {
    get { box.value.priorityQueue }
    set { modifyExtras { $0.priorityQueue = newValue } }
  }
  public var taggedNot: Bool {
    get { box.value.taggedNot }
    set { modifyExtras { $0.taggedNot = newValue } }
  }
  public var rtable: Int? {
    get { box.value.rtable }
    set { modifyExtras { $0.rtable = newValue } }
  }
  public var divertPort: UInt16 {
    get { box.value.divertPort }
    set { modifyExtras { $0.divertPort = newValue } }
  }
  public var divertReply: Bool {
    get { box.value.divertReply }
    set { modifyExtras { $0.divertReply = newValue } }
  }
  public var once: Bool {
    get { box.value.once }
    set { modifyExtras { $0.once = newValue } }
  }
  public var stateLimiter: Int? {
    get { box.value.stateLimiter }
    set { modifyExtras { $0.stateLimiter = newValue } }
  }
  public var sourceLimiter: Int? {
    get { box.value.sourceLimiter }
    set { modifyExtras { $0.sourceLimiter = newValue } }
  }
  public var limiterNoMatch: Bool {
    get { box.value.limiterNoMatch }
    set { modifyExtras { $0.limiterNoMatch = newValue } }
  }
  /// `nat-to` / `af-to … from` pool, and `rdr-to` / `af-to … to` pool, on filter rules.
  public var natPool: PFPool? {
    get { box.value.natPool }
    set { modifyExtras { $0.natPool = newValue } }
  }
  public var rdrPool: PFPool? {
    get { box.value.rdrPool }
    set { modifyExtras { $0.rdrPool = newValue } }
  }
  public var afTo: AddressFamily? {
    get { box.value.afTo }
    set { modifyExtras { $0.afTo = newValue } }
  }
  /// The pool after `->` on nat/rdr/binat rules.
  public var translation: PFPool {
    get { box.value.translation }
    set { modifyExtras { $0.translation = newValue } }
  }
  public var setPrio: (Int, Int)? {
    get { box.value.setPrio }
    set { modifyExtras { $0.setPrio = newValue } }
  }
  public var maxPktRate: (UInt32, UInt32)? {
    get { box.value.maxPktRate }
    set { modifyExtras { $0.maxPktRate = newValue } }
  }

  private mutating func modifyExtras(_ change: (inout PFRuleExtras) -> Void) {
    var v = box.value
    change(&v)
    box = PFRuleExtrasBox(v)
  }
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
  /// Where each macro was first defined.
  public var macroDefinitions: [String: SourceLocation] = [:]
  /// The macros some `$name` in the file expanded.
  public var usedMacros: Set<String> = []
  /// `load anchor` directives: anchor name and file.
  public var loadAnchors: [(String, String)] = []
  /// Limiter ids by "state NAME" / "source NAME".
  public var limiterIDs: [String: Int] = [:]
  /// Interfaces and groups of `set skip on`, whose packets pf does not filter.
  public var skip: [String] = []

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
