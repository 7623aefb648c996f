import ArgumentParser
import Neural

/// Options for commands that run neural networks: BLAS threads and kernel choice.
struct BLASOptions: ParsableArguments {
    @Option(help: "BLAS threads (default: OPENBLAS_NUM_THREADS, else 1 for reproducible runs).")
    var threads: Int?

    @Flag(help: "Keep OpenBLAS's own kernel choice even when it fell back to a generic kernel on a CPU with AVX2 or AVX-512.")
    var noKernelSwitch = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads).") }
    }

    /// Picks the kernel (printing one line when it switched or cannot) and the thread count.
    func apply() {
        let outcome = configureOpenBLASKernel(allowSwitch: !noKernelSwitch)
        if let message = outcome.message { printError(message) }
        setBLASThreads(threads ?? OpenBLAS.threadCountFromEnvironment ?? 1)
    }
}
