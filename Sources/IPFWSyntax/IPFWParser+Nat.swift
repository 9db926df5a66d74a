import FirewallIR

/// `ipfw nat N config …`: in-kernel NAT instances, kept as `ipfw nat show config` prints them.
extension IPFWParser {
  static let natModes = [
    "log", "deny_in", "same_ports", "skip_global", "unreg_only", "unreg_cgn", "reset", "reverse", "proxy_only",
  ]

  mutating func natCommand() throws {
    let idWord = try expectWord("nat instance number")
    guard let id = Int(idWord.text), id > 0 else { throw error("illegal nat id `\(idWord.text)`", at: idWord.location) }
    let verb = try expectWord("nat command")
    switch verb.text {
    case "config":
      ruleset.nats[id] = IPFWConfig(words: try natConfig(id), location: idWord.location)
    case "delete":
      ruleset.nats[id] = nil
    case "show":
      pos = words.count
    default:
      throw error("unknown nat command `\(verb.text)`", at: verb.location)
    }
  }

  /// The canonical words of a NAT configuration.
  mutating func natConfig(_ id: Int) throws -> [String] {
    var interface: String? = nil
    var address: String? = nil
    var modes: Set<String> = []
    var redirects: [String] = []
    var portRange: String? = nil
    while let w = next() {
      switch w.text {
      case "if":
        interface = try expectWord("interface name").text
      case "ip":
        let a = try expectWord("address")
        guard let addr = IPAddress.parseV4(Substring(a.text)) else {
          throw error("bad ip address `\(a.text)`", at: a.location)
        }
        address = "\(addr)"
      case _ where Self.natModes.contains(w.text):
        modes.insert(w.text)
      case "port_range", "port_alias":
        let a = try expectWord("port range")
        let ends = a.text.split(separator: "-")
        guard ends.count == 2, let lo = Int(ends[0]), let hi = Int(ends[1]), lo >= 1024, hi <= 65535, lo < hi else {
          throw error("\(w.text) must be LOW-HIGH within 1024-65535", at: a.location)
        }
        portRange = "\(w.text) \(a.text)"
      case "redirect_addr":
        let local = try expectWord("local address")
        let pub = try expectWord("public address")
        for part in local.text.split(separator: ",") where IPAddress.parseV4(part) == nil {
          throw error("bad local address `\(part)`", at: local.location)
        }
        guard IPAddress.parseV4(Substring(pub.text)) != nil else {
          throw error("bad public address `\(pub.text)`", at: pub.location)
        }
        redirects.append("redirect_addr \(local.text) \(pub.text)")
      case "redirect_port":
        let proto = try expectWord("protocol")
        guard ["tcp", "udp", "sctp"].contains(proto.text) else {
          throw error("redirect_port protocol must be tcp, udp or sctp", at: proto.location)
        }
        let local = try expectWord("local address and port")
        guard local.text.contains(":") else {
          throw error("expected ADDR:PORT, not `\(local.text)`", at: local.location)
        }
        let pub = try expectWord("public port")
        var text = "redirect_port \(proto.text) \(local.text) \(pub.text)"
        if let r = peekText, r.first?.isNumber == true {
          pos += 1
          text += " \(r)"
        }
        redirects.append(text)
      case "redirect_proto":
        let proto = try expectWord("protocol")
        guard ProtocolNames.number(named: proto.text) != nil || Int(proto.text) != nil else {
          throw error("unknown protocol `\(proto.text)`", at: proto.location)
        }
        var text = "redirect_proto \(proto.text) \(try expectWord("local address").text)"
        for _ in 0..<2 {
          if let r = peekText, IPAddress.parseV4(Substring(r)) != nil {
            pos += 1
            text += " \(r)"
          }
        }
        redirects.append(text)
      default:
        throw error("unrecognised nat option `\(w.text)`", at: w.location)
      }
    }
    if portRange != nil && modes.contains("same_ports") {
      throw error("port_range cannot be used with same_ports")
    }
    var out = ["nat", String(id), "config"]
    if let i = interface {
      out += ["if", i]
    } else if let a = address, a != "0.0.0.0" {
      out += ["ip", a]
    }
    out += Self.natModes.filter(modes.contains)
    if let r = portRange { out.append(r) }
    out += redirects
    return out
  }
}
