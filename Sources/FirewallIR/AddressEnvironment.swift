/// What the named address terms of a ruleset stand for: its tables, and the addresses of the
/// host's interfaces. Both engines (packet sets and the evaluator) read addresses through it, so
/// they resolve names alike.
public struct AddressEnvironment: Sendable {
  public var tables: [String: Table]
  public var host: HostContext

  public init(tables: [String: Table] = [:], host: HostContext = .empty) {
    self.tables = tables
    self.host = host
  }

  /// One entry of a resolved table: a network and whether it includes or excludes its addresses.
  /// The most specific entry that contains an address decides (longest-prefix match).
  public struct Entry: Hashable, Sendable {
    public var network: IPNetwork
    public var included: Bool
  }

  /// The entries of a table, ordered from least to most specific; nil when the table is unknown
  /// or filled from files or at run time (its contents are then unknown).
  public func entries(ofTable name: String) -> [Entry]? {
    guard let t = tables[name], t.files.isEmpty else { return nil }
    var out: [Entry] = []
    for (terms, included) in [(t.entries, true), (t.excluded, false)] {
      for term in terms {
        switch term {
        case .network(let n): out.append(Entry(network: n, included: included))
        case .any:
          out.append(
            Entry(network: IPNetwork(address: IPAddress(family: .inet, value: 0), prefix: 0), included: included))
          out.append(
            Entry(network: IPNetwork(address: IPAddress(family: .inet6, value: 0), prefix: 0), included: included))
        default: return nil
        }
      }
    }
    return out.sorted { $0.network.prefix < $1.network.prefix }
  }

  /// The networks an interface term stands for, or nil when the host context does not know the
  /// interface. `self` is every address of the host.
  public func networks(ofInterface name: String, modifier: String?, prefix: Int?) -> [IPNetwork]? {
    let members: [HostContext.Interface]
    if name == "self" {
      members = host.interfaces
    } else if let i = host.interface(named: name) {
      members = [i]
    } else {
      members = host.members(ofGroup: name)
    }
    guard !members.isEmpty else { return nil }
    var out: [IPNetwork] = []
    for i in members {
      let nets = i.networks
      switch modifier {
      case "network":
        out += nets.map { IPNetwork(address: $0.address.masked($0.prefix), prefix: $0.prefix) }
      case "broadcast":
        for n in nets where n.family == .inet {
          let host = ~IPAddress.mask(family: .inet, prefix: n.prefix).value & 0xFFFF_FFFF
          out.append(IPNetwork(address: IPAddress(family: .inet, value: n.address.value | host), prefix: 32))
        }
      case "peer":
        out += (i.peers ?? []).compactMap { IPNetwork.parse(Substring($0)) }.map {
          IPNetwork(address: $0.address, prefix: $0.family.bitCount)
        }
      default:
        // Every address of the interface; `:0` keeps only the first of each family.
        var seen: Set<AddressFamily> = []
        for n in nets {
          if modifier == "0" && !seen.insert(n.family).inserted { continue }
          out.append(IPNetwork(address: n.address, prefix: n.family.bitCount))
        }
      }
    }
    if let p = prefix {
      out = out.map { n in
        let len = min(p, n.family.bitCount)
        return IPNetwork(address: n.address.masked(len), prefix: len)
      }
    }
    return out
  }
}
