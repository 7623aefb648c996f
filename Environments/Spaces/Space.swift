/// A set of values with a shape, that can test membership and draw samples.
///
/// Spaces describe what an environment accepts and returns, as Gymnasium's
/// `spaces` do. Sampling takes the caller's generator, so a seed fixes every draw.
public protocol Space<Element>: Equatable, Codable, Sendable, CustomStringConvertible {
    /// The type of the values in the space.
    associatedtype Element

    /// The shape of one element (`[]` for a scalar such as ``Discrete``).
    var shape: [Int] { get }

    /// Whether `element` is a member of the space.
    func contains(_ element: Element) -> Bool

    /// Draws one element; see each space for the distribution.
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Element
}

extension Space {
    /// The number of scalars in one element: the product of ``shape``.
    public var elementCount: Int { shape.reduce(1, *) }
}
