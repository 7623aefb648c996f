/// A contiguous, row-major array of `Float` with an explicit shape.
///
/// Shapes are batch-first; images are channels-first, `[N, C, H, W]`.
///
/// `Tensor` is a class: it has *reference* semantics, like the buffers of other
/// deep-learning libraries, so that layers can hand their preallocated output
/// buffers to the next layer without copying. A tensor returned by a layer's
/// `forward` belongs to that layer and is overwritten by its next `forward`;
/// call ``copy()`` to keep one. Storage grows only when a larger shape is asked
/// of ``resize(to:)``, so a training step with a fixed batch size allocates
/// nothing after its first call.
public final class Tensor: @unchecked Sendable {
    /// The extent of each dimension.
    public private(set) var shape: [Int]
    /// The number of scalars: the product of ``shape``.
    public private(set) var count: Int
    /// The number of scalars the storage can hold without reallocating.
    public private(set) var capacity: Int
    /// The first scalar; valid for ``count`` scalars until the next ``resize(to:)``.
    public private(set) var pointer: UnsafeMutablePointer<Float>

    /// Creates a tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: value, count: capacity)
    }

    /// Creates a tensor of `shape` holding `scalars` in row-major order.
    public convenience init(shape: [Int], scalars: [Float]) {
        self.init(shape: shape)
        precondition(scalars.count == count, "shape \(shape) needs \(count) scalars, got \(scalars.count)")
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: count) }
        }
    }

    deinit {
        pointer.deallocate()
    }

    /// A new tensor with the same shape and scalars.
    public func copy() -> Tensor {
        let result = Tensor(shape: shape)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Changes the shape, reallocating only when the new count exceeds ``capacity``.
    /// Contents are unspecified after a resize that changes ``count``.
    public func resize(to newShape: [Int]) {
        if newShape == shape { return }
        let newCount = newShape.reduce(1, *)
        if newCount > capacity {
            pointer.deallocate()
            capacity = newCount
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        shape = newShape
        count = newCount
    }

    /// Reinterprets the same scalars with another shape of equal count.
    public func reshape(to newShape: [Int]) {
        let newCount = newShape.reduce(1, *)
        precondition(newCount == count, "cannot reshape \(shape) (\(count) scalars) to \(newShape) (\(newCount))")
        shape = newShape
    }

    /// The scalars, copied into an array (row-major).
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The scalars as a mutable buffer, valid until the next ``resize(to:)``.
    @inlinable
    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }

    /// The scalar at flat (row-major) index `index`.
    @inlinable
    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    /// The extent of the first dimension (the batch size for batch-first tensors).
    @inlinable
    public var batchSize: Int { shape.first ?? 1 }

    /// Scalars per batch item: ``count`` divided by the first dimension.
    public var itemCount: Int { shape.isEmpty ? 1 : shape.dropFirst().reduce(1, *) }

    /// Sets every scalar to `value`.
    public func fill(_ value: Float) {
        pointer.update(repeating: value, count: count)
    }

    /// Copies `other`'s shape and scalars into this tensor (reusing storage).
    public func assign(_ other: Tensor) {
        resize(to: other.shape)
        pointer.update(from: other.pointer, count: count)
    }

    /// Copies `scalars` into this tensor, whose count must match.
    public func assign(_ scalars: [Float]) {
        precondition(scalars.count == count, "tensor of \(count) scalars cannot take \(scalars.count)")
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: count) }
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = (0..<min(count, 8)).map { String(pointer[$0]) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", ..." : "")])"
    }
}

extension Tensor {
    // The resizes below never allocate once the storage is large enough and the rank
    // is unchanged: they rewrite the shape array's elements in place (it is uniquely
    // owned unless someone keeps a copy) instead of building a new array, so a network
    // that alternates batch sizes (acting on one observation, training on a batch)
    // allocates nothing either.

    /// Grows the storage when `newCount` exceeds the capacity; sets ``count``.
    private func reserveCount(_ newCount: Int) {
        if newCount > capacity {
            pointer.deallocate()
            capacity = newCount
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        count = newCount
    }

    /// Resizes to `[d0]`; allocation-free when the rank is unchanged and the storage suffices.
    public func resize(_ d0: Int) {
        guard shape.count == 1 else { return resize(to: [d0]) }
        if shape[0] == d0 { return }
        reserveCount(d0)
        shape[0] = d0
    }

    /// Resizes to `[d0, d1]`; allocation-free when the rank is unchanged and the storage suffices.
    public func resize(_ d0: Int, _ d1: Int) {
        guard shape.count == 2 else { return resize(to: [d0, d1]) }
        if shape[0] == d0 && shape[1] == d1 { return }
        reserveCount(d0 * d1)
        shape[0] = d0
        shape[1] = d1
    }

    /// Resizes to `[d0, d1, d2]`; allocation-free when the rank is unchanged and the storage suffices.
    public func resize(_ d0: Int, _ d1: Int, _ d2: Int) {
        guard shape.count == 3 else { return resize(to: [d0, d1, d2]) }
        if shape[0] == d0 && shape[1] == d1 && shape[2] == d2 { return }
        reserveCount(d0 * d1 * d2)
        shape[0] = d0
        shape[1] = d1
        shape[2] = d2
    }

    /// Resizes to `[d0, d1, d2, d3]`; allocation-free when the rank is unchanged and the storage suffices.
    public func resize(_ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int) {
        guard shape.count == 4 else { return resize(to: [d0, d1, d2, d3]) }
        if shape[0] == d0 && shape[1] == d1 && shape[2] == d2 && shape[3] == d3 { return }
        reserveCount(d0 * d1 * d2 * d3)
        shape[0] = d0
        shape[1] = d1
        shape[2] = d2
        shape[3] = d3
    }

    /// Resizes to the shape of `other`; allocation-free when the ranks match and the
    /// storage suffices.
    public func resize(like other: Tensor) {
        copyShape(other.shape)
    }

    /// Overwrites `target` with the elements of `source`, in place when the counts
    /// match, so that `target` never shares (and later copies) `source`'s storage.
    static func copyElements(of source: [Int], into target: inout [Int]) {
        if target.count != source.count {
            target = source.map { $0 }
        } else if target != source {
            for index in source.indices { target[index] = source[index] }
        }
    }

    /// Resizes to `newShape` by copying its elements into this tensor's own shape
    /// array; allocation-free when the ranks match and the storage suffices.
    public func copyShape(_ newShape: [Int]) {
        // A fresh array on a rank change, so later in-place writes never copy-on-write.
        guard shape.count == newShape.count else { return resize(to: newShape.map { $0 }) }
        if shape == newShape { return }
        reserveCount(newShape.reduce(1, *))
        for axis in newShape.indices { shape[axis] = newShape[axis] }
    }

    /// Resizes to `prefix` with its last dimension replaced by `last`; allocation-free
    /// when the ranks match and the storage suffices.
    public func resize(shape prefix: [Int], replacingLast last: Int) {
        guard shape.count == prefix.count, !prefix.isEmpty else {
            return resize(to: prefix.dropLast() + [last])
        }
        if shape.last == last && shape.dropLast().elementsEqual(prefix.dropLast()) { return }
        reserveCount(prefix.dropLast().reduce(last, *))
        for axis in 0..<(prefix.count - 1) { shape[axis] = prefix[axis] }
        shape[prefix.count - 1] = last
    }
}
