import FirewallIR
import PacketSets

extension RuleReachability {
  /// Deletes groups of redundant rules one rule at a time, each judged against the rules still
  /// there (not the original ones), and keeps every rule's decided packets exact as the
  /// packets of a deleted rule move to their new deciders. A group (the rules of one written
  /// line) goes whole or not at all. Returns the groups deleted, in the order given.
  ///
  /// Every step is the redundancy test of the analysis on the current rules, so the result
  /// decides every packet as the original does. Lists with jumps (ipfw `skipto`, `call`) are
  /// left alone.
  public func removeRedundant(_ groups: [[Int]]) -> [[Int]] {
    var removed: Set<Int> = []
    var out: [[Int]] = []
    let unknown = unknownSets()
    for group in groups {
      var undo: [(Int, BDD)] = []
      var ok = true
      var taken: [Int] = []
      for u in group {
        guard let moves = fallbacks(u, removed: removed, unknown: unknown, deadDecide: true) else {
          ok = false
          break
        }
        for (j, hit) in moves {
          undo.append((j, findings[j].decides))
          findings[j].decides = m.or(findings[j].decides, hit)
        }
        removed.insert(u)
        taken.append(u)
      }
      if ok {
        out.append(group)
      } else {
        for (j, before) in undo.reversed() { findings[j].decides = before }
        removed.subtract(taken)
      }
    }
    return out
  }

  /// Per unit, the packets of the unknown rules that may take its packets instead of the rules
  /// the analysis follows: after it (first match) or anywhere in its list (last match).
  func unknownSets() -> [BDD] {
    var out = [BDD](repeating: .empty, count: units.count)
    var byList: [String: [Int]] = [:]
    for u in units.indices { byList[units[u].list, default: []].append(u) }
    for (list, members) in byList {
      let firstMatch = ruleset.evaluation == .firstMatch || list != "filter"
      if firstMatch {
        var after = BDD.empty
        for u in members.reversed() {
          out[u] = after
          if units[u].packets == nil { after = m.or(after, units[u].upper) }
        }
      } else {
        let all = members.filter { units[$0].packets == nil }.reduce(BDD.empty) { m.or($0, units[$1].upper) }
        for u in members { out[u] = all }
      }
    }
    return out
  }

  /// Where the packets `u` decides go once it is deleted (with the units `removed` already
  /// gone): each later decider and the packets it takes; nil when some packet would be decided
  /// otherwise, or `u` cannot be judged. With `deadDecide`, dead rules still there count as
  /// deciders (they may take over); without, they count as deleted (lint's view).
  func fallbacks(_ u: Int, removed: Set<Int>, unknown: [BDD], deadDecide: Bool) -> [(Int, BDD)]? {
    guard indexes[units[u].list] != nil, live(u), !findings[u].dead, let effect = units[u].effect else { return nil }
    var rest = findings[u].decides
    guard m.and(rest, unknown[u]) == .empty else { return nil }
    let effectID = effectIDs[u]
    let cands = candidates(of: u)
    var moves: [(Int, BDD)] = []
    /// Takes from `rest` what `j` decides instead; false when it decides otherwise.
    func fallback(_ j: Int) -> Bool {
      let present = deadDecide ? exactDeciding(j) && !findings[j].neverMatches : live(j)
      guard !removed.contains(j), present || (ruleset.evaluation == .firstMatch && units[j].rule.number == 65535)
      else { return true }
      let hit = m.and(rest, exactPackets[j]!)
      guard hit != .empty else { return true }
      if effectIDs[j] != effectID { return false }
      moves.append((j, hit))
      rest = m.diff(rest, hit)
      return true
    }
    let firstMatch = ruleset.evaluation == .firstMatch || units[u].list != "filter"
    if firstMatch {
      for j in cands where j > u {
        if rest == .empty { break }
        if !fallback(j) { return nil }
      }
      let ipfwFilter = ruleset.evaluation == .firstMatch && units[u].list == "filter"
      return rest == .empty || (ipfwFilter && effect == .ipfwDeny) ? moves : nil
    }
    if isQuick[u] {
      // Later quick rules in order, then the last non-quick rule that matches.
      for j in cands where j > u && isQuick[j] {
        if rest == .empty { break }
        if !fallback(j) { return nil }
      }
      for j in cands.reversed() where !isQuick[j] {
        if rest == .empty { break }
        if !fallback(j) { return nil }
      }
    } else {
      for j in cands.reversed() where j < u && !isQuick[j] {
        if rest == .empty { break }
        if !fallback(j) { return nil }
      }
    }
    return rest == .empty || effectID == 0 ? moves : nil
  }
}
