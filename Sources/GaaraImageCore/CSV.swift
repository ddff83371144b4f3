/// The csv-parse behaviour the action relies on twice: once to split a multi-line input into entries
/// (`getInputList`: relaxed quotes, `#` comment lines) and again to split each entry into its `key=value`
/// fields (strict quotes). Both skip empty lines, accept records of any length and discover the record
/// delimiter (`\r\n`, `\n` or `\r`) from the first one met. Quotes are `"`, doubled inside a quoted field.
struct CSV {
    /// Whether a quote in the middle of a field is kept as text (true) or an error.
    var relaxQuotes: Bool
    /// Whether a line starting with `#` is skipped.
    var commentLines: Bool

    /// The settings `Util.getInputList` passes.
    static let inputList = CSV(relaxQuotes: true, commentLines: true)
    /// The settings `tag.ts`, `flavor.ts` and `image.ts` pass for one entry.
    static let entry = CSV(relaxQuotes: false, commentLines: false)

    /// The records of `text`, each a list of fields.
    func records(_ text: String) throws(Failure) -> [[String]] {
        var parser = Parser(bytes: Array(text.utf8), settings: self)
        return try parser.run()
    }

    /// The byte-level state machine of csv-parse's `parse` function, for one buffer read to its end.
    private struct Parser {
        let bytes: [UInt8]
        let settings: CSV
        var recordDelimiter: [UInt8]?
        var quoting = false
        var wasQuoting = false
        var escaping = false
        var commenting = false
        var field: [UInt8] = []
        var record: [String] = []
        var records: [[String]] = []

        /// Prepares to read `bytes`.
        init(bytes: [UInt8], settings: CSV) {
            self.bytes = bytes
            self.settings = settings
        }

        private static let quote = UInt8(ascii: "\"")
        private static let comma = UInt8(ascii: ",")
        private static let hash = UInt8(ascii: "#")

        /// Reads every record.
        mutating func run() throws(Failure) -> [[String]] {
            var pos = 0
            while pos < bytes.count {
                if !quoting, recordDelimiter == nil { recordDelimiter = discoverDelimiter(at: pos) }
                let byte = bytes[pos]
                if escaping {
                    escaping = false
                } else {
                    // A doubled quote inside a quoted field stands for one quote.
                    if quoting, byte == Self.quote, pos + 1 < bytes.count, bytes[pos + 1] == Self.quote {
                        escaping = true
                        pos += 1
                        continue
                    }
                    if !commenting, byte == Self.quote {
                        if quoting {
                            let next = pos + 1 < bytes.count ? bytes[pos + 1] : nil
                            let nextIsComment = settings.commentLines && next == Self.hash
                            let nextIsRecordDelimiter: Bool
                            if recordDelimiter == nil {
                                recordDelimiter = discoverDelimiter(at: pos + 1)
                                nextIsRecordDelimiter = recordDelimiter != nil
                            } else {
                                nextIsRecordDelimiter = delimiterLength(at: pos + 1) > 0
                            }
                            // csv-parse tests `!nextChr`, which a NUL byte passes too.
                            if next == nil || next == 0 || next == Self.comma || nextIsRecordDelimiter || nextIsComment {
                                quoting = false
                                wasQuoting = true
                                pos += 1
                                continue
                            }
                            guard settings.relaxQuotes else {
                                throw .message("Invalid Closing Quote: a quoted field is followed by \(Self.show(next))")
                            }
                            quoting = false
                            wasQuoting = true
                            field.insert(Self.quote, at: 0)
                        } else if !field.isEmpty {
                            guard settings.relaxQuotes else {
                                throw .message(
                                    "Invalid Opening Quote: a quote is found inside a field, value is \"\(String(decoding: field, as: UTF8.self))\"")
                            }
                        } else {
                            quoting = true
                            pos += 1
                            continue
                        }
                    }
                    if !quoting {
                        let length = delimiterLength(at: pos)
                        if length > 0 {
                            let emptyLine = !wasQuoting && record.isEmpty && field.isEmpty
                            if commenting && emptyLine {
                                // A whole comment line: skipped.
                            } else if emptyLine {
                                pos += length
                                continue
                            } else {
                                endField()
                                endRecord()
                            }
                            commenting = false
                            pos += length
                            continue
                        }
                        if commenting {
                            pos += 1
                            continue
                        }
                        // `comment_no_infix`: only a `#` opening a record starts a comment.
                        if settings.commentLines, record.isEmpty, field.isEmpty, byte == Self.hash {
                            commenting = true
                            pos += 1
                            continue
                        }
                        if byte == Self.comma {
                            endField()
                            pos += 1
                            continue
                        }
                    }
                }
                field.append(byte)
                pos += 1
            }
            if quoting { throw .message("Quote Not Closed: the parsing is finished with an opening quote") }
            if wasQuoting || !record.isEmpty || !field.isEmpty {
                endField()
                endRecord()
            }
            return records
        }

        private mutating func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field = []
            wasQuoting = false
        }

        private mutating func endRecord() {
            records.append(record)
            record = []
        }

        /// The first line ending found at `pos` (`\r\n` before `\n` before `\r`), which becomes the delimiter.
        private func discoverDelimiter(at pos: Int) -> [UInt8]? {
            for candidate: [UInt8] in [[13, 10], [10], [13]] where pos + candidate.count <= bytes.count {
                if Array(bytes[pos..<(pos + candidate.count)]) == candidate { return candidate }
            }
            return nil
        }

        /// The length of the record delimiter at `pos`, 0 when there is none (or none discovered yet).
        private func delimiterLength(at pos: Int) -> Int {
            guard let delimiter = recordDelimiter, pos + delimiter.count <= bytes.count else { return 0 }
            return Array(bytes[pos..<(pos + delimiter.count)]) == delimiter ? delimiter.count : 0
        }

        private static func show(_ byte: UInt8?) -> String {
            guard let byte else { return "the end" }
            return "\"\(String(decoding: [byte], as: UTF8.self))\""
        }
    }
}
