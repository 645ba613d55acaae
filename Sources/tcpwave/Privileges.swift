#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives up root once the capture device is open, like tcpdump's `-Z`: no packet is parsed
/// with privileges.
enum Privileges {
    enum Failure: Error, CustomStringConvertible {
        case unknownUser(String)
        case call(String, Int32)

        var description: String {
            switch self {
            case .unknownUser(let u): return "cannot drop privileges: no user '\(u)' (choose one with -Z USER)"
            case let .call(what, code): return "cannot drop privileges: \(what) failed: \(String(cString: strerror(code)))"
            }
        }
    }

    /// Switches to `user` when running as root; returns the user switched to, or nil.
    static func drop(to user: String) throws(Failure) -> String? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam(user) else { throw .unknownUser(user) }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        guard initgroups(user, gid) == 0 else { throw .call("initgroups", errno) }
        guard setgid(gid) == 0 else { throw .call("setgid", errno) }
        guard setuid(uid) == 0 else { throw .call("setuid", errno) }
        return user
    }
}
