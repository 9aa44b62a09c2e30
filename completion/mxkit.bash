# mxkit.bash -- bash completion for mxkit (installed as
# /usr/share/bash-completion/completions/mxkit)
#
# Completes the commands (zone print|check|init, serve, lookup, route,
# check, trap listen|report|dnsbl), each command's options as its --help
# lists them (tests/integration/completion keeps the lists in step), file
# names after the options that take a file (the FILE of --zone ORIGIN=FILE
# after the '='), and the fixed values of --mta, --family, --prefer,
# --profile, --color, --only, --reply, --skip and lookup's -t and -c.
# Works in plain bash; bash-completion's helpers are used when present.

# The options of each command, exactly as its --help lists them.
_mxkit_opts() {
	case $1 in
	'')		echo '--version --help' ;;
	'zone print')	echo '--origin --sort --no-include' ;;
	'zone check')	echo '--origin --json --quiet --no-include --max-errors' ;;
	'zone init')	echo '--mx --ipv4 --ipv6 --backup-mx --trap-mx --ns --dir --ttl --serial --email' ;;
	serve)		echo '--zone -c --config --listen --threads --allow-transfer --notify --user --max-udp-size --tcp-idle --tcp-max --tcp-max-per-client --no-tcp --rrl --rrl-slip --rrl-table --log-queries --no-seccomp --check' ;;
	lookup)		echo '-a -A -d -r -s -T -U -v -V -w -4 -6 -c -N -p -R -t -W' ;;
	route)		echo '--server --mta --family --prefer --max-addrs --seed --self-name --self-addr --allow-loopback --timeout --attempts --json --connect --connect-timeout --reply-timeout --max-sessions --smtp-port --helo -h --help' ;;
	check)		echo '--server --ns-port --profile --trap --sending-ip --skip --only --json --bulk --parallel --timeout --attempts --color --list -h --help' ;;
	'trap listen')	echo '--db --listen --hostname --reply --stutter --stutter-max --max-conn --max-per-client --timeout --user --no-seccomp' ;;
	'trap report')	echo '--db --primary-log --log-tz --allow --allow-file --window --skew --gap --trap-start --grace --prefix4 --prefix6 --json -h --help' ;;
	'trap dnsbl')	echo '--zone --report --out --expire --ttl --ns --hostmaster --serial --threshold --reload --now' ;;
	esac
}

# The options of each command that take a value (the next word).
_mxkit_argopts() {
	case $1 in
	'zone print')	echo '--origin' ;;
	'zone check')	echo '--origin --max-errors' ;;
	'zone init')	echo '--mx --ipv4 --ipv6 --backup-mx --trap-mx --ns --dir --ttl --serial --email' ;;
	serve)		echo '--zone -c --config --listen --threads --allow-transfer --notify --user --max-udp-size --tcp-idle --tcp-max --tcp-max-per-client --rrl --rrl-slip --rrl-table' ;;
	lookup)		echo '-c -N -p -R -t -W' ;;
	route)		echo '--server --mta --family --prefer --max-addrs --seed --self-name --self-addr --timeout --attempts --connect-timeout --reply-timeout --max-sessions --smtp-port --helo' ;;
	check)		echo '--server --ns-port --profile --trap --sending-ip --skip --only --bulk --parallel --timeout --attempts --color' ;;
	'trap listen')	echo '--db --listen --hostname --reply --stutter --stutter-max --max-conn --max-per-client --timeout --user' ;;
	'trap report')	echo '--db --primary-log --log-tz --allow --allow-file --window --skew --gap --trap-start --grace --prefix4 --prefix6' ;;
	'trap dnsbl')	echo '--zone --report --out --expire --ttl --ns --hostmaster --serial --threshold --reload --now' ;;
	esac
}

# _mxkit_words: words (array) and cword, with 'a=b' and 'a:b' kept whole,
# from bash-completion when it is loaded, else from the command line up
# to the cursor (split at blanks; quotes are not interpreted).
_mxkit_words() {
	local line
	if declare -F _get_comp_words_by_ref > /dev/null 2>&1; then
		_get_comp_words_by_ref -n =: -w words -i cword 2> /dev/null &&
			return 0
	fi
	line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}
	read -r -a words <<< "$line"
	if [ -z "$line" ] || [[ $line == *[[:blank:]] ]]; then
		words+=('')
	fi
	cword=$((${#words[@]} - 1))
}

# _mxkit_reply WORD...: COMPREPLY = the WORDs that start with $cur.
_mxkit_reply() {
	local w
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _mxkit_reply_list LIST: the same for the words of LIST (blanks or
# newlines between them).
_mxkit_reply_list() {
	local -a list
	read -r -d '' -a list <<< "$1"
	_mxkit_reply "${list[@]}"
}

# _mxkit_files [PREFIX] [-d]: file (or, with -d, directory) names that
# complete the part of $cur after PREFIX. What bash replaces is the text
# after the last COMP_WORDBREAKS character, so PREFIX is dropped from
# the replies when it ends in one ('=' and ':' usually are).
_mxkit_files() {
	local prefix=${1:-} kind=-f f keep slash=/
	[ "${2:-}" = -d ] && kind=-d
	local part=${cur#"$prefix"}
	keep=$prefix
	if [ -n "${COMP_WORDBREAKS+set}" ]; then
		case $prefix in
		*["$COMP_WORDBREAKS"]*) keep=${prefix##*["$COMP_WORDBREAKS"]} ;;
		esac
	fi
	# Inside a completion, readline marks directories itself.
	compopt -o filenames 2> /dev/null && slash=
	COMPREPLY=()
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		[ -d "$f" ] && f=$f$slash
		COMPREPLY+=("$keep$f")
	done < <(compgen "$kind" -- "$part")
	return 0
}

# _mxkit_checks: the check IDs and groups of mxkit check --list.
_mxkit_checks() {
	local prog=${words[0]} list
	list=$("$prog" check --list 2> /dev/null | awk 'NF >= 3 { print $1; print $3 }' | sort -u)
	if [ -z "$list" ]; then
		list='mx ptr ns trap spf dmarc mta-sts tls-rpt tlsa policy'
	fi
	printf '%s\n' "$list"
}

_mxkit() {
	local cur prev words=() cword=0 cmd='' i w argopts
	_mxkit_words
	cur=${words[cword]:-}
	prev=''
	[ "$cword" -gt 0 ] && prev=${words[cword - 1]}
	COMPREPLY=()

	# The command: the first word that is not an option, then for zone
	# and trap the subcommand.
	i=1
	while [ "$i" -lt "$cword" ]; do
		w=${words[i]}
		case $w in
		-*) ;;
		*)
			if [ -z "$cmd" ]; then
				cmd=$w
				case $cmd in
				zone | trap) ;;
				*) break ;;
				esac
			else
				cmd="$cmd $w"
				break
			fi
			;;
		esac
		i=$((i + 1))
	done

	case $cmd in
	'')
		if [[ $cur == -* ]]; then
			_mxkit_reply_list "$(_mxkit_opts '')"
		else
			_mxkit_reply zone serve lookup route check trap
		fi
		return 0
		;;
	zone)
		_mxkit_reply print check init
		return 0
		;;
	trap)
		_mxkit_reply listen report dnsbl
		return 0
		;;
	'zone print' | 'zone check' | 'zone init' | serve | lookup | route | \
	check | 'trap listen' | 'trap report' | 'trap dnsbl') ;;
	*)
		return 0
		;;
	esac

	# --opt=value in one word: complete the value. Bash replaces only
	# what follows the '=' when '=' is a word break (the usual case).
	if [[ $cur == --*=* ]]; then
		local pre=${cur%%=*}= k
		prev=${cur%%=*}
		cur=${cur#"$pre"}
		_mxkit_value "$cmd" "$prev"
		case $COMP_WORDBREAKS in
		*=*) ;;
		*)
			for k in "${!COMPREPLY[@]}"; do
				COMPREPLY[k]=$pre${COMPREPLY[k]}
			done
			;;
		esac
		return 0
	fi

	# The value of the option before.
	argopts=" $(_mxkit_argopts "$cmd") "
	if [ -n "$prev" ] && [[ $argopts == *" $prev "* ]]; then
		_mxkit_value "$cmd" "$prev"
		return 0
	fi

	if [[ $cur == -* ]]; then
		_mxkit_reply_list "$(_mxkit_opts "$cmd")"
		return 0
	fi
	case $cmd in
	'zone print' | 'zone check')
		_mxkit_files
		;;
	serve | 'trap listen' | 'trap report' | 'trap dnsbl')
		_mxkit_reply_list "$(_mxkit_opts "$cmd")"
		;;
	esac
	return 0
}

# _mxkit_value CMD OPTION: COMPREPLY for the value of OPTION ($cur).
_mxkit_value() {
	local cmd=$1 opt=$2
	case "$cmd|$opt" in
	'serve|--zone')
		if [[ $cur == *=* ]]; then
			_mxkit_files "${cur%%=*}="
		fi
		;;
	'serve|-c' | 'serve|--config' | \
	'trap listen|--db' | 'trap report|--db' | \
	'trap report|--primary-log' | 'trap report|--allow-file' | \
	'trap dnsbl|--report' | 'trap dnsbl|--out' | 'trap dnsbl|--reload' | \
	'check|--bulk')
		_mxkit_files
		;;
	'zone init|--dir')
		_mxkit_files '' -d
		;;
	'route|--mta')
		_mxkit_reply rfc postfix exim opensmtpd
		;;
	'route|--family' | 'route|--prefer')
		_mxkit_reply any 4 6
		;;
	'check|--profile')
		_mxkit_reply default tutorial lab
		;;
	'check|--color')
		_mxkit_reply auto always never
		;;
	'check|--only')
		_mxkit_reply mx
		;;
	'check|--skip')
		# CHECK[,CHECK...]: complete the one after the last comma.
		local done='' full=$cur
		if [[ $cur == *,* ]]; then
			done=${cur%,*},
			cur=${cur##*,}
		fi
		_mxkit_reply_list "$(_mxkit_checks)"
		cur=$full
		local k
		for k in "${!COMPREPLY[@]}"; do
			COMPREPLY[k]=$done${COMPREPLY[k]}
		done
		;;
	'trap listen|--reply')
		_mxkit_reply 421 451
		;;
	'lookup|-t')
		_mxkit_reply A AAAA ANY CAA CNAME DNSKEY DS MX NS PTR SOA SRV TLSA TXT
		;;
	'lookup|-c')
		_mxkit_reply IN
		;;
	*)
		COMPREPLY=()
		;;
	esac
	return 0
}

complete -F _mxkit mxkit
