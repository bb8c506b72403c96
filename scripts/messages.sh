# Sourced by the scripts beside it, with the script's name as the argument: `log` and `die` prefix every line they
# write to stderr with that name, so that a line in a CI log says which script wrote it.
script_name="$1"
log() { echo "$script_name: $*" >&2; }
die() { echo "$script_name: error: $*" >&2; exit 1; }
