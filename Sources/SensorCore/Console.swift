#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the standard streams with `write(2)`: unbuffered, safe from any thread, and free of the
/// shared mutable `FILE*` globals that strict concurrency rejects. stdout is for scripts, stderr for people.
public enum Console {
    public static func out(_ text: String) { write(text, to: 1) }

    public static func error(_ text: String) { write(text, to: 2) }

    /// True when the stream is a terminal (progress bars only make sense there).
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    private static func write(_ text: String, to descriptor: Int32) {
        var remaining = Array(text.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { bytes in
                #if canImport(Glibc)
                Glibc.write(descriptor, bytes.baseAddress, bytes.count)
                #else
                Darwin.write(descriptor, bytes.baseAddress, bytes.count)
                #endif
            }
            if written <= 0 { return }
            remaining = remaining.dropFirst(written)
        }
    }
}
