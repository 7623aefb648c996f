import CBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Debian's OpenBLAS 0.3.21 is a DYNAMIC_ARCH build: it picks its kernels at load
// time from the CPU model. It does not know recent Xeons and falls back to its
// generic "Prescott" (SSE3) kernels, four to five times slower at sgemm than the
// AVX-512 ones. This file detects that case and re-initialises OpenBLAS with the
// right kernels, the way `OPENBLAS_CORETYPE` would have at load time.

/// The vector instruction sets of the CPU that matter for choosing BLAS kernels.
public struct CPUVectorFeatures: Sendable, Equatable, CustomStringConvertible {
    /// AVX-512 Foundation.
    public var avx512f: Bool
    /// AVX2 (256-bit integer and float vectors).
    public var avx2: Bool
    /// Fused multiply-add (FMA3).
    public var fma: Bool

    /// Creates a feature set from explicit flags.
    public init(avx512f: Bool, avx2: Bool, fma: Bool) {
        self.avx512f = avx512f
        self.avx2 = avx2
        self.fma = fma
    }

    /// Reads the features from the `flags` line of `/proc/cpuinfo`-style text.
    /// Unknown or missing text gives no features.
    public init(cpuinfo text: String) {
        var flags = Set<Substring>()
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            flags.formUnion(line[line.index(after: colon)...].split(separator: " "))
            break
        }
        self.init(avx512f: flags.contains("avx512f"), avx2: flags.contains("avx2"), fma: flags.contains("fma"))
    }

    /// The features of the CPU this process runs on (read from `/proc/cpuinfo` on
    /// Linux; Swift has no inline `cpuid`). Elsewhere, or when the file cannot be
    /// read, no features are reported, which only disables the kernel switch.
    public static let current: CPUVectorFeatures = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return CPUVectorFeatures(avx512f: false, avx2: false, fma: false)
        }
        return CPUVectorFeatures(cpuinfo: text)
    }()

    /// The OpenBLAS core type whose kernels suit these features best, or nil when
    /// the generic kernels are as good as it gets: `SkylakeX` with AVX-512,
    /// `Haswell` with AVX2 and FMA.
    public var preferredOpenBLASCore: String? {
        if avx512f { return "SkylakeX" }
        if avx2 && fma { return "Haswell" }
        return nil
    }

    public var description: String {
        let names = [(avx512f, "avx512f"), (avx2, "avx2"), (fma, "fma")].filter(\.0).map(\.1)
        return names.isEmpty ? "no AVX2/AVX-512" : names.joined(separator: " ")
    }
}

/// What ``configureOpenBLASKernel(allowSwitch:)`` found and did.
public enum KernelSwitchOutcome: Sendable, Equatable {
    /// The user set `OPENBLAS_CORETYPE`; it was left alone. `core` is the kernel in use.
    case explicitCoreType(requested: String, core: String)
    /// OpenBLAS already uses vector kernels that suit the CPU.
    case alreadyOptimised(core: String)
    /// The CPU has neither AVX-512 nor AVX2 + FMA: the generic kernels are the right ones.
    case noFasterKernel(core: String)
    /// A faster kernel exists but switching was turned off by the caller.
    case disabled(core: String, suggested: String)
    /// OpenBLAS was re-initialised and now reports `to`.
    case switched(from: String, to: String)
    /// A faster kernel exists but this OpenBLAS cannot switch at run time (no
    /// `gotoblas_dynamic_init`, or it ignored the request). `reason` says which.
    case switchImpossible(core: String, suggested: String, reason: String)

    /// The kernel in use after configuration.
    public var core: String {
        switch self {
        case .explicitCoreType(_, let core), .alreadyOptimised(let core), .noFasterKernel(let core),
             .disabled(let core, _), .switchImpossible(let core, _, _):
            return core
        case .switched(_, let to):
            return to
        }
    }

    /// One line for the user when something happened or should be done, nil otherwise.
    public var message: String? {
        switch self {
        case .explicitCoreType, .alreadyOptimised, .noFasterKernel:
            return nil
        case .disabled(let core, let suggested):
            return "OpenBLAS uses its generic \(core) kernels on this CPU; set OPENBLAS_CORETYPE=\(suggested) for faster ones."
        case .switched(let from, let to):
            return "OpenBLAS picked its generic \(from) kernels for this CPU; switched to \(to) (set OPENBLAS_CORETYPE to choose yourself)."
        case .switchImpossible(let core, let suggested, let reason):
            return "OpenBLAS uses its generic \(core) kernels on this CPU and cannot switch at run time (\(reason)); "
                + "run with OPENBLAS_CORETYPE=\(suggested) for 4-5x faster matrix products."
        }
    }
}

/// Queries and settings of the OpenBLAS library that `Neural` links.
public enum OpenBLAS {
    /// The name of the kernel set in use, as OpenBLAS reports it (`"Prescott"`, `"SkylakeX"`, ...).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string (version, DYNAMIC_ARCH, threading).
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// The thread count requested through `OPENBLAS_NUM_THREADS`, or nil when the
    /// variable is unset or not a positive integer.
    public static var threadCountFromEnvironment: Int? {
        guard let text = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"],
              let count = Int(text.trimmingCharacters(in: .whitespaces)), count > 0 else { return nil }
        return count
    }

    /// Whether `core` names kernels that use AVX2 or AVX-512 (compared case-insensitively).
    public static func isVectorCore(_ core: String) -> Bool {
        vectorCores.contains(core.lowercased())
    }

    private static let vectorCores: Set<String> = [
        "haswell", "zen", "skylakex", "cooperlake", "sapphirerapids", "excavator",
    ]

    /// Sets `OPENBLAS_CORETYPE` to `coreType` and re-initialises OpenBLAS's kernel
    /// table through `gotoblas_dynamic_quit` and `gotoblas_dynamic_init`, found at
    /// run time so that builds without them still link. Not thread-safe: call it
    /// while no other thread is inside BLAS. Returns false, changing nothing, when
    /// the symbols are missing.
    static func reinitialise(coreType: String?) -> Bool {
        guard let handle = dlopen(nil, RTLD_NOW),
              let quitSymbol = dlsym(handle, "gotoblas_dynamic_quit"),
              let initSymbol = dlsym(handle, "gotoblas_dynamic_init") else { return false }
        typealias VoidFunction = @convention(c) () -> Void
        let quit = unsafeBitCast(quitSymbol, to: VoidFunction.self)
        let initialise = unsafeBitCast(initSymbol, to: VoidFunction.self)
        if let coreType {
            setenv("OPENBLAS_CORETYPE", coreType, 1)
        } else {
            unsetenv("OPENBLAS_CORETYPE")
        }
        // dynamic_init returns early while a kernel table is set; quit clears it.
        quit()
        initialise()
        return true
    }
}

/// Sets the number of threads OpenBLAS uses for each call (at least 1).
public func setBLASThreads(_ count: Int) {
    openblas_set_num_threads(Int32(max(1, count)))
}

/// Makes sure OpenBLAS uses kernels that suit the CPU and says what happened.
///
/// - An explicit `OPENBLAS_CORETYPE` always wins: nothing is changed.
/// - When OpenBLAS fell back to a kernel without AVX2/AVX-512 (such as
///   `Prescott`) on a CPU with AVX-512 (→ `SkylakeX`) or AVX2 + FMA
///   (→ `Haswell`), and `allowSwitch` is true, the variable is set and OpenBLAS
///   re-initialised; the outcome is ``KernelSwitchOutcome/switched(from:to:)``
///   only if OpenBLAS then reports the new core. The variable stays set, so child
///   processes get the same kernels.
/// - Where the library cannot switch, the outcome names the variable to set.
///
/// Call it once at start-up, before other threads use BLAS.
@discardableResult
public func configureOpenBLASKernel(allowSwitch: Bool) -> KernelSwitchOutcome {
    configureOpenBLASKernel(
        allowSwitch: allowSwitch,
        requestedCore: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
        features: .current)
}

/// ``configureOpenBLASKernel(allowSwitch:)`` with the environment and CPU given, for tests.
func configureOpenBLASKernel(
    allowSwitch: Bool, requestedCore: String?, features: CPUVectorFeatures
) -> KernelSwitchOutcome {
    let core = OpenBLAS.coreName
    if let requestedCore, !requestedCore.isEmpty {
        return .explicitCoreType(requested: requestedCore, core: core)
    }
    if OpenBLAS.isVectorCore(core) { return .alreadyOptimised(core: core) }
    guard let target = features.preferredOpenBLASCore else { return .noFasterKernel(core: core) }
    guard allowSwitch else { return .disabled(core: core, suggested: target) }
    guard OpenBLAS.reinitialise(coreType: target) else {
        return .switchImpossible(core: core, suggested: target, reason: "no gotoblas_dynamic_init in this build")
    }
    let now = OpenBLAS.coreName
    if now.caseInsensitiveCompare(target) == .orderedSame {
        return .switched(from: core, to: now)
    }
    // Leave the library as it was found rather than half-configured.
    _ = OpenBLAS.reinitialise(coreType: nil)
    return .switchImpossible(core: OpenBLAS.coreName, suggested: target, reason: "it still reports \(now)")
}
