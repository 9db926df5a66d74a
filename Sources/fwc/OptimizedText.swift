import FirewallIR
import Passes

/// The optimized ruleset as the input files edited: every written line kept as written,
/// deleted, rewritten (a merge) or moved (a reorder) with the comment lines right above it,
/// and everything else — macros, other comments, options, formatting — left where it was.
enum OptimizedText {
  /// `files` edited so that they read as `optimized`, which `original` became through whole
  /// written lines: a line of `optimized` is a line of `original`, or the one `rewrites` gives.
  static func edit(
    _ files: [InputFile], original: Ruleset, optimized: Ruleset, rewrites: [WrittenLine.Key: String]
  ) -> [InputFile] {
    func lines(_ rs: Ruleset) -> [WrittenLine] {
      var seen: Set<WrittenLine.Key> = []
      return WrittenLine.lines(of: rs).lines.filter { $0.location.fileID >= 0 && seen.insert($0.key).inserted }
    }
    let before = lines(original)
    let after = lines(optimized)
    var rank: [WrittenLine.Key: Int] = [:]
    var numberBefore: [WrittenLine.Key: Int] = [:]
    for (i, l) in before.enumerated() {
      rank[l.key] = i
      numberBefore[l.key] = original.rules[l.rules.lowerBound].number
    }
    // The lines kept take the places of the kept lines in their old order.
    let places = after.sorted { rank[$0.key, default: .max] < rank[$1.key, default: .max] }
    var content: [WrittenLine.Key: (key: WrittenLine.Key, number: Int?)] = [:]
    for (place, line) in zip(places, after) {
      content[place.key] = (line.key, optimized.rules[line.rules.lowerBound].number)
    }
    let deleted = Set(before.map(\.key)).subtracting(content.keys)
    guard !deleted.isEmpty || !rewrites.isEmpty || content.contains(where: { $0.key != $0.value.key }) else {
      return files
    }

    var text: [Int32: [Substring]] = [:]
    for f in files {
      text[FileNames.id(for: f.source.name)] = String(decoding: f.source.bytes, as: UTF8.self).split(
        separator: "\n", omittingEmptySubsequences: false)
    }
    /// A written line with its continuation lines.
    func span(_ key: WrittenLine.Key) -> ArraySlice<Substring> {
      guard let all = text[key.fileID], key.line >= 1, key.line <= all.count else { return [] }
      var end = key.line - 1
      while end < all.count - 1 && all[end].hasSuffix("\\") { end += 1 }
      return all[(key.line - 1)...end]
    }
    /// The comment lines right above a written line (no blank line between).
    func leading(_ key: WrittenLine.Key) -> Range<Int> {
      guard let all = text[key.fileID], key.line >= 1, key.line <= all.count else { return 0..<0 }
      var start = key.line - 1
      while start > 0 && all[start - 1].drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") { start -= 1 }
      return start..<(key.line - 1)
    }
    // Lines that move take their comments along.
    var carried: [Int32: Set<Int>] = [:]
    for (slot, c) in content where slot != c.key {
      carried[c.key.fileID, default: []].formUnion(leading(c.key))
    }
    func written(_ key: WrittenLine.Key, number: Int?) -> [Substring] {
      var out = rewrites[key].map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? Array(span(key))
      if original.language == .ipfw, let n = number, n != numberBefore[key],
        let i = out.firstIndex(where: {
          $0.split(separator: " ").contains("add")
        })
      {
        out[i] = renumbered(out[i], to: n)
      }
      return out
    }
    return files.map { f in
      let id = FileNames.id(for: f.source.name)
      guard let all = text[id] else { return f }
      var out: [Substring] = []
      var i = 0
      while i < all.count {
        let key = WrittenLine.Key(SourceLocation(fileID: id, line: i + 1, column: 1))
        let own = content[key] != nil || deleted.contains(key) ? span(key).count : 1
        if let c = content[key] {
          if c.key != key, let lines = text[c.key.fileID] { out += lines[leading(c.key)] }
          out += written(c.key, number: c.number)
        } else if carried[id]?.contains(i) == true {
          // A comment that moved with its line.
        } else if !deleted.contains(key) {
          out.append(all[i])
        }
        i += max(own, 1)
      }
      return InputFile(kind: f.kind, source: SourceFile(name: f.source.name, text: out.joined(separator: "\n")))
    }
  }

  /// An ipfw line with the number after `add` replaced.
  static func renumbered(_ line: Substring, to n: Int) -> Substring {
    var words = line.split(separator: " ", omittingEmptySubsequences: false)
    guard let add = words.firstIndex(of: "add"), add + 1 < words.count, Int(words[add + 1]) != nil else { return line }
    words[add + 1] = Substring(String(n))
    return Substring(words.joined(separator: " "))
  }
}
