/// Reads little-endian values from a byte array front to back, refusing to read
/// past ``limit``: every read returns nil (and moves nothing) when too few bytes
/// remain, so a decoder turns short or corrupt input into its own error instead
/// of a crash. Checkpoints and the agents' replay serialisation share it.
public struct ByteReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// Where the next read starts.
    public var offset: Int
    /// Reads stop here (the end of ``bytes`` unless lowered, for example to
    /// exclude a trailing checksum).
    public var limit: Int

    /// A reader of `bytes` starting at `offset`.
    public init(bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        limit = bytes.count
    }

    /// Bytes left before ``limit``.
    public var remaining: Int { limit - offset }

    /// Whether every byte before ``limit`` was read.
    public var isAtEnd: Bool { offset == limit }

    /// The next little-endian integer, or nil when fewer bytes remain.
    public mutating func read<Value: FixedWidthInteger>(_: Value.Type) -> Value? {
        let size = MemoryLayout<Value>.size
        guard remaining >= size else { return nil }
        var value = Value.zero
        for index in 0..<size { value |= Value(bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }

    /// The next `count` bytes, or nil when fewer remain.
    public mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// The next `count` values of `T` as stored in memory (host byte order, as
    /// `withUnsafeBytes` of an array writes them), or nil when fewer bytes remain.
    public mutating func readArray<T: BitwiseCopyable>(of _: T.Type, count: Int) -> [T]? {
        let length = count * MemoryLayout<T>.stride
        guard count >= 0, remaining >= length else { return nil }
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]))
            }
            initialized = count
        }
        offset += length
        return values
    }

    /// Copies the next `count` little-endian `Float`s to `pointer`, or returns
    /// false (copying nothing) when fewer bytes remain.
    @discardableResult
    public mutating func readFloats(into pointer: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        guard count >= 0, remaining >= count * 4 else { return false }
        bytes.withUnsafeBytes { raw in
            #if _endian(little)
            UnsafeMutableRawPointer(pointer).copyMemory(from: raw.baseAddress! + offset, byteCount: count * 4)
            #else
            for index in 0..<count {
                pointer[index] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self))
            }
            #endif
        }
        offset += count * 4
        return true
    }
}
