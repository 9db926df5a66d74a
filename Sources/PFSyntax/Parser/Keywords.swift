extension PFParser {
  /// pfctl's reserved words: an unquoted one is never read as a name or a hash key.
  static let keywords: Set<String> = [
    "all", "allow-opts", "altq", "anchor", "antispoof", "any", "bandwidth", "binat", "binat-anchor",
    "bitmask", "block", "block-policy", "bridge-to", "buckets", "cbq", "code", "codelq", "crop", "debug",
    "divert-reply", "divert-to", "dnpipe", "dnqueue", "drop", "drop-ovl", "dup-to", "ether", "fail-policy",
    "fairq", "fastroute", "file", "fingerprints", "flags", "floating", "flush", "for", "fragment", "from",
    "global", "group", "hfsc", "hogs", "hostid", "icmp-type", "icmp6-type", "if-bound", "in", "include",
    "inet", "inet6", "interval", "keep", "keepcounters", "l3", "label", "limit", "linkshare", "load", "log",
    "loginterface", "map-e-portset", "match", "max", "max-mss", "max-src-conn", "max-src-conn-rate",
    "max-src-nodes", "max-src-states", "min-ttl", "modulate", "nat", "nat-anchor", "nat-to", "no", "no-df",
    "no-route", "no-sync", "on", "once", "optimization", "os", "out", "overload", "pass", "port", "prio",
    "priority", "priq", "probability", "proto", "qlimit", "queue", "quick", "random", "random-id", "rdr",
    "rdr-anchor", "rdr-to", "realtime", "reassemble", "received-on", "reply-to", "require-order", "return",
    "return-icmp", "return-icmp6", "return-rst", "ridentifier", "round-robin", "route", "route-to",
    "rtable", "rule", "ruleset-optimization", "scrub", "set", "set-tos", "skip", "sloppy", "source-hash",
    "source-track", "state", "state-defaults", "state-policy", "static-port", "sticky-address",
    "syncookies", "synproxy", "table", "tag", "tagged", "target", "tbrsize", "timeout", "to", "tos", "ttl",
    "upperlimit", "urpf-failed", "user", "af-to", "binat-to", "endpoint-independent", "prefer-ipv6-nexthop",
    "max-pkt-rate", "max-pkt-size",
  ]
}
