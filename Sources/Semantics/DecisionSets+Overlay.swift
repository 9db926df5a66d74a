import FirewallIR
import PacketSets

/// The fast path for rulesets without jumps: when each rule either decides or is skipped,
/// the outcome is an overlay of the rules' matches. Last-match languages apply their non-quick
/// rules in order (a later match overrides an earlier one) and then their quick rules in reverse
/// (the first matching quick rule overrides everything); first-match languages apply every rule
/// in reverse. Each rule costs one operation per outcome, where the general walk costs several.
extension DecisionSets {
  /// One deciding rule's contribution: its matching packets and their outcome.
  struct Layer {
    var packets: BDD
    var outcome: Outcome
  }

  /// Sets `outcomes` by applying the layers in order over `base`, each layer overriding what
  /// came before on its packets. The base outcome's set is kept implicit until the end.
  func overlay(_ layers: [Layer], base: Outcome) {
    var sets: [Outcome: BDD] = [:]
    for layer in layers where layer.packets != .empty {
      for (c, s) in sets where c != layer.outcome { sets[c] = m.diff(s, layer.packets) }
      if layer.outcome != base { sets[layer.outcome] = m.or(sets[layer.outcome] ?? .empty, layer.packets) }
    }
    sets[base] = m.not(m.or(Array(sets.values)))
    outcomes = sets
  }

  /// The layers of a deciding rule whose match is `packets`: one per family when its effect
  /// depends on the family.
  func layers(_ packets: BDD, _ r: Rule) throws(UnmodeledRule) -> [Layer] {
    guard !r.translation.isEmpty else { return [Layer(packets: packets, outcome: try outcome(r, family: .inet))] }
    return try [AddressFamily.inet, .inet6].map { f throws(UnmodeledRule) in
      Layer(packets: m.and(packets, space.family(f)), outcome: try outcome(r, family: f))
    }
  }

  /// The layers of pf or ipf filter rules, following pf anchors that are not `quick`
  /// (their rules, gated by the anchor's match, act in place); nil when the rules need the
  /// general walk (quick anchors, groups, skips, translations on `match` rules).
  func lastMatchLayers(_ rules: [Rule], gate: BDD, quick: inout [Layer], other: inout [Layer]) throws(UnmodeledRule)
    -> Bool
  {
    for r in rules where r.phase == .filter {
      if r.head != nil { return false }
      switch r.action {
      case .pass, .block:
        let l = try layers(m.and(gate, try match(r)), r)
        if r.quick { quick += l } else { other += l }
      case .match:
        if !r.translation.isEmpty { return false }
      case .call(let name):
        guard !r.quick, ruleset.language == .pf else { return false }
        let inner = m.and(gate, try match(r))
        guard
          try lastMatchLayers(ruleset.subrulesets[name] ?? [], gate: inner, quick: &quick, other: &other)
        else { return false }
      case .skip:
        return false
      default:
        continue
      }
    }
    return true
  }

  /// Last match unless quick, by overlay; false when the rules need the general walk.
  func overlayLastMatch() throws(UnmodeledRule) -> Bool {
    guard overlays else { return false }
    var quick: [Layer] = []
    var other: [Layer] = []
    guard try lastMatchLayers(ruleset.rules, gate: .all, quick: &quick, other: &other) else { return false }
    overlay(other + quick.reversed(), base: Outcome(verdict: .pass))
    return true
  }

  /// ipfw's first match by overlay; false when jumps (skipto, call, return) need the general walk.
  func overlayFirstMatch() throws(UnmodeledRule) -> Bool {
    guard overlays else { return false }
    var layers: [Layer] = []
    for r in ruleset.rules {
      switch r.action {
      case .skip, .call, .returnFromCall:
        return false
      case .match, .checkState, .translate, .external(_, _, decides: false):
        continue
      case .external("nat", _, true) where !r.translation.isEmpty:
        let hit = try match(r)
        let outbound = m.and(hit, space.direction(.out))
        layers += try self.layers(outbound, r)
        for (packets, outcome) in inboundNAT(m.diff(hit, outbound), r.translation[0]) {
          layers.append(Layer(packets: packets, outcome: outcome))
        }
      default:
        layers += try self.layers(try match(r), r)
      }
    }
    overlay(layers.reversed(), base: Outcome(verdict: .block(.drop)))
    return true
  }
}
