/// How a command that scores a whole list asks the allocator to behave.
enum BatchMemory {
    /// Blocks of several megabytes come and go all run long. glibc would raise its mmap
    /// threshold after the first is freed and then keep later ones on the heap, where the
    /// freed space is not given back; a fixed threshold keeps them in mmap, returned at once.
    static func returnLargeBlocks() {
        #if canImport(Glibc)
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 256 << 10)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `mallopt`, which the Glibc module does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
