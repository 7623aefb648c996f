import ArgumentParser
import Neural

/// Options for commands that run neural networks: BLAS threads and kernel choice.
struct BLASOptions: ParsableArguments {
    @Option(help: "BLAS threads (default: OPENBLAS_NUM_THREADS, else 1 for reproducible runs).")
    var threads: Int?

    @Flag(help: "Keep OpenBLAS's own kernel choice even when it fell back to a generic kernel on a CPU with AVX2 or AVX-512.")
    var noKernelSwitch = false

    /// The most BLAS threads accepted: far above any core count these runs see,
    /// low enough that OpenBLAS never tries to start an absurd number of threads.
    static let maximumThreads = 1_024

    func validate() throws {
        if let threads, !(1...Self.maximumThreads).contains(threads) {
            throw ValidationError("--threads must be in [1, \(Self.maximumThreads)], got \(threads).")
        }
    }

    /// Picks the kernel (printing one line when it switched or cannot) and the thread count.
    func apply() {
        let outcome = configureOpenBLASKernel(allowSwitch: !noKernelSwitch)
        if let message = outcome.message { printError(message) }
        setBLASThreads(threads ?? OpenBLAS.threadCountFromEnvironment ?? 1)
    }
}
