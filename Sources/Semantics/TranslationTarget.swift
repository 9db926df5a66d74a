import FirewallIR

extension Translation {
  /// The one address this translation maps packets of `family` to: a host address, or an
  /// interface (or `self`) with exactly one address of the family. Nil for pools, networks
  /// (unless one host) and interfaces the environment does not describe.
  public func singleTarget(family: AddressFamily, environment: AddressEnvironment) -> IPAddress? {
    guard targets.count == 1 else { return nil }
    switch targets[0] {
    case .network(let n) where n.prefix == n.family.bitCount && n.family == family:
      return n.family == .inet && n.address.value == 0 ? nil : n.address
    case .interface(let name, let modifier, let prefix) where prefix == nil:
      let nets = (environment.networks(ofInterface: name, modifier: modifier, prefix: nil) ?? []).filter {
        $0.family == family
      }
      return nets.count == 1 ? nets[0].address : nil
    default:
      return nil
    }
  }
}
