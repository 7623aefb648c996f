import Foundation

/// `N` copies of one environment stepped together, with their observations in
/// one contiguous batch `[N, ...]` and automatic resets, as Gymnasium's vector
/// environments.
///
/// - Copies: made by one factory, so they share a configuration; they differ
///   by seed. ``reset(seed:options:)`` with seed `s` resets copy `i` with seed
///   `s + i` (Gymnasium's rule); ``reset(seeds:options:)`` gives each copy its
///   own seed.
/// - Episode seeds: without ``nextEpisodeSeed``, a reset without a seed (an
///   automatic one, or ``reset(seed:options:)`` with `nil`) lets the copy
///   continue its own random stream, so one seed fixes every episode of every
///   copy, but an episode can only be replayed from the start of the copy's
///   stream. With ``nextEpisodeSeed``, every such reset takes its seed from it,
///   so every episode can be replayed from its own seed (see
///   ``episodeSeed(ofCopy:)`` and ``restoreCopy(_:seed:actions:options:)``).
/// - Batches: ``VectorStep/observations`` holds copy 0's observation, then
///   copy 1's, and so on (`N × observationSize` floats, row-major `[N, ...]`),
///   ready to be a network's input batch. Rewards, flags and infos are arrays
///   of `N`. The buffers are kept between steps and rewritten in place while the
///   caller does not hold on to the previous step's arrays.
/// - Automatic reset: see ``AutoresetMode``; ``AutoresetMode/nextStep`` is the
///   default, as in Gymnasium 1.x.
/// - Threads: with ``VectorScheduling/workerThreads(_:)`` or
///   ``VectorScheduling/dispatch(_:)`` the copies are split into contiguous
///   chunks, one per thread. Every copy's work and every output slot belong to
///   exactly one chunk, and copies share nothing, so results are identical for
///   every thread count (the tests check it). ``nextEpisodeSeed`` is only ever
///   called on the caller's thread, never from a chunk (see its documentation).
///
/// A class, because it owns threads and its copies are stepped in place from
/// them; it is not safe to call from two threads at once.
public final class VectorEnvironment<Wrapped: Environment>: @unchecked Sendable where Wrapped.Observation == [Float] {
    /// The key of the final observation in a copy's info (``AutoresetMode/sameStep``),
    /// as `.doubles`, the observation's entries in order.
    public static var finalObservationKey: String { VectorStep.finalObservationKey }

    /// The number of copies, `N`.
    public let count: Int
    /// The number of floats in one copy's observation.
    public let observationSize: Int
    /// One copy's observation space.
    public let singleObservationSpace: Box
    /// One copy's action space; ``step(_:)`` takes one action from it per copy.
    public let singleActionSpace: Wrapped.ActionSpace
    /// When finished copies are reset.
    public let autoresetMode: AutoresetMode
    /// How the copies are spread over threads.
    public let scheduling: VectorScheduling

    /// The shape of ``VectorStep/observations``: `[N] + singleObservationSpace.shape`.
    public var observationShape: [Int] { [count] + singleObservationSpace.shape }

    /// Where resets without an explicit seed take their seed, called with the
    /// copy's index; `nil` (the default) lets each copy continue its own stream.
    ///
    /// Every reset of a copy that has no explicit seed calls it exactly once
    /// and resets the copy with the returned seed: automatic resets, and
    /// ``reset(seed:options:)`` with a `nil` seed (copies in ascending order).
    /// It is called on the caller's thread, never from a worker, in ascending
    /// copy order within one call of ``step(_:)``, so the same episodes get the
    /// same seeds for every thread count and scheduling:
    ///
    /// - ``AutoresetMode/sameStep``: during the `step` whose action ends a
    ///   copy's episode, after every copy has stepped; the chunks leave finished
    ///   copies alone and the caller's thread resets them, in copy order.
    /// - ``AutoresetMode/nextStep``: during the `step` that resets the copy (the
    ///   one after the episode's end), before the copies step; the seed is then
    ///   handed to the chunk that resets the copy.
    ///
    /// The closure need not be `Sendable`: it never runs concurrently with
    /// itself or with the caller. It must not call the vector. Set it between
    /// steps, not during one.
    @exclusivity(unchecked) public var nextEpisodeSeed: ((_ copy: Int) -> UInt64)?

    @usableFromInline let environments: UnsafeMutablePointer<Wrapped>
    /// Each copy's reset state and seeds, one 64-byte cache line per copy (see
    /// ``CopyLine``), so that threads stepping neighbouring copies never write to
    /// the same line. Only the chunk that owns the copy touches its line during
    /// a step; the caller's thread touches it only to hand over a seed.
    @usableFromInline let copyLines: UnsafeMutableRawPointer
    @usableFromInline static var copyLineStride: Int { 64 }

    /// Byte offsets in a copy's line of ``copyLines``.
    @usableFromInline enum CopyLine {
        /// Bool: the episode ended and the copy's next step resets it instead of stepping.
        @usableFromInline static var needsReset: Int { 0 }
        /// Bool: the reset at the next step uses ``pendingSeed`` (drawn on the caller's thread).
        @usableFromInline static var hasPendingSeed: Int { 1 }
        /// Bool: the current episode was reset with ``episodeSeed``.
        @usableFromInline static var hasEpisodeSeed: Int { 2 }
        /// UInt64: the seed of the current episode.
        @usableFromInline static var episodeSeed: Int { 8 }
        /// UInt64: the seed for the reset at the next step.
        @usableFromInline static var pendingSeed: Int { 16 }
    }

    /// Each chunk's `terminated` and `truncated` flags, packed in a region of
    /// its own per chunk (``resultStride`` bytes, whole cache-line pairs): the
    /// chunk's `terminated` flags from offset 0, its `truncated` flags from
    /// ``truncatedOffset``. The caller's thread copies a chunk's flags from a
    /// line or two instead of one line per copy, and chunks never share a line
    /// (a `[Bool]` holds 64 copies' flags in one line, and sharing it measured
    /// slower than one thread).
    @usableFromInline let stepResults: UnsafeMutableRawPointer
    @usableFromInline let resultStride: Int
    @usableFromInline let truncatedOffset: Int

    /// Copies whose next step resets them (their episode ended), kept on the
    /// caller's side so that drawing their seeds reads no chunk's memory.
    /// 1 or 0 per copy, bytes rather than `Bool`s so that the flags of a step
    /// are combined with vector instructions.
    @usableFromInline let resetsAtNextStep: UnsafeMutablePointer<UInt8>
    /// Whether ``restoreCopy(_:seed:actions:options:)`` set an entry of
    /// ``resetsAtNextStep`` that the next step must clear (same-step mode,
    /// where steps otherwise leave them all 0).
    @usableFromInline @exclusivity(unchecked) var hasRestoredEndedEpisode = false

    // The vector is used from one thread at a time (see the type's
    // documentation), so dynamic exclusivity checks (a runtime call per
    // access, a dozen per step) guard nothing here.
    @usableFromInline @exclusivity(unchecked) var observations: [Float]
    @usableFromInline @exclusivity(unchecked) var rewards: [Double]
    @usableFromInline @exclusivity(unchecked) var terminated: [Bool]
    @usableFromInline @exclusivity(unchecked) var truncated: [Bool]
    @usableFromInline @exclusivity(unchecked) var infos: [Info]
    @usableFromInline @exclusivity(unchecked) var hasReset = false
    @usableFromInline let pool: WorkerPool?
    /// The number of chunks.
    @usableFromInline let threads: Int
    /// Chunk `c` holds copies `chunkBounds[c] ..< chunkBounds[c + 1]`; `threads + 1` entries.
    @usableFromInline let chunkBounds: UnsafeMutablePointer<Int>

    /// What a chunk needs that never changes after init, kept in a cache-line
    /// pair of its own so that it stays cached on every core (a worker reads
    /// nothing from the vector object, whose lines the caller's thread writes
    /// at every step).
    @usableFromInline struct ChunkLayout {
        @usableFromInline let environments: UnsafeMutablePointer<Wrapped>
        @usableFromInline let copyLines: UnsafeMutableRawPointer
        @usableFromInline let stepResults: UnsafeMutableRawPointer
        @usableFromInline let resultStride: Int
        @usableFromInline let truncatedOffset: Int
        @usableFromInline let errors: UnsafeMutablePointer<EnvironmentError?>
        @usableFromInline let chunkBounds: UnsafeMutablePointer<Int>
        @usableFromInline let observationSize: Int
        @usableFromInline let sameStep: Bool

        @usableFromInline
        init(environments: UnsafeMutablePointer<Wrapped>, copyLines: UnsafeMutableRawPointer,
             stepResults: UnsafeMutableRawPointer, resultStride: Int, truncatedOffset: Int,
             errors: UnsafeMutablePointer<EnvironmentError?>, chunkBounds: UnsafeMutablePointer<Int>,
             observationSize: Int, sameStep: Bool) {
            self.environments = environments
            self.copyLines = copyLines
            self.stepResults = stepResults
            self.resultStride = resultStride
            self.truncatedOffset = truncatedOffset
            self.errors = errors
            self.chunkBounds = chunkBounds
            self.observationSize = observationSize
            self.sameStep = sameStep
        }
    }
    @usableFromInline let layout: UnsafeMutablePointer<ChunkLayout>

    /// A step's inputs and outputs. Small enough to travel to each worker
    /// inside its mailbox with the request (``WorkerPool/payloadCapacity``), so
    /// a worker reads them from the cache line it fetches anyway.
    @usableFromInline struct StepBuffers {
        @usableFromInline let actions: UnsafePointer<Wrapped.Action>
        @usableFromInline let observations: UnsafeMutablePointer<Float>
        @usableFromInline let rewards: UnsafeMutablePointer<Double>
        @usableFromInline let infos: UnsafeMutablePointer<Info>
        /// Whether ``nextEpisodeSeed`` is set: same-step resets then wait for the caller's thread.
        @usableFromInline let drawsSeeds: Bool

        @inlinable
        init(actions: UnsafePointer<Wrapped.Action>, observations: UnsafeMutablePointer<Float>,
             rewards: UnsafeMutablePointer<Double>, infos: UnsafeMutablePointer<Info>, drawsSeeds: Bool) {
            self.actions = actions
            self.observations = observations
            self.rewards = rewards
            self.infos = infos
            self.drawsSeeds = drawsSeeds
        }
    }
    /// The chunk runner handed to the threads, made on the first step.
    @usableFromInline @exclusivity(unchecked) nonisolated(unsafe) var chunkJob: UncheckedChunkJob?
    @usableFromInline let chunkErrors: UnsafeMutablePointer<EnvironmentError?>

    /// Makes `count` copies with `make(index)` for index `0..<count`.
    ///
    /// - Parameters:
    ///   - count: the number of copies (≥ 1).
    ///   - autoresetMode: when finished copies reset (default next-step, as Gymnasium).
    ///   - scheduling: serial (default) or a number of threads; more threads than
    ///     copies are not used.
    ///   - nextEpisodeSeed: where resets without an explicit seed take their
    ///     seed (see ``nextEpisodeSeed``); `nil` lets copies continue their streams.
    ///   - make: makes copy `index`; every copy must have the same observation space.
    /// - Precondition: the observation space is a `Box`.
    public init(count: Int, autoresetMode: AutoresetMode = .nextStep, scheduling: VectorScheduling = .serial,
                nextEpisodeSeed: ((_ copy: Int) -> UInt64)? = nil, make: (Int) throws -> Wrapped) rethrows {
        precondition(count >= 1, "VectorEnvironment needs at least one copy, got \(count)")
        let first = try make(0)
        let space = boxObservationSpace(of: first, wrapper: "VectorEnvironment")
        self.count = count
        singleObservationSpace = space
        singleActionSpace = first.actionSpace
        observationSize = space.low.count
        self.autoresetMode = autoresetMode
        self.nextEpisodeSeed = nextEpisodeSeed
        environments = UnsafeMutablePointer<Wrapped>.allocate(capacity: count)
        environments.initialize(to: first)
        for index in 1..<max(count, 1) {
            do {
                (environments + index).initialize(to: try make(index))
            } catch {
                environments.deinitialize(count: index)
                environments.deallocate()
                throw error
            }
        }
        copyLines = UnsafeMutableRawPointer.allocate(byteCount: count * Self.copyLineStride, alignment: Self.copyLineStride)
        copyLines.initializeMemory(as: UInt8.self, repeating: 0, count: count * Self.copyLineStride)
        observations = [Float](repeating: 0, count: count * space.low.count)
        rewards = [Double](repeating: 0, count: count)
        terminated = [Bool](repeating: false, count: count)
        truncated = [Bool](repeating: false, count: count)
        infos = [Info](repeating: [:], count: count)
        resetsAtNextStep = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        resetsAtNextStep.initialize(repeating: 0, count: count)

        let threads = min(scheduling.threadCount, count)
        self.threads = threads
        self.scheduling = threads == 1 ? .serial : scheduling
        let bounds = UnsafeMutablePointer<Int>.allocate(capacity: threads + 1)
        for chunk in 0...threads { bounds[chunk] = chunk * count / threads }
        chunkBounds = bounds
        // Whole cache-line pairs per region: some processors fetch lines in pairs.
        let largestChunk = (0..<threads).map { bounds[$0 + 1] - bounds[$0] }.max()!
        truncatedOffset = (largestChunk + 63) / 64 * 64
        resultStride = (2 * truncatedOffset + 127) / 128 * 128
        stepResults = UnsafeMutableRawPointer.allocate(byteCount: threads * resultStride, alignment: 128)
        stepResults.initializeMemory(as: UInt8.self, repeating: 0, count: threads * resultStride)
        chunkErrors = UnsafeMutablePointer<EnvironmentError?>.allocate(capacity: threads)
        chunkErrors.initialize(repeating: nil, count: threads)
        precondition(MemoryLayout<StepBuffers>.size <= WorkerPool.payloadCapacity, "step buffers outgrew the mailbox")
        let layoutBytes = (MemoryLayout<ChunkLayout>.stride + 127) / 128 * 128
        layout = UnsafeMutableRawPointer.allocate(byteCount: layoutBytes, alignment: 128)
            .bindMemory(to: ChunkLayout.self, capacity: 1)
        layout.initialize(to: ChunkLayout(
            environments: environments, copyLines: copyLines, stepResults: stepResults, resultStride: resultStride,
            truncatedOffset: truncatedOffset, errors: chunkErrors, chunkBounds: chunkBounds, observationSize: observationSize,
            sameStep: autoresetMode == .sameStep))
        if case .workerThreads = self.scheduling {
            pool = WorkerPool(threadCount: threads)
        } else {
            pool = nil
        }
    }

    deinit {
        pool?.stop()
        environments.deinitialize(count: count)
        environments.deallocate()
        chunkErrors.deinitialize(count: threads)
        chunkErrors.deallocate()
        copyLines.deallocate()
        stepResults.deallocate()
        resetsAtNextStep.deallocate()
        chunkBounds.deallocate()
        layout.deinitialize(count: 1)
        UnsafeMutableRawPointer(layout).deallocate()
    }

    /// A copy of environment `index` as it is now (for rendering or inspection).
    public func environment(at index: Int) -> Wrapped {
        precondition(index >= 0 && index < count, "copy \(index) outside 0..<\(count)")
        return environments[index]
    }

    /// Resets every copy: with a seed, copy `i` gets seed `seed + i`; without,
    /// copy `i` takes ``nextEpisodeSeed`` of `i` (copies in ascending order)
    /// when it is set, or else continues its own stream. `options` go to every copy.
    ///
    /// - Throws: what a copy's reset throws (a malformed option); the copies
    ///   before it are then reset, the vector still needs a successful reset.
    public func reset(seed: UInt64? = nil, options: Info = [:]) throws(EnvironmentError) -> VectorReset {
        try resetEveryCopy(options: options) { index in
            if let seed { return seed &+ UInt64(index) }
            return nextEpisodeSeed?(index)
        }
    }

    /// Resets copy `i` with `seeds[i]`, for a caller that keeps its own episode
    /// seeds (``nextEpisodeSeed`` is not called). `options` go to every copy.
    ///
    /// - Precondition: `seeds.count == count`.
    public func reset(seeds: [UInt64], options: Info = [:]) throws(EnvironmentError) -> VectorReset {
        precondition(seeds.count == count, "VectorEnvironment of \(count) copies given \(seeds.count) seeds")
        return try resetEveryCopy(options: options) { seeds[$0] }
    }

    private func resetEveryCopy(options: Info, seed: (Int) -> UInt64?) throws(EnvironmentError) -> VectorReset {
        hasReset = false
        for index in 0..<count {
            infos[index] = try resetCopy(index, seed: seed(index), options: options)
        }
        hasReset = true
        return VectorReset(observations: observations, infos: infos)
    }

    /// The seed copy `index`'s current episode was reset with, or `nil` when
    /// that reset continued the copy's stream (or the copy was never reset).
    ///
    /// After a step that ended an episode it is already the next episode's seed
    /// in ``AutoresetMode/sameStep`` mode, and still the ended episode's in
    /// ``AutoresetMode/nextStep`` mode (the copy resets at its next step).
    public func episodeSeed(ofCopy index: Int) -> UInt64? {
        precondition(index >= 0 && index < count, "copy \(index) outside 0..<\(count)")
        let line = copyLines + index * Self.copyLineStride
        guard line.load(fromByteOffset: CopyLine.hasEpisodeSeed, as: Bool.self) else { return nil }
        return line.load(fromByteOffset: CopyLine.episodeSeed, as: UInt64.self)
    }

    /// Brings copy `index` to a saved point of an episode, for an exact resume:
    /// resets it with `seed`, then steps it with `actions` in order, and returns
    /// the rewards of those steps so the caller can check them against the
    /// saved ones. The next ``step(_:)`` continues the copy from there, as if
    /// the vector had taken those steps itself, and the vector counts as reset
    /// (restore every copy before stepping, or reset the vector first).
    ///
    /// When an action ends the episode, the replay stops there: the result is
    /// shorter than `actions` (its last reward is the ending step's), and the
    /// copy's next step resets it, ignoring its action, as in
    /// ``AutoresetMode/nextStep`` mode. Its observation slot (see
    /// ``VectorReset/observations``) holds its latest observation either way.
    ///
    /// - Throws: what the copy's `step` throws (an invalid action); the copy is
    ///   then left where that action found it.
    @discardableResult
    public func restoreCopy(_ index: Int, seed: UInt64, actions: [Wrapped.Action],
                            options: Info = [:]) throws(EnvironmentError) -> [Double] {
        precondition(index >= 0 && index < count, "copy \(index) outside 0..<\(count)")
        infos[index] = try resetCopy(index, seed: seed, options: options)
        hasReset = true
        var rewards: [Double] = []
        rewards.reserveCapacity(actions.count)
        for action in actions {
            let step = try environments[index].step(action)
            rewards.append(step.reward)
            observations.withUnsafeMutableBufferPointer { batch in
                Self.write(step.observation, into: batch.baseAddress! + index * observationSize, size: observationSize)
            }
            infos[index] = step.info
            if step.isEpisodeOver {
                (copyLines + index * Self.copyLineStride).storeBytes(of: true, toByteOffset: CopyLine.needsReset, as: Bool.self)
                resetsAtNextStep[index] = 1
                hasRestoredEndedEpisode = true
                break
            }
        }
        return rewards
    }

    /// Resets copy `index` on the caller's thread, writes its observation into
    /// the batch and clears its flags; returns the reset's info.
    private func resetCopy(_ index: Int, seed: UInt64?, options: Info) throws(EnvironmentError) -> Info {
        let reset = try environments[index].reset(seed: seed, options: options)
        observations.withUnsafeMutableBufferPointer { batch in
            Self.write(reset.observation, into: batch.baseAddress! + index * observationSize, size: observationSize)
        }
        let line = copyLines + index * Self.copyLineStride
        line.initializeMemory(as: UInt8.self, repeating: 0, count: Self.copyLineStride)
        Self.recordEpisodeSeed(seed, in: line)
        resetsAtNextStep[index] = 0
        return reset.info
    }

    @inlinable
    static func recordEpisodeSeed(_ seed: UInt64?, in line: UnsafeMutableRawPointer) {
        line.storeBytes(of: seed != nil, toByteOffset: CopyLine.hasEpisodeSeed, as: Bool.self)
        line.storeBytes(of: seed ?? 0, toByteOffset: CopyLine.episodeSeed, as: UInt64.self)
    }

    /// Steps every copy with its action (`actions[i]` for copy `i`), resetting
    /// finished copies as ``autoresetMode`` says.
    ///
    /// - Throws: ``EnvironmentError/resetNeeded(environment:)`` before the first
    ///   reset and ``EnvironmentError/invalidAction(environment:action:space:)``
    ///   for an action outside ``singleActionSpace``, before any copy steps.
    /// - Precondition: `actions.count == count`.
    @inlinable
    public func step(_ actions: [Wrapped.Action]) throws(EnvironmentError) -> VectorStep {
        precondition(actions.count == count, "VectorEnvironment of \(count) copies given \(actions.count) actions")
        guard hasReset else { throw .resetNeeded(environment: name) }
        // Without an early exit and on a local copy of the space, so the check
        // of every action is a short loop; it runs on the caller's thread alone.
        let actionSpace = singleActionSpace
        var allValid = true
        for action in actions { allValid = allValid && actionSpace.contains(action) }
        if !allValid, let action = actions.first(where: { !actionSpace.contains($0) }) {
            throw .invalidAction(environment: name, action: "\(action)", space: singleActionSpace.description)
        }
        let seedSource = nextEpisodeSeed
        if let seedSource { drawSeedsForPendingResets(from: seedSource) }
        // Move the buffers into locals so they are uniquely referenced (no copy)
        // when the caller has dropped the previous step's arrays.
        var observations = take(&self.observations), rewards = take(&self.rewards)
        var terminated = take(&self.terminated), truncated = take(&self.truncated)
        var infos = take(&self.infos)
        // Set here rather than in init so the job runs the chunk code specialised
        // for `Wrapped` in the caller's module. It captures the layout's address,
        // not the vector, so the workers read nothing of the vector object.
        if chunkJob == nil {
            let layout = self.layout
            chunkJob = UncheckedChunkJob(run: { chunk, buffers in
                Self.runChunk(chunk, layout.pointee, buffers.load(as: StepBuffers.self))
            })
            pool?.job = chunkJob?.run
        }
        actions.withUnsafeBufferPointer { actions in
            observations.withUnsafeMutableBufferPointer { observations in
                rewards.withUnsafeMutableBufferPointer { rewards in
                    infos.withUnsafeMutableBufferPointer { infos in
                        let buffers = StepBuffers(
                            actions: actions.baseAddress!, observations: observations.baseAddress!,
                            rewards: rewards.baseAddress!, infos: infos.baseAddress!, drawsSeeds: seedSource != nil)
                        let layout = self.layout.pointee
                        switch scheduling {
                        case .serial:
                            Self.runChunk(0, layout, buffers)
                        case .workerThreads:
                            withUnsafeBytes(of: buffers) { payload in
                                pool!.run(payload: payload) { chunk in Self.runChunk(chunk, layout, buffers) }
                            }
                        case .dispatch:
                            let job = chunkJob!
                            withUnsafeBytes(of: buffers) { payload in
                                let payload = UncheckedPayload(bytes: payload.baseAddress!)
                                DispatchQueue.concurrentPerform(iterations: threads) { chunk in job.run(chunk, payload.bytes) }
                            }
                        }
                        if let seedSource, autoresetMode == .sameStep {
                            resetFinishedCopies(seedSource: seedSource, observations: observations.baseAddress!)
                        }
                    }
                }
            }
        }
        readStepResults(into: &terminated, &truncated)
        self.observations = observations
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
        self.infos = infos
        for chunk in 0..<threads {
            if let error = chunkErrors[chunk] {
                chunkErrors[chunk] = nil
                throw error
            }
        }
        return VectorStep(observations: observations, rewards: rewards, terminated: terminated,
                          truncated: truncated, infos: infos)
    }

    /// A short name for messages, such as `VectorEnvironment<TimeLimit<CartPole>>[8]`.
    public var name: String { "VectorEnvironment<\(environments[0].name)>[\(count)]" }

    // MARK: - The caller's side of a step

    /// Copies the chunks' packed flags into the flag arrays, and notes which
    /// copies the next step resets (next-step mode).
    @inlinable
    func readStepResults(into terminated: inout [Bool], _ truncated: inout [Bool]) {
        terminated.withUnsafeMutableBufferPointer { terminated in
            truncated.withUnsafeMutableBufferPointer { truncated in
                for chunk in 0..<threads {
                    let region = stepResults + chunk * resultStride
                    let start = chunkBounds[chunk], size = chunkBounds[chunk + 1] - start
                    UnsafeMutableRawPointer(terminated.baseAddress! + start).copyMemory(from: region, byteCount: size)
                    UnsafeMutableRawPointer(truncated.baseAddress! + start).copyMemory(from: region + truncatedOffset, byteCount: size)
                }
            }
        }
        if autoresetMode == .nextStep {
            for chunk in 0..<threads {
                let ended = (stepResults + chunk * resultStride).assumingMemoryBound(to: UInt8.self)
                let truncatedEnds = ended + truncatedOffset
                let start = chunkBounds[chunk], pending = resetsAtNextStep + start
                for index in 0..<chunkBounds[chunk + 1] - start { pending[index] = ended[index] | truncatedEnds[index] }
            }
        } else if hasRestoredEndedEpisode {
            resetsAtNextStep.update(repeating: 0, count: count)
            hasRestoredEndedEpisode = false
        }
    }

    /// Draws the seeds of the resets this step's chunks will make (next-step
    /// mode, or a restored copy whose episode ended), in copy order.
    @inlinable
    func drawSeedsForPendingResets(from seedSource: (Int) -> UInt64) {
        for index in 0..<count where resetsAtNextStep[index] != 0 {
            let line = copyLines + index * Self.copyLineStride
            line.storeBytes(of: seedSource(index), toByteOffset: CopyLine.pendingSeed, as: UInt64.self)
            line.storeBytes(of: true, toByteOffset: CopyLine.hasPendingSeed, as: Bool.self)
        }
    }

    /// Same-step mode: resets the copies whose episode ended at this step, in
    /// copy order, each with a seed from `seedSource`, after the chunks are done.
    @inlinable
    func resetFinishedCopies(seedSource: (Int) -> UInt64, observations: UnsafeMutablePointer<Float>) {
        for chunk in 0..<threads {
            let region = stepResults + chunk * resultStride
            let start = chunkBounds[chunk]
            for index in start..<chunkBounds[chunk + 1]
            where region.load(fromByteOffset: index - start, as: Bool.self)
                || region.load(fromByteOffset: truncatedOffset + index - start, as: Bool.self) {
                let seed = seedSource(index)
                let reset: Reset<[Float]>
                do {
                    reset = try environments[index].reset(seed: seed, options: [:])
                } catch {
                    if chunkErrors[chunk] == nil { chunkErrors[chunk] = error }
                    continue
                }
                Self.write(reset.observation, into: observations + index * observationSize, size: observationSize)
                Self.recordEpisodeSeed(seed, in: copyLines + index * Self.copyLineStride)
            }
        }
    }

    // MARK: - Chunks

    /// Steps copies `chunkBounds[chunk] ..< chunkBounds[chunk + 1]`;
    /// runs on any thread and reads only `layout`, `buffers` and the memory they point to.
    @inlinable
    static func runChunk(_ chunk: Int, _ layout: ChunkLayout, _ buffers: StepBuffers) {
        let size = layout.observationSize
        let start = layout.chunkBounds[chunk]
        let terminated = layout.stepResults + chunk * layout.resultStride - start
        let truncated = terminated + layout.truncatedOffset
        for index in start..<layout.chunkBounds[chunk + 1] {
            let slot = buffers.observations + index * size
            let line = layout.copyLines + index * copyLineStride
            if line.load(fromByteOffset: CopyLine.needsReset, as: Bool.self) {
                let hasSeed = line.load(fromByteOffset: CopyLine.hasPendingSeed, as: Bool.self)
                let seed = hasSeed ? line.load(fromByteOffset: CopyLine.pendingSeed, as: UInt64.self) : nil
                let reset: Reset<[Float]>
                do {
                    reset = try layout.environments[index].reset(seed: seed, options: [:])
                } catch {
                    if layout.errors[chunk] == nil { layout.errors[chunk] = error }
                    continue
                }
                write(reset.observation, into: slot, size: size)
                buffers.rewards[index] = 0
                terminated.storeBytes(of: false, toByteOffset: index, as: Bool.self)
                truncated.storeBytes(of: false, toByteOffset: index, as: Bool.self)
                line.storeBytes(of: false, toByteOffset: CopyLine.needsReset, as: Bool.self)
                line.storeBytes(of: false, toByteOffset: CopyLine.hasPendingSeed, as: Bool.self)
                recordEpisodeSeed(seed, in: line)
                buffers.infos[index] = reset.info
                continue
            }
            let step: Step<[Float]>
            do {
                step = try layout.environments[index].step(buffers.actions[index])
            } catch {
                terminated.storeBytes(of: false, toByteOffset: index, as: Bool.self)
                truncated.storeBytes(of: false, toByteOffset: index, as: Bool.self)
                if layout.errors[chunk] == nil { layout.errors[chunk] = error }
                continue
            }
            buffers.rewards[index] = step.reward
            terminated.storeBytes(of: step.terminated, toByteOffset: index, as: Bool.self)
            truncated.storeBytes(of: step.truncated, toByteOffset: index, as: Bool.self)
            let ended = step.terminated || step.truncated
            if ended && layout.sameStep {
                var info = step.info
                info[finalObservationKey] = .doubles(step.observation.map(Double.init))
                buffers.infos[index] = info
                // With a seed source the seed must be drawn on the caller's
                // thread in copy order: ``resetFinishedCopies`` resets the copy.
                if !buffers.drawsSeeds {
                    do {
                        write(try layout.environments[index].reset(seed: nil, options: [:]).observation, into: slot, size: size)
                    } catch {
                        if layout.errors[chunk] == nil { layout.errors[chunk] = error }
                        continue
                    }
                    recordEpisodeSeed(nil, in: line)
                }
            } else {
                write(step.observation, into: slot, size: size)
                buffers.infos[index] = step.info
                if ended { line.storeBytes(of: true, toByteOffset: CopyLine.needsReset, as: Bool.self) }
            }
        }
    }

    @inlinable
    static func write(_ observation: [Float], into slot: UnsafeMutablePointer<Float>, size: Int) {
        precondition(observation.count == size,
                     "VectorEnvironment<\(Wrapped.self)>: a copy returned \(observation.count) floats, its space has \(size)")
        observation.withUnsafeBufferPointer { source in
            slot.update(from: source.baseAddress!, count: size)
        }
    }
}

/// A chunk runner that may be called from other threads: the vector hands each
/// thread its own chunk, so the calls never touch the same copy or slot. It
/// takes the chunk and the bytes of the step's buffers.
@usableFromInline
struct UncheckedChunkJob: @unchecked Sendable {
    @usableFromInline let run: (Int, UnsafeRawPointer) -> Void

    @inlinable init(run: @escaping (Int, UnsafeRawPointer) -> Void) { self.run = run }
}

/// The bytes of a step's buffers, read by every chunk while the step runs.
@usableFromInline
struct UncheckedPayload: @unchecked Sendable {
    @usableFromInline let bytes: UnsafeRawPointer

    @inlinable init(bytes: UnsafeRawPointer) { self.bytes = bytes }
}

/// Moves a value out of a stored property, leaving an empty one, so the moved
/// value is uniquely referenced.
@inlinable
func take<T>(_ value: inout [T]) -> [T] {
    var taken: [T] = []
    swap(&taken, &value)
    return taken
}

extension EnvironmentSpec {
    /// Makes a vector of `count` copies of this environment with the same
    /// options, as `any` vector so specs of every type can be vectorised by name.
    ///
    /// - Throws: what ``make(_:)`` throws, or ``OptionError/badValue(option:value:expected:)``
    ///   when the environment does not observe `[Float]` with `Int` actions.
    public func makeVector(count: Int, options: [String: InfoValue] = [:], autoresetMode: AutoresetMode = .nextStep,
                           scheduling: VectorScheduling = .serial) throws -> any VectorEnvironmentProtocol {
        let first = try make(options)
        guard let typed = first as? any Environment<[Float], Int> else {
            throw OptionError.badValue(option: "environment", value: name,
                                       expected: "environment with [Float] observations and Int actions for a vector")
        }
        return try openVector(typed, count: count, options: options, autoresetMode: autoresetMode, scheduling: scheduling)
    }

    private func openVector<E: Environment<[Float], Int>>(_ first: E, count: Int, options: [String: InfoValue],
                                                           autoresetMode: AutoresetMode,
                                                           scheduling: VectorScheduling) throws -> any VectorEnvironmentProtocol {
        try VectorEnvironment<E>(count: count, autoresetMode: autoresetMode, scheduling: scheduling) { index in
            if index == 0 { return first }
            guard let copy = try make(options) as? E else {
                preconditionFailure("factory of '\(name)' returned a different type on a second call")
            }
            return copy
        }
    }
}

/// A vector environment of any copy type with `Int` actions, for code that
/// picks the environment by name.
public protocol VectorEnvironmentProtocol<SingleActionSpace>: AnyObject, Sendable {
    /// The type of one copy's action space.
    associatedtype SingleActionSpace: Space<Int>
    /// The number of copies.
    var count: Int { get }
    /// The number of floats in one copy's observation.
    var observationSize: Int { get }
    /// One copy's observation space.
    var singleObservationSpace: Box { get }
    /// One copy's action space; ``step(_:)`` takes one action from it per copy.
    var singleActionSpace: SingleActionSpace { get }
    /// A short name for messages.
    var name: String { get }
    /// See ``VectorEnvironment/reset(seed:options:)``.
    func reset(seed: UInt64?, options: Info) throws(EnvironmentError) -> VectorReset
    /// See ``VectorEnvironment/step(_:)``.
    func step(_ actions: [Int]) throws(EnvironmentError) -> VectorStep
}

extension VectorEnvironmentProtocol {
    /// Resets every copy without options, as ``Environment``'s `reset(seed:)`;
    /// see ``VectorEnvironment/reset(seed:options:)``.
    public func reset(seed: UInt64? = nil) throws(EnvironmentError) -> VectorReset {
        try reset(seed: seed, options: [:])
    }
}

extension VectorEnvironment: VectorEnvironmentProtocol where Wrapped.Action == Int {}
