/// An environment stack that holds a ``NormalizeObservation`` somewhere inside,
/// whose statistics can be read, restored and frozen from the outside.
///
/// A registry-built stack is `any Environment` (see ``WrapperSettings``), so a
/// trainer cannot name the `NormalizeObservation` layer's type. Every wrapper
/// of this package forwards this protocol when what it wraps conforms, so
/// `environment as? any ObservationNormalizationCarrying` finds the layer
/// through any nesting: a checkpoint stores ``observationStatistics``, and an
/// evaluation copies them in and sets ``isObservationStatisticsFrozen``.
public protocol ObservationNormalizationCarrying {
    /// The running statistics of the (outermost) ``NormalizeObservation`` in the stack.
    var observationStatistics: RunningMeanStd { get set }
    /// Whether those statistics are frozen (see ``NormalizeObservation/isFrozen``).
    var isObservationStatisticsFrozen: Bool { get set }
}

extension NormalizeObservation: ObservationNormalizationCarrying {
    public var observationStatistics: RunningMeanStd {
        get { statistics }
        set { statistics = newValue }
    }

    public var isObservationStatisticsFrozen: Bool {
        get { isFrozen }
        set { isFrozen = newValue }
    }
}

/// Forwarding for a wrapper whose `wrapped` carries the statistics.
private protocol ForwardsObservationNormalization: ObservationNormalizationCarrying {
    associatedtype Inner: ObservationNormalizationCarrying
    var wrapped: Inner { get set }
}

extension ForwardsObservationNormalization {
    public var observationStatistics: RunningMeanStd {
        get { wrapped.observationStatistics }
        set { wrapped.observationStatistics = newValue }
    }

    public var isObservationStatisticsFrozen: Bool {
        get { wrapped.isObservationStatisticsFrozen }
        set { wrapped.isObservationStatisticsFrozen = newValue }
    }
}

extension FrameStack: ObservationNormalizationCarrying, ForwardsObservationNormalization where Wrapped: ObservationNormalizationCarrying {}
extension ObservationMask: ObservationNormalizationCarrying, ForwardsObservationNormalization where Wrapped: ObservationNormalizationCarrying {}
extension ClipReward: ObservationNormalizationCarrying, ForwardsObservationNormalization where Wrapped: ObservationNormalizationCarrying {}
extension StickyAction: ObservationNormalizationCarrying, ForwardsObservationNormalization where Wrapped: ObservationNormalizationCarrying {}
extension ActionRepeat: ObservationNormalizationCarrying, ForwardsObservationNormalization where Wrapped: ObservationNormalizationCarrying {}
extension TimeLimit: ObservationNormalizationCarrying, ForwardsObservationNormalization where Wrapped: ObservationNormalizationCarrying {}
extension RecordEpisodeStatistics: ObservationNormalizationCarrying, ForwardsObservationNormalization where Wrapped: ObservationNormalizationCarrying {}
