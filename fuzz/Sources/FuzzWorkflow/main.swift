import GaaraWorkflow

/// libFuzzer entry: loads the input as a workflow and as an action, and renders the diagnostics.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkflow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let result = WorkflowLoader.load(text: text, path: "fuzz.yml")
    _ = DiagnosticRenderer.render(result.diagnostics, in: result.file)
    _ = ActionLoader.load(text: text, path: "action.yml")
    return 0
}
