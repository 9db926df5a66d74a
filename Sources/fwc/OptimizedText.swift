import FirewallIR
import Passes

/// The optimized ruleset as the input files edited: every written line kept as written,
/// deleted, rewritten (a merge) or moved (a reorder) with the comment lines right above it,
/// and everything else — macros, other comments, options, formatting — left where it was.
enum OptimizedText {
  /// `files` edited so that they read as `optimized`, which `original` became through whole
  /// written lines: a line of `optimized` is a line of `original`, or the one `rewrites` gives.
  /// Nil when a moved ipfw rule's number cannot be found in its text.
  static func edit(
    _ files: [InputFile], original: Ruleset, optimized: Ruleset, rewrites: [WrittenLine.Key: String]
  ) -> [InputFile]? {
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
    var terminator: [Int32: String] = [:]
    for f in files {
      let id = FileNames.id(for: f.source.name)
      (text[id], terminator[id]) = Self.lines(of: f)
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
    var renumberingFailed = false
    func written(_ key: WrittenLine.Key, number: Int?) -> [Substring] {
      var out = rewrites[key].map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? Array(span(key))
      if original.language == .ipfw, let n = number, n != numberBefore[key] {
        // The rule's own line: the first whose command is `add` (not `table … add`).
        if let i = out.firstIndex(where: { ruleNumberWord($0) != nil }), let r = ruleNumberWord(out[i]) {
          out[i].replaceSubrange(r, with: String(n))
        } else {
          renumberingFailed = true
        }
      }
      return out
    }
    let edited = files.map { f in
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
      return InputFile(
        kind: f.kind, source: SourceFile(name: f.source.name, text: out.joined(separator: terminator[id] ?? "\n")))
    }
    return renumberingFailed ? nil : edited
  }

  /// A file's lines, split at LF or CRLF, and the terminator to join them with.
  static func lines(of file: InputFile) -> ([Substring], String) {
    let text = String(decoding: file.source.bytes, as: UTF8.self)
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    return (lines, text.contains("\r\n") ? "\r\n" : "\n")
  }

  /// The words of a line (split at spaces and tabs), as ranges.
  static func words(_ line: Substring) -> [Range<Substring.Index>] {
    var out: [Range<Substring.Index>] = []
    var i = line.startIndex
    while i < line.endIndex {
      while i < line.endIndex && (line[i] == " " || line[i] == "\t") { i = line.index(after: i) }
      guard i < line.endIndex else { break }
      let start = i
      while i < line.endIndex && line[i] != " " && line[i] != "\t" { i = line.index(after: i) }
      out.append(start..<i)
    }
    return out
  }

  /// Where the rule number is in an ipfw `add NUMBER …` line; nil for other lines (`table … add`)
  /// and rules written without a number.
  static func ruleNumberWord(_ line: Substring) -> Range<Substring.Index>? {
    let w = words(line)
    guard let add = w.firstIndex(where: { line[$0] == "add" }), !w[..<add].contains(where: { line[$0] == "table" }),
      add + 1 < w.count, Int(line[w[add + 1]]) != nil
    else { return nil }
    return w[add + 1]
  }

  /// Whether only blank and comment lines stand between the written lines `a` and `b` (1-based,
  /// `a` before `b`; `a` with its continuation lines) of one file's `lines`.
  static func onlyCommentsBetween(_ lines: [Substring], _ a: Int, _ b: Int) -> Bool {
    guard a >= 1, b <= lines.count, a < b else { return false }
    var i = a - 1
    while i < lines.count - 1 && lines[i].hasSuffix("\\") { i += 1 }
    var k = i + 1
    while k < b - 1 {
      let t = lines[k].drop { $0 == " " || $0 == "\t" }
      if !t.isEmpty && !t.hasPrefix("#") { return false }
      k += 1
    }
    return true
  }
}
