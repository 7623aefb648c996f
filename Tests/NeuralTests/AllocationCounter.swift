#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Counts Swift heap allocations (class instances, array and string buffers, boxes,
// closure contexts) through the Swift runtime's `_swift_allocObject` hook, the entry
// point instrumentation tools use. Raw buffers (`UnsafeMutablePointer.allocate`, the
// tensors' storage) do not pass through it; tests check those by pointer identity.

private typealias AllocateObject = @convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?

nonisolated(unsafe) private var originalAllocateObject: AllocateObject?
nonisolated(unsafe) private var objectAllocations = 0

private let countingAllocateObject: AllocateObject = { metadata, size, alignmentMask in
    objectAllocations &+= 1
    return originalAllocateObject!(metadata, size, alignmentMask)
}

/// The number of Swift heap objects allocated while running `body`, or `nil` when
/// the runtime offers no allocation hook.
func countObjectAllocations(_ body: () -> Void) -> Int? {
    let everywhere = UnsafeMutableRawPointer(bitPattern: 0)
    guard
        let symbol = dlsym(everywhere, "_swift_allocObject"),
        let switchSymbol = dlsym(everywhere, "_swift_enableSwizzlingOfAllocationAndRefCountingFunctions_forInstrumentsOnly")
    else { return nil }
    let hook = symbol.assumingMemoryBound(to: AllocateObject.self)
    // The runtime turns this on the first time it sees a hook; it must be turned back
    // off once the hook is removed, or later retains take a path that crashes.
    let swizzling = switchSymbol.assumingMemoryBound(to: UInt8.self)
    let savedSwizzling = swizzling.pointee
    originalAllocateObject = hook.pointee
    objectAllocations = 0
    hook.pointee = countingAllocateObject
    body()
    hook.pointee = originalAllocateObject!
    swizzling.pointee = savedSwizzling
    return objectAllocations
}
