import Testing

@testable import GaaraAlertCore

/// Label sets in their text form, which doubles as the alert fingerprint.
struct AlertLabelsTests {
    @Test func theTextFormIsSortedAndQuotedSoEqualSetsGiveEqualText() {
        let labels: AlertLabels = ["service": "api", "alertname": "HighErrorRate", "note": "a \"b\"\nc\\"]
        #expect(LabelText.render(labels) == #"{alertname="HighErrorRate", note="a \"b\"\nc\\", service="api"}"#)
        #expect(LabelText.render(["b": "1", "a": "2"]) == LabelText.render(["a": "2", "b": "1"]))
        #expect(LabelText.render([:]) == "{}")
    }

    @Test(arguments: [("severity", true), ("_x9", true), ("Service_2", true), ("", false), ("9lives", false), ("a-b", false), ("é", false)])
    func labelNames(_ name: String, _ valid: Bool) {
        #expect(LabelText.isValidName(name) == valid)
    }
}
