#!/bin/sh
# A FreeBSD Handbook-style ipfw script: `fwc print --from ipfw examples/ipfw.sh` shows the
# rules as `ipfw list` would after running it.
ipfw -q -f flush
cmd="ipfw -q add"
pif="em0"                 # public interface
lan="192.168.1.0/24"

ipfw -q table blocklist create type addr
ipfw -q table blocklist add 198.51.100.0/24
ipfw -q nat 1 config if $pif same_ports unreg_only reset

$cmd 00010 allow all from any to any via lo0
$cmd 00050 deny ip from table\(blocklist\) to any in via $pif
$cmd 00100 nat 1 ip from any to any in via $pif
$cmd 00101 check-state
$cmd 00200 skipto 1000 tcp from $lan to any out via $pif setup keep-state
$cmd 00210 allow udp from any to any 53 out via $pif keep-state
$cmd 00300 allow tcp from any to me 22 in via $pif setup limit src-addr 4
$cmd 00310 allow icmp from any to any icmptypes 0,3,8,11
$cmd 00999 deny log all from any to any
$cmd 01000 nat 1 ip from any to any out via $pif
$cmd 01001 allow ip from any to any
