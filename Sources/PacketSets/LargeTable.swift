#if canImport(Glibc)
  import Glibc
#endif

/// An array of `count` copies of `value` for the BDD manager's hash tables. Large tables are
/// read at random, so on Linux they are asked to be backed by huge pages before their memory is
/// first touched: one TLB entry then covers 2 MB instead of 4 KB. FreeBSD promotes such
/// allocations to superpages by itself.
func largeTable<Element>(_ value: Element, count: Int) -> [Element] {
  [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
    #if canImport(Glibc)
      let bytes = count * MemoryLayout<Element>.stride
      let huge = 2 << 20
      if bytes >= 2 * huge, let base = buffer.baseAddress {
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
        if end > start {
          _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE)
        }
      }
    #endif
    buffer.initialize(repeating: value)
    initialized = count
  }
}
