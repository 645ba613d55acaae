function __tcpwave_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __tcpwave_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __tcpwave_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __tcpwave_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __tcpwave_parse_tokens -S
    set -l unparsed_tokens (__tcpwave_tokens -pc)
    switch $unparsed_tokens[1]
    case 'tcpwave'
        __tcpwave_parse_subcommand -r 1 'r=+' 'i=' 'D' 's=' 'p' 'B=' 'w=' 'Z=' 'l' 'U/packet-buffered' 'immediate-mode' 'duration=' 'n' 'S' 't' 'nano' 'v' 'q' 'e' 'c=' '#' 'no-annotate' 'timeline' 'summary' 'msl=' 'idle-timeout=' 'max-flows=' 'syn-flood-threshold=' 'syn-flood-window=' 'stuck-after=' 'half-open-threshold=' 'ephemeral-ports=' 'state-interval=' 'top' 'speed=' 'single-thread' 'note-names' 'json' 'conn-log=' 'ignore-checksums' 'likely-server-ports=' 'shard=' 'sensor=' 'diagram=' 'ladder' 'flow=' 'explain' 'lang=' 'x' 'X' 'A' 'F=' 'V=' 'merge' 'C=' 'G=' 'W=' 'z=' 'K' 'N' 'count' 'time-stamp-precision=' 'Q/direction=' 'L' 'y/linktype=' 'J/list-time-stamp-types' 'j/time-stamp-type=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __tcpwave_parse_subcommand -r 1 'version'
        end
    end
end

function __tcpwave_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __tcpwave_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __tcpwave_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __tcpwave_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__tcpwave_tokens -p)
    if test -z "$(__tcpwave_tokens -t)"
        set -l index (count (__tcpwave_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'tcpwave' -f
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave"' -s 'r' -d 'Read packets from a capture file (\'-\' for standard input); given more than once, the files are read in order as one stream (see -V).' -rF
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" i' -s 'i' -d 'Capture live from an interface (lo, any, eth0...); needs root or CAP_NET_RAW+CAP_NET_ADMIN.' -rfka '(ls /sys/class/net 2>/dev/null; echo any)'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" D' -s 'D' -d 'List the interfaces tcpwave can capture on, and exit.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" s' -s 's' -d 'Snapshot length for live capture, in bytes (0: 262144, as tcpdump takes it).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" p' -s 'p' -d 'Do not put the interface into promiscuous mode.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" B' -s 'B' -d 'Kernel capture buffer size, in KiB.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" w' -s 'w' -d 'Also save the raw packets to this pcap file.' -rF
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" Z' -s 'Z' -d 'When started as root, drop to this user once the interface is open (default: nobody).' -rfka '(cut -d: -f1 /etc/passwd)'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" l' -s 'l' -d 'Line-buffered output: each line is written as soon as it is complete (the default when standard output is a terminal).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" U packet-buffered' -s 'U' -l 'packet-buffered' -d 'With -w, write each packet to the file as soon as it is captured or read, not in blocks.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" immediate-mode' -l 'immediate-mode' -d 'Live capture: have the kernel deliver each packet at once instead of in blocks (lower latency, but packets are dropped sooner under load).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" duration' -l 'duration' -d 'Stop a live capture after this many seconds.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave"' -s 'n' -d 'Do not resolve addresses or ports (tcpwave never does; accepted as -n or -nn).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" S' -s 'S' -d 'Print absolute TCP sequence numbers.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave"' -s 't' -d 'Timestamps: -t none, -tt epoch seconds, -ttt since previous, -tttt date, -ttttt since first.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" nano' -l 'nano' -d 'Print timestamps with nanoseconds.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave"' -s 'v' -d 'Verbose: IP header details and TCP checksums (-vv prints seq on every packet).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" q' -s 'q' -d 'Quick output: \'tcp N\' instead of flags and numbers.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" e' -s 'e' -d 'Print the link-level header on each line, as tcpdump -e does (MAC addresses, EtherType, VLAN tags, frame length; the cooked, loopback, PPP, HDLC, 802.11, PPI, ARCNET, Juniper and IPoIB headers).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" c' -s 'c' -d 'Stop after this many TCP packets (the packets tcpwave prints a line for), as tcpdump stops after this many printed packets.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" #' -s '#' -d 'Print the packet number before each line.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" no-annotate' -l 'no-annotate' -d 'Print plain tcpdump lines, without tcpwave\'s annotations.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" timeline' -l 'timeline' -d 'Print each connection\'s state timeline and summary when it ends.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" summary' -l 'summary' -d 'Print only one summary line per connection, no packet lines.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" msl' -l 'msl' -d 'Maximum segment lifetime in seconds; TIME_WAIT lasts 2xMSL.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" idle-timeout' -l 'idle-timeout' -d 'Forget a connection after this many seconds without a packet, whatever its state. Default: by state, as Linux conntrack (5 days established; 120 s opening or closing, 60 s SYN_RECEIVED or CLOSE_WAIT, 30 s LAST_ACK).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" max-flows' -l 'max-flows' -d 'Track at most this many connections; the oldest idle one is evicted.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" syn-flood-threshold' -l 'syn-flood-threshold' -d 'Alert when this many half-open connections to one server endpoint begin within one window (0: off).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" syn-flood-window' -l 'syn-flood-window' -d 'Length of the SYN flood counting window, in seconds.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" stuck-after' -l 'stuck-after' -d 'Alert when endpoints stay in CLOSE_WAIT, FIN_WAIT_2 or LAST_ACK longer than this many seconds of capture time (0: off). Connections in those states are then followed at least 5 times as long without a packet.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" half-open-threshold' -l 'half-open-threshold' -d 'Alert when this many connections to one server endpoint are in SYN_RECEIVED at once (0: off).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" ephemeral-ports' -l 'ephemeral-ports' -d 'Ephemeral ports of a client address (Linux: 28232); alert when its TIME_WAIT connections reach three quarters of them (0: off).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" state-interval' -l 'state-interval' -d 'With --json, add a \'states\' record every this many seconds of capture time: endpoints per state for the whole capture and the busiest server endpoints.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" top' -l 'top' -d 'A full-screen board of every endpoint\'s connections by state, refreshed each second: states with a sparkline of the last minute, the busiest server endpoints, the alerts in force (q quits, s or arrows change the sort). With -r the file is replayed in capture time (--speed). When standard output is not a terminal, the board is printed as text for every second of capture time that has packets.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" speed' -l 'speed' -d 'With --top -r: replay this many times faster than capture time, or \'max\' (default 1).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" single-thread' -l 'single-thread' -d 'Read, decode and track a file on one thread. By default a file is read and decoded (and the tcpdump part of each line written) on a second thread, unless --json packet records, --note-names, diagrams or --explain are asked for.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" note-names' -l 'note-names' -d 'Instead of packet lines, print \'packet<TAB>flow<TAB>notes\' per TCP packet, notes by machine name (retransmission, duplicate_ack, keepalive...) or \'-\'.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" json' -l 'json' -d 'Newline-delimited JSON instead of text (schema tcpwave/1): a record per TCP packet (none with --summary; timelines with --timeline), one per connection as it ends, and a final stats record.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" conn-log' -l 'conn-log' -d 'Print only Zeek conn.log rows, one per connection: --conn-log (Zeek\'s tab-separated log with its # headers) or --conn-log=json (Zeek\'s JSON form).' -rfka 'tsv json'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" ignore-checksums' -l 'ignore-checksums' -d 'For the Zeek columns, do not verify checksums (Zeek\'s -C). Otherwise a packet with a bad TCP checksum only adds \'C\' to the history, and one with a bad IPv4 header checksum is left out.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" likely-server-ports' -l 'likely-server-ports' -d 'Zeek\'s likely_server_ports, which pick the originator of a connection seen without its SYN: ports separated by commas, \'default\' (Zeek\'s default scripts) or \'none\'.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" shard' -l 'shard' -d 'Track and print only the connections in shard K of N (1 <= K <= N), chosen by a fixed hash of the 4-tuple that is the same in both directions and on every machine, so N machines reading the same files split the work without splitting a connection. Packets of other shards print nothing; packet numbers stay the capture\'s; connection numbers go K, K+N, K+2N...' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" sensor' -l 'sensor' -d 'With --json or --conn-log, name where the records came from: a \'sensor\' field in every JSON record, a trailing \'sensor\' column in conn.log. Letters, digits and . _ : @ / - (at most 128).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" diagram' -l 'diagram' -d 'Draw ladder diagrams of the connections into FILE.svg (one below another) or FILE.html (a report: endpoints per state over time, every connection in a searchable table, ladders and time-sequence graphs), when the input ends.' -rfa '(set -l exts \'svg\' \'html\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" ladder' -l 'ladder' -d 'Instead of packet lines, print each connection\'s ladder diagram as text, fitted to the terminal (COLUMNS, else its width, else 100).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" flow' -l 'flow' -d 'Draw only connection N (the #N of the annotations) with --diagram or --ladder.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" explain' -l 'explain' -d 'After each annotated line, one or two sentences in plain language on what happened and why.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" lang' -l 'lang' -d 'Language of --explain: en (default) or zh.' -rfka 'en zh'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave"' -s 'x' -d 'After each packet\'s line, its bytes in hex from the network header on (-xx: from the link-layer header).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave"' -s 'X' -d 'As -x, with the bytes as ASCII beside the hex (-XX: from the link-layer header).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave"' -s 'A' -d 'After each packet\'s line, its bytes as ASCII text from the network header on (-AA: from the link-layer header).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" F' -s 'F' -d 'Read the filter expression from this file (\'#\' starts a comment); no expression may follow the options then.' -rF
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" V' -s 'V' -d 'Read the captures this file lists, one a line (\'-\' for standard input), as one stream: connections, packet numbers and -c carry on from one file into the next. A file that cannot be read is reported and skipped.' -rF
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" merge' -l 'merge' -d 'With several captures (-r more than once, or -V): order their packets by time across the files, as mergecap does, instead of reading one file after the other.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" C' -s 'C' -d 'With -w: start a new file once the current one is larger than this many millions of bytes; the files after the first get a number after the name (1, 2, ...), as tcpdump names them.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" G' -s 'G' -d 'With -w: start a new file every this many seconds; the -w name may hold strftime(3) conversions (%Y-%m-%d_%H:%M:%S).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" W' -s 'W' -d 'With -C: use this many file names in turn, overwriting the oldest (a ring of files); with -G alone: stop after this many files.' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" z' -s 'z' -d 'With -C or -G: run \'COMMAND FILE\' on each file a rotation closes (gzip, a script...).' -rfka '(compgen -c)'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" K' -s 'K' -d 'Verify no IP or TCP checksum: none printed with -v, and for the Zeek columns as --ignore-checksums.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" N' -s 'N' -d 'Do not print domain names qualified (tcpwave never resolves names; accepted for habit).'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" count' -l 'count' -d 'Print only the number of packets read (those the filter passes), as tcpdump --count does.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" time-stamp-precision' -l 'time-stamp-precision' -d 'Timestamps in micro(seconds) or nano(seconds): libpcap scales a file\'s times, and a live capture asks the kernel for them (--nano is the same as nano).' -rfka 'micro nano'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" Q direction' -s 'Q' -l 'direction' -d 'Live capture: only packets received (in), sent (out), or both (inout, the default).' -rfka 'in out inout'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" L' -s 'L' -d 'List the data link types the interface (-i) can deliver, and exit.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" linktype y' -s 'y' -l 'linktype' -d 'Live capture: ask the interface for this data link type (a name -L prints, such as EN10MB or LINUX_SLL2).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" J list-time-stamp-types' -s 'J' -l 'list-time-stamp-types' -d 'List the timestamp sources the interface (-i) offers, and exit.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" j time-stamp-type' -s 'j' -l 'time-stamp-type' -d 'Live capture: take timestamps from this source (a name -J prints, such as host or adapter).' -rfka ''
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" version' -l 'version' -d 'Show the version.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_positional "tcpwave" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'tcpwave' -n '__tcpwave_should_offer_completions_for_flags_or_options "tcpwave help" version' -l 'version' -d 'Show the version.'
