import Foundation

/// The JSON configuration file: `{"version": 1, "postgres": {"url": …}, "kafka": {…}, …}`.
/// Unknown keys are an error naming the key, so a typo never silently falls back to a default.
/// Keys named `$comment` are ignored at any level, so the example file can document itself.
enum ConfigFile {
    static func apply(path: String, to config: inout SensorConfig) throws(SensorError) {
        let root: [String: Any]
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SensorError(.config, "\(path): the top level must be a JSON object")
            }
            root = object
        } catch let error as SensorError {
            throw error
        } catch {
            throw SensorError(.config, "\(path): not valid JSON (\(error.localizedDescription))")
        }
        guard let version = root["version"] as? Int else {
            throw SensorError(.config, "\(path): missing \"version\" (this sensorctl reads version 1)")
        }
        guard version == ConfigLoader.currentVersion else {
            throw SensorError(.config, "\(path): unsupported version \(version) (this sensorctl reads version 1)")
        }
        let origin = SensorConfig.Origin.file(path)
        for (section, body) in root where section != "version" && section != "$comment" {
            let knownSection = ConfigKey.allCases.contains { $0.rawValue.hasPrefix(section + ".") }
            guard knownSection, let fields = body as? [String: Any] else {
                throw SensorError(.config, "\(path): unknown key '\(section)'")
            }
            for (field, value) in fields where field != "$comment" {
                let name = "\(section).\(field)"
                if name == "kafka.properties" {
                    config.kafkaProperties.merge(try properties(value, path: path)) { _, new in new }
                    continue
                }
                guard let key = ConfigKey(rawValue: name) else {
                    throw SensorError(.config, "\(path): unknown key '\(name)'")
                }
                try config.setValidated(key, try text(of: value, key: key, path: path), from: origin)
            }
        }
    }

    private static func text(of value: Any, key: ConfigKey, path: String) throws(SensorError) -> String {
        switch (key.kind, value) {
        case (.text, let string as String): return string
        case (.positiveInteger, let number as Int): return String(number)
        case (.list, let items as [String]): return items.joined(separator: ",")
        default:
            let expected =
                switch key.kind {
                case .text: "a string"
                case .positiveInteger: "an integer"
                case .list: "an array of strings"
                }
            throw SensorError(.config, "\(path): '\(key.rawValue)' must be \(expected)")
        }
    }

    private static func properties(_ value: Any, path: String) throws(SensorError) -> [String: String] {
        guard let object = value as? [String: Any] else {
            throw SensorError(.config, "\(path): 'kafka.properties' must be an object of strings")
        }
        var result: [String: String] = [:]
        for (name, raw) in object where name != "$comment" {
            guard let text = raw as? String else {
                throw SensorError(.config, "\(path): 'kafka.properties.\(name)' must be a string")
            }
            result[name] = text
        }
        return result
    }
}
