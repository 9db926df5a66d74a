// libFuzzer entry point for the ipfilter front end: each input is read as ipf.conf, ipnat.conf
// and ippool.conf (or only one of them when FWC_FUZZ_PARSER is ipf, ipnat or ippool). Nothing
// may crash or hang; every diagnostic is located; whatever parses must print, and the print must
// parse again.
import FirewallIR
import IPFilterSyntax

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The parser to fuzz alone, from FWC_FUZZ_PARSER; nil runs all three.
let only: String? = getenv("FWC_FUZZ_PARSER").map { String(cString: $0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let file = SourceFile(name: "fuzz.conf", bytes: bytes)

  if only == nil || only == "ipf" { fuzzIPF(file) }
  if only == nil || only == "ipnat" { fuzzIPNat(file) }
  if only == nil || only == "ippool" { fuzzIPPool(file) }
  return 0
}

func fuzzIPF(_ file: SourceFile) {
  let ipf = IPFParser.parse(file)
  for d in ipf.diagnostics where d.location == nil { fatalError("ipf diagnostic without a location: \(d.message)") }
  if !ipf.hasErrors {
    _ = IPFParser.parse(SourceFile(name: "print", text: IPFPrinter.print(ipf.items)))
    _ = IPFLowering.lower(ipf: ipf.rules)
  }
}

func fuzzIPNat(_ file: SourceFile) {
  let nat = IPNatParser.parse(file)
  for d in nat.diagnostics where d.location == nil { fatalError("ipnat diagnostic without a location: \(d.message)") }
  if !nat.hasErrors {
    _ = IPNatParser.parse(SourceFile(name: "print", text: IPNatPrinter.print(nat.rules)))
    _ = IPFLowering.lower(ipf: [], nat: nat.rules)
  }
}

func fuzzIPPool(_ file: SourceFile) {
  let pool = IPPoolParser.parse(file) { _ in nil }
  for d in pool.diagnostics where d.location == nil { fatalError("ippool diagnostic without a location: \(d.message)") }
  if !pool.hasErrors {
    _ = IPPoolParser.parse(SourceFile(name: "print", text: IPPoolPrinter.print(pool.definitions))) { _ in nil }
  }
}
