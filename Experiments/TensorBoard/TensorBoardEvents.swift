import Foundation

/// Writes scalars to a TensorBoard event file (`events.out.tfevents.<time>.<host>`),
/// which `tensorboard --logdir` reads while the run goes on.
///
/// The format is TensorFlow's record file: each record is its length (8 bytes,
/// little-endian), a masked CRC-32C of those 8 bytes, the bytes of one `Event`
/// protocol-buffer message, and a masked CRC-32C of them. The first event names
/// the file version; each scalar is an `Event` with `wall_time`, `step` and a
/// `Summary` holding one `Value` (`tag`, `simple_value`). Every record is handed
/// to the operating system as it is written, like the episode log.
public final class TensorBoardWriter {
    /// The event file.
    public let url: URL
    private let handle: FileHandle

    /// Creates a new event file in `directory` (made if missing), named as
    /// TensorBoard expects, and writes the file-version event.
    public init(directory: URL, date: Date = Date(), host: String = ProcessInfo.processInfo.hostName) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var name = "events.out.tfevents.\(Int(date.timeIntervalSince1970)).\(host)"
        var candidate = directory.appendingPathComponent(name)
        var suffix = 1
        while FileManager.default.fileExists(atPath: candidate.path) {
            name = "events.out.tfevents.\(Int(date.timeIntervalSince1970)).\(host).\(suffix)"
            candidate = directory.appendingPathComponent(name)
            suffix += 1
        }
        url = candidate
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        try write(TensorBoardEvent.fileVersion(wallTime: date.timeIntervalSince1970))
    }

    deinit { try? handle.close() }

    /// Writes one scalar `value` under `tag` at environment step `step`.
    public func addScalar(_ tag: String, _ value: Double, step: Int, wallTime: Double = Date().timeIntervalSince1970) throws {
        try write(TensorBoardEvent.scalar(tag: tag, value: Float(value), step: Int64(step), wallTime: wallTime))
    }

    /// Writes several scalars at one step, in one write.
    public func addScalars(_ scalars: [(tag: String, value: Double)], step: Int, wallTime: Double = Date().timeIntervalSince1970) throws {
        var bytes: [UInt8] = []
        for (tag, value) in scalars {
            bytes += TensorBoardRecord.frame(TensorBoardEvent.scalar(tag: tag, value: Float(value), step: Int64(step), wallTime: wallTime))
        }
        try handle.write(contentsOf: bytes)
    }

    private func write(_ event: [UInt8]) throws {
        try handle.write(contentsOf: TensorBoardRecord.frame(event))
    }
}

/// TensorFlow's record framing with masked CRC-32C checksums.
enum TensorBoardRecord {
    /// `data` as one record: length, masked CRC of the length, data, masked CRC of the data.
    static func frame(_ data: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        var count = UInt64(data.count)
        for _ in 0..<8 {
            length.append(UInt8(truncatingIfNeeded: count))
            count >>= 8
        }
        return length + littleEndian(maskedCRC(length)) + data + littleEndian(maskedCRC(data))
    }

    /// The CRC-32C as TensorFlow stores it: rotated right by 15 bits plus a
    /// constant, so that a CRC of data holding CRCs stays well distributed.
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = CRC32C.checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TensorFlow's records use.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}

/// The two `Event` messages the writer needs, encoded by hand (protocol buffers:
/// each field a tag of field number and wire type, then its value).
enum TensorBoardEvent {
    /// `Event { wall_time: 1, file_version: 3 = "brain.Event:2" }`.
    static func fileVersion(wallTime: Double) -> [UInt8] {
        var message = ProtobufWriter()
        message.double(field: 1, wallTime)
        message.string(field: 3, "brain.Event:2")
        return message.bytes
    }

    /// `Event { wall_time: 1, step: 2, summary: 5 { value: 1 { tag: 1, simple_value: 2 } } }`.
    static func scalar(tag: String, value: Float, step: Int64, wallTime: Double) -> [UInt8] {
        var summaryValue = ProtobufWriter()
        summaryValue.string(field: 1, tag)
        summaryValue.float(field: 2, value)
        var summary = ProtobufWriter()
        summary.message(field: 1, summaryValue.bytes)
        var event = ProtobufWriter()
        event.double(field: 1, wallTime)
        event.varint(field: 2, UInt64(bitPattern: step))
        event.message(field: 5, summary.bytes)
        return event.bytes
    }
}

/// The few protocol-buffer encodings an event needs.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(field: Int, _ value: UInt64) {
        key(field, wireType: 0)
        appendVarint(value)
    }

    mutating func double(field: Int, _ value: Double) {
        key(field, wireType: 1)
        appendLittleEndian(value.bitPattern, byteCount: 8)
    }

    mutating func float(field: Int, _ value: Float) {
        key(field, wireType: 5)
        appendLittleEndian(UInt64(value.bitPattern), byteCount: 4)
    }

    mutating func string(field: Int, _ value: String) {
        message(field: field, Array(value.utf8))
    }

    mutating func message(field: Int, _ value: [UInt8]) {
        key(field, wireType: 2)
        appendVarint(UInt64(value.count))
        bytes += value
    }

    private mutating func key(_ field: Int, wireType: UInt64) {
        appendVarint(UInt64(field) << 3 | wireType)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private mutating func appendLittleEndian(_ value: UInt64, byteCount: Int) {
        for index in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
}
