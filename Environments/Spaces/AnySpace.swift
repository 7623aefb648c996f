extension Space {
    /// This space as a `T`, or the space inside it when it is an ``AnySpace``;
    /// `nil` when neither is a `T`.
    public func lookingThroughAnySpace<T: Space>(as type: T.Type) -> T? {
        if let space = self as? T { return space }
        return (self as? AnySpace<Element>)?.base as? T
    }
}

/// Any space of `Element`s, behind one type: the spaces of an ``AnyEnvironment``.
///
/// Membership, sampling, shape and description are the wrapped space's. Two
/// `AnySpace`s are equal when their wrapped spaces have the same type and are
/// equal. Encoding writes the wrapped space; decoding throws, because the
/// encoded data does not say which space type to make (decode the concrete type).
public struct AnySpace<Element>: Space {
    /// The wrapped space.
    public let base: any Space<Element>

    /// Wraps `space`; an `AnySpace` is not wrapped twice.
    public init<S: Space>(_ space: S) where S.Element == Element {
        if let erased = space as? AnySpace<Element> {
            self = erased
        } else {
            base = space
        }
    }

    public var shape: [Int] { base.shape }

    public func contains(_ element: Element) -> Bool { base.contains(element) }

    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Element {
        base.sample(using: &generator)
    }

    public var description: String { base.description }

    public static func == (lhs: AnySpace, rhs: AnySpace) -> Bool {
        func equals<S: Space>(_ space: S, _ other: any Space<Element>) -> Bool {
            guard let other = other as? S else { return false }
            return space == other
        }
        return equals(lhs.base, rhs.base)
    }

    public func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: decoder.codingPath,
            debugDescription: "an AnySpace cannot be decoded: the data does not name its space type; decode that type (Box, Discrete, ...) instead"))
    }
}
