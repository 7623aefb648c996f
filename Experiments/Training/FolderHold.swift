/// A run's hold on its folder, and what a reopened run still owes the folder when
/// training starts (never before: a resume that is refused changes nothing).
struct FolderHold {
    /// The folder's lock, held from the first write (a new run's config.json, a
    /// resume's changed budget, or training) for the life of the run.
    var lock: RunFolderLock?
    /// A resume with a new step budget, not yet written to config.json.
    var budgetChanged = false
    /// A resume of a run that stopped before its first checkpoint: it starts again from step 0.
    var restartsFromScratch = false

    /// Takes the lock if not held, writes a changed budget, and clears the logs of a
    /// run that starts again from step 0.
    mutating func settle<Configuration: Encodable>(folder: RunFolder, configuration: Configuration) throws {
        if lock == nil { lock = try RunFolderLock(folder: folder) }
        if budgetChanged {
            try folder.writeConfiguration(configuration)
            budgetChanged = false
        }
        if restartsFromScratch {
            try folder.clearForRestart()
            restartsFromScratch = false
        }
    }
}
