import FirewallIR

/// An address in an ipnat rule (ipnat's `nat_addr_t`).
public enum IPNatAddress: Sendable, Equatable {
  /// Address and mask; an all-zero address is `0/len`.
  case normal(IPAddress, mask: IPAddress)
  /// `a-b`
  case range(IPAddress, IPAddress)
  /// `a,b` (rdr load split between two hosts)
  case split(IPAddress, IPAddress)
  case lookup(kind: String, number: Int?, name: String?)
  case dstlist(number: Int?, name: String?)

  public static func zero(_ family: AddressFamily) -> IPNatAddress {
    .normal(IPAddress(family: family, value: 0), mask: IPAddress(family: family, value: 0))
  }
}

/// One ipnat.conf rule (ipnat's `ipnat_t`).
public struct IPNatRule: Sendable {
  public enum Kind: Sendable, Equatable {
    case map, mapBlock, bimap, rdr
    case rewrite(out: Bool)
    case divert(out: Bool)
    case encap(out: Bool)
  }

  public var kind: Kind = .map
  public var no = false
  public var interfaces: [String] = []
  /// IP version of the original and translated side (4 or 6; 0 until known).
  public var versionIn = 0
  public var versionOut = 0
  /// Protocol numbers of each side.
  public var proto = (0, 0)
  public var tcp = false
  public var udp = false
  public var icmpQuery = false
  public var filter = false
  public var notSource = false
  public var notDestination = false
  public var sourceRange = false
  public var destinationRange = false
  public var split = false
  public var roundRobin = false
  public var frag = false
  public var sticky = false
  public var autoPortmap = false
  public var sequential = false
  public var purge = false
  public var fixedDestinationPort = false
  public var fixedSourcePort = false
  public var originalSource: IPNatAddress = .zero(.inet)
  public var originalDestination: IPNatAddress = .zero(.inet)
  public var newSource: IPNatAddress = .zero(.inet)
  public var newDestination: IPNatAddress = .zero(.inet)
  public var sourceCompare: IPFPortCompare? = nil
  public var destinationCompare: IPFPortCompare? = nil
  /// Original destination port range (rdr `port a-b`).
  public var odport = 0
  public var dtop = 0
  /// New destination ports (rdr `-> … port c-d`).
  public var dpmin = 0
  public var dpmax = 0
  public var dpnext = 0
  /// Source port map (`portmap a:b`, map-block `ports n`).
  public var spmin = 0
  public var spmax = 0
  /// Rewrite/divert new ports.
  public var nsports = (0, 0)
  public var ndports = (0, 0)
  public var age = (0, 0)
  public var mssclamp = 0
  public var tag: String? = nil
  public var proxy: String? = nil
  public var origin: SourceLocation

  public init(origin: SourceLocation) { self.origin = origin }

  var tcpudp: Bool { tcp && udp }
  var anyTCPUDP: Bool { tcp || udp }
}
