#if canImport(Glibc)
    import Glibc
#endif

/// An error of the runner: what kind of thing failed, a message for the user, and the error
/// underneath when there is one.
public struct RunnerError: Error, CustomStringConvertible {
    /// What kind of thing failed.
    public enum Kind: Sendable, Equatable {
        /// A step, action or job could not do what the workflow asked.
        case step
        /// A helper program (git, tar, docker) could not start or failed.
        case process
        /// A file or folder could not be opened, read or written.
        case file
    }

    /// What kind of thing failed.
    public let kind: Kind
    /// What went wrong, for the user.
    public let message: String
    /// The error underneath, when there is one.
    public let cause: (any Error)?

    /// Creates an error; most come from a step, so that is the default kind.
    public init(_ message: String, kind: Kind = .step, cause: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// `message: cause`, or the message alone.
    public var description: String { cause.map { "\(message): \($0)" } ?? message }
}

/// A failed system call's `errno`, described as `strerror` words it.
public struct SystemError: Error, CustomStringConvertible {
    /// The `errno` value.
    public let code: Int32

    /// The current thread's `errno`; read it right after the call that failed.
    public static var current: SystemError { SystemError(code: errno) }

    /// `No such file or directory`.
    public var description: String { String(cString: strerror(code)) }
}
