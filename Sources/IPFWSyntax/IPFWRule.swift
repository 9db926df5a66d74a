import FirewallIR

/// One ipfw rule as the kernel holds it: number, set, action and body, each in canonical form.
public struct IPFWRule: Hashable, Sendable {
  /// The rule number, assigned as the kernel assigns it when the rule gave none.
  public var number: Int
  public var set: Int = 0
  public var probability: Double?
  public var action: IPFWAction
  public var log = false
  public var logAmount: Int?
  public var altq: String?
  /// `tag N` or `untag N`.
  public var tag: IPFWTag?
  /// The body had no `proto from … to …` part, only options: ipfw then prints no addresses.
  public var justOptions = false
  /// Protocol alternatives (`tcp`, `{ tcp or udp }`); empty means `ip`.
  public var protocols: [IPFWProtocol] = []
  public var protocolNegated = false
  public var source = IPFWAddress.any
  public var destination = IPFWAddress.any
  /// Match options in the order the kernel keeps them; ports written after an address are
  /// `src-port`/`dst-port` options in their place.
  public var options: [IPFWOption] = []
  public var comment: String?
  /// Where the rule was written.
  public var location: SourceLocation
  /// The rule's set is disabled (`ipfw set disable N`).
  public var disabled = false

  public init(number: Int, action: IPFWAction, location: SourceLocation) {
    self.number = number
    self.action = action
    self.location = location
  }
}

/// `tag N` (set a tag on the packet) or `untag N` (remove it).
public struct IPFWTag: Hashable, Sendable {
  public var untag: Bool
  public var value: Int

  public init(untag: Bool, value: Int) {
    self.untag = untag
    self.value = value
  }
}

/// A protocol in a rule body.
public enum IPFWProtocol: Hashable, Sendable {
  /// An IP protocol number.
  case number(UInt8)
  /// `ip4` / `ipv4`: IPv4 packets only.
  case ip4
  /// `ip6` / `ipv6`: IPv6 packets only.
  case ip6
}

/// What a rule does.
public struct IPFWAction: Hashable, Sendable {
  /// The canonical keyword: `allow`, `deny`, `reject`, `reset`, `unreach`, `count`, `skipto` …
  public var keyword: String
  /// The canonical argument words (`42`, `needfrag 1420`, `:default`, `10.0.0.1,8080` …).
  public var arguments: [String]

  public init(_ keyword: String, _ arguments: [String] = []) {
    self.keyword = keyword
    self.arguments = arguments
  }
}

/// One element of an address list.
public enum IPFWAddressItem: Hashable, Sendable {
  case any
  /// The addresses of this host (`me`, `me6`).
  case me
  case me6
  /// `table(NAME)` or `table(NAME,VALUE)`.
  case table(String, value: String?)
  /// An address with a prefix length.
  case network(IPNetwork)
  /// An address with a mask that is not a prefix (`addr:mask`).
  case masked(IPAddress, mask: IPAddress)
  /// `addr/len{list}`: the hosts of a network whose last octet is in `members`.
  case set(IPNetwork, members: [Int])
}

/// One alternative of an address match: a comma list, possibly negated.
public struct IPFWAddressTerm: Hashable, Sendable {
  public var items: [IPFWAddressItem]
  public var negated: Bool

  public init(_ items: [IPFWAddressItem], negated: Bool = false) {
    self.items = items
    self.negated = negated
  }
}

/// An address match: one term, or the alternatives of an `{ a or not b }` block.
public struct IPFWAddress: Hashable, Sendable {
  public var terms: [IPFWAddressTerm]

  public init(_ terms: [IPFWAddressTerm]) { self.terms = terms }

  public static let any = IPFWAddress([IPFWAddressTerm([.any])])
  public var isAny: Bool { terms.count == 1 && !terms[0].negated && terms[0].items == [.any] }
}

/// A port or port range (also used for other numeric lists: types, lengths, tags).
public struct IPFWPortRange: Hashable, Sendable {
  public var low: Int
  public var high: Int

  public init(_ low: Int, _ high: Int) {
    self.low = low
    self.high = high
  }
}

/// A match option after the addresses (`in`, `via em0`, `keep-state :default`, `tcpflags syn,!ack` …).
public struct IPFWOption: Hashable, Sendable {
  /// The canonical keyword.
  public var keyword: String
  /// The canonical argument words.
  public var arguments: [String]
  public var negated: Bool
  /// The option is joined to the next one by `or` inside `{ }`.
  public var orNext: Bool
  /// Parsed numeric values for the analyses (ports, types, ids), when the option has them.
  public var values: [IPFWPortRange]

  public init(_ keyword: String, _ arguments: [String] = [], negated: Bool = false, values: [IPFWPortRange] = []) {
    self.keyword = keyword
    self.arguments = arguments
    self.negated = negated
    self.orNext = false
    self.values = values
  }
}

/// An ipfw table: its type, options and entries.
public struct IPFWTable: Hashable, Sendable {
  public var name: String
  /// `addr`, `iface`, `number`, `flow`, `mac`.
  public var type: String
  /// Other create options (`valtype`, `algo`, …) as written.
  public var options: [String]
  public var entries: [IPFWTableEntry] = []
  public var location: SourceLocation

  public init(name: String, type: String, options: [String], location: SourceLocation) {
    self.name = name
    self.type = type
    self.options = options
    self.location = location
  }
}

/// One entry of a table: a key (address, interface, number …) and an optional value.
public struct IPFWTableEntry: Hashable, Sendable {
  public var key: String
  public var value: String?
}

/// A configuration command other than a rule, kept with its canonical words: `nat N config …`,
/// `pipe N config …`, `nat64lsn NAME create …`, `set disable N` …
public struct IPFWConfig: Hashable, Sendable {
  public var words: [String]
  public var location: SourceLocation
}

/// A whole ipfw configuration after its commands ran in order.
public struct IPFWRuleset: Sendable {
  public var rules: [IPFWRule] = []
  public var tables: [String: IPFWTable] = [:]
  /// Table names in creation order.
  public var tableOrder: [String] = []
  /// NAT instances by number, as `ipfw nat show config` prints them.
  public var nats: [Int: IPFWConfig] = [:]
  /// Dummynet, nat64, nptv6 and other instance configurations in the order given.
  public var configs: [IPFWConfig] = []
  /// Sets disabled with `ipfw set disable`.
  public var disabledSets: Set<Int> = []
  /// The default rule's action: `deny`, or `allow` in kernels built with
  /// IPFIREWALL_DEFAULT_TO_ACCEPT (known from an `ipfw list` that shows it).
  public var defaultAction = "deny"

  public init() {}
}
