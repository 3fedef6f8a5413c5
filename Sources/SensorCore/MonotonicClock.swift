#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds from a monotonic clock, for durations, rates and commit intervals (never for timestamps).
public enum MonotonicClock {
    public static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

extension MonotonicClock {
    /// Blocks the calling thread (backoff between retries in synchronous code).
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var remaining = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        // Resume after a signal interrupts the sleep, for what is left of it.
        while true {
            let request = remaining
            guard nanosleep([request], &remaining) != 0 && errno == EINTR else { return }
        }
    }
}
