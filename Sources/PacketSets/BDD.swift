/// Reduced ordered binary decision diagrams: exact sets of bit vectors (here, packet headers).
///
/// Nodes are hash-consed in a `BDDManager`, so two equal sets are the same node and equality is
/// an integer comparison. `ite` (if-then-else) is the one operation everything else is built
/// from, with a computed-table cache that keeps it polynomial in the size of its operands.

/// A set in a `BDDManager`: a node number. `BDD.empty` and `BDD.all` are the constants.
public struct BDD: Hashable, Sendable {
  public let id: Int32

  @inlinable init(_ id: Int32) { self.id = id }

  public static let empty = BDD(0)
  public static let all = BDD(1)

  public var isConstant: Bool { id < 2 }
}

/// Owns the nodes of a family of BDDs over `variableCount` ordered variables (variable 0 is
/// tested first).
public final class BDDManager {
  struct Node {
    var variable: Int32
    var low: Int32
    var high: Int32
  }

  public let variableCount: Int
  /// Node 0 is the empty set, node 1 the full set; both test a variable past the last.
  private(set) var nodes: [Node]
  /// The unique table: open addressing over nodes, keyed by (variable, low, high) held in the
  /// slot itself (node 0 marks an empty slot), so that each node exists once.
  private var unique: [UniqueSlot]
  private var uniqueMask: Int

  struct UniqueSlot {
    var id: Int32 = 0
    var variable: Int32 = 0
    var low: Int32 = 0
    var high: Int32 = 0
  }
  /// The computed table of `ite`: direct-mapped and lossy, as in most BDD packages.
  private var cache: [CacheEntry]
  private var cacheMask: Int

  struct CacheEntry {
    var f: Int32 = -1
    var g: Int32 = 0
    var h: Int32 = 0
    var result: Int32 = 0
  }

  public init(variableCount: Int) {
    precondition(variableCount > 0 && variableCount < Int(Int32.max))
    self.variableCount = variableCount
    let terminal = Int32(variableCount)
    nodes = [Node(variable: terminal, low: 0, high: 0), Node(variable: terminal, low: 1, high: 1)]
    nodes.reserveCapacity(1 << 12)
    unique = [UniqueSlot](repeating: UniqueSlot(), count: 1 << 12)
    uniqueMask = (1 << 12) - 1
    cache = [CacheEntry](repeating: CacheEntry(), count: 1 << 14)
    cacheMask = (1 << 14) - 1
  }

  /// The number of nodes allocated, constants included.
  public var nodeCount: Int { nodes.count }

  /// Forgets the operation cache (the nodes stay valid).
  public func clearCache() {
    for i in cache.indices { cache[i] = CacheEntry() }
  }

  @inline(__always)
  static func hash(_ a: Int32, _ b: Int32, _ c: Int32) -> Int {
    var x = UInt64(UInt32(bitPattern: a)) &* 0x9E37_79B9_7F4A_7C15
    x ^= UInt64(UInt32(bitPattern: b)) &* 0xC2B2_AE3D_27D4_EB4F
    x ^= UInt64(UInt32(bitPattern: c)) &* 0x1656_67B1_9E37_79F9
    return Int(truncatingIfNeeded: x ^ (x >> 29))
  }

  // MARK: Building

  /// The node testing `variable` with the given branches, shared if it exists.
  func make(_ variable: Int32, low: Int32, high: Int32) -> Int32 {
    if low == high { return low }
    var slot = Self.hash(variable, low, high) & uniqueMask
    while true {
      let e = unique[slot]
      if e.id == 0 { break }
      if e.variable == variable && e.low == low && e.high == high { return e.id }
      slot = (slot + 1) & uniqueMask
    }
    let id = Int32(nodes.count)
    nodes.append(Node(variable: variable, low: low, high: high))
    unique[slot] = UniqueSlot(id: id, variable: variable, low: low, high: high)
    if nodes.count * 2 > unique.count { growTables() }
    return id
  }

  /// Sizes the tables for about `nodeCount` nodes at once, so that building a large set of BDDs
  /// does not rehash the unique table at every doubling.
  public func reserve(nodes nodeCount: Int) {
    nodes.reserveCapacity(nodeCount)
    var size = unique.count
    while size < nodeCount * 2 { size *= 2 }
    if size > unique.count { rehash(size) }
  }

  /// Doubles the unique table (rehashing every node) and lets the computed table follow.
  private func growTables() { rehash(unique.count * 2) }

  /// Rebuilds the unique table with `size` slots (a power of two) and grows the computed table
  /// with it, up to 2^22 entries (its entries are dropped: it is only a cache).
  private func rehash(_ size: Int) {
    unique = largeTable(UniqueSlot(), count: size)
    uniqueMask = size - 1
    for id in 2..<nodes.count {
      let n = nodes[id]
      var slot = Self.hash(n.variable, n.low, n.high) & uniqueMask
      while unique[slot].id != 0 { slot = (slot + 1) & uniqueMask }
      unique[slot] = UniqueSlot(id: Int32(id), variable: n.variable, low: n.low, high: n.high)
    }
    let cacheSize = min(max(cache.count, size), 1 << 22)
    if cacheSize > cache.count {
      cache = largeTable(CacheEntry(), count: cacheSize)
      cacheMask = cacheSize - 1
    }
  }

  /// The set of vectors whose bit `index` is 1.
  public func variable(_ index: Int) -> BDD {
    precondition(index >= 0 && index < variableCount)
    return BDD(make(Int32(index), low: 0, high: 1))
  }

  /// The set of vectors whose bit `index` is 0.
  public func notVariable(_ index: Int) -> BDD {
    precondition(index >= 0 && index < variableCount)
    return BDD(make(Int32(index), low: 1, high: 0))
  }

  // MARK: Operations

  /// If `f` then `g` else `h`: (f ∧ g) ∨ (¬f ∧ h).
  public func ite(_ f: BDD, _ g: BDD, _ h: BDD) -> BDD { BDD(ite(f.id, g.id, h.id)) }

  func ite(_ f: Int32, _ g0: Int32, _ h0: Int32) -> Int32 {
    // Terminal cases, after ite(f, f, h) = ite(f, 1, h) and ite(f, g, f) = ite(f, g, 0).
    if f == 1 { return g0 }
    if f == 0 { return h0 }
    let g = g0 == f ? 1 : g0
    let h = h0 == f ? 0 : h0
    if g == h { return g }
    if g == 1 && h == 0 { return f }
    let slot = Self.hash(f, g, h) & cacheMask
    let e = cache[slot]
    if e.f == f && e.g == g && e.h == h { return e.result }
    let v = min(nodes[Int(f)].variable, nodes[Int(g)].variable, nodes[Int(h)].variable)
    let (f0, f1) = cofactors(f, v)
    let (g0, g1) = cofactors(g, v)
    let (h0, h1) = cofactors(h, v)
    let low = ite(f0, g0, h0)
    let high = ite(f1, g1, h1)
    let r = make(v, low: low, high: high)
    cache[Self.hash(f, g, h) & cacheMask] = CacheEntry(f: f, g: g, h: h, result: r)
    return r
  }

  @inline(__always)
  func cofactors(_ n: Int32, _ v: Int32) -> (Int32, Int32) {
    let node = nodes[Int(n)]
    return node.variable == v ? (node.low, node.high) : (n, n)
  }

  // Commutative operations put the smaller node first, so that the cache sees one form.
  public func and(_ a: BDD, _ b: BDD) -> BDD { a.id <= b.id ? ite(a, b, .empty) : ite(b, a, .empty) }
  public func or(_ a: BDD, _ b: BDD) -> BDD { a.id <= b.id ? ite(a, .all, b) : ite(b, .all, a) }
  public func not(_ a: BDD) -> BDD { ite(a, .empty, .all) }
  /// The vectors in `a` and not in `b`.
  public func diff(_ a: BDD, _ b: BDD) -> BDD { ite(b, .empty, a) }
  public func xor(_ a: BDD, _ b: BDD) -> BDD { ite(a, not(b), b) }

  /// The intersection of `sets`, taken from the set whose first variable is lowest in the order
  /// upwards: each step then walks only the new operand's nodes above the running result, so a
  /// conjunction of fields costs the sum of their sizes rather than its product with their count.
  public func and(_ sets: [BDD]) -> BDD {
    if sets.count < 2 { return sets.first ?? .all }
    let ordered = sets.sorted { nodes[Int($0.id)].variable > nodes[Int($1.id)].variable }
    return ordered.reduce(.all) { and($0, $1) }
  }
  public func or(_ sets: [BDD]) -> BDD { sets.reduce(.empty) { or($0, $1) } }

  /// Whether every vector of `a` is in `b`.
  public func isSubset(_ a: BDD, of b: BDD) -> Bool { diff(a, b) == .empty }

  /// The set `a` with the given variables fixed (the cofactor): the vectors v such that v with
  /// those bits replaced is in `a`. Used to see a set through a rewrite of header fields.
  public func restrict(_ a: BDD, _ assignment: [Int32: Bool]) -> BDD {
    var memo: [Int32: Int32] = [:]
    func walk(_ n: Int32) -> Int32 {
      if n < 2 { return n }
      if let r = memo[n] { return r }
      let node = nodes[Int(n)]
      let r: Int32
      if let bit = assignment[node.variable] {
        r = walk(bit ? node.high : node.low)
      } else {
        r = make(node.variable, low: walk(node.low), high: walk(node.high))
      }
      memo[n] = r
      return r
    }
    return BDD(walk(a.id))
  }

  // MARK: Questions

  /// The number of vectors in the set, as a floating-point number (exact up to 2^53).
  public func count(_ a: BDD) -> Double {
    var memo: [Int32: Double] = [:]
    func walk(_ n: Int32) -> Double {
      // The count of vectors over the variables from nodes[n].variable to the end.
      if n == 0 { return 0 }
      if n == 1 { return 1 }
      if let c = memo[n] { return c }
      let node = nodes[Int(n)]
      let low = walk(node.low) * pow2(Int(nodes[Int(node.low)].variable - node.variable - 1))
      let high = walk(node.high) * pow2(Int(nodes[Int(node.high)].variable - node.variable - 1))
      memo[n] = low + high
      return low + high
    }
    return walk(a.id) * pow2(Int(nodes[Int(a.id)].variable))
  }

  private func pow2(_ k: Int) -> Double {
    var r = 1.0
    for _ in 0..<k { r *= 2 }
    return r
  }

  /// One vector of the set (bits the set does not constrain are 0), or nil for the empty set.
  public func example(_ a: BDD) -> [Bool]? {
    if a == .empty { return nil }
    var bits = [Bool](repeating: false, count: variableCount)
    var n = a.id
    while n > 1 {
      let node = nodes[Int(n)]
      if node.low != 0 {
        n = node.low
      } else {
        bits[Int(node.variable)] = true
        n = node.high
      }
    }
    return bits
  }

  /// One vector of the set chosen by `coin` at each free choice (for varied examples), or nil
  /// for the empty set. `coin` is called with the variable index and returns the bit to try.
  public func example(_ a: BDD, choosing coin: (Int) -> Bool) -> [Bool]? {
    if a == .empty { return nil }
    var bits = [Bool](repeating: false, count: variableCount)
    var n = a.id
    for v in 0..<variableCount {
      let node = nodes[Int(n)]
      let want = coin(v)
      if node.variable != Int32(v) {
        bits[v] = want
        continue
      }
      let first = want ? node.high : node.low
      if first != 0 {
        bits[v] = want
        n = first
      } else {
        bits[v] = !want
        n = want ? node.low : node.high
      }
    }
    return bits
  }

  /// What `example(_:choosing:)` gives for the intersection of `a` with the vectors that have the
  /// variables of `fixed` set as given (`fixed[v]` is 0, 1, or -1 for free), found by walking `a`
  /// without building the intersection; nil when the two share no vector.
  public func example(_ a: BDD, fixing fixed: [Int8], choosing coin: (Int) -> Bool) -> [Bool]? {
    precondition(fixed.count == variableCount)
    var live: [Int32: Bool] = [:]
    // Whether some vector of node `n` agrees with the fixed variables from its own variable on.
    func satisfiable(_ n: Int32) -> Bool {
      if n < 2 { return n == 1 }
      if let known = live[n] { return known }
      let node = nodes[Int(n)]
      let r: Bool
      switch fixed[Int(node.variable)] {
      case 0: r = satisfiable(node.low)
      case 1: r = satisfiable(node.high)
      default: r = satisfiable(node.low) || satisfiable(node.high)
      }
      live[n] = r
      return r
    }
    guard satisfiable(a.id) else { return nil }
    var bits = [Bool](repeating: false, count: variableCount)
    var n = a.id
    for v in 0..<variableCount {
      let node = nodes[Int(n)]
      let want = coin(v)
      let tested = node.variable == Int32(v)
      if fixed[v] >= 0 {
        bits[v] = fixed[v] == 1
        if tested { n = bits[v] ? node.high : node.low }
      } else if !tested {
        bits[v] = want
      } else if satisfiable(want ? node.high : node.low) {
        bits[v] = want
        n = want ? node.high : node.low
      } else {
        bits[v] = !want
        n = want ? node.low : node.high
      }
    }
    return bits
  }

  /// Whether the vector `bits` is in the set.
  public func contains(_ a: BDD, _ bits: [Bool]) -> Bool {
    var n = a.id
    while n > 1 {
      let node = nodes[Int(n)]
      n = bits[Int(node.variable)] ? node.high : node.low
    }
    return n == 1
  }
}
