/// ICMP and ICMPv6 type and code names and TOS keywords as pf.conf spells them.
public enum ICMPNames {
  public static let v4Types: [(String, UInt8)] = [
    ("echoreq", 8), ("echorep", 0), ("unreach", 3), ("squench", 4), ("redir", 5), ("althost", 6),
    ("routeradv", 9), ("routersol", 10), ("timex", 11), ("paramprob", 12), ("timereq", 13),
    ("timerep", 14), ("inforeq", 15), ("inforep", 16), ("maskreq", 17), ("maskrep", 18),
    ("trace", 30), ("dataconv", 31), ("mobredir", 32), ("ipv6-where", 33), ("ipv6-here", 34),
    ("mobregreq", 35), ("mobregrep", 36), ("skip", 39), ("photuris", 40),
  ]
  public static let v6Types: [(String, UInt8)] = [
    ("unreach", 1), ("toobig", 2), ("timex", 3), ("paramprob", 4), ("echoreq", 128), ("echorep", 129),
    ("groupqry", 130), ("listqry", 130), ("grouprep", 131), ("listenrep", 131), ("groupterm", 132),
    ("listendone", 132), ("routersol", 133), ("routeradv", 134), ("neighbrsol", 135),
    ("neighbradv", 136), ("redir", 137), ("routrrenum", 138), ("wrureq", 139), ("wrurep", 140),
    ("fqdnreq", 139), ("fqdnrep", 140), ("niqry", 139), ("nirep", 140), ("mtraceresp", 200),
    ("mtrace", 201),
  ]
  public static let v4Codes: [(String, UInt8, UInt8)] = [
    ("net-unr", 3, 0), ("host-unr", 3, 1), ("proto-unr", 3, 2), ("port-unr", 3, 3), ("needfrag", 3, 4),
    ("srcfail", 3, 5), ("net-unk", 3, 6), ("host-unk", 3, 7), ("isolate", 3, 8), ("net-prohib", 3, 9),
    ("host-prohib", 3, 10), ("net-tos", 3, 11), ("host-tos", 3, 12), ("filter-prohib", 3, 13),
    ("host-preced", 3, 14), ("cutoff-preced", 3, 15), ("redir-net", 5, 0), ("redir-host", 5, 1),
    ("redir-tos-net", 5, 2), ("redir-tos-host", 5, 3), ("normal-adv", 9, 0), ("common-adv", 9, 16),
    ("transit", 11, 0), ("reassemb", 11, 1), ("badhead", 12, 0), ("optmiss", 12, 1), ("badlen", 12, 2),
    ("unknown-ind", 40, 1), ("auth-fail", 40, 2), ("decrypt-fail", 40, 3),
  ]
  public static let v6Codes: [(String, UInt8, UInt8)] = [
    ("admin-unr", 1, 1), ("noroute-unr", 1, 0), ("notnbr-unr", 1, 2), ("beyond-unr", 1, 2),
    ("addr-unr", 1, 3), ("port-unr", 1, 4), ("transit", 3, 0), ("reassemb", 3, 1), ("badhead", 4, 0),
    ("nxthdr", 4, 1), ("redironlink", 137, 0), ("redirrouter", 137, 1),
  ]
  public static let tosNames: [(String, UInt8)] = [
    ("af11", 0x28), ("af12", 0x30), ("af13", 0x38), ("af21", 0x48), ("af22", 0x50), ("af23", 0x58),
    ("af31", 0x68), ("af32", 0x70), ("af33", 0x78), ("af41", 0x88), ("af42", 0x90), ("af43", 0x98),
    ("critical", 0xa0), ("cs0", 0x00), ("cs1", 0x20), ("cs2", 0x40), ("cs3", 0x60), ("cs4", 0x80),
    ("cs5", 0xa0), ("cs6", 0xc0), ("cs7", 0xe0), ("ef", 0xb8), ("inetcontrol", 0xc0),
    ("lowdelay", 0x10), ("netcontrol", 0xe0), ("reliability", 0x04), ("throughput", 0x08), ("va", 0xb0),
  ]

  public static func type(named n: String, v6: Bool) -> UInt8? {
    (v6 ? v6Types : v4Types).first { $0.0 == n }?.1
  }
  public static func typeName(_ t: UInt8, v6: Bool) -> String? {
    (v6 ? v6Types : v4Types).first { $0.1 == t }?.0
  }
  public static func code(named n: String, type: UInt8, v6: Bool) -> UInt8? {
    (v6 ? v6Codes : v4Codes).first { $0.0 == n && $0.1 == type }?.2
  }
  public static func codeName(type: UInt8, code: UInt8, v6: Bool) -> String? {
    (v6 ? v6Codes : v4Codes).first { $0.1 == type && $0.2 == code }?.0
  }
  public static func tos(named n: String) -> UInt8? {
    tosNames.first { $0.0.caseInsensitiveCompare(n) == .orderedSame }?.1
  }
}

extension String {
  func caseInsensitiveCompare(_ other: String) -> ComparisonResultLite {
    lowercased() == other.lowercased() ? .orderedSame : .orderedDifferent
  }
}

enum ComparisonResultLite { case orderedSame, orderedDifferent }
