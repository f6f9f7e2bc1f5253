/// Schema migrations of a store that several processes open (`skygate serve` beside the CLI's `sensor alarm`,
/// `token create`, `camera import`).
///
/// GRDB's migrator reads which migrations are applied and then applies the rest, each in its own transaction, so two
/// processes opening a new store together both run the first migration and the second fails ("table already exists",
/// "duplicate column name"). Holding `<database>-migration.lock` around the migrator makes the second wait and then
/// find nothing left to do. The store's connection is opened under the lock too: opening a new file turns it to WAL,
/// and two processes doing that at once get SQLITE_BUSY, which SQLite's busy timeout does not cover.
public enum MigrationLock {
    /// Runs `migrate` holding the migration lock of the database at `databasePath`.
    public static func holding<T>(forDatabaseAt databasePath: String, _ migrate: () throws -> T) throws -> T {
        try withExtendedLifetime(try FileLock(path: databasePath + "-migration.lock")) { try migrate() }
    }
}
