/// A decoded `action.yml`.
public struct ActionMetadata: Sendable {
    /// How the action runs.
    public enum Runs: Sendable {
        /// `using: composite` with its steps.
        case composite([Step])
        /// `using: node12|16|20|24` with its scripts.
        case node(version: String, main: String, pre: String?, post: String?, preIf: String?, postIf: String?)
        /// `using: docker` with an image (`Dockerfile` or `docker://...`).
        case docker(image: String, entrypoint: String?, arguments: [WorkflowString], env: ValueMap, preEntrypoint: String?, postEntrypoint: String?)
    }

    /// An input of an action.
    public struct Input: Sendable {
        /// The input's name.
        public var name: String
        /// `description:`.
        public var description: String?
        /// `required:`.
        public var required: Bool
        /// `default:` (may use `github`, `inputs`... expressions).
        public var defaultValue: WorkflowString?
        /// `deprecationMessage:`.
        public var deprecationMessage: String?
    }

    /// An output of an action.
    public struct Output: Sendable {
        /// The output's name.
        public var name: String
        /// `description:`.
        public var description: String?
        /// `value:` (composite actions).
        public var value: WorkflowString?
    }

    /// The file's path.
    public var path: String
    /// `name:`.
    public var name: String
    /// `description:`.
    public var description: String?
    /// `author:`.
    public var author: String?
    /// `inputs:`.
    public var inputs: [Input]
    /// `outputs:`.
    public var outputs: [Output]
    /// `runs:`.
    public var runs: Runs
}
