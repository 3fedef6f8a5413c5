import SensorCore

extension HDFSMetricsInput {
    /// Every reading file below `root`, in path order: names ending in `.csv` or `.json`, found by walking the
    /// directories with LISTSTATUS.
    ///
    /// Hidden names (`.` or `_` first, Hadoop's convention) are skipped, files and directories alike: they are
    /// files still being written (the sinks' `.readings-….csv.tmp`), `_SUCCESS` markers, `_temporary`
    /// directories of Hadoop jobs. Symlinks are not followed (WebHDFS lists them; following could loop).
    func listReadingFiles() throws(SensorError) -> [ListedFile] {
        guard let client else { throw SensorError(.failure, service: "hdfs", "the HDFS input is closed") }
        var files: [ListedFile] = []
        var directories = [root]
        while let directory = directories.popLast() {
            for entry in try client.listStatus(directory) where !HDFSLayout.isHidden(entry.pathSuffix) {
                // LISTSTATUS of a directory that became a file answers the file itself, with no name.
                guard !entry.pathSuffix.isEmpty else { continue }
                let path = (directory == "/" ? "" : directory) + "/" + entry.pathSuffix
                switch entry.type {
                case .directory:
                    directories.append(path)
                case .file:
                    guard let format = ReadingFileParser.Format(path: entry.pathSuffix) else { continue }
                    files.append(
                        ListedFile(
                            path: path, format: format, length: entry.length,
                            modificationTime: entry.modificationTime))
                case .symlink:
                    continue
                }
            }
        }
        // Byte order, not String's Unicode ordering: the same order whatever the names hold.
        return files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
}
