/// Reads Cobertura XML into ``CoverageData``: only the lines listed under each class (not the
/// copies under methods), keyed by the class's file; header rates are ignored.
struct CoberturaHandler: XMLHandler {
    var coverage = CoverageData()
    private var file: String?
    private var current = FileCoverage()
    private var methodsDepth = 0

    var wantsText: Bool { false }

    mutating func start(_ name: UnsafeRawBufferPointer, attributes: XMLAttributes, selfClosing: Bool) throws {
        switch name.count {
        case 4 where XMLScanner.equals(name, "line"):
            guard methodsDepth == 0, file != nil, let number = attributes.integer("number") else { return }
            let hits = attributes.integer("hits") ?? 0
            current.addLine(number, hits: hits)
            if let branch = attributes["branch"], XMLScanner.equalsIgnoringCase(branch, "true"), let condition = attributes["condition-coverage"] {
                if let (covered, total) = Self.parseCondition(condition) { current.addBranches(number, covered: covered, total: total) }
            }
        case 5 where XMLScanner.equals(name, "class"):
            flush()
            file = CoverageData.normalize(attributes.string("filename") ?? "")
        case 7 where XMLScanner.equals(name, "methods"):
            if !selfClosing { methodsDepth += 1 }
        default: break
        }
    }

    mutating func end(_ name: UnsafeRawBufferPointer) throws {
        if XMLScanner.equals(name, "methods") {
            methodsDepth = max(0, methodsDepth - 1)
        } else if XMLScanner.equals(name, "class") {
            flush()
        }
    }

    mutating func text(_ bytes: UnsafeRawBufferPointer) {}

    /// Adds the class just read to its file.
    mutating func flush() {
        if let file, current.linesValid > 0 || !current.branches.isEmpty {
            coverage.files[file, default: FileCoverage()].merge(current)
        } else if let file, coverage.files[file] == nil {
            coverage.files[file] = FileCoverage()
        }
        file = nil
        current = FileCoverage()
    }

    /// `"50% (1/2)"` → (1, 2).
    static func parseCondition(_ raw: UnsafeRawBufferPointer) -> (Int, Int)? {
        guard let open = raw.firstIndex(of: UInt8(ascii: "(")), let slash = raw[open...].firstIndex(of: UInt8(ascii: "/")),
            let close = raw[slash...].firstIndex(of: UInt8(ascii: ")"))
        else { return nil }
        guard let covered = XMLScanner.parseInteger(UnsafeRawBufferPointer(rebasing: raw[(open + 1)..<slash])),
            let total = XMLScanner.parseInteger(UnsafeRawBufferPointer(rebasing: raw[(slash + 1)..<close]))
        else { return nil }
        return (covered, total)
    }
}

extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}
