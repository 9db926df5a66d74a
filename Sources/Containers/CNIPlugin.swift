import FirewallIR
import Foundation

/// fwc as a chained CNI plugin (spec 1.0 and 1.1, and the 0.3/0.4 configurations podman
/// writes): port forwarding, outbound NAT and isolation for the attachment the previous
/// plugins set up. Reads the environment and the network configuration; writes the result or
/// the error object on standard output, as runtimes read them.
public struct CNIPlugin {
  public static let supportedVersions = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]

  /// What the plugin prints and its exit status.
  public struct Outcome {
    public var output: String
    public var status: Int32
  }

  /// A CNI error: a well-known code (or 100 and up for fwc's own), a message and details.
  public struct Failure: Error {
    public var code: Int
    public var message: String
    public var details: String?
    public init(_ code: Int, _ message: String, details: String? = nil) {
      self.code = code
      self.message = message
      self.details = details
    }
  }

  public var environment: [String: String]
  public var input: Data
  /// Builds the runner for the configured tools (tests give a recording one).
  public var makeRunner: () -> CommandRunner

  public init(
    environment: [String: String], input: Data, makeRunner: @escaping () -> CommandRunner = { ProcessRunner() }
  ) {
    self.environment = environment
    self.input = input
    self.makeRunner = makeRunner
  }

  public func run() -> Outcome {
    var version = "1.1.0"
    do {
      let command = environment["CNI_COMMAND"] ?? ""
      if command == "VERSION" {
        if let v = (try? JSONSerialization.jsonObject(with: input)) as? [String: Any],
          let cv = v["cniVersion"] as? String
        {
          version = cv
        }
        return Outcome(
          output: Self.json(["cniVersion": version, "supportedVersions": Self.supportedVersions]), status: 0)
      }
      let config = try Self.parseConfig(input)
      version = config.raw["cniVersion"] as? String ?? version
      guard Self.supportedVersions.contains(version) else {
        throw Failure(
          1, "incompatible CNI version",
          details: "fwc supports \(Self.supportedVersions.joined(separator: ", ")), not \(Quoted(version))")
      }
      switch command {
      case "ADD": return try add(config, version: version)
      case "DEL": return try delete(config)
      case "CHECK": return try check(config)
      case "GC": return try gc(config)
      case "STATUS": return try status(config)
      case "":
        throw Failure(4, "CNI_COMMAND is not set")
      default:
        throw Failure(
          4, "unknown CNI_COMMAND \(Quoted(command))", details: "fwc knows ADD, DEL, CHECK, GC, STATUS and VERSION")
      }
    } catch let f as Failure {
      return Outcome(output: Self.errorJSON(f, version: version), status: 1)
    } catch let e as ContainerError where e.isSystem {
      return Outcome(
        output: Self.errorJSON(Failure(100, "fwc could not change the firewall", details: e.message), version: version),
        status: 1)
    } catch let e as ContainerError {
      return Outcome(
        output: Self.errorJSON(Failure(7, "invalid network configuration", details: e.message), version: version),
        status: 1)
    } catch {
      return Outcome(
        output: Self.errorJSON(Failure(999, "internal error", details: "\(error)"), version: version), status: 1)
    }
  }

  // MARK: Commands

  /// fwc keeps one record per attachment, as the spec keys them: the container id and the
  /// interface name (a container on two networks is two records).
  func attachmentKey() throws -> String {
    let id = try containerID()
    let ifname = try interfaceName()
    return Self.key(id, ifname)
  }

  static func key(_ id: String, _ ifname: String) -> String { "\(id).\(ifname)" }

  func add(_ config: Config, version: String) throws -> Outcome {
    let key = try attachmentKey()
    let ifname = try interfaceName()
    _ = try required("CNI_NETNS")
    guard let prev = config.raw["prevResult"] as? [String: Any] else {
      throw Failure(
        7, "no prevResult",
        details: "fwc runs after the plugins that create the interface and its addresses (bridge, IPAM)")
    }
    let attachment = try Self.attachment(prev, ifname: ifname, bridge: config.bridge)
    let network = NetworkConfig(
      name: config.name, bridge: attachment.bridge, subnets: attachment.subnets.map(\.description),
      nat: config.egress != nil && config.nat, egress: config.egress, egressAddresses: config.egressAddresses,
      isolate: config.isolate, isolateInside: config.isolateInside, internal: config.internal)
    let container = ContainerConfig(
      id: key, name: try podName(),
      attachments: [Attachment(network: config.name, addresses: attachment.addresses.map(\.description))],
      ports: config.portMappings)
    // Other attachments may have brought other subnets of the same network: they are merged
    // under the state's lock.
    try makeHost(config).add(container, networks: [network], mergeSubnets: true)
    var result = prev
    result["cniVersion"] = version
    return Outcome(output: Self.json(result), status: 0)
  }

  func delete(_ config: Config) throws -> Outcome {
    try makeHost(config).remove(try attachmentKey())
    return Outcome(output: "", status: 0)
  }

  func check(_ config: Config) throws -> Outcome {
    let key = try attachmentKey()
    _ = try required("CNI_NETNS")
    guard config.raw["prevResult"] is [String: Any] else { throw Failure(7, "no prevResult for CHECK") }
    do {
      try makeHost(config).check(key)
    } catch let e as ContainerError {
      throw Failure(100, "the container's firewall rules are not in place", details: e.message)
    }
    return Outcome(output: "", status: 0)
  }

  /// Removes this network's attachments that the runtime no longer lists.
  func gc(_ config: Config) throws -> Outcome {
    guard let list = config.raw["cni.dev/valid-attachments"] ?? config.raw["cni.dev/attachments"] else {
      throw Failure(
        7, "GC needs cni.dev/valid-attachments", details: "without the list, every attachment would look stale")
    }
    guard let entries = list as? [[String: Any]] else {
      throw Failure(7, "cni.dev/valid-attachments must be a list of objects")
    }
    var keys: Set<String> = []
    var wholeContainers: Set<String> = []
    for e in entries {
      guard let id = e["containerID"] as? String else { throw Failure(7, "an attachment has no containerID") }
      do {
        try Validation.checkName(id, what: "container id")
        if let ifname = e["ifname"] as? String {
          try Validation.checkName(ifname, what: "ifname", limit: 15)
          keys.insert(Self.key(id, ifname))
        } else {
          wholeContainers.insert(id)
        }
      } catch let e as ContainerError {
        throw Failure(7, "invalid attachment", details: e.message)
      }
    }
    let valid: (String) -> Bool = { key in
      keys.contains(key) || wholeContainers.contains { key.hasPrefix($0 + ".") }
    }
    try makeHost(config).gc(keep: valid, network: config.name)
    return Outcome(output: "", status: 0)
  }

  func status(_ config: Config) throws -> Outcome {
    let host = try makeHost(config)
    let tool = host.settings.firewall == .pf ? host.settings.pfctl : host.settings.ipfw
    guard FileManager.default.isExecutableFile(atPath: tool) else {
      throw Failure(50, "the firewall tool is not available", details: "\(tool) is not an executable file")
    }
    return Outcome(output: "", status: 0)
  }

  // MARK: Reading the request

  struct Config {
    var raw: [String: Any]
    var name: String
    var portMappings: [PortMapping]
    var firewall: Firewall
    var anchor: String
    var stateDir: String
    var pfctl: String?
    var ipfw: String?
    var bridge: String?
    var egress: String?
    var egressAddresses: [String]
    var nat: Bool
    var isolate: Bool
    var isolateInside: Bool
    var `internal`: Bool
  }

  static func parseConfig(_ data: Data) throws -> Config {
    guard let raw = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw Failure(6, "cannot decode the network configuration", details: "standard input is not a JSON object")
    }
    func string(_ key: String) throws -> String? {
      guard let v = raw[key] else { return nil }
      guard let s = v as? String else { throw Failure(7, "\(key) must be a string") }
      return s
    }
    func bool(_ key: String, _ fallback: Bool) throws -> Bool {
      guard let v = raw[key] else { return fallback }
      guard let b = v as? Bool else { throw Failure(7, "\(key) must be true or false") }
      return b
    }
    guard let name = try string("name") else { throw Failure(7, "the network configuration has no name") }
    do {
      try Validation.checkName(name, what: "network name", limit: 32)
      if let b = try string("bridge") { try Validation.checkInterface(b, what: "bridge") }
      if let e = try string("egress") { try Validation.checkInterface(e, what: "egress interface") }
    } catch let e as ContainerError {
      throw Failure(7, "invalid network configuration", details: e.message)
    }
    var mappings: [PortMapping] = []
    if let rc = raw["runtimeConfig"] as? [String: Any], let pm = rc["portMappings"] {
      do {
        let data = try JSONSerialization.data(withJSONObject: pm)
        mappings = try JSONDecoder().decode([PortMapping].self, from: data)
      } catch {
        throw Failure(7, "invalid runtimeConfig.portMappings", details: "\(error)")
      }
    }
    let firewallName = try string("firewall") ?? "pf"
    guard let firewall = Firewall(rawValue: firewallName) else {
      throw Failure(7, "firewall must be pf or ipfw, not \(Quoted(firewallName))")
    }
    let anchor = try string("anchor") ?? "fwc"
    do { try Validation.checkName(anchor, what: "anchor", limit: 32) } catch let e as ContainerError {
      throw Failure(7, "invalid anchor", details: e.message)
    }
    let addresses = raw["egressAddresses"] as? [String] ?? []
    return Config(
      raw: raw, name: name, portMappings: mappings, firewall: firewall, anchor: anchor,
      stateDir: try string("stateDir") ?? "/var/db/fwc", pfctl: try string("pfctl"), ipfw: try string("ipfw"),
      bridge: try string("bridge"), egress: try string("egress"), egressAddresses: addresses,
      nat: try bool("nat", true), isolate: try bool("isolate", true), isolateInside: try bool("isolateInside", false),
      internal: try bool("internal", false))
  }

  /// The container's addresses (the `ips` of the interface named `CNI_IFNAME`, or all of them
  /// when the result does not say), their subnets, and the host's bridge (the first interface
  /// outside the container, unless the configuration names it).
  static func attachment(_ prev: [String: Any], ifname: String, bridge: String?) throws -> (
    addresses: [IPAddress], subnets: [IPNetwork], bridge: String
  ) {
    let interfaces = prev["interfaces"] as? [[String: Any]] ?? []
    let ips = prev["ips"] as? [[String: Any]] ?? []
    let mine = interfaces.firstIndex { ($0["name"] as? String) == ifname && $0["sandbox"] != nil }
    var addresses: [IPAddress] = []
    var subnets: [IPNetwork] = []
    for ip in ips {
      if let mine, let index = ip["interface"] as? Int, index != mine { continue }
      guard let text = ip["address"] as? String, let n = IPNetwork.parse(Substring(text)) else {
        throw Failure(
          7, "prevResult has an address that is not ADDRESS/PREFIX",
          details: Quoted(ip["address"] as? String ?? "").description)
      }
      addresses.append(n.address)
      let subnet = IPNetwork(address: n.address.masked(n.prefix), prefix: n.prefix)
      if !subnets.contains(subnet) { subnets.append(subnet) }
    }
    guard !addresses.isEmpty else { throw Failure(7, "prevResult gives the container no address") }
    guard let name = bridge ?? interfaces.first(where: { $0["sandbox"] == nil })?["name"] as? String else {
      throw Failure(7, "prevResult names no host interface (set `bridge` in the configuration)")
    }
    do { try Validation.checkInterface(name, what: "bridge") } catch let e as ContainerError {
      throw Failure(7, "invalid bridge", details: e.message)
    }
    return (addresses, subnets, name)
  }

  func required(_ name: String) throws -> String {
    guard let v = environment[name], !v.isEmpty else { throw Failure(4, "\(name) is not set") }
    return v
  }

  func containerID() throws -> String {
    let id = try required("CNI_CONTAINERID")
    do { try Validation.checkName(id, what: "CNI_CONTAINERID") } catch let e as ContainerError {
      throw Failure(4, "invalid CNI_CONTAINERID", details: e.message)
    }
    return id
  }

  /// The interface name: what the spec allows, narrowed to what fwc's names allow (it is part
  /// of the attachment's key).
  func interfaceName() throws -> String {
    let name = try required("CNI_IFNAME")
    do { try Validation.checkName(name, what: "CNI_IFNAME", limit: 15) } catch let e as ContainerError {
      throw Failure(4, "invalid CNI_IFNAME", details: e.message)
    }
    return name
  }

  /// The container's name from `CNI_ARGS` (`K8S_POD_NAME`, as podman sends it), checked.
  func podName() throws -> String? {
    guard let args = environment["CNI_ARGS"] else { return nil }
    for pair in args.split(separator: ";") {
      let kv = pair.split(separator: "=", maxSplits: 1)
      guard kv.count == 2, kv[0] == "K8S_POD_NAME" else { continue }
      do { try Validation.checkName(String(kv[1]), what: "K8S_POD_NAME") } catch let e as ContainerError {
        throw Failure(4, "invalid CNI_ARGS", details: e.message)
      }
      return String(kv[1])
    }
    return nil
  }

  func makeHost(_ config: Config) throws -> ContainerHost {
    var settings = FirewallSettings()
    settings.firewall = config.firewall
    settings.anchor = config.anchor
    settings.pfctl = FirewallSettings.locate(config.pfctl ?? "pfctl", default: "/sbin/pfctl")
    settings.ipfw = FirewallSettings.locate(config.ipfw ?? "ipfw", default: "/sbin/ipfw")
    return ContainerHost(store: StateStore(directory: config.stateDir), settings: settings, runner: makeRunner())
  }

  // MARK: Output

  static func json(_ object: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) else {
      return "{}"
    }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  static func errorJSON(_ f: Failure, version: String) -> String {
    var o: [String: Any] = ["cniVersion": version, "code": f.code, "msg": f.message]
    if let d = f.details { o["details"] = d }
    return json(o)
  }
}
