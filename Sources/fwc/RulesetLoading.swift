import ArgumentParser
import FirewallIR
import IPFWSyntax
import IPFilterSyntax
import PFSyntax

/// A ruleset read from one or more files and lowered into the IR, with the files it came from
/// (for diagnostics and source lines).
struct LoadedRuleset {
  var ruleset: Ruleset
  var files: [SourceFile]
  /// A short name for messages: the files' names joined.
  var name: String
  /// The ipnat rules of an ipfilter bundle, as read (for ipnat's own session behaviour).
  var ipnat: [IPNatRule] = []
}

/// Reads the files of one ruleset, reports their diagnostics, and lowers them into the IR.
/// Several files form one ruleset: pf files are joined in order, ipfilter files form a bundle
/// (ipf.conf, ipnat.conf, ippool.conf), and one ipfw file stands alone. Syntax errors stop the
/// command (exit 1).
func loadRuleset(
  _ arguments: [String], language: String?, host: HostContext, defines: [String: String] = [:]
) throws -> LoadedRuleset {
  try loadRuleset(
    inputs: arguments.map { try InputLoader.load($0, language: language) }, host: host, defines: defines,
    name: arguments.joined(separator: "+"))
}

/// Reads inputs already in memory as one ruleset (see `loadRuleset(_:language:host:defines:)`);
/// `quiet` leaves the diagnostics unprinted.
func loadRuleset(
  inputs: [InputFile], host: HostContext, defines: [String: String] = [:], name: String, quiet: Bool = false
) throws -> LoadedRuleset {
  var parsed: [ParsedInput] = []
  var failed = false
  for file in inputs {
    let result = try parseInput(file, host: host, defines: defines)
    if !quiet { report(result.diagnostics, files: result.files) }
    if result.hasErrors { failed = true }
    parsed.append(result)
  }
  if failed { throw ExitCode(1) }
  return try lowerParsed(parsed, name: name)
}

/// Lowers parsed inputs (errors or not: what parsed is kept) into one ruleset.
func lowerParsed(_ parsed: [ParsedInput], name: String) throws -> LoadedRuleset {
  var pf: [Ruleset] = []
  var ipf: [IPFRule] = []
  var nat: [IPNatRule] = []
  var pools: [IPPoolDefinition] = []
  var ipfw: [IPFWRuleset] = []
  for p in parsed {
    switch p.content {
    case .pf(let c): pf.append(PFLowering.lower(c))
    case .ipf(let r): ipf += r
    case .ipnat(let r): nat += r
    case .ippool(let d): pools += d
    case .ipfw(let r): ipfw.append(r)
    }
  }
  let languages = [!pf.isEmpty, !(ipf.isEmpty && nat.isEmpty && pools.isEmpty), !ipfw.isEmpty].filter { $0 }.count
  guard languages <= 1 else {
    throw CommandFailure(
      description: "fwc: \(name): the files of one ruleset mix languages")
  }
  let files = parsed.flatMap(\.files)
  if let first = pf.first {
    var rs = first
    for more in pf.dropFirst() {
      rs.rules += more.rules
      rs.tables.merge(more.tables) { $1 }
      rs.subrulesets.merge(more.subrulesets) { $1 }
    }
    return LoadedRuleset(ruleset: rs, files: files, name: name)
  }
  if !ipfw.isEmpty {
    guard ipfw.count == 1 else {
      throw CommandFailure(description: "fwc: give one ipfw file per ruleset (\(name))")
    }
    return LoadedRuleset(ruleset: IPFWLowering.lower(ipfw[0]), files: files, name: name)
  }
  return LoadedRuleset(
    ruleset: IPFLowering.lower(ipf: ipf, nat: nat, pools: pools), files: files, name: name, ipnat: nat)
}

extension Rule {
  /// Where the rule was written, as `file:line`; nil for rules no line states (ipfw's default rule).
  var place: String? {
    origin.first.map { "\($0.file):\($0.line)" }
  }
}
