/// The dashboard's stylesheet and script: real files under `Dashboard/` (so editors, linters and
/// diffs see CSS and JavaScript), embedded in the binary by SwiftPM (`.embedInCode`), so `gaara`
/// stays one file with nothing to install beside it.
enum DashboardAssets {
    /// `Dashboard/app.css`.
    static let css = String(decoding: PackageResources.app_css, as: UTF8.self)
    /// `Dashboard/app.js`.
    static let javascript = String(decoding: PackageResources.app_js, as: UTF8.self)
}
