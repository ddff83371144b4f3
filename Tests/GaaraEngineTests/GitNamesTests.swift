import GaaraEngine
import Testing

/// The names a webhook payload or the push hook can put on git's command line (issue #21, item 2).
struct GitNamesTests {
    @Test(arguments: [
        ("0123456789abcdef0123456789abcdef01234567", true), (String(repeating: "A", count: 64), true), (String(repeating: "0", count: 40), true),
        ("--output=/tmp/x", false), ("0123456789abcdef", false), (String(repeating: "g", count: 40), false), ("HEAD~1", false), ("", false),
    ])
    func objectNames(_ text: String, _ valid: Bool) {
        #expect(GitNames.isObjectName(text) == valid, "\(text)")
    }

    @Test(arguments: [
        ("refs/heads/main", true), ("refs/tags/v1.0", true), ("feature/x-y_z", true), ("refs/heads/--x", true), ("-f", false),
        ("--output=/tmp/x", false), ("refs/heads/a b", false), ("refs/heads/x..y", false), ("refs/heads/x.lock", false), ("refs/heads/.x", false),
        ("refs/heads/x/", false), ("refs/heads/x.", false), ("refs//heads", false), ("a@{1}", false), ("a~1", false), ("a^", false), ("a:b", false),
        ("a?", false), ("a*", false), ("a[", false), ("a\\b", false), ("@", false), ("/refs", false), ("a\u{7F}", false), ("a\tb", false),
    ])
    func refNames(_ text: String, _ valid: Bool) {
        #expect(GitNames.isRefName(text) == valid, "\(text)")
    }

    @Test(arguments: [
        ("https://github.com/octo/app.git", true), ("ssh://git@host/x.git", true), ("git@github.com:octo/app.git", true), ("/srv/git/app.git", true),
        ("file:///srv/app", true), ("--upload-pack=touch /tmp/x;:", false), ("-oProxyCommand=x", false), ("git@-oProxy:x", false),
        ("https://", false), ("https://-x/y", false), ("relative/path", false), ("https://host/a b", false), ("", false), ("ext::sh -c x", false),
    ])
    func cloneURLs(_ text: String, _ valid: Bool) {
        #expect(GitNames.isCloneURL(text) == valid, "\(text)")
    }
}
