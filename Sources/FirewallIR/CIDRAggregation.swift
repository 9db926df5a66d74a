extension IPNetwork {
  /// The fewest networks covering exactly the addresses of `networks`: contained networks
  /// dropped, sibling halves joined into their parent, repeatedly. Sorted by family and address.
  public static func aggregated(_ networks: [IPNetwork]) -> [IPNetwork] {
    var out: [IPNetwork] = []
    let sorted = networks.map { IPNetwork(address: $0.address.masked($0.prefix), prefix: $0.prefix) }
      .sorted { ($0.family.rawValue, $0.address, $0.prefix) < ($1.family.rawValue, $1.address, $1.prefix) }
    for n in sorted {
      if let last = out.last, last.family == n.family, last.prefix <= n.prefix, last.contains(n.address) {
        continue
      }
      out.append(n)
      // Join with the sibling before, as long as the last two are the halves of one network.
      while out.count >= 2 {
        let b = out[out.count - 1]
        let a = out[out.count - 2]
        guard a.family == b.family, a.prefix == b.prefix, a.prefix > 0 else { break }
        let parent = IPNetwork(address: a.address.masked(a.prefix - 1), prefix: a.prefix - 1)
        guard parent.address == a.address, parent.contains(b.address) else { break }
        out.removeLast(2)
        out.append(parent)
      }
    }
    return out
  }
}
