import KamTestSupport
import Testing
@testable import KamWorkbook

@Suite struct CRC32Tests {
    /// The check value of the CRC-32 catalogue, and values from Python's `zlib.crc32`.
    @Test func knownValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32.checksum(Array("a".utf8)) == 0xE8B7_BE43)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum(Array(repeating: Array(0...255), count: 4).flatMap { $0 }) == 0xB70B_4C26)
        #expect(CRC32.checksum([UInt8](repeating: 0, count: 1000)) == 0x060B_1780)
        #expect(CRC32.checksum([UInt8](repeating: 0xFF, count: 9)) == 0xEB20_1890)
    }

    /// Fed in pieces of any sizes, the checksum is that of the whole: the eight-byte steps
    /// and the byte-at-a-time tail agree wherever a piece ends.
    @Test func incrementalEqualsWhole() {
        var rng = SplitMix64(seed: 32)
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let whole = CRC32.checksum(bytes)
        for _ in 0..<50 {
            var crc = CRC32()
            var at = 0
            while at < bytes.count {
                let n = min(Int.random(in: 0...40, using: &rng), bytes.count - at)
                crc.update(Array(bytes[at..<at + n]))
                at += n
            }
            #expect(crc.value == whole)
        }
    }
}
