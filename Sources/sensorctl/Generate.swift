import Foundation
import SensorAdapters
import SensorCLI
import SensorCore

/// `sensorctl generate`: n readings, the same ones to every listed sink. A sink that fails is dropped and
/// reported; the others finish.
struct GenerateCommand {
    let command: ParsedCommand
    let config: SensorConfig

    /// One sink's progress and fate.
    final class SinkRun {
        let kind: SinkKind
        var sink: (any Sink)?
        var seconds = 0.0
        var error: SensorError?

        init(kind: SinkKind) { self.kind = kind }

        /// True while the sink is open and has not failed.
        var isActive: Bool { sink != nil && error == nil }

        /// Readings the service durably holds, even after a failure.
        var stored: Int { sink?.durableCount ?? 0 }

        /// Runs `body` against the sink, timing it, and retires the sink on the first error.
        func attempt(_ body: (any Sink) throws(SensorError) -> Void) {
            guard let sink, error == nil else { return }
            let start = MonotonicClock.seconds()
            do throws(SensorError) {
                try body(sink)
            } catch {
                self.error = error
            }
            seconds += MonotonicClock.seconds() - start
        }
    }

    func run() throws(SensorError) -> Int32 {
        let kinds = command.list("sink").compactMap(SinkKind.init(rawValue:))
        let count = command.int("count")!
        let quiet = command.has("quiet")
        let options = SinkOptions(fileRows: command.int("file-rows")!, runID: Self.runID())
        let explicitApp = command.string("app")
        let profile = GeneratorProfile(
            kind: DataKind(rawValue: command.string("type-data")!)!, sensorCount: command.int("sensors")!,
            sensorTypes: config.sensorTypes, atypicalChance: command.double("atypical-chance")!,
            nullShare: command.double("null-share")!,
            app: explicitApp ?? (kinds.count == 1 ? Self.defaultApp(kinds[0]) : "generate"),
            seed: command.uint64("seed"))

        let started = MonotonicClock.seconds()
        let runs = kinds.map(SinkRun.init(kind:))
        for run in runs {
            let start = MonotonicClock.seconds()
            do throws(SensorError) {
                run.sink = try Adapters.sink(run.kind, config: config, options: options)
            } catch {
                run.error = error
            }
            run.seconds += MonotonicClock.seconds() - start
        }
        // Without --app, each sink's readings name their own app (generate-postgres, …); everything else
        // about the readings is identical across sinks.
        let perSinkApp = explicitApp == nil && kinds.count > 1

        var progress = ProgressBar(total: count, quiet: quiet)
        var interrupt: InterruptSignal?
        var generated = 0
        if runs.contains(where: \.isActive) {
            let feeder = BatchFeeder(
                generator: ReadingGenerator(profile: profile), count: count, batchSize: command.int("batch-size")!,
                rate: command.double("rate"))
            interrupt = InterruptSignal { feeder.stop() }
            while let batch = feeder.next() {
                for run in runs {
                    let readings = perSinkApp ? Self.relabel(batch, app: Self.defaultApp(run.kind)) : batch
                    run.attempt { sink throws(SensorError) in try sink.write(readings) }
                }
                generated += batch.count
                progress.update(done: generated)
                if !runs.contains(where: \.isActive) {
                    feeder.stop()
                    break
                }
            }
            for run in runs { run.attempt { sink throws(SensorError) in try sink.finish() } }
        }
        progress.clear()
        let signal = interrupt?.received
        if signal != nil && !quiet { Console.error("interrupted: stopped after \(generated) of \(count) readings\n") }
        report(runs, generated: generated, elapsed: MonotonicClock.seconds() - started, quiet: quiet)
        if let error = runs.compactMap(\.error).first { return error.exitCode }
        return signal.map { 128 + $0 } ?? ExitCode.success
    }

    private func report(_ runs: [SinkRun], generated: Int, elapsed: Double, quiet: Bool) {
        if command.has("json") {
            var object: [String: Any] = [
                "generated": generated,
                "sinks": Dictionary(uniqueKeysWithValues: runs.map { ($0.kind.rawValue, $0.stored) }),
                "elapsed_s": JSONOutput.seconds(elapsed),
            ]
            let failures = runs.filter { $0.error != nil }
            if !failures.isEmpty {
                object["errors"] = Dictionary(uniqueKeysWithValues: failures.map { ($0.kind.rawValue, $0.error!.description) })
            }
            JSONOutput.print(object)
        }
        guard !quiet else { return }
        for run in runs {
            if let error = run.error {
                let reason = error.service == run.kind.rawValue ? error.detail : error.description
                Console.error("\(run.kind.rawValue): FAILED (\(run.stored) readings stored): \(reason)\n")
            } else {
                let rate = Double(run.stored) / max(run.seconds, 0.001)
                Console.error("\(run.kind.rawValue): \(run.stored) readings in \(Format.seconds(run.seconds)) (\(Format.rate(rate)))\n")
            }
        }
        let failed = runs.filter { $0.error != nil }.count
        let outcome = failed == 0 ? "" : ", \(failed) failed"
        Console.error("generated \(generated) readings for \(runs.count) sinks in \(Format.seconds(elapsed))\(outcome)\n")
    }

    static func defaultApp(_ kind: SinkKind) -> String { "generate-\(kind.rawValue)" }

    private static func relabel(_ batch: [Reading], app: String) -> [Reading] {
        batch.map { reading in
            var copy = reading
            copy.app = app
            return copy
        }
    }

    /// A short unique id for file names: UTC time plus random hex, so concurrent generators never collide.
    static func runID() -> String {
        var generator = Xoshiro256()
        let stamp = Timestamp.now().description.filter { $0.isNumber }.prefix(14)
        return "\(stamp)-\(String(generator.next() & 0xFFFF_FFFF, radix: 16))"
    }
}
