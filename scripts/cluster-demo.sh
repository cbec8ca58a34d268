#!/usr/bin/env bash
# Runs a three-server Chassis cluster on this machine: a throwaway PostgreSQL (initdb + pg_ctl,
# trust authentication, 127.0.0.1 only) and three chassis-server members (admin API on
# 127.0.0.1:8081..8083). It installs the example SolidFire driver on member a, creates three
# pools there, and tests one pool through each member: the members that do not own it forward
# the call to its owner over the signed inter-server channel. Ctrl-C stops everything and
# removes the temporary directory.
# Needs a build (pnpm build) and Debian's postgresql (scripts/setup.sh installs it).
# CHASSIS_CLUSTER_DEMO_CHECK=1: start, print `chassis cluster members`, stop (a smoke run).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
server="$repo/packages/server/dist/bin.js"
cli="$repo/packages/cli/dist/bin.js"
car="$repo/examples/management-server/dist/repository/com.example.solidfire-1.0.0.car"
[ -f "$server" ] && [ -f "$car" ] || { echo "build first: pnpm build" >&2; exit 1; }

pgbin=${CHASSIS_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL not found: run scripts/setup.sh as root" >&2; exit 1; }

root=$(mktemp -d -t chassis-cluster-XXXXXX)
pids=()
pg() {
  # initdb and the server refuse to run as root: run them as the postgres system user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pgbin/$1" "${@:2}"; else "$pgbin/$1" "${@:2}"; fi
}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg pg_ctl -D "$root/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT
[ -n "${CHASSIS_CLUSTER_DEMO_KEEP:-}" ] && trap - EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" = 0 ]; then chown postgres "$root"; fi
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
pg initdb -D "$root/pg" -U chassis --auth=trust --no-sync -E UTF8 >/dev/null
pg pg_ctl -D "$root/pg" -w -l "$root/pg.log" \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $root" start >/dev/null
url="postgres://chassis@127.0.0.1:$port/postgres"
echo "PostgreSQL on $url"

mkdir -p "$root/members"
node -e "console.log(require('crypto').randomBytes(32).toString('base64'))" >"$root/members/secret"
i=0
for m in a b c; do
  i=$((i + 1))
  cat >"$root/members/$m.yaml" <<YAML
dataDir: $m
logLevel: warn
admin: { port: 808$i }
state: { kind: postgres, url: "$url" }
trust: { allowUnsigned: [com.example.solidfire] }
cluster: { memberId: $m, secretFile: secret, leaseTtlMs: 5000 }
YAML
  node "$server" --config "$root/members/$m.yaml" >"$root/members/$m.log" 2>&1 &
  pids+=($!)
done

for m in a b c; do
  for _ in $(seq 1 600); do
    [ -s "$root/members/$m/admin-token" ] && grep -q 'Admin API' "$root/members/$m.log" && break
    sleep 0.2
  done
  grep -q 'Admin API' "$root/members/$m.log" || { cat "$root/members/$m.log" >&2; exit 1; }
done
token=$(head -1 "$root/members/a/admin-token")
echo "Members (node $cli cluster members --url http://127.0.0.1:8081 --token $token):"
for _ in $(seq 1 50); do
  out=$(node "$cli" cluster members --url http://127.0.0.1:8081 --token "$token")
  [ "$(grep -c ' alive ' <<<"$out")" = 3 ] && break
  sleep 0.2
done
echo "$out"
[ "$(grep -c ' alive ' <<<"$out")" = 3 ] || { echo "not all three members are alive" >&2; exit 1; }

# One install on a runs on every member; the pools are spread over the three.
cli_on() { # member, command...
  local n=$(( $(printf '%d' "'$1") - 96 ))
  node "$cli" "${@:2}" --url "http://127.0.0.1:808$n" --token "$(head -1 "$root/members/$1/admin-token")"
}
echo; echo "chassis drivers install com.example.solidfire-1.0.0.car (on a):"
cli_on a drivers install "$car"
for p in pool-1 pool-2 pool-3; do
  cli_on a resources create "$p" --driver com.example.solidfire --kind primary-storage-pool \
    mVip=10.20.0.10 sVip=10.20.1.10 clusterAdminUsername=cloudstack clusterAdminPassword=demo-secret
done
owner=''
for _ in $(seq 1 100); do
  owner=$(cli_on a cluster members --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = JSON.parse(s); const ms = v.members ?? v;
      const o = ms.find((m) => (m.resources ?? []).includes("pool-1"));
      console.log(o ? o.memberId : "");
    });')
  [ -n "$owner" ] && break
  sleep 0.2
done
[ -n "$owner" ] || { echo "pool-1 has no owner" >&2; exit 1; }
echo; echo "pool-1 is owned by member $owner; chassis resources test pool-1 on every member:"
for m in a b c; do
  [ "$m" = "$owner" ] && how='its owner' || how="forwarded to $owner"
  echo "-- on $m ($how)"
  for _ in $(seq 1 50); do
    # Right after a pool is created its owner opens it within a heartbeat: retry briefly.
    res=$(cli_on "$m" resources test pool-1 2>&1) && break
    sleep 0.2
  done
  echo "$res"
done
if [ "${CHASSIS_CLUSTER_DEMO_CHECK:-}" = 1 ]; then exit 0; fi
echo "Logs in $root/members/*.log; admin tokens in $root/members/<m>/admin-token. Ctrl-C stops."
wait
