# Sourced by the bench scripts: where the shared benchmark harness and its work directory are.
#   HB_DIR   the harness (default: ../shared/bench beside the repository; a git worktree checked out one
#            level deeper also finds it one folder further up)
#   HB_WORK  its builds and run records (the harness's default, ~/.cache/netstack4j-bench)
if [ -z "${HB_DIR:-}" ]; then
  for d in "$root/../shared/bench" "$root/../../shared/bench"; do
    [ -f "$d/measure-tun-peer.sh" ] && { HB_DIR=$(cd "$d" && pwd); break; }
  done
fi
[ -n "${HB_DIR:-}" ] && [ -f "$HB_DIR/measure-tun-peer.sh" ] ||
  { echo "bench: harness not found; set HB_DIR to the folder with measure-tun-peer.sh (default ../shared/bench)" >&2; exit 2; }
export HB_DIR
export HB_WORK=${HB_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/netstack4j-bench}
