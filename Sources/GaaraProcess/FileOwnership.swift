import CGaaraSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Changes who owns a tree of files, safely in a tree another user can change meanwhile.
public enum FileOwnership {
    /// Gives `path` and everything under it to `uid`:`gid`. Symbolic links are changed, never
    /// followed (also when a step swaps a folder for a link during the walk); entries that vanish
    /// during the walk are skipped. Returns the error number of the first failure, or nil.
    public static func give(_ path: String, uid: uid_t, gid: gid_t) -> Int32? {
        gaara_chown_tree(path, uid, gid) == 0 ? nil : errno
    }
}
