# fish completion for flux, generated from its picocli model by flux.cli.docs.GenerateDocs.
# Do not edit: regenerate with mvn -q compile exec:java@docs -Ddocs.out=.
complete -c flux -e
complete -c flux -f

# flux
complete -c flux -n '__fish_use_subcommand' -a stream -d 'Stream a torrent while it downloads'
complete -c flux -n '__fish_use_subcommand' -a seed -d 'Seed files, directories or .torrent files, many at once from one process, until SIGINT/SIGTERM or until every torrent reached --ratio / --seed-time'
complete -c flux -n '__fish_use_subcommand' -a create -d 'Make a .torrent of a file or directory, hashing on all cores, and print its magnet link'
complete -c flux -n '__fish_use_subcommand' -a info -d 'Show what a torrent holds'
complete -c flux -n '__fish_use_subcommand' -a demo -d 'See flux work with no network'
complete -c flux -n '__fish_use_subcommand' -a help -d 'Display help information about the specified command'
complete -c flux -n '__fish_use_subcommand' -s v -l verbose -d 'Log details to stderr'
complete -c flux -n '__fish_use_subcommand' -s q -l quiet -d 'Print only results and errors'
complete -c flux -n '__fish_use_subcommand' -s h -l help -d 'Show this help message and exit'
complete -c flux -n '__fish_use_subcommand' -s V -l version -d 'Print version information and exit'

# flux stream
complete -c flux -n '__fish_seen_subcommand_from stream' -F
complete -c flux -n '__fish_seen_subcommand_from stream' -s s -l select -x -d 'File to play'
complete -c flux -n '__fish_seen_subcommand_from stream' -s l -l list -d 'Print the torrent\'s files and exit'
complete -c flux -n '__fish_seen_subcommand_from stream' -s p -l port -x -d 'HTTP port'
complete -c flux -n '__fish_seen_subcommand_from stream' -l host -x -d 'HTTP address to listen on'
complete -c flux -n '__fish_seen_subcommand_from stream' -s o -l out -x -d 'Keep the download in DIR'
complete -c flux -n '__fish_seen_subcommand_from stream' -l keep -d 'Keep the downloaded data in the cache directory after exit'
complete -c flux -n '__fish_seen_subcommand_from stream' -l cache-dir -r -F -d 'Where downloads live while streaming'
complete -c flux -n '__fish_seen_subcommand_from stream' -l player -x -d 'Open the stream in a player and exit when it exits'
complete -c flux -n '__fish_seen_subcommand_from stream' -l mpv -d 'Same as --player mpv'
complete -c flux -n '__fish_seen_subcommand_from stream' -l vlc -d 'Same as --player vlc'
complete -c flux -n '__fish_seen_subcommand_from stream' -l timeout -x -d 'Give up when the metadata has not arrived after this long'
complete -c flux -n '__fish_seen_subcommand_from stream' -l window -x -d 'Read-ahead window per reader, in MiB, fetched before the rest of the file'
complete -c flux -n '__fish_seen_subcommand_from stream' -l json -d 'Print events as JSON lines on stdout'
complete -c flux -n '__fish_seen_subcommand_from stream' -l bind -x -d 'Address for the peer port and outgoing peer connections'
complete -c flux -n '__fish_seen_subcommand_from stream' -l peer-port -x -d 'TCP port for incoming peers'
complete -c flux -n '__fish_seen_subcommand_from stream' -l dht -l no-dht -d 'Join the Mainline DHT to find peers'
complete -c flux -n '__fish_seen_subcommand_from stream' -l dht-port -x -d 'UDP port for the DHT'
complete -c flux -n '__fish_seen_subcommand_from stream' -l lsd -d 'Local Service Discovery'
complete -c flux -n '__fish_seen_subcommand_from stream' -l max-peers -x -d 'Most peer connections per torrent'
complete -c flux -n '__fish_seen_subcommand_from stream' -s v -l verbose -d 'Log details to stderr'
complete -c flux -n '__fish_seen_subcommand_from stream' -s q -l quiet -d 'Print only results and errors'
complete -c flux -n '__fish_seen_subcommand_from stream' -s h -l help -d 'Show this help message and exit'
complete -c flux -n '__fish_seen_subcommand_from stream' -s V -l version -d 'Print version information and exit'

# flux seed
complete -c flux -n '__fish_seen_subcommand_from seed' -F
complete -c flux -n '__fish_seen_subcommand_from seed' -l from -r -F -d 'Read more paths from FILE, one per line'
complete -c flux -n '__fish_seen_subcommand_from seed' -l data -r -F -d 'Where the data of .torrent arguments is'
complete -c flux -n '__fish_seen_subcommand_from seed' -l state -r -F -d 'Resume state directory'
complete -c flux -n '__fish_seen_subcommand_from seed' -l ratio -x -d 'Stop a torrent once it uploaded R times its size'
complete -c flux -n '__fish_seen_subcommand_from seed' -l seed-time -x -d 'Stop a torrent after seeding this long'
complete -c flux -n '__fish_seen_subcommand_from seed' -l json -d 'Print JSON lines on stdout'
complete -c flux -n '__fish_seen_subcommand_from seed' -l status-interval -x -d 'Seconds between status lines on stderr'
complete -c flux -n '__fish_seen_subcommand_from seed' -s t -l tracker -x -d 'Tracker announce URL'
complete -c flux -n '__fish_seen_subcommand_from seed' -s w -l web-seed -x -d 'Web seed URL'
complete -c flux -n '__fish_seen_subcommand_from seed' -l piece-size -x -d 'Piece size, a power of two such as 256K or 1M'
complete -c flux -n '__fish_seen_subcommand_from seed' -l private -d 'Mark the torrent private'
complete -c flux -n '__fish_seen_subcommand_from seed' -l comment -x -d 'Comment stored in the torrent'
complete -c flux -n '__fish_seen_subcommand_from seed' -l bind -x -d 'Address for the peer port and outgoing peer connections'
complete -c flux -n '__fish_seen_subcommand_from seed' -l peer-port -x -d 'TCP port for incoming peers'
complete -c flux -n '__fish_seen_subcommand_from seed' -l dht -l no-dht -d 'Join the Mainline DHT to find peers'
complete -c flux -n '__fish_seen_subcommand_from seed' -l dht-port -x -d 'UDP port for the DHT'
complete -c flux -n '__fish_seen_subcommand_from seed' -l lsd -d 'Local Service Discovery'
complete -c flux -n '__fish_seen_subcommand_from seed' -l max-peers -x -d 'Most peer connections per torrent'
complete -c flux -n '__fish_seen_subcommand_from seed' -s v -l verbose -d 'Log details to stderr'
complete -c flux -n '__fish_seen_subcommand_from seed' -s q -l quiet -d 'Print only results and errors'
complete -c flux -n '__fish_seen_subcommand_from seed' -s h -l help -d 'Show this help message and exit'
complete -c flux -n '__fish_seen_subcommand_from seed' -s V -l version -d 'Print version information and exit'

# flux create
complete -c flux -n '__fish_seen_subcommand_from create' -F
complete -c flux -n '__fish_seen_subcommand_from create' -s o -l output -r -F -d 'Where to write the .torrent'
complete -c flux -n '__fish_seen_subcommand_from create' -l name -x -d 'Torrent name'
complete -c flux -n '__fish_seen_subcommand_from create' -l force -d 'Overwrite an existing output file'
complete -c flux -n '__fish_seen_subcommand_from create' -l json -d 'Print the result as one JSON object'
complete -c flux -n '__fish_seen_subcommand_from create' -s t -l tracker -x -d 'Tracker announce URL'
complete -c flux -n '__fish_seen_subcommand_from create' -s w -l web-seed -x -d 'Web seed URL'
complete -c flux -n '__fish_seen_subcommand_from create' -l piece-size -x -d 'Piece size, a power of two such as 256K or 1M'
complete -c flux -n '__fish_seen_subcommand_from create' -l private -d 'Mark the torrent private'
complete -c flux -n '__fish_seen_subcommand_from create' -l comment -x -d 'Comment stored in the torrent'
complete -c flux -n '__fish_seen_subcommand_from create' -s v -l verbose -d 'Log details to stderr'
complete -c flux -n '__fish_seen_subcommand_from create' -s q -l quiet -d 'Print only results and errors'
complete -c flux -n '__fish_seen_subcommand_from create' -s h -l help -d 'Show this help message and exit'
complete -c flux -n '__fish_seen_subcommand_from create' -s V -l version -d 'Print version information and exit'

# flux info
complete -c flux -n '__fish_seen_subcommand_from info' -F
complete -c flux -n '__fish_seen_subcommand_from info' -l json -d 'Print one JSON object'
complete -c flux -n '__fish_seen_subcommand_from info' -l timeout -x -d 'For magnets'
complete -c flux -n '__fish_seen_subcommand_from info' -l bind -x -d 'Address for the peer port and outgoing peer connections'
complete -c flux -n '__fish_seen_subcommand_from info' -l peer-port -x -d 'TCP port for incoming peers'
complete -c flux -n '__fish_seen_subcommand_from info' -l dht -l no-dht -d 'Join the Mainline DHT to find peers'
complete -c flux -n '__fish_seen_subcommand_from info' -l dht-port -x -d 'UDP port for the DHT'
complete -c flux -n '__fish_seen_subcommand_from info' -l lsd -d 'Local Service Discovery'
complete -c flux -n '__fish_seen_subcommand_from info' -l max-peers -x -d 'Most peer connections per torrent'
complete -c flux -n '__fish_seen_subcommand_from info' -s v -l verbose -d 'Log details to stderr'
complete -c flux -n '__fish_seen_subcommand_from info' -s q -l quiet -d 'Print only results and errors'
complete -c flux -n '__fish_seen_subcommand_from info' -s h -l help -d 'Show this help message and exit'
complete -c flux -n '__fish_seen_subcommand_from info' -s V -l version -d 'Print version information and exit'

# flux demo
complete -c flux -n '__fish_seen_subcommand_from demo' -l player -x -d 'Player to open'
complete -c flux -n '__fish_seen_subcommand_from demo' -l no-player -d 'Do not open a player'
complete -c flux -n '__fish_seen_subcommand_from demo' -l serve -d 'Keep serving after the check, until Ctrl-C'
complete -c flux -n '__fish_seen_subcommand_from demo' -s v -l verbose -d 'Log details to stderr'
complete -c flux -n '__fish_seen_subcommand_from demo' -s q -l quiet -d 'Print only results and errors'
complete -c flux -n '__fish_seen_subcommand_from demo' -s h -l help -d 'Show this help message and exit'
complete -c flux -n '__fish_seen_subcommand_from demo' -s V -l version -d 'Print version information and exit'

# flux help
complete -c flux -n '__fish_seen_subcommand_from help' -a 'stream seed create info demo'
complete -c flux -n '__fish_seen_subcommand_from help' -s h -l help -d 'Show usage help for the help command and exit'
complete -c flux -n '__fish_seen_subcommand_from help' -s v -l verbose -d 'Log details to stderr'
complete -c flux -n '__fish_seen_subcommand_from help' -s q -l quiet -d 'Print only results and errors'
