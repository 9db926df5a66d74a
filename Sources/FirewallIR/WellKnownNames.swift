// Well-known port and protocol names, answered the way FreeBSD's libc answers them.
//
// The tables below embed the data of FreeBSD's /etc/services and /etc/protocols
// (BSD-licensed data files of the FreeBSD project, https://github.com/freebsd/freebsd-src):
//
//   - /etc/services is installed from usr.sbin/services_mkdb/services; the copy read was the
//     version at commit 1b1334b175e9e986d21ce410ad6d8f1ad7299082.
//   - /etc/protocols is installed from lib/libc/net/protocols; the copy read was the version at
//     commit 9110719c82d319fe1095f391bd360a57d317137c (its data lines are identical to those at
//     d0b2dbfa0ecf2bbc9709efc5e20baf8e4b44bbbf).
//
// Comments and blank lines were stripped, every entry is kept in file order (including the few
// non-tcp/udp/sctp ones, e.g. "natd 8668/divert" and the "269/ucp" typo), and each entry is
// written as "name port/proto alias..." (services) or "name number alias..." (protocols).
// The order matters: like libc's sequential scan (and services_mkdb's R_NOOVERWRITE database),
// the FIRST entry that matches wins.

/// Port and protocol names as FreeBSD's /etc/services and /etc/protocols give them.
public enum ServiceNames {
  /// The name getservbyport(port, proto) returns: the FIRST line in /etc/services with that port and
  /// protocol ("tcp", "udp", "sctp" ...); nil if none. `proto` is compared exactly (case-sensitive).
  public static func name(port: UInt16, proto: String) -> String? {
    tables.nameByPort[PortKey(port: port, proto: proto)]
  }

  /// The port getservbyname(name, proto) returns, matching the official name or any alias; nil if
  /// none. Both `name` and `proto` are compared exactly (case-sensitive), as libc does.
  public static func port(named name: String, proto: String) -> UInt16? {
    tables.portByName[NameKey(name: name, proto: proto)]
  }

  private struct PortKey: Hashable, Sendable {
    let port: UInt16
    let proto: String
  }

  private struct NameKey: Hashable, Sendable {
    let name: String
    let proto: String
  }

  private struct Tables: Sendable {
    var nameByPort: [PortKey: String] = [:]
    var portByName: [NameKey: UInt16] = [:]
  }

  /// Parsed once, on first use (static lets are lazily and thread-safely initialised).
  private static let tables: Tables = {
    var tables = Tables()
    for line in FreeBSDNetData.services.split(separator: "\n") {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard fields.count >= 2, let slash = fields[1].firstIndex(of: "/"),
        let port = UInt16(fields[1][..<slash])
      else { continue }
      let proto = String(fields[1][fields[1].index(after: slash)...])
      let name = String(fields[0])
      let portKey = PortKey(port: port, proto: proto)
      if tables.nameByPort[portKey] == nil { tables.nameByPort[portKey] = name }
      for index in fields.indices where index != 1 {
        let nameKey = NameKey(name: String(fields[index]), proto: proto)
        if tables.portByName[nameKey] == nil { tables.portByName[nameKey] = port }
      }
    }
    return tables
  }()
}

/// IP protocol names as FreeBSD's /etc/protocols gives them.
public enum ProtocolNames {
  /// The official name getprotobynumber returns (first line with that number), e.g. 6 -> "tcp",
  /// 1 -> "icmp", 58 -> "ipv6-icmp"; nil if the file has no line for that number.
  public static func name(number: UInt8) -> String? {
    tables.nameByNumber[number]
  }

  /// The word a rule writes for a protocol: its common name for ICMP, TCP, UDP, ICMPv6 and
  /// SCTP, which every language reads, and its number otherwise.
  public static func ruleWord(_ number: UInt8) -> String {
    [1, 6, 17, 58, 132].contains(number) ? (name(number: number) ?? String(number)) : String(number)
  }

  /// The number getprotobyname returns for an official name or alias (e.g. "tcp", "TCP", "icmp6");
  /// exact and case-sensitive, as libc. Names whose number does not fit a UInt8 (FreeBSD's
  /// non-IANA "divert" pseudo-protocol, 258) answer nil.
  public static func number(named name: String) -> UInt8? {
    tables.numberByName[name]
  }

  private struct Tables: Sendable {
    var nameByNumber: [UInt8: String] = [:]
    var numberByName: [String: UInt8] = [:]
  }

  /// Parsed once, on first use.
  private static let tables: Tables = {
    var tables = Tables()
    var seenNames: Set<Substring> = []
    for line in FreeBSDNetData.protocols.split(separator: "\n") {
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard fields.count >= 2, let wide = Int(fields[1]) else { continue }
      let number = UInt8(exactly: wide)
      if let number, tables.nameByNumber[number] == nil {
        tables.nameByNumber[number] = String(fields[0])
      }
      for index in fields.indices where index != 1 {
        // The first line naming it wins, even when its number does not fit (then: nil).
        guard seenNames.insert(fields[index]).inserted else { continue }
        if let number { tables.numberByName[String(fields[index])] = number }
      }
    }
    return tables
  }()
}

/// The embedded data: FreeBSD's /etc/services and /etc/protocols, comments stripped.
private enum FreeBSDNetData {
  /// "name port/proto alias..." per line, in /etc/services order.
  static let services: String = """
    tcpmux 1/tcp
    tcpmux 1/udp
    compressnet 2/tcp
    compressnet 2/udp
    compressnet 3/tcp
    compressnet 3/udp
    rje 5/tcp
    rje 5/udp
    echo 7/tcp
    echo 7/udp
    echo 7/sctp
    discard 9/tcp sink null
    discard 9/udp sink null
    discard 9/sctp sink null
    systat 11/tcp users
    systat 11/udp users
    daytime 13/tcp
    daytime 13/udp
    daytime 13/sctp
    qotd 17/tcp quote
    qotd 17/udp quote
    msp 18/tcp
    msp 18/udp
    chargen 19/tcp ttytst source
    chargen 19/udp ttytst source
    chargen 19/sctp ttytst source
    ftp-data 20/tcp
    ftp-data 20/udp
    ftp-data 20/sctp
    ftp 21/tcp
    ftp 21/udp
    ftp 21/sctp
    ssh 22/tcp
    ssh 22/udp
    ssh 22/sctp
    telnet 23/tcp
    telnet 23/udp
    smtp 25/tcp mail
    smtp 25/udp mail
    nsw-fe 27/tcp
    nsw-fe 27/udp
    msg-icp 29/tcp
    msg-icp 29/udp
    msg-auth 31/tcp
    msg-auth 31/udp
    dsp 33/tcp
    dsp 33/udp
    time 37/tcp timserver
    time 37/udp timserver
    rap 38/tcp
    rap 38/udp
    rlp 39/tcp resource
    rlp 39/udp resource
    graphics 41/tcp
    graphics 41/udp
    nameserver 42/tcp name
    nameserver 42/udp name
    nicname 43/tcp whois
    nicname 43/udp whois
    mpm-flags 44/tcp
    mpm-flags 44/udp
    mpm 45/tcp
    mpm 45/udp
    mpm-snd 46/tcp
    mpm-snd 46/udp
    ni-ftp 47/tcp
    ni-ftp 47/udp
    auditd 48/tcp
    auditd 48/udp
    tacacs 49/tcp
    tacacs 49/udp
    re-mail-ck 50/tcp
    re-mail-ck 50/udp
    la-maint 51/tcp
    la-maint 51/udp
    xns-time 52/tcp
    xns-time 52/udp
    domain 53/tcp
    domain 53/udp
    xns-ch 54/tcp
    xns-ch 54/udp
    isi-gl 55/tcp
    isi-gl 55/udp
    xns-auth 56/tcp
    xns-auth 56/udp
    xns-mail 58/tcp
    xns-mail 58/udp
    acas 62/tcp
    acas 62/udp
    whoispp 63/tcp whois++
    whoispp 63/udp whois++
    covia 64/tcp
    covia 64/udp
    tacacs-ds 65/tcp
    tacacs-ds 65/udp
    sql-net 66/tcp sql*net
    sql-net 66/udp sql*net
    bootps 67/tcp dhcps
    bootps 67/udp dhcps
    bootpc 68/tcp dhcpc
    bootpc 68/udp dhcpc
    tftp 69/tcp
    tftp 69/udp
    gopher 70/tcp
    gopher 70/udp
    netrjs-1 71/tcp
    netrjs-1 71/udp
    netrjs-2 72/tcp
    netrjs-2 72/udp
    netrjs-3 73/tcp
    netrjs-3 73/udp
    netrjs-4 74/tcp
    netrjs-4 74/udp
    deos 76/tcp
    deos 76/udp
    vettcp 78/tcp
    vettcp 78/udp
    finger 79/tcp
    finger 79/udp
    http 80/tcp www www-http
    http 80/udp www www-http
    http 80/sctp www www-http
    xfer 82/tcp
    xfer 82/udp
    mit-ml-dev 83/tcp
    mit-ml-dev 83/udp
    ctf 84/tcp
    ctf 84/udp
    mit-ml-dev 85/tcp
    mit-ml-dev 85/udp
    mfcobol 86/tcp
    mfcobol 86/udp
    kerberos-sec 88/tcp kerberos
    kerberos-sec 88/udp kerberos
    su-mit-tg 89/tcp
    su-mit-tg 89/udp
    dnsix 90/tcp
    dnsix 90/udp
    mit-dov 91/tcp
    mit-dov 91/udp
    npp 92/tcp
    npp 92/udp
    dcp 93/tcp
    dcp 93/udp
    objcall 94/tcp
    objcall 94/udp
    supdup 95/tcp
    supdup 95/udp
    dixie 96/tcp
    dixie 96/udp
    swift-rvf 97/tcp
    swift-rvf 97/udp
    tacnews 98/tcp
    tacnews 98/udp
    metagram 99/tcp
    metagram 99/udp
    newacct 100/tcp
    hostname 101/tcp hostnames
    hostname 101/udp hostnames
    iso-tsap 102/tcp tsap
    iso-tsap 102/udp tsap
    gppitnp 103/tcp
    gppitnp 103/udp
    acr-nema 104/tcp
    acr-nema 104/udp
    csnet-ns 105/tcp cso-ns cso
    csnet-ns 105/udp cso-ns cso
    pop3pw 106/tcp 3com-tsmux
    3com-tsmux 106/udp
    rtelnet 107/tcp
    rtelnet 107/udp
    snagas 108/tcp
    snagas 108/udp
    pop2 109/tcp postoffice
    pop2 109/udp postoffice
    pop3 110/tcp
    pop3 110/udp
    sunrpc 111/tcp rpcbind
    sunrpc 111/udp rpcbind
    mcidas 112/tcp
    mcidas 112/udp
    auth 113/tcp ident tap
    auth 113/udp ident tap
    sftp 115/tcp
    sftp 115/udp
    ansanotify 116/tcp
    ansanotify 116/udp
    uucp-path 117/tcp
    uucp-path 117/udp
    sqlserv 118/tcp
    sqlserv 118/udp
    nntp 119/tcp usenet
    nntp 119/udp usenet
    cfdptkt 120/tcp
    cfdptkt 120/udp
    erpc 121/tcp
    erpc 121/udp
    smakynet 122/tcp
    smakynet 122/udp
    ntp 123/tcp
    ntp 123/udp
    ansatrader 124/tcp
    ansatrader 124/udp
    locus-map 125/tcp
    locus-map 125/udp
    nxedit 126/tcp
    nxedit 126/udp
    locus-con 127/tcp
    locus-con 127/udp
    gss-xlicen 128/tcp
    gss-xlicen 128/udp
    pwdgen 129/tcp
    pwdgen 129/udp
    cisco-fna 130/tcp
    cisco-fna 130/udp
    cisco-tna 131/tcp
    cisco-tna 131/udp
    cisco-sys 132/tcp
    cisco-sys 132/udp
    statsrv 133/tcp
    statsrv 133/udp
    ingres-net 134/tcp
    ingres-net 134/udp
    epmap 135/tcp
    epmap 135/udp
    profile 136/tcp
    profile 136/udp
    netbios-ns 137/tcp
    netbios-ns 137/udp
    netbios-dgm 138/tcp
    netbios-dgm 138/udp
    netbios-ssn 139/tcp
    netbios-ssn 139/udp
    emfis-data 140/tcp
    emfis-data 140/udp
    emfis-cntl 141/tcp
    emfis-cntl 141/udp
    bl-idm 142/tcp
    bl-idm 142/udp
    imap 143/tcp imap2 imap4
    imap 143/udp imap2 imap4
    uma 144/tcp
    uma 144/udp
    uaac 145/tcp
    uaac 145/udp
    iso-tp0 146/tcp
    iso-tp0 146/udp
    iso-ip 147/tcp
    iso-ip 147/udp
    jargon 148/tcp
    jargon 148/udp
    aed-512 149/tcp
    aed-512 149/udp
    sql-net 150/tcp
    sql-net 150/udp
    hems 151/tcp
    hems 151/udp
    bftp 152/tcp
    bftp 152/udp
    sgmp 153/tcp
    sgmp 153/udp
    netsc-prod 154/tcp
    netsc-prod 154/udp
    netsc-dev 155/tcp
    netsc-dev 155/udp
    sqlsrv 156/tcp
    sqlsrv 156/udp
    knet-cmp 157/tcp
    knet-cmp 157/udp
    pcmail-srv 158/tcp
    pcmail-srv 158/udp
    nss-routing 159/tcp
    nss-routing 159/udp
    sgmp-traps 160/tcp
    sgmp-traps 160/udp
    snmp 161/tcp
    snmp 161/udp
    snmptrap 162/tcp snmp-trap
    snmptrap 162/udp snmp-trap
    cmip-man 163/tcp
    cmip-man 163/udp
    cmip-agent 164/tcp
    smip-agent 164/udp
    xns-courier 165/tcp
    xns-courier 165/udp
    s-net 166/tcp
    s-net 166/udp
    namp 167/tcp
    namp 167/udp
    rsvd 168/tcp
    rsvd 168/udp
    send 169/tcp
    send 169/udp
    print-srv 170/tcp
    print-srv 170/udp
    multiplex 171/tcp
    multiplex 171/udp
    cl/1 172/tcp
    cl/1 172/udp
    xyplex-mux 173/tcp
    xyplex-mux 173/udp
    mailq 174/tcp
    mailq 174/udp
    vmnet 175/tcp
    vmnet 175/udp
    genrad-mux 176/tcp
    genrad-mux 176/udp
    xdmcp 177/tcp
    xdmcp 177/udp
    nextstep 178/tcp
    nextstep 178/udp
    bgp 179/tcp
    bgp 179/udp
    bgp 179/sctp
    ris 180/tcp
    ris 180/udp
    unify 181/tcp
    unify 181/udp
    audit 182/tcp
    audit 182/udp
    ocbinder 183/tcp
    ocbinder 183/udp
    ocserver 184/tcp
    ocserver 184/udp
    remote-kis 185/tcp
    remote-kis 185/udp
    kis 186/tcp
    kis 186/udp
    aci 187/tcp
    aci 187/udp
    mumps 188/tcp
    mumps 188/udp
    qft 189/tcp
    qft 189/udp
    gacp 190/tcp
    gacp 190/udp cacp
    prospero 191/tcp
    prospero 191/udp
    osu-nms 192/tcp
    osu-nms 192/udp
    srmp 193/tcp
    srmp 193/udp
    irc 194/tcp
    irc 194/udp
    dn6-nlm-aud 195/tcp
    dn6-nlm-aud 195/udp
    dn6-smm-red 196/tcp
    dn6-smm-red 196/udp
    dls 197/tcp
    dls 197/udp
    dls-mon 198/tcp
    dls-mon 198/udp
    smux 199/tcp
    smux 199/udp
    src 200/tcp
    src 200/udp
    at-rtmp 201/tcp
    at-rtmp 201/udp
    at-nbp 202/tcp
    at-nbp 202/udp
    at-3 203/tcp
    at-3 203/udp
    at-echo 204/tcp
    at-echo 204/udp
    at-5 205/tcp
    at-5 205/udp
    at-zis 206/tcp
    at-zis 206/udp
    at-7 207/tcp
    at-7 207/udp
    at-8 208/tcp
    at-8 208/udp
    qmtp 209/tcp
    qmtp 209/udp
    z39-50 210/tcp z39.50 wais
    z39-50 210/udp z39.50 wais
    914c-g 211/tcp 914c/g
    914c-g 211/udp 914c/g
    anet 212/tcp
    anet 212/udp
    ipx 213/tcp
    ipx 213/udp
    vmpwscs 214/tcp
    vmpwscs 214/udp
    softpc 215/tcp
    softpc 215/udp
    CAIlic 216/tcp atls
    CAIlic 216/udp atls
    dbase 217/tcp
    dbase 217/udp
    mpp 218/tcp
    mpp 218/udp
    uarps 219/tcp
    uarps 219/udp
    imap3 220/tcp
    imap3 220/udp
    fln-spx 221/tcp
    fln-spx 221/udp
    rsh-spx 222/tcp
    rsh-spx 222/udp
    cdc 223/tcp
    cdc 223/udp
    masqdialer 224/tcp
    masqdialer 224/udp
    direct 242/tcp
    direct 242/udp
    sur-meas 243/tcp
    sur-meas 243/udp
    inbusiness 244/tcp
    inbusiness 244/udp
    link 245/tcp
    link 245/udp
    dsp3270 246/tcp
    dsp3270 246/udp
    subntbcst-tftp 247/tcp subntbcst_tftp
    subntbcst-tftp 247/udp subntbcst_tftp
    bhfhs 248/tcp
    bhfhs 248/udp
    rap 256/tcp
    rap 256/udp
    set 257/tcp
    set 257/udp
    esro-gen 259/tcp
    esro-gen 259/udp
    openport 260/tcp
    openport 260/udp
    nsiiops 261/tcp
    nsiiops 261/udp
    arcisdms 262/tcp
    arcisdms 262/udp
    hdap 263/tcp
    hdap 263/udp
    bgmp 264/tcp
    bgmp 264/udp
    x-bone-ctl 265/tcp
    x-bone-ctl 265/udp
    sst 266/tcp
    sst 266/udp
    td-service 267/tcp
    td-service 267/udp
    td-replica 268/tcp
    td-replica 268/udp
    manet 269/tcp
    manet 269/ucp
    gist 270/ucp
    pt-tls 271/tcp
    http-mgmt 280/tcp
    http-mgmt 280/udp
    personal-link 281/tcp
    personal-link 281/udp
    cableport-ax 282/tcp
    cableport-ax 282/udp
    rescap 283/tcp
    rescap 283/udp
    corerjd 284/tcp
    corerjd 284/udp
    fxp 286/tcp
    fxp 286/udp
    k-block 287/tcp
    k-block 287/udp
    novastorbakcup 308/tcp
    novastorbakcup 308/udp
    entrusttime 309/tcp
    entrusttime 309/udp
    bhmds 310/tcp
    bhmds 310/udp
    asip-webadmin 311/tcp
    asip-webadmin 311/udp
    vslmp 312/tcp
    vslmp 312/udp
    magenta-logic 313/tcp
    magenta-logic 313/udp
    opalis-robot 314/tcp
    opalis-robot 314/udp
    dpsi 315/tcp
    dpsi 315/udp
    decauth 316/tcp
    decauth 316/udp
    zannet 317/tcp
    zannet 317/udp
    pkix-timestamp 318/tcp
    pkix-timestamp 318/udp
    ptp-event 319/tcp
    ptp-event 319/udp
    ptp-general 320/tcp
    ptp-general 320/udp
    pip 321/tcp
    pip 321/udp
    rtsps 322/tcp
    rtsps 322/udp
    rpki-rtr 323/tcp
    rpki-rtr-tls 324/tcp
    texar 333/tcp
    texar 333/udp
    pdap 344/tcp
    pdap 344/udp
    pawserv 345/tcp
    pawserv 345/udp
    zserv 346/tcp
    zserv 346/udp
    fatserv 347/tcp
    fatserv 347/udp
    csi-sgwp 348/tcp
    csi-sgwp 348/udp
    mftp 349/tcp
    mftp 349/udp
    matip-type-a 350/tcp
    matip-type-a 350/udp
    matip-type-b 351/tcp
    matip-type-b 351/udp
    bhoetty 351/tcp
    bhoetty 351/udp
    dtag-ste-sb 352/tcp
    dtag-ste-sb 352/udp
    bhoedap4 352/tcp
    bhoedap4 352/udp
    ndsauth 353/tcp
    ndsauth 353/udp
    bh611 354/tcp
    bh611 354/udp
    datex-asn 355/tcp
    datex-asn 355/udp
    cloanto-net-1 356/tcp
    cloanto-net-1 356/udp
    bhevent 357/tcp
    bhevent 357/udp
    shrinkwrap 358/tcp
    shrinkwrap 358/udp
    nsrmp 359/tcp
    nsrmp 359/udp
    scoi2odialog 360/tcp
    scoi2odialog 360/udp
    semantix 361/tcp
    semantix 361/udp
    srssend 362/tcp
    srssend 362/udp
    rsvp_tunnel 363/tcp
    rsvp_tunnel 363/udp
    aurora-cmgr 364/tcp
    aurora-cmgr 364/udp
    dtk 365/tcp
    dtk 365/udp
    odmr 366/tcp
    odmr 366/udp
    mortgageware 367/tcp
    mortgageware 367/udp
    qbikgdp 368/tcp
    qbikgdp 368/udp
    rpc2portmap 369/tcp
    rpc2portmap 369/udp
    codaauth2 370/tcp
    codaauth2 370/udp
    clearcase 371/tcp
    clearcase 371/udp
    ulistserv 372/tcp ulistproc
    ulistserv 372/udp ulistproc
    legent-1 373/tcp
    legent-1 373/udp
    legent-2 374/tcp
    legent-2 374/udp
    hassle 375/tcp
    hassle 375/udp
    nip 376/tcp
    nip 376/udp
    tnETOS 377/tcp
    tnETOS 377/udp
    dsETOS 378/tcp
    dsETOS 378/udp
    is99c 379/tcp
    is99c 379/udp
    is99s 380/tcp
    is99s 380/udp
    hp-collector 381/tcp
    hp-collector 381/udp
    hp-managed-node 382/tcp
    hp-managed-node 382/udp
    hp-alarm-mgr 383/tcp
    hp-alarm-mgr 383/udp
    arns 384/tcp
    arns 384/udp
    ibm-app 385/tcp
    ibm-app 385/udp
    asa 386/tcp
    asa 386/udp
    aurp 387/tcp
    aurp 387/udp
    unidata-ldm 388/tcp
    unidata-ldm 388/udp
    ldap 389/tcp
    ldap 389/udp
    uis 390/tcp
    uis 390/udp
    synotics-relay 391/tcp
    synotics-relay 391/udp
    synotics-broker 392/tcp
    synotics-broker 392/udp
    meta5 393/tcp
    meta5 393/udp
    embl-ndt 394/tcp
    embl-ndt 394/udp
    netcp 395/tcp
    netcp 395/udp
    netware-ip 396/tcp
    netware-ip 396/udp
    mptn 397/tcp
    mptn 397/udp
    kryptolan 398/tcp
    kryptolan 398/udp
    iso-tsap-c2 399/tcp
    iso-tsap-c2 399/udp
    osb-sd 400/tcp
    osb-sd 400/udp
    ups 401/tcp
    ups 401/udp
    genie 402/tcp
    genie 402/udp
    decap 403/tcp
    decap 403/udp
    nced 404/tcp
    nced 404/udp
    ncld 405/tcp
    ncld 405/udp
    imsp 406/tcp
    imsp 406/udp
    timbuktu 407/tcp
    timbuktu 407/udp
    prm-sm 408/tcp
    prm-sm 408/udp
    prm-nm 409/tcp
    prm-nm 409/udp
    decladebug 410/tcp
    decladebug 410/udp
    rmt 411/tcp
    rmt 411/udp
    synoptics-trap 412/tcp
    synoptics-trap 412/udp
    smsp 413/tcp
    smsp 413/udp
    infoseek 414/tcp
    infoseek 414/udp
    bnet 415/tcp
    bnet 415/udp
    silverplatter 416/tcp
    silverplatter 416/udp
    onmux 417/tcp
    onmux 417/udp
    hyper-g 418/tcp
    hyper-g 418/udp
    ariel1 419/tcp
    ariel1 419/udp
    smpte 420/tcp
    smpte 420/udp
    ariel2 421/tcp
    ariel2 421/udp
    ariel3 422/tcp
    ariel3 422/udp
    opc-job-start 423/tcp
    opc-job-start 423/udp
    opc-job-track 424/tcp
    opc-job-track 424/udp
    icad-el 425/tcp
    icad-el 425/udp
    smartsdp 426/tcp
    smartsdp 426/udp
    svrloc 427/tcp
    svrloc 427/udp
    ocs_cmu 428/tcp
    ocs_cmu 428/udp
    ocs_amu 429/tcp
    ocs_amu 429/udp
    utmpsd 430/tcp
    utmpsd 430/udp
    utmpcd 431/tcp
    utmpcd 431/udp
    iasd 432/tcp
    iasd 432/udp
    nnsp 433/tcp
    nnsp 433/udp
    mobileip-agent 434/tcp
    mobileip-agent 434/udp
    mobilip-mn 435/tcp
    mobilip-mn 435/udp
    dna-cml 436/tcp
    dna-cml 436/udp
    comscm 437/tcp
    comscm 437/udp
    dsfgw 438/tcp
    dsfgw 438/udp
    dasp 439/tcp
    dasp 439/udp
    sgcp 440/tcp
    sgcp 440/udp
    decvms-sysmgt 441/tcp
    decvms-sysmgt 441/udp
    cvc_hostd 442/tcp
    cvc_hostd 442/udp
    https 443/tcp
    https 443/udp
    https 443/sctp
    snpp 444/tcp
    snpp 444/udp
    microsoft-ds 445/tcp
    microsoft-ds 445/udp
    ddm-rdb 446/tcp
    ddm-rdb 446/udp
    ddm-dfm 447/tcp
    ddm-dfm 447/udp
    ddm-ssl 448/tcp ddm-byte
    ddm-ssl 448/udp ddm-byte
    as-servermap 449/tcp
    as-servermap 449/udp
    tserver 450/tcp
    tserver 450/udp
    sfs-smp-net 451/tcp
    sfs-smp-net 451/udp
    sfs-config 452/tcp
    sfs-config 452/udp
    creativeserver 453/tcp
    creativeserver 453/udp
    contentserver 454/tcp
    contentserver 454/udp
    creativepartnr 455/tcp
    creativepartnr 455/udp
    macon-tcp 456/tcp
    macon-udp 456/udp
    scohelp 457/tcp
    scohelp 457/udp
    appleqtc 458/tcp
    appleqtc 458/udp
    ampr-rcmd 459/tcp
    ampr-rcmd 459/udp
    skronk 460/tcp
    skronk 460/udp
    datasurfsrv 461/tcp
    datasurfsrv 461/udp
    datasurfsrvsec 462/tcp
    datasurfsrvsec 462/udp
    alpes 463/tcp
    alpes 463/udp
    kpasswd 464/tcp kpasswd5
    kpasswd 464/udp kpasswd5
    smtps 465/tcp
    smtps 465/udp
    urd 465/tcp
    submissions 465/tcp
    igmpv3lite 465/udp
    digital-vrc 466/tcp
    digital-vrc 466/udp
    mylex-mapd 467/tcp
    mylex-mapd 467/udp
    photuris 468/tcp
    photuris 468/udp
    rcp 469/tcp
    rcp 469/udp
    scx-proxy 470/tcp
    scx-proxy 470/udp
    mondex 471/tcp
    mondex 471/udp
    ljk-login 472/tcp
    ljk-login 472/udp
    hybrid-pop 473/tcp
    hybrid-pop 473/udp
    tn-tl-w1 474/tcp
    tn-tl-w2 474/udp
    tcpnethaspsrv 475/tcp
    tcpnethaspsrv 475/udp
    tn-tl-fd1 476/tcp
    tn-tl-fd1 476/udp
    ss7ns 477/tcp
    ss7ns 477/udp
    spsc 478/tcp
    spsc 478/udp
    iafserver 479/tcp
    iafserver 479/udp
    iafdbase 480/tcp
    iafdbase 480/udp
    ph 481/tcp
    ph 481/udp
    bgs-nsi 482/tcp
    bgs-nsi 482/udp
    ulpnet 483/tcp
    ulpnet 483/udp
    integra-sme 484/tcp
    integra-sme 484/udp
    powerburst 485/tcp
    powerburst 485/udp
    avian 486/tcp
    avian 486/udp
    saft 487/tcp
    saft 487/udp
    gss-http 488/tcp
    gss-http 488/udp
    nest-protocol 489/tcp
    nest-protocol 489/udp
    micom-pfs 490/tcp
    micom-pfs 490/udp
    go-login 491/tcp
    go-login 491/udp
    ticf-1 492/tcp
    ticf-1 492/udp
    ticf-2 493/tcp
    ticf-2 493/udp
    pov-ray 494/tcp
    pov-ray 494/udp
    intecourier 495/tcp
    intecourier 495/udp
    pim-rp-disc 496/tcp
    pim-rp-disc 496/udp
    retrospect 497/tcp
    retrospect 497/udp
    siam 498/tcp
    siam 498/udp
    iso-ill 499/tcp
    iso-ill 499/udp
    isakmp 500/tcp
    isakmp 500/udp
    stmf 501/tcp
    stmf 501/udp
    mbap 502/tcp
    mbap 502/udp
    intrinsa 503/tcp
    intrinsa 503/udp
    citadel 504/tcp
    citadel 504/udp
    mailbox-lm 505/tcp
    mailbox-lm 505/udp
    ohimsrv 506/tcp
    ohimsrv 506/udp
    crs 507/tcp
    crs 507/udp
    xvttp 508/tcp
    xvttp 508/udp
    snare 509/tcp
    snare 509/udp
    fcp 510/tcp
    fcp 510/udp
    passgo 511/tcp
    passgo 511/udp
    exec 512/tcp
    biff 512/udp comsat
    login 513/tcp
    who 513/udp whod
    shell 514/tcp cmd
    syslog 514/udp
    printer 515/tcp spooler
    printer 515/udp spooler
    videotex 516/tcp
    videotex 516/udp
    talk 517/tcp
    talk 517/udp
    ntalk 518/tcp
    ntalk 518/udp
    utime 519/tcp unixtime
    utime 519/udp unixtime
    efs 520/tcp
    router 520/udp route routed
    ripng 521/tcp
    ripng 521/udp
    ulp 522/tcp
    ulp 522/udp
    ibm-db2 523/tcp
    ibm-db2 523/udp
    ncp 524/tcp
    ncp 524/udp
    timed 525/tcp timeserver
    timed 525/udp timeserver
    tempo 526/tcp newdate
    tempo 526/udp newdate
    stx 527/tcp
    stx 527/udp
    custix 528/tcp
    custix 528/udp
    irc-serv 529/tcp
    irc-serv 529/udp
    courier 530/tcp rpc
    courier 530/udp rpc
    conference 531/tcp chat
    conference 531/udp chat
    netnews 532/tcp readnews
    netnews 532/udp readnews
    netwall 533/tcp
    netwall 533/udp
    windream 534/tcp
    windream 534/udp
    iiop 535/tcp
    iiop 535/udp
    opalis-rdv 536/tcp
    opalis-rdv 536/udp
    nmsp 537/tcp
    nmsp 537/udp
    gdomap 538/tcp
    gdomap 538/udp
    apertus-ldp 539/tcp
    apertus-ldp 539/udp
    uucp 540/tcp uucpd
    uucp 540/udp uucpd
    uucp-rlogin 541/tcp
    uucp-rlogin 541/udp
    commerce 542/tcp
    commerce 542/udp
    klogin 543/tcp
    klogin 543/udp
    kshell 544/tcp krcmd
    kshell 544/udp krcmd
    appleqtcsrvr 545/tcp
    appleqtcsrvr 545/udp
    dhcpv6-client 546/tcp
    dhcpv6-client 546/udp
    dhcpv6-server 547/tcp
    dhcpv6-server 547/udp
    afpovertcp 548/tcp
    afpovertcp 548/udp
    idfp 549/tcp
    idfp 549/udp
    new-rwho 550/tcp new-who
    new-rwho 550/udp new-who
    cybercash 551/tcp
    cybercash 551/udp
    devshr-nts 552/tcp deviceshare
    devshr-nts 552/udp deviceshare
    pirp 553/tcp
    pirp 553/udp
    rtsp 554/tcp
    rtsp 554/udp
    dsf 555/tcp
    dsf 555/udp
    remotefs 556/tcp rfs rfs_server
    remotefs 556/udp rfs rfs_server
    openvms-sysipc 557/tcp
    openvms-sysipc 557/udp
    sdnskmp 558/tcp
    sdnskmp 558/udp
    teedtap 559/tcp
    teedtap 559/udp
    rmonitor 560/tcp rmonitord
    rmonitor 560/udp rmonitord
    monitor 561/tcp
    monitor 561/udp
    chshell 562/tcp chcmd
    chshell 562/udp chcmd
    nntps 563/tcp snntp
    nntps 563/udp snntp
    9pfs 564/tcp
    9pfs 564/udp
    whoami 565/tcp
    whoami 565/udp
    streettalk 566/tcp
    streettalk 566/udp
    banyan-rpc 567/tcp
    banyan-rpc 567/udp
    ms-shuttle 568/tcp
    ms-shuttle 568/udp
    ms-rome 569/tcp
    ms-rome 569/udp
    meter 570/tcp
    meter 570/udp
    umeter 571/tcp
    umeter 571/udp
    sonar 572/tcp
    sonar 572/udp
    banyan-vip 573/tcp
    banyan-vip 573/udp
    ftp-agent 574/tcp
    ftp-agent 574/udp
    vemmi 575/tcp
    vemmi 575/udp
    ipcd 576/tcp
    ipcd 576/udp
    vnas 577/tcp
    vnas 577/udp
    ipdd 578/tcp
    ipdd 578/udp
    decbsrv 579/tcp
    decbsrv 579/udp
    sntp-heartbeat 580/tcp
    sntp-heartbeat 580/udp
    bdp 581/tcp
    bdp 581/udp
    scc-security 582/tcp
    scc-security 582/udp
    philips-vc 583/tcp
    philips-vc 583/udp
    keyserver 584/tcp
    keyserver 584/udp
    password-chg 586/tcp
    password-chg 586/udp
    submission 587/tcp
    submission 587/udp
    cal 588/tcp
    cal 588/udp
    eyelink 589/tcp
    eyelink 589/udp
    tns-cml 590/tcp
    tns-cml 590/udp
    http-alt 591/tcp
    http-alt 591/udp
    eudora-set 592/tcp
    eudora-set 592/udp
    http-rpc-epmap 593/tcp
    http-rpc-epmap 593/udp
    tpip 594/tcp
    tpip 594/udp
    cab-protocol 595/tcp
    cab-protocol 595/udp
    smsd 596/tcp
    smsd 596/udp
    ptcnameservice 597/tcp
    ptcnameservice 597/udp
    sco-websrvrmg3 598/tcp
    sco-websrvrmg3 598/udp
    acp 599/tcp
    acp 599/udp
    ipcserver 600/tcp
    ipcserver 600/udp
    syslog-conn 601/tcp
    syslog-conn 601/udp
    xmlrpc-beep 602/tcp
    xmlrpc-beep 602/udp
    idxp 603/tcp
    idxp 603/udp
    tunnel 604/tcp
    tunnel 604/udp
    soap-beep 605/tcp
    soap-beep 605/udp
    urm 606/tcp
    urm 606/udp
    nqs 607/tcp
    nqs 607/udp
    sift-uft 608/tcp
    sift-uft 608/udp
    npmp-trap 609/tcp
    npmp-trap 609/udp
    npmp-local 610/tcp
    npmp-local 610/udp
    npmp-gui 611/tcp
    npmp-gui 611/udp
    hmmp-ind 612/tcp
    hmmp-ind 612/udp
    hmmp-op 613/tcp
    hmmp-op 613/udp
    sshell 614/tcp
    sshell 614/udp
    sco-inetmgr 615/tcp
    sco-inetmgr 615/udp
    sco-sysmgr 616/tcp
    sco-sysmgr 616/udp
    sco-dtmgr 617/tcp
    sco-dtmgr 617/udp
    dei-icda 618/tcp
    dei-icda 618/udp
    compaq-evm 619/tcp
    compaq-evm 619/udp
    sco-websrvrmgr 620/tcp
    sco-websrvrmgr 620/udp
    escp-ip 621/tcp
    escp-ip 621/udp
    collaborator 622/tcp
    collaborator 622/udp
    asf-rmcp 623/tcp
    asf-rmcp 623/udp
    cryptoadmin 624/tcp
    cryptoadmin 624/udp
    dec-dlm 625/tcp dec_dlm
    dec-dlm 625/udp dec_dlm
    asia 626/tcp
    asia 626/udp
    passgo-tivoli 627/tcp
    passgo-tivoli 627/udp
    qmqp 628/tcp
    qmqp 628/udp
    3com-amp3 629/tcp
    3com-amp3 629/udp
    rda 630/tcp
    rda 630/udp
    ipp 631/tcp ipps
    ipp 631/udp ipps
    bmpp 632/tcp
    bmpp 632/udp
    servstat 633/tcp
    servstat 633/udp
    ginad 634/tcp
    ginad 634/udp
    rlzdbase 635/tcp
    rlzdbase 635/udp
    ldaps 636/tcp sldap
    ldaps 636/udp sldap
    lanserver 637/tcp
    lanserver 637/udp
    mcns-sec 638/tcp
    mcns-sec 638/udp
    msdp 639/tcp
    msdp 639/udp
    entrust-sps 640/tcp
    entrust-sps 640/udp
    repcmd 641/tcp
    repcmd 641/udp
    esro-emsdp 642/tcp
    esro-emsdp 642/udp
    sanity 643/tcp
    sanity 643/udp
    dwr 644/tcp
    dwr 644/udp
    pssc 645/tcp
    pssc 645/udp
    ldp 646/tcp
    ldp 646/udp
    dhcp-failover 647/tcp
    dhcp-failover 647/udp
    rrp 648/tcp
    rrp 648/udp
    cadview-3d 649/tcp
    cadview-3d 649/udp
    obex 650/tcp
    obex 650/udp
    ieee-mms 651/tcp
    ieee-mms 651/udp
    hello-port 652/tcp
    hello-port 652/udp
    repscmd 653/tcp
    repscmd 653/udp
    aodv 654/tcp
    aodv 654/udp
    tinc 655/tcp
    tinc 655/udp
    spmp 656/tcp
    spmp 656/udp
    rmc 657/tcp
    rmc 657/udp
    tenfold 658/tcp
    tenfold 658/udp
    mac-srvr-admin 660/tcp
    mac-srvr-admin 660/udp
    hap 661/tcp
    hap 661/udp
    pftp 662/tcp
    pftp 662/udp
    purenoise 663/tcp
    purenoise 663/udp
    asf-secure-rmcp 664/tcp
    asf-secure-rmcp 664/udp
    sun-dr 665/tcp
    sun-dr 665/udp
    mdqs 666/tcp
    mdqs 666/udp
    doom 666/tcp
    doom 666/udp
    disclose 667/tcp
    disclose 667/udp
    mecomm 668/tcp
    mecomm 668/udp
    meregister 669/tcp
    meregister 669/udp
    vacdsm-sws 670/tcp
    vacdsm-sws 670/udp
    vacdsm-app 671/tcp
    vacdsm-app 671/udp
    vpps-qua 672/tcp
    vpps-qua 672/udp
    cimplex 673/tcp
    cimplex 673/udp
    acap 674/tcp
    acap 674/udp
    dctp 675/tcp
    dctp 675/udp
    vpps-via 676/tcp
    vpps-via 676/udp
    vpp 677/tcp
    vpp 677/udp
    ggf-ncp 678/tcp
    ggf-ncp 678/udp
    mrm 679/tcp
    mrm 679/udp
    entrust-aaas 680/tcp
    entrust-aaas 680/udp
    entrust-aams 681/tcp
    entrust-aams 681/udp
    xfr 682/tcp
    xfr 682/udp
    corba-iiop 683/tcp
    corba-iiop 683/udp
    corba-iiop-ssl 684/tcp
    corba-iiop-ssl 684/udp
    mdc-portmapper 685/tcp
    mdc-portmapper 685/udp
    hcp-wismar 686/tcp
    hcp-wismar 686/udp
    asipregistry 687/tcp
    asipregistry 687/udp
    realm-rusd 688/tcp
    realm-rusd 688/udp
    nmap 689/tcp
    nmap 689/udp
    vatp 690/tcp
    vatp 690/udp
    msexch-routing 691/tcp
    msexch-routing 691/udp
    hyperwave-isp 692/tcp
    hyperwave-isp 692/udp
    connendp 693/tcp
    connendp 693/udp
    ha-cluster 694/tcp
    ha-cluster 694/udp
    ieee-mms-ssl 695/tcp
    ieee-mms-ssl 695/udp
    rushd 696/tcp
    rushd 696/udp
    uuidgen 697/tcp
    uuidgen 697/udp
    olsr 698/tcp
    olsr 698/udp
    accessnetwork 699/tcp
    accessnetwork 699/udp
    epp 700/tcp
    epp 700/udp
    lmp 701/tcp
    lmp 701/udp
    iris-beep 702/tcp
    iris-beep 702/udp
    elcsd 704/tcp
    elcsd 704/udp
    agentx 705/tcp
    agentx 705/udp
    silc 706/tcp
    silc 706/udp
    borland-dsj 707/tcp
    borland-dsj 707/udp
    entrustmanager 709/tcp
    entrustmanager 709/udp
    entrust-ash 710/tcp
    entrust-ash 710/udp
    cisco-tdp 711/tcp
    cisco-tdp 711/udp
    tbrpf 712/tcp
    tbrpf 712/udp
    iris-xpc 713/tcp
    iris-xpc 713/udp
    iris-xpcs 714/tcp
    iris-xpcs 714/udp
    iris-lwz 715/tcp
    iris-lwz 715/udp
    pana 716/udp
    netviewdm1 729/tcp
    netviewdm1 729/udp
    netviewdm2 730/tcp
    netviewdm2 730/udp
    netviewdm3 731/tcp
    netviewdm3 731/udp
    netgw 741/tcp
    netgw 741/udp
    netrcs 742/tcp
    netrcs 742/udp
    flexlm 744/tcp
    flexlm 744/udp
    fujitsu-dev 747/tcp
    fujitsu-dev 747/udp
    ris-cm 748/tcp
    ris-cm 748/udp
    kerberos-adm 749/tcp
    kerberos-adm 749/udp
    rfile 750/tcp
    loadav 750/udp
    kerberos-iv 750/udp kdc
    pump 751/tcp
    pump 751/udp
    qrh 752/tcp
    qrh 752/udp
    rrh 753/tcp
    rrh 753/udp
    krb_prop 754/tcp krb5_prop
    tell 754/tcp
    tell 754/udp
    nlogin 758/tcp
    nlogin 758/udp
    con 759/tcp
    con 759/udp
    ns 760/tcp
    ns 760/udp
    rxe 761/tcp
    rxe 761/udp
    quotad 762/tcp
    quotad 762/udp
    cycleserv 763/tcp
    cycleserv 763/udp
    omserv 764/tcp
    omserv 764/udp
    webster 765/tcp
    webster 765/udp
    phonebook 767/tcp
    phonebook 767/udp
    vid 769/tcp
    vid 769/udp
    cadlock 770/tcp
    cadlock 770/udp
    rtip 771/tcp
    rtip 771/udp
    cycleserv2 772/tcp
    cycleserv2 772/udp
    submit 773/tcp
    notify 773/udp
    rpasswd 774/tcp
    acmaint-dbd 774/udp acmaint_dbd
    entomb 775/tcp
    acmaint-transd 775/udp acmaint_transd
    wpages 776/tcp
    wpages 776/udp
    multiling-http 777/tcp
    multiling-http 777/udp
    wpgs 780/tcp
    wpgs 780/udp
    mdbs-daemon 800/tcp mdbs_daemon
    mdbs-daemon 800/udp mdbs_daemon
    device 801/tcp
    device 801/udp
    mbap-s 802/tcp
    mbap-s 802/udp
    fcp-udp 810/tcp
    fcp-udp 810/udp
    itm-mcell-s 828/tcp
    itm-mcell-s 828/udp
    pkix-3-ca-ra 829/tcp
    pkix-3-ca-ra 829/udp
    netconf-ssh 830/tcp
    netconf-ssh 830/udp
    netconf-beep 831/tcp
    netconf-beep 831/udp
    netconfsoaphttp 832/tcp
    netconfsoaphttp 832/udp
    netconfsoapbeep 833/tcp
    netconfsoapbeep 833/udp
    dhcp-failover2 847/tcp
    dhcp-failover2 847/udp
    gdoi 848/tcp
    gdoi 848/udp
    domain-s 853/tcp
    domain-s 853/udp
    iscsi 860/tcp
    iscsi 860/udp
    owamp-control 861/tcp
    owamp-control 861/udp
    twamp-control 862/tcp
    twamp-control 862/udp
    supfilesrv 871/tcp
    rsync 873/tcp
    rsync 873/udp
    iclcnet-locate 886/tcp
    iclcnet-locate 886/udp
    iclcnet_svinfo 887/tcp
    iclcnet_svinfo 887/udp
    accessbuilder 888/tcp
    accessbuilder 888/udp
    omginitialrefs 900/tcp
    omginitialrefs 900/udp
    swat 901/tcp
    smpnameres 901/tcp
    smpnameres 901/udp
    ideafarm-chat 902/tcp
    ideafarm-chat 902/udp
    ideafarm-catch 903/tcp
    ideafarm-catch 903/udp
    kink 910/tcp
    kink 910/udp
    xact-backup 911/tcp
    xact-backup 911/udp
    apex-mesh 912/tcp
    apex-mesh 912/udp
    apex-edge 913/tcp
    apex-edge 913/udp
    rndc 953/tcp
    ftps-data 989/tcp
    ftps-data 989/udp
    ftps 990/tcp
    ftps 990/udp
    nas 991/tcp
    nas 991/udp
    telnets 992/tcp
    telnets 992/udp
    imaps 993/tcp
    imaps 993/udp
    ircs 994/tcp
    ircs 994/udp
    pop3s 995/tcp spop3
    pop3s 995/udp spop3
    vsinet 996/tcp
    vsinet 996/udp
    maitrd 997/tcp
    maitrd 997/udp
    busboy 998/tcp
    puparp 998/udp
    garcon 999/tcp
    applix 999/udp
    puprouter 999/tcp
    puprouter 999/udp
    cadlock2 1000/tcp
    cadlock2 1000/udp
    webpush 1001/tcp
    surf 1010/tcp
    surf 1010/udp
    exp1 1021/tcp
    exp1 1021/udp
    exp1 1021/sctp
    exp2 1022/tcp
    exp2 1022/udp
    exp2 1022/sctp
    blackjack 1025/tcp
    blackjack 1025/udp
    cap 1026/tcp
    cap 1026/udp
    6a44 1027/udp
    boinc-client 1043/tcp
    boinc-client 1043/udp
    nim 1058/tcp
    nim 1058/udp
    nimreg 1059/tcp
    nimreg 1059/udp
    instl-boots 1067/tcp instl_boots
    instl-boots 1067/udp instl_boots
    instl-bootc 1068/tcp instl_bootc
    instl-bootc 1068/udp instl_bootc
    socks 1080/tcp
    socks 1080/udp
    webobjects 1085/tcp
    webobjects 1085/udp
    ff-annunc 1089/tcp
    ff-annunc 1089/udp
    ff-fms 1090/tcp
    ff-fms 1090/udp
    ff-sm 1091/tcp
    ff-sm 1091/udp
    cnrprotocol 1096/tcp
    cnrprotocol 1096/udp
    rmiactivation 1098/tcp
    rmiactivation 1098/udp
    rmiregistry 1099/tcp
    rmiregistry 1099/udp
    mctp 1100/tcp
    mctp 1100/udp
    kpop 1109/tcp
    kpop 1109/udp
    nfsd-status 1110/tcp
    nfsd-keepalive 1110/udp
    supfiledbg 1127/tcp
    c1222-acse 1153/tcp
    c1222-acse 1153/udp
    nfa 1155/tcp
    nfa 1155/udp
    cisco-ipsla 1167/tcp
    cisco-ipsla 1167/udp
    cisco-ipsla 1167/sctp
    tripwire 1169/tcp
    tripwire 1169/udp
    skkserv 1178/tcp
    mysql-cluster 1186/tcp
    mysql-cluster 1186/udp
    openvpn 1194/tcp
    openvpn 1194/udp
    rsf-1 1195/tcp
    rsf-1 1195/udp
    qt-serveradmin 1220/tcp
    qt-serveradmin 1220/udp
    healthd 1281/tcp
    healthd 1281/udp
    pkt-krb-ipsec 1293/tcp
    pkt-krb-ipsec 1293/udp
    h323hostcallsc 1300/tcp
    h323hostcallsc 1300/udp
    jtag-server 1309/tcp
    jtag-server 1309/udp
    hkrb5gatekeeper 1318/tcp
    krb5gatekeeper 1318/udp
    netdb-export 1329/tcp
    netdb-export 1329/udp
    digital-notary 1335/tcp
    digital-notary 1335/udp
    icap 1344/tcp
    icap 1344/udp
    ms-sql-s 1433/tcp
    ms-sql-s 1433/udp
    ms-sql-m 1434/tcp
    ms-sql-m 1434/udp
    ingreslock 1524/tcp
    ingreslock 1524/udp
    orasrv 1525/tcp
    orasrv 1525/udp
    prospero-np 1525/tcp
    prospero-np 1525/udp
    pdap-np 1526/tcp
    pdap-np 1526/udp
    tlisrv 1527/tcp
    tlisrv 1527/udp
    pciarray 1552/tcp
    pciarray 1552/udp
    issd 1600/tcp
    issd 1600/udp
    nkd 1650/tcp
    nkd 1650/udp
    shiva_confsrvr 1651/tcp
    shiva_confsrvr 1651/udp
    xnmp 1652/tcp
    xnmp 1652/udp
    l2f 1701/tcp
    l2f 1701/udp
    l2tp 1701/tcp
    l2tp 1701/udp
    pptp 1723/tcp
    radius 1812/udp
    radacct 1813/udp
    ssdp 1900/tcp
    ssdp 1900/udp
    licensedaemon 1986/tcp
    licensedaemon 1986/udp
    tr-rsrb-p1 1987/tcp
    tr-rsrb-p1 1987/udp
    tr-rsrb-p2 1988/tcp
    tr-rsrb-p2 1988/udp
    tr-rsrb-p3 1989/tcp
    tr-rsrb-p3 1989/udp
    stun-p1 1990/tcp
    stun-p1 1990/udp
    stun-p2 1991/tcp
    stun-p2 1991/udp
    stun-p3 1992/tcp
    stun-p3 1992/udp
    ipsendmsg 1992/tcp
    ipsendmsg 1992/udp
    snmp-tcp-port 1993/tcp
    snmp-tcp-port 1993/udp
    stun-port 1994/tcp
    stun-port 1994/udp
    perf-port 1995/tcp
    perf-port 1995/udp
    tr-rsrb-port 1996/tcp
    tr-rsrb-port 1996/udp
    gdp-port 1997/tcp
    gdp-port 1997/udp
    x25-svc-port 1998/tcp
    x25-svc-port 1998/udp
    tcp-id-port 1999/tcp
    tcp-id-port 1999/udp
    cfingerd 2003/tcp
    mailbox 2004/tcp
    oracle 2005/udp
    raid-cc 2006/udp
    raid-am 2007/udp
    raid-cc 2011/tcp
    lam 2040/tcp
    lam 2040/udp
    interbase 2041/tcp
    interbase 2041/udp
    nfsd 2049/tcp nfs
    nfsd 2049/udp nfs
    nfsd 2049/sctp nfs
    dlsrpn 2065/tcp
    dlsrpn 2065/udp
    dlswpn 2067/tcp
    dlswpn 2067/udp
    gnunet 2086/tcp
    gnunet 2086/udp
    descent3 2092/tcp
    descent3 2092/udp
    h2250-annex-g 2099/tcp
    h2250-annex-g 2099/udp
    rtcm-sc104 2101/tcp
    rtcm-sc104 2101/udp
    zephyr-srv 2102/tcp
    zephyr-srv 2102/udp
    zephyr-clt 2103/udp
    zephyr-hm 2104/udp
    minipay 2105/tcp
    minipay 2105/udp
    mzap 2106/tcp
    mzap 2106/udp
    eklogin 2105/tcp
    eklogin 2105/udp
    ekshell 2106/tcp
    ekshell 2106/udp
    gdbremote 2159/tcp
    gdbremote 2159/udp
    apc-2160 2160/tcp
    apc-2160 2160/udp
    apc-2161 2161/tcp
    apc-2161 2161/udp
    msfw-storage 2171/tcp
    msfw-storage 2171/udp
    msfw-s-storage 2172/tcp
    msfw-s-storage 2172/udp
    msfw-replica 2173/tcp
    msfw-replica 2173/udp
    msfw-array 2174/tcp
    msfw-array 2174/udp
    airsync 2175/tcp
    airsync 2175/udp
    rapi 2176/tcp
    rapi 2176/udp
    vmrdp 2179/tcp
    vmrdp 2179/udp
    jps 2205/tcp
    jps 2205/udp
    hpocbus 2206/tcp
    hpocbus 2206/udp
    hpssd 2207/tcp
    hpssd 2207/udp
    hpiod 2208/tcp
    hpiod 2208/udp
    rimf-ps 2209/tcp
    rimf-ps 2209/udp
    mysql-im 2273/tcp
    mysql-im 2273/udp
    dbm 2345/tcp
    dbm 2345/udp
    rsmtp 2390/tcp
    rsmtp 2390/udp
    cvspserver 2401/tcp
    cvspserver 2401/udp
    venus 2430/tcp
    venus 2430/udp
    venus-se 2431/tcp
    venus-se 2431/udp
    codasrv 2432/tcp
    codasrv 2432/udp
    codasrv-se 2433/tcp
    codasrv-se 2433/udp
    sybasedbsynch 2439/tcp
    sybasedbsynch 2439/udp
    citrixima 2512/tcp
    citrixima 2512/udp
    citrixadmin 2513/tcp
    citrixadmin 2513/udp
    hpstgmgr 2600/tcp
    hpstgmgr 2600/udp
    discp-client 2601/tcp
    discp-client 2601/udp
    discp-server 2602/tcp
    discp-server 2602/udp
    servicemeter 2603/tcp
    servicemeter 2603/udp
    nsc-ccs 2604/tcp
    nsc-ccs 2604/udp
    nsc-posa 2605/tcp
    nsc-posa 2605/udp
    netmon 2606/tcp
    netmon 2606/udp
    connection 2607/tcp
    connection 2607/udp
    wag-service 2608/tcp
    wag-service 2608/udp
    dict 2628/tcp
    dict 2628/udp
    smpp 2775/tcp
    smpp 2775/udp
    www-dev 2784/tcp
    www-dev 2784/udp
    citrix-rtmp 2897/tcp
    citrix-rtmp 2897/udp
    m2ua 2904/tcp
    m2ua 2904/udp
    m2ua 2904/sctp
    m3ua 2905/tcp
    m3ua 2905/sctp
    megaco-h248 2944/tcp
    megaco-h248 2944/udp
    megaco-h248 2944/sctp
    h248-binary 2945/tcp
    h248-binary 2945/udp
    h248-binary 2945/sctp
    netplan 2983/tcp
    netplan 2983/udp
    cifs 3020/tcp
    cifs 3020/udp
    eppc 3031/tcp
    eppc 3031/udp
    gds_db 3050/tcp
    gds_db 3050/udp
    itu-bicc-stc 3097/sctp
    grubd 3136/tcp
    grubd 3136/udp
    iscsi-target 3260/tcp
    iscsi-target 3260/udp
    mysql 3306/tcp
    mysql 3306/udp
    ms-wbt-server 3389/tcp rdp
    ms-wbt-server 3389/udp
    efi-lm 3392/tcp
    efi-lm 3392/udp
    prsvp 3455/tcp
    prsvp 3455/udp rsvp-encap
    nppmp 3476/tcp
    nppmp 3476/udp
    nut 3493/tcp
    nut 3493/udp
    lsp-ping 3503/tcp
    lsp-ping 3503/udp
    802-11-iapp 3517/tcp
    802-11-iapp 3517/udp
    jboss-iiop 3528/tcp
    jboss-iiop 3528/udp
    jboss-iiop-ssl 3529/tcp
    jboss-iiop-ssl 3529/udp
    m2pa 3565/sctp
    m2pa 3565/tcp
    tsp 3653/tcp
    tsp 3653/udp
    daap 3689/tcp
    daap 3689/udp
    svn 3690/tcp
    svn 3690/udp
    bfd-control 3784/tcp
    bfd-control 3784/udp
    bfd-echo 3785/tcp
    bfd-echo 3785/udp
    asap-tcp 3863/tcp
    asap-udp 3863/udp
    asap-sctp 3863/sctp
    asap-tcp-tls 3864/tcp
    asap-sctp-tls 3864/sctp
    diameter 3868/tcp
    diameter 3868/sctp
    mapper-nodemgr 3984/tcp
    mapper-nodemgr 3984/udp
    mapper-mapethd 3985/tcp
    mapper-mapethd 3985/udp
    mapper-ws_ethd 3986/tcp
    mapper-ws_ethd 3986/udp
    dnx 3998/tcp
    dnx 3998/udp
    lockd 4045/udp
    lockd 4045/tcp
    nuts_dem 4132/tcp
    nuts_dem 4132/udp
    nuts_bootp 4133/tcp
    nuts_bootp 4133/udp
    sieve 4190/tcp
    sieve 4190/udp
    nss 4159/tcp
    nss 4159/udp
    rwhois 4321/tcp
    rwhois 4321/udp
    epmd 4369/tcp
    epmd 4369/udp
    krb524 4444/tcp
    krb524 4444/udp
    nv-video 4444/tcp
    nv-video 4444/udp
    ipsec-nat-t 4500/tcp
    ipsec-nat-t 4500/udp
    hylafax 4559/tcp
    hylafax 4559/udp
    ipfix 4739/tcp
    ipfix 4739/udp
    ipfix 4739/sctp
    ipfixs 4740/tcp
    ipfixs 4740/udp
    ipfixs 4740/sctp
    vxlan 4789/udp
    derby-repli 4851/tcp
    derby-repli 4851/udp
    rfe 5002/tcp
    rfe 5002/udp
    mmcc 5050/tcp
    mmcc 5050/udp
    sip 5060/tcp
    sip 5060/udp
    sip-tls 5061/tcp
    sip-tls 5061/udp
    car 5090/sctp
    cxtp 5091/sctp
    xmpp-client 5222/tcp
    xmpp-client 5222/udp
    xmpp-server 5269/tcp
    xmpp-server 5269/udp
    presence 5298/tcp
    presence 5298/udp
    cfengine 5308/tcp
    cfengine 5308/udp
    mdns 5353/tcp
    mdns 5353/udp
    mdnsresponder 5354/tcp
    mdnsresponder 5354/udp
    postgresql 5432/tcp
    postgresql 5432/udp
    vami 5480/tcp
    vami 5480/udp
    personal-agent 5555/tcp
    rplay 5555/udp
    amqps 5671/tcp
    amqps 5671/udp
    amqp 5672/tcp
    amqp 5672/udp
    amqp 5672/sctp
    v5ua 5675/tcp
    v5ua 5675/udp
    v5ua 5675/sctp
    canna 5680/tcp
    auriga-router 5680/udp
    vnc-server 5900/tcp
    vnc-server 5900/udp
    couchdb 5984/tcp
    couchdb 5984/udp
    cvsup 5999/tcp
    x11 6000/tcp
    x11 6000/udp
    x11-ssh 6010/tcp
    x11-ssh 6010/udp
    sge_qmaster 6444/tcp
    sge_qmaster 6444/udp
    sge_execd 6445/tcp
    sge_execd 6445/udp
    sane-port 6566/tcp
    sane-port 6566/udp
    kftp-data 6620/tcp
    kftp-data 6620/udp
    kftp 6621/tcp
    kftp 6621/udp
    ktelnet 6623/tcp
    ktelnet 6623/udp
    afesc-mc 6628/udp
    ircu 6665/tcp
    ircu 6665/udp
    ircd 6667/tcp
    ircs-u 6697/tcp
    frc-hp 6704/sctp
    frc-mp 6705/sctp
    frc-lp 6706/sctp
    afs3-fileserver 7000/tcp
    afs3-fileserver 7000/udp
    afs3-callback 7001/tcp
    afs3-callback 7001/udp
    afs3-prserver 7002/tcp
    afs3-prserver 7002/udp
    afs3-vlserver 7003/tcp
    afs3-vlserver 7003/udp
    afs3-kaserver 7004/tcp
    afs3-kaserver 7004/udp
    afs3-volser 7005/tcp
    afs3-volser 7005/udp
    afs3-errors 7006/tcp
    afs3-errors 7006/udp
    afs3-bos 7007/tcp
    afs3-bos 7007/udp
    afs3-update 7008/tcp
    afs3-update 7008/udp
    afs3-rmtsys 7009/tcp
    afs3-rmtsys 7009/udp
    afs3-resserver 7010/tcp
    afs3-resserver 7010/udp
    ups-onlinet 7010/tcp
    ups-onlinet 7010/udp
    afs3-remio 7011/tcp
    afs3-remio 7011/udp
    font-service 7100/tcp
    font-service 7100/udp
    simco 7626/tcp
    simco 7626/sctp
    ftp-proxy 8021/tcp
    intu-ec-client 8021/udp
    http-alt 8080/tcp
    http-alt 8080/udp
    privoxy 8118/tcp
    privoxy 8118/udp
    puppet 8140/tcp
    pim 8471/tcp
    pim 8471/sctp
    asterix 8600/tcp
    asterix 8600/udp
    natd 8668/divert
    ub-dns-control 8953/tcp
    lcs-ap 9082/sctp
    aurora 9084/sctp
    aurora 9084/tcp
    aurora 9084/udp
    jetdirect 9100/tcp
    pdl-datastream 9100/tcp
    pdl-datastream 9100/udp
    bacula-dir 9101/tcp
    bacula-dir 9101/udp
    bacula-fd 9102/tcp
    bacula-fd 9102/udp
    bacula-sd 9103/tcp
    bacula-sd 9103/udp
    prom-sysctl 9124/tcp
    git 9418/tcp
    git 9418/udp
    prom-ctl 9572/tcp
    odbcpathway 9628/tcp
    odbcpathway 9628/udp
    davsrc 9800/tcp
    davsrc 9800/udp
    davsrcs 9802/tcp
    davsrcs 9802/udp
    sd 9876/tcp
    sd 9876/udp
    iua 9900/sctp
    iua 9900/tcp
    iua 9900/udp
    enrp 9901/sctp
    enrp 9901/udp
    enrp-sctp 9901/sctp
    enrp-tls 9902/sctp
    zabbix-agent 10050/tcp
    zabbix-agent 10050/udp
    zabbix-trapper 10051/tcp
    zabbix-trapper 10051/udp
    amanda 10080/tcp
    amanda 10080/udp
    amandaidx 10082/tcp
    amidxtape 10083/tcp
    wmereceiving 11997/sctp
    wmedistribution 11998/sctp
    wmereporting 11999/sctp
    bpcd 13782/tcp
    bpcd 13782/udp
    sua 14001/tcp
    sua 14001/sctp
    amt-soap-http 16992/tcp
    amt-soap-http 16992/udp
    amt-soap-https 16993/tcp
    amt-soap-https 16993/udp
    amt-redir-tcp 16994/tcp
    amt-redir-tcp 16994/udp
    amt-redir-tls 16995/tcp
    amt-redir-tls 16995/udp
    isode-dua 17007/tcp
    isode-dua 17007/udp
    biimenu 18000/tcp
    biimenu 18000/udp
    nfsrdma 20049/tcp
    nfsrdma 20049/udp
    nfsrdma 20049/sctp
    wnn6 22273/tcp wnn4
    wnn6_Cn 22289/tcp wnn4_Cn
    wnn6_Kr 22305/tcp wnn4_Kr
    wnn6_Tw 22321/tcp wnn4_Tw
    wnn6-ds 26208/tcp
    wnn6-ds 26208/udp
    sgsap 29118/sctp
    sbcap 29168/sctp
    iuhsctpassoc 29169/sctp
    s1-control 36412/sctp
    x2-control 36422/sctp
    dbbrowse 47557/tcp
    dbbrowse 47557/udp
    """

  /// "name number alias..." per line, in /etc/protocols order.
  static let protocols: String = """
    ip 0 IP
    icmp 1 ICMP
    igmp 2 IGMP
    ggp 3 GGP
    ipencap 4 IP-ENCAP
    st2 5 ST2
    tcp 6 TCP
    cbt 7 CBT
    egp 8 EGP
    igp 9 IGP
    bbn-rcc 10 BBN-RCC-MON
    nvp 11 NVP-II
    pup 12 PUP
    argus 13 ARGUS
    emcon 14 EMCON
    xnet 15 XNET
    chaos 16 CHAOS
    udp 17 UDP
    mux 18 MUX
    dcn 19 DCN-MEAS
    hmp 20 HMP
    prm 21 PRM
    xns-idp 22 XNS-IDP
    trunk-1 23 TRUNK-1
    trunk-2 24 TRUNK-2
    leaf-1 25 LEAF-1
    leaf-2 26 LEAF-2
    rdp 27 RDP
    irtp 28 IRTP
    iso-tp4 29 ISO-TP4
    netblt 30 NETBLT
    mfe-nsp 31 MFE-NSP
    merit-inp 32 MERIT-INP
    dccp 33 DCCP
    3pc 34 3PC
    idpr 35 IDPR
    xtp 36 XTP
    ddp 37 DDP
    idpr-cmtp 38 IDPR-CMTP
    tp++ 39 TP++
    il 40 IL
    ipv6 41 IPV6
    sdrp 42 SDRP
    ipv6-route 43 IPV6-ROUTE
    ipv6-frag 44 IPV6-FRAG
    idrp 45 IDRP
    rsvp 46 RSVP
    gre 47 GRE
    dsr 48 DSR
    bna 49 BNA
    esp 50 ESP
    ah 51 AH
    i-nlsp 52 I-NLSP
    swipe 53 SWIPE
    narp 54 NARP
    mobile 55 MOBILE
    tlsp 56 TLSP
    skip 57 SKIP
    ipv6-icmp 58 IPV6-ICMP icmp6
    ipv6-nonxt 59 IPV6-NONXT
    ipv6-opts 60 IPV6-OPTS
    cftp 62 CFTP
    sat-expak 64 SAT-EXPAK
    kryptolan 65 KRYPTOLAN
    rvd 66 RVD
    ippc 67 IPPC
    sat-mon 69 SAT-MON
    visa 70 VISA
    ipcv 71 IPCV
    cpnx 72 CPNX
    cphb 73 CPHB
    wsn 74 WSN
    pvp 75 PVP
    br-sat-mon 76 BR-SAT-MON
    sun-nd 77 SUN-ND
    wb-mon 78 WB-MON
    wb-expak 79 WB-EXPAK
    iso-ip 80 ISO-IP
    vmtp 81 VMTP
    secure-vmtp 82 SECURE-VMTP
    vines 83 VINES
    ttp 84 TTP
    nsfnet-igp 85 NSFNET-IGP
    dgp 86 DGP
    tcf 87 TCF
    eigrp 88 EIGRP
    ospf 89 OSPFIGP
    sprite-rpc 90 Sprite-RPC
    larp 91 LARP
    mtp 92 MTP
    ax.25 93 AX.25
    ipip 94 IPIP
    micp 95 MICP
    scc-sp 96 SCC-SP
    etherip 97 ETHERIP
    encap 98 ENCAP
    gmtp 100 GMTP
    ifmp 101 IFMP
    pnni 102 PNNI
    pim 103 PIM
    aris 104 ARIS
    scps 105 SCPS
    qnx 106 QNX
    a/n 107 A/N
    ipcomp 108 IPComp
    snp 109 SNP
    compaq-peer 110 Compaq-Peer
    ipx-in-ip 111 IPX-in-IP
    carp 112 CARP vrrp
    pgm 113 PGM
    l2tp 115 L2TP
    ddx 116 DDX
    iatp 117 IATP
    stp 118 STP
    srp 119 SRP
    uti 120 UTI
    smp 121 SMP
    sm 122 SM
    ptp 123 PTP
    isis 124 ISIS
    fire 125 FIRE
    crtp 126 CRTP
    crudp 127 CRUDP
    sscopmce 128 SSCOPMCE
    iplt 129 IPLT
    sps 130 SPS
    pipe 131 PIPE
    sctp 132 SCTP
    fc 133 FC
    rsvp-e2e-ignore 134 RSVP-E2E-IGNORE
    mobility-header 135 Mobility-Header
    udplite 136 UDPLite
    mpls-in-ip 137 MPLS-IN-IP
    manet 138 MANET
    hip 139 HIP
    shim6 140 SHIM6
    wesp 141 WESP
    rohc 142 ROHC
    pfsync 240 PFSYNC
    divert 258 DIVERT
    """
}
