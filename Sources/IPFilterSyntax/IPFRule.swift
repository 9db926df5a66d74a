import FirewallIR

/// An address in an ipf rule: a host or network, a pool/hash lookup, or an interface's
/// address taken when the rule is loaded.
public enum IPFAddress: Sendable, Equatable {
  case any
  /// Address and mask (a non-contiguous mask is kept as written).
  case host(IPAddress, mask: IPAddress)
  case lookup(kind: String, number: Int?, name: String?)
  /// `(ifname)`, `(ifname)/len`, `(ifname)/net`, `/bcast`, `/peer`, `/netmasked`.
  case dynamic(ifname: String, suffix: String?, prefix: Int?)
}

/// A port comparison: `= 80`, `!= 0`, `1 >< 3`, `2:2` …
public struct IPFPortCompare: Sendable, Equatable {
  public var op: String
  public var port: Int
  public var top: Int
}

/// A `to`, `dup-to` or `reply-to` destination: an interface and optional next hop.
public struct IPFDestination: Sendable, Equatable {
  public var ifname: String
  public var address: IPAddress?
  public var dstlist = false
}

/// One ipf.conf rule after list expansion (ipf's `frentry`).
public struct IPFRule: Sendable {
  public enum Action: Sendable, Equatable {
    case pass, block, log, count, auth, preauth, nomatch, decapsulate
    case call(function: String, argument: Int, now: Bool)
    case skip(Int)
  }
  public enum Return: Sendable, Equatable {
    case none, rst
    case icmp(code: Int?)
    case icmpAsDest(code: Int?)
  }

  public var collection: Int? = nil
  public var action: Action = .pass
  public var returnKind: Return = .none
  public var out = false
  public var log = false
  public var logBody = false
  public var logFirst = false
  public var logOrBlock = false
  public var logLevel: (facility: String, priority: String)? = nil
  public var quick = false
  public var interfaces: [String] = []
  public var via: [String] = []
  public var toDest: IPFDestination? = nil
  public var dupTo: IPFDestination? = nil
  public var replyTo: IPFDestination? = nil
  public var fastroute = false
  public var family: AddressFamily? = nil
  /// Whether the rule compares packet fields (ipf's FR_T_IPF); `all` rules do not.
  public var isIPF = false
  public var tos: Int? = nil
  public var ttl: Int? = nil
  public var proto: Int? = nil
  public var tcpudp = false
  public var notSource = false
  public var notDestination = false
  public var source: IPFAddress = .any
  public var destination: IPFAddress = .any
  public var sourcePort: IPFPortCompare? = nil
  public var destinationPort: IPFPortCompare? = nil
  public var icmpType: Int? = nil
  public var icmpCode: Int? = nil
  public var tcpFlags = 0
  public var tcpFlagMask = 0
  /// `with` flags: bits set in `withMask` are tested; set in `withBits` must be present.
  public var withBits: UInt32 = 0
  public var withMask: UInt32 = 0
  public var optBits: UInt32 = 0
  public var optMask: UInt32 = 0
  public var secBits: UInt32 = 0
  /// IPv6 extension headers (`with v6hdr routing,frag`), as `IPFOptions.v6Headers` numbers them.
  public var v6HeaderBits: UInt32 = 0
  /// The entries of anonymous pools written in the rule (`from pool=(1.1.1.1,2.2.0.0/16)`).
  public var sourcePool: [IPPoolDefinition.Entry]? = nil
  public var destinationPool: [IPPoolDefinition.Entry]? = nil
  public var v6HeaderMask: UInt32 = 0
  public var secMask: UInt32 = 0
  public var keepState = false
  public var stateLimit = 0
  public var stateStrict = false
  public var stateLoose = false
  public var stateNewISN = false
  public var stateNoICMPErr = false
  public var stateSync = false
  public var age: (Int, Int) = (0, 0)
  public var maxNodes = 0
  public var maxPerSource = 0
  public var perSourceMask = 0
  public var keepFrags = false
  public var fragStrict = false
  public var head: String? = nil
  public var group: String? = nil
  public var logTag: Int? = nil
  public var natTag: String? = nil
  public var pps = 0
  public var comment: String? = nil
  /// `exp { "…" }` rules: the terms of the expression.
  public var expression: [IPFExpressionTerm]? = nil
  public var ruleTTL = 0
  public var origin: SourceLocation

  public init(origin: SourceLocation) { self.origin = origin }
}

/// Bits of the `with` options, in the order ipf prints them.
enum IPFWith {
  static let names: [(String, UInt32)] = [
    ("ipopts", 0x1), ("short", 0x2), ("frag", 0x4), ("frag-body", 0x8), ("nat", 0x10), ("lowttl", 0x20),
    ("bad", 0x40), ("bad-src", 0x80), ("bad-nat", 0x100), ("oow", 0x200), ("mbcast", 0x400), ("bcast", 0x800),
    ("mcast", 0x1000), ("state", 0x2000), ("v6hdrs", 0x4000),
  ]
  static let aliases: [String: UInt32] = [
    "frags": 0x4, "multicast": 0x1000, "broadcast": 0x800, "ah": 0x8000,
  ]

  static func bit(_ word: String) -> UInt32? {
    names.first { $0.0 == word }?.1 ?? aliases[word]
  }
}

/// IPv4 option names and security classes as ipf spells them.
enum IPFOptions {
  static let options: [(String, UInt32)] = [
    ("nop", 0x1), ("rr", 0x2), ("zsu", 0x4), ("mtup", 0x8), ("mtur", 0x10), ("encode", 0x20), ("ts", 0x40),
    ("tr", 0x80), ("sec", 0x100), ("sec-class", 0x100), ("lsrr", 0x200), ("e-sec", 0x400), ("cipso", 0x800),
    ("satid", 0x1000), ("ssrr", 0x2000), ("addext", 0x4000), ("visa", 0x8000), ("imitd", 0x10000),
    ("eip", 0x20000), ("finn", 0x40000), ("dps", 0x80000), ("sdb", 0x100000), ("nsapa", 0x200000),
    ("rtralrt", 0x400000), ("ump", 0x800000), ("ah", 0x1000000),
  ]
  /// IPv6 extension headers, with their protocol numbers.
  static let v6Headers: [(name: String, bit: UInt32, proto: UInt8)] = [
    ("hopopts", 0x1, 0), ("ipv6", 0x2, 41), ("routing", 0x4, 43), ("frag", 0x8, 44), ("esp", 0x10, 50),
    ("ah", 0x20, 51), ("none", 0x40, 59), ("dstopts", 0x80, 60), ("mobility", 0x100, 135),
  ]
  static let securityClasses: [(String, UInt32)] = [
    ("reserv-4", 0x01), ("topsecret", 0x02), ("secret", 0x04), ("reserv-3", 0x08), ("confid", 0x10),
    ("unclass", 0x20), ("reserv-2", 0x40), ("reserv-1", 0x80),
  ]
}

/// ICMP names as ipf spells them.
enum IPFICMP {
  static let types: [(String, Int?, Int?)] = [
    ("echo", 8, 128), ("echorep", 0, 129), ("fqdnquery", nil, 139), ("fqdnreply", nil, 140),
    ("infoqry", nil, 139), ("inforeq", 15, 139), ("inforep", 16, 140), ("listendone", nil, 132),
    ("listenqry", nil, 130), ("listenrep", nil, 131), ("maskrep", 18, nil), ("maskreq", 17, nil),
    ("memberqry", nil, 130), ("memberred", nil, 132), ("memberreply", nil, 131), ("neighadvert", nil, 136),
    ("neighborsol", nil, 135), ("neighborsolicit", nil, 135), ("paramprob", 12, 4), ("redir", 5, 137),
    ("renumber", nil, 138), ("routerad", 9, 134), ("routeradvert", 9, 134), ("routersol", 10, 133),
    ("routersolcit", 10, 133), ("squench", 4, nil), ("timest", 13, nil), ("timestrep", 14, nil),
    ("timex", 11, 3), ("toobig", nil, 2), ("unreach", 3, 1), ("whorep", nil, 140), ("whoreq", nil, 139),
  ]
  /// Destination-unreachable codes by number (`return-icmp(…)`, `code …`).
  static let codes: [String] = [
    "net-unr", "host-unr", "proto-unr", "port-unr", "needfrag", "srcfail", "net-unk", "host-unk", "isolate",
    "net-prohib", "host-prohib", "net-tos", "host-tos", "filter-prohib", "host-preced", "preced-cutoff",
  ]
  /// Extra spellings the parser accepts for codes.
  static let codeAliases: [String: Int] = ["cutoff-preced": 15]

  static func type(named n: String, v6: Bool) -> Int? {
    for t in types where t.0 == n { return v6 ? t.2 : t.1 }
    return nil
  }
  static func typeName(_ t: Int, v6: Bool) -> String? {
    types.first { (v6 ? $0.2 : $0.1) == t }?.0
  }
  static func code(named n: String) -> Int? {
    codes.firstIndex(of: n) ?? codeAliases[n]
  }
}

/// syslog facility and priority names (`log level fac.pri`).
enum IPFSyslog {
  static let facilities: Set<String> = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "ftp", "authpriv",
    "audit", "logalert", "cron2", "security", "local0", "local1", "local2", "local3", "local4", "local5",
    "local6", "local7",
  ]
  static let priorities: Set<String> = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"]
}

/// One `field op value[,value]` term of an `exp { }` rule.
public struct IPFExpressionTerm: Sendable, Equatable {
  public var field: String
  public var op: String
  public var values: [String]
}
