import ArgumentParser
import Capture
import FirewallIR
import Foundation
import IPNatEmulation
import PacketSets
import Semantics

/// `fwc trace`: what a ruleset does to given packets, one by one, with state.
struct TraceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trace",
    abstract: "Show what a ruleset does to packets: verdict, deciding rule and translation.",
    discussion: """
      Packets come from --packet (repeatable), a capture (--pcap, read through libpcap: Ethernet, \
      loopback/null or raw IP), or ipftest's text or hex packet files (--packets). They are \
      evaluated in order under the ruleset's language, with state: a connection passed by a \
      stateful rule lets its replies and later packets through.

      A packet reads like `in on em0 tcp 198.51.100.7:40000 > 203.0.113.5:22 flags S`, \
      `out on em1 udp [2001:db8::1]:53 > [2001:db8::2]:5353` or \
      `in on em0 icmp 192.0.2.1 > 203.0.113.5 type echoreq code 0` (icmp6 likewise).

      Formats: text (one line per packet), json (one object per line with verdict, rule and \
      translation), words (ipftest's pass/block/nomatch/bad-packet), ipftest and ipftest-hex \
      (each packet as `ipftest -N` prints it after filtering and translation, as text or as \
      hex bytes with adjusted checksums, with ipnat's own sessions and address and port \
      allocation for an ipfilter bundle; a dropped packet prints its block reason). --summary \
      adds the hits of each rule and lists the rules no packet reached.
      """)

  @OptionGroup var input: InputOptions

  @Option(name: .customLong("packet"), help: ArgumentHelp("A packet to trace (repeatable).", valueName: "SPEC"))
  var packets: [String] = []

  @Option(help: ArgumentHelp("A capture file to trace, read through libpcap.", valueName: "FILE"))
  var pcap: String?

  @Option(
    name: .customLong("packets"),
    help: ArgumentHelp("A file of packets in ipftest's text or hex format.", valueName: "FILE"))
  var packetFile: String?

  @Option(help: "The format of --packets: text or hex (default: detected).")
  var packetsFormat: String?

  @Option(name: .customLong("in-on"), help: ArgumentHelp("Captured packets arrive on this interface.", valueName: "IF"))
  var inOn: String?

  @Option(name: .customLong("out-on"), help: ArgumentHelp("Captured packets leave on this interface.", valueName: "IF"))
  var outOn: String?

  @Option(help: "Output format: text, json, words, ipftest or ipftest-hex.")
  var format: String = "text"

  @Flag(help: "After the packets, print the hits of each rule and the rules no packet reached.")
  var summary = false

  @Flag(help: "Treat every packet as the first of its connection (no state).")
  var stateless = false

  @Option(help: ArgumentHelp("The most states the firewall keeps (ipftest's state_max).", valueName: "N"))
  var stateMax: Int?

  @Flag(help: "Give packets that NAT translates outbound new IP ids 0, 1, 2 … (ipftest's update_ipid=1).")
  var updateIPID = false

  func validate() throws {
    let sources = [!packets.isEmpty, pcap != nil, packetFile != nil].filter { $0 }.count
    if sources != 1 { throw ValidationError("give packets with exactly one of --packet, --pcap or --packets") }
    if !["text", "json", "words", "ipftest", "ipftest-hex"].contains(format) {
      throw ValidationError("unknown format '\(format)': expected text, json, words, ipftest or ipftest-hex")
    }
    if let f = packetsFormat, !["text", "hex"].contains(f) {
      throw ValidationError("unknown packets format '\(f)': expected text or hex")
    }
    if inOn != nil && outOn != nil { throw ValidationError("give at most one of --in-on and --out-on") }
    if (inOn != nil || outOn != nil) && pcap == nil { throw ValidationError("--in-on and --out-on apply to --pcap") }
  }

  func run() throws {
    let host = try input.hostContext()
    let loaded = try loadRuleset(input.files, language: input.language, host: host, defines: input.defines)
    // In ipftest form an ipfilter bundle's ipnat rules run in ipnat's own emulation, around
    // filtering by the other rules.
    let ipftestForm = format.hasPrefix("ipftest")
    let nat = ipftestForm && !loaded.ipnat.isEmpty ? IPNatEmulator(rules: loaded.ipnat) : nil
    var ruleset = loaded.ruleset
    if nat != nil { ruleset.rules.removeAll { $0.phase == .translation } }
    let evaluator = Evaluator(
      ruleset: ruleset, environment: AddressEnvironment(tables: loaded.ruleset.tables, host: host),
      stateful: !stateless)
    evaluator.stateLimit = stateMax
    var out = OutputBuffer()
    var hits: [SourceLocation: Int] = [:]
    var defaultHits = 0
    var count = 0
    // Options read once: a property wrapper's getter is slow in a per-packet loop.
    let counting = summary
    let style = format == "words" ? 0 : format == "json" ? 1 : ipftestForm ? 3 : 2
    let hexForm = format == "ipftest-hex"
    let renumbering = updateIPID
    var nextID: UInt16 = 0
    /// Decides one packet; in ipftest form, prints it as ipftest -N would.
    func decide(_ p: Packet) {
      guard style == 3 else {
        emit(p, evaluator.evaluate(p))
        return
      }
      var q = p
      if let nat, q.header.direction == .in, nat.process(&q) == .dropped {
        out.write(q.header.family == .inet ? "15" : "16", newline: true)
        return
      }
      let d = evaluator.evaluate(q)
      if !d.verdict.isPass || d.malformed {
        out.write(d.malformed ? "4" : "0", newline: true)
        return
      }
      if let h = d.translatedHeader { q.header = h }
      if let nat, q.header.direction == .out {
        switch nat.process(&q) {
        case .dropped:
          out.write(q.header.family == .inet ? "15" : "16", newline: true)
          return
        case .translated where renumbering:
          q.identification = nextID
          nextID &+= 1
        default:
          break
        }
      }
      if hexForm {
        out.write(TraceOutput.ipftestHex(q, original: p), newline: true)
        out.write("", newline: true)
      } else {
        out.write(TraceOutput.ipftest(q), newline: true)
      }
    }
    func emit(_ p: Packet, _ d: Decision) {
      count += 1
      if counting {
        if let loc = d.rule?.origin.first { hits[loc, default: 0] += 1 } else { defaultHits += 1 }
      }
      switch style {
      case 0: out.write(d.word, newline: true)
      case 1: out.write(TraceOutput.json(p, d) + "\n")
      default: out.write(TraceOutput.text(p, d) + "\n")
      }
    }
    if !packets.isEmpty {
      for spec in packets {
        let p: Packet
        do {
          p = try PacketSpec.parse(spec)
        } catch {
          throw CommandFailure(
            description: "fwc: --packet: \(error.message)\n  \(spec)\n  \(String(repeating: " ", count: error.column))^"
          )
        }
        decide(p)
      }
    } else if let path = packetFile {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure(description: "fwc: \(path): cannot read file")
      }
      let text = String(decoding: data, as: UTF8.self)
      let hex = packetsFormat.map { $0 == "hex" } ?? TraceOutput.looksLikeHex(text)
      let list: [Packet]
      do {
        list = hex ? try IPFTestFormat.parseHex(text) : try IPFTestFormat.parseText(text)
      } catch {
        throw CommandFailure(description: "fwc: \(path):\(error.line): \(error.message)")
      }
      for p in list { decide(p) }
    } else if let path = pcap {
      evaluator.memoize = true
      let direction: Direction = outOn != nil ? .out : .in
      let interface = outOn ?? inOn
      do {
        let reader = try PcapReader(path: path)
        try reader.forEach { ip in
          let p =
            PacketDecoder.decode(ip, direction: direction, interface: interface)
            ?? {
              var bad = Packet()
              bad.malformed = true
              return bad
            }()
          decide(p)
          if out.count > 1 << 16 { out.flush() }
        }
      } catch let e as PcapReader.Failure {
        throw CommandFailure(description: "fwc: \(e.description)")
      }
    }
    if summary {
      TraceOutput.summary(
        loaded, hits: hits, defaultHits: defaultHits, packets: count, json: format == "json", into: &out)
    }
    out.flush()
  }
}

/// Standard output, written in large blocks.
struct OutputBuffer {
  private(set) var bytes: [UInt8] = []
  var count: Int { bytes.count }

  mutating func write(_ s: String) { bytes.append(contentsOf: s.utf8) }

  mutating func write(_ s: String, newline: Bool) {
    bytes.append(contentsOf: s.utf8)
    if newline { bytes.append(0x0A) }
  }

  mutating func flush() {
    guard !bytes.isEmpty else { return }
    bytes.withUnsafeBufferPointer { b in
      var off = 0
      while off < b.count {
        let n = Foundation.write(1, b.baseAddress! + off, b.count - off)
        if n <= 0 { break }
        off += n
      }
    }
    bytes.removeAll(keepingCapacity: true)
  }
}
