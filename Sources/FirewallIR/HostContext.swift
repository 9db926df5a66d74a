import Foundation

/// What fwc knows of the host a ruleset is loaded on: its interfaces with their addresses and
/// groups, and names that resolve to addresses. Read from `--host FILE` (JSON), e.g.
/// `{"interfaces":[{"name":"em0","addresses":["203.0.113.5/24"],"groups":["egress"]}],
///   "hosts":{"localhost":["::1","127.0.0.1"]}}`.
public struct HostContext: Sendable, Codable, Equatable {
  public struct Interface: Sendable, Codable, Equatable {
    public var name: String
    /// Addresses with prefix length, in the order the kernel lists them.
    public var addresses: [String]
    public var groups: [String]?
    /// Point-to-point peer addresses, if any.
    public var peers: [String]?
    public var mtu: Int?
    public var loopback: Bool?

    public init(name: String, addresses: [String], groups: [String]? = nil) {
      self.name = name
      self.addresses = addresses
      self.groups = groups
    }

    /// The parsed addresses; entries that do not parse are skipped (validated on load).
    public var networks: [IPNetwork] { addresses.compactMap { IPNetwork.parse(Substring($0)) } }

    /// Whether this is a loopback interface (`lo0`, or marked so).
    public var isLoopback: Bool {
      loopback ?? (name.hasPrefix("lo") && name.dropFirst(2).allSatisfy(\.isNumber))
    }
  }

  public var interfaces: [Interface]
  /// Host names and the addresses they resolve to, in resolver order.
  public var hosts: [String: [String]]?

  public init(interfaces: [Interface] = [], hosts: [String: [String]]? = nil) {
    self.interfaces = interfaces
    self.hosts = hosts
  }

  /// An empty context: interface-derived addresses stay symbolic.
  public static let empty = HostContext()

  /// Errors found while reading a host context file.
  public struct LoadError: Error, CustomStringConvertible {
    public var description: String
  }

  /// Reads and validates a host context JSON file.
  public static func load(path: String) throws -> HostContext {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LoadError(description: "\(path): cannot read host context file")
    }
    let ctx: HostContext
    do {
      ctx = try JSONDecoder().decode(HostContext.self, from: data)
    } catch {
      throw LoadError(description: "\(path): invalid host context JSON: \(error)")
    }
    for i in ctx.interfaces {
      for a in i.addresses where IPNetwork.parse(Substring(a)) == nil {
        throw LoadError(description: "\(path): interface \(i.name): invalid address '\(a)'")
      }
    }
    for (name, addrs) in ctx.hosts ?? [:] {
      for a in addrs where IPAddress.parse(Substring(a)) == nil {
        throw LoadError(description: "\(path): host \(name): invalid address '\(a)'")
      }
    }
    return ctx
  }

  public func interface(named name: String) -> Interface? {
    interfaces.first { $0.name == name }
  }

  /// Interfaces in the group `name`. A driver name such as `lo` or `em` is the implicit group of
  /// `lo0`, `lo1`, … as on FreeBSD.
  public func members(ofGroup name: String) -> [Interface] {
    let explicit = interfaces.filter { $0.groups?.contains(name) ?? false }
    if !explicit.isEmpty { return explicit }
    guard let last = name.last, !last.isNumber else { return [] }
    return interfaces.filter { i in
      i.name.hasPrefix(name) && !i.name.dropFirst(name.count).isEmpty
        && i.name.dropFirst(name.count).allSatisfy(\.isNumber)
    }
  }

  /// Whether `name` is an interface or an interface group on this host.
  public func hasInterfaceOrGroup(_ name: String) -> Bool {
    interface(named: name) != nil || !members(ofGroup: name).isEmpty
  }

  /// Addresses a host name resolves to.
  public func resolve(host name: String) -> [IPAddress]? {
    hosts?[name].map { $0.compactMap { IPAddress.parse(Substring($0)) } }
  }
}
