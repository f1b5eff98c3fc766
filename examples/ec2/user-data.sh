#!/bin/bash
# ec2bench on a fresh EC2 instance (Debian 12, Ubuntu 22.04 or later): cloud-init user data.
#
# Installs the ec2bench package for this instance's architecture from PACKAGE_URL (https:// or
# s3://, built by scripts/package) or, when none is given, git and the build dependencies, clones
# ec2bench and runs the README's setup; then runs the suite, copies the results file and this
# script's log to s3://$S3_BUCKET/$S3_PREFIX/,
# and optionally powers the instance off. cloud-init runs user data once, as root, on the first
# boot; the output also lands in /var/log/cloud-init-output.log. It holds no secrets: the upload
# uses the instance profile's credentials (s3:PutObject on the prefix). See docs/ec2.md.
set -euo pipefail

# --- Settings: edit them here, or export them before this script runs (examples/ec2/fleet.tf
# --- and the Run Command example in docs/ec2.md do that). The environment wins.
S3_BUCKET="${S3_BUCKET:-}"                  # empty: the results stay on the instance
S3_PREFIX="${S3_PREFIX:-ec2bench}"          # key prefix, no leading or trailing slash
S3_REGION="${S3_REGION:-}"                  # the bucket's region; empty: the CLI's default
PACKAGE_URL="${PACKAGE_URL:-}"              # the .deb to install, https:// or s3://; {arch} becomes
                                            # amd64 or arm64 (dpkg --print-architecture). Empty:
                                            # clone and build from source (REPO_URL, REPO_REF)
REPO_URL="${REPO_URL:-https://github.com/ec2bench/ec2bench.git}"
REPO_REF="${REPO_REF:-}"                    # a tag, a commit or origin/<branch>; empty: default branch
REPETITIONS="${REPETITIONS:-}"              # --benchmark_repetitions; empty: the preset's (10; 5 with --quick)
EXTRA_ARGS="${EXTRA_ARGS:-}"                # more `ec2bench run` flags, e.g. "--quick"
INSTANCE_STORE="${INSTANCE_STORE:-auto}"    # auto: also run fsync on a blank NVMe instance store
                                            # volume if there is one (formats it); no: never
SHUTDOWN_WHEN_DONE="${SHUTDOWN_WHEN_DONE:-no}"  # yes: power off at the end, success or not
WORK_DIR="${WORK_DIR:-/opt/ec2bench}"       # clone/package, build, results, fsync file (root volume)
LOG_FILE="${LOG_FILE:-/var/log/ec2bench-user-data.log}"
# --- End of settings.

umask 022
mkdir -p "$(dirname "$LOG_FILE")"
exec > >(tee -a "$LOG_FILE") 2>&1
log() { printf '%s ec2bench-user-data: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root (cloud-init and Run Command do)"
  exit 1
fi
case $S3_PREFIX in
  /* | */) log "S3_PREFIX '$S3_PREFIX': no leading or trailing slash"; exit 2 ;;
esac
arch=$(dpkg --print-architecture)
package_url=${PACKAGE_URL//\{arch\}/$arch}
case $package_url in
  "" | https://?* | s3://?*/?*) ;;
  *) log "PACKAGE_URL '$PACKAGE_URL': allowed are https://... and s3://bucket/key, or empty"; exit 2 ;;
esac
export HOME="${HOME:-/root}"  # cloud-init may leave it unset; git needs it
export DEBIAN_FRONTEND=noninteractive
export PATH="$PATH:/snap/bin"
# Wait for the dpkg lock instead of failing: unattended-upgrades often holds it on a first boot.
# APT_CONFIG reaches every apt-get below, scripts/install-deps' included.
APT_CONFIG=$(mktemp)
echo 'DPkg::Lock::Timeout "600";' >"$APT_CONFIG"
export APT_CONFIG

# Results are named like the suite's default (instance type, UTC time) plus a random suffix, so
# that instances of one type started in the same second do not overwrite each other in S3. The
# instance type comes from DMI (Nitro); no instance id or address goes into a name.
itype=$(cat /sys/devices/virtual/dmi/id/product_name 2>/dev/null || true)
[[ $itype =~ ^[a-z][a-z0-9-]*\.[a-z0-9-]+$ ]] || itype=ec2
name="$itype-$(date -u +%Y%m%dT%H%M%SZ)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
out_dir="$WORK_DIR/results"
region_args=()
[[ -z $S3_REGION ]] || region_args=(--region "$S3_REGION")

s3_put() {
  [[ -n $S3_BUCKET && -f $1 ]] || return 0
  local dest="s3://$S3_BUCKET/$S3_PREFIX/$2"
  if aws s3 cp --only-show-errors "${region_args[@]}" "$1" "$dest"; then
    log "copied $1 to $dest"
  else
    log "could not copy $1 to $dest"
    return 1
  fi
}

# shellcheck disable=SC2317  # reached through the EXIT trap
finish() {
  local rc=$?
  log "finished with exit status $rc"
  if command -v aws >/dev/null; then s3_put "$LOG_FILE" "$name.log" || true; fi
  if [[ $SHUTDOWN_WHEN_DONE == yes ]]; then
    log "powering off in one minute (cancel with: shutdown -c)"
    shutdown -h +1 "ec2bench user data finished" || true
  fi
}
trap finish EXIT

log "start: results will be $out_dir/$name.json"
apt-get update -qq
if [[ -z $package_url ]]; then
  apt-get install -y -qq --no-install-recommends ca-certificates git
else
  apt-get install -y -qq --no-install-recommends ca-certificates curl
fi
if [[ -n $S3_BUCKET || $package_url == s3://* ]] && ! command -v aws >/dev/null; then
  candidate=$(apt-cache policy awscli 2>/dev/null | sed -n 's/^ *Candidate: //p' || true)
  if [[ -n $candidate && $candidate != "(none)" ]]; then
    apt-get install -y -qq --no-install-recommends awscli
  elif command -v snap >/dev/null; then
    # Ubuntu 24.04 and later ship the AWS CLI as a snap (published by AWS) instead of a .deb.
    snap wait system seed.loaded
    snap install aws-cli --classic
  else
    log "no awscli package and no snap here: install the AWS CLI, or use neither S3_BUCKET nor s3:// in PACKAGE_URL"
    exit 1
  fi
fi

mkdir -p "$WORK_DIR"
if [[ -n $package_url ]]; then
  # The package of this architecture: apt-get resolves its Depends from the distribution. It was
  # built on one distribution release (Debian 12 for the project's packages) and installs where
  # the same libraries are (docs/ec2.md).
  deb="$WORK_DIR/$(basename "${package_url%%\?*}")"
  [[ $deb == *.deb ]] || deb="$WORK_DIR/ec2bench_$arch.deb"
  log "package $package_url"
  if [[ $package_url == s3://* ]]; then
    aws s3 cp --only-show-errors "${region_args[@]}" "$package_url" "$deb"
  else
    curl -fsSL --proto '=https' --retry 3 -o "$deb" "$package_url"
  fi
  deb_arch=$(dpkg-deb --field "$deb" Architecture)
  if [[ $deb_arch != "$arch" ]]; then
    log "$package_url is for $deb_arch, this instance is $arch: put {arch} in PACKAGE_URL"
    exit 2
  fi
  apt-get install -y -qq --no-install-recommends "$deb"
  bin=/usr/bin
  version=$(dpkg-query -W -f='${Version}' ec2bench)
  provenance="ec2bench_package=ec2bench_${version}_$arch"
  log "ec2bench $version ($arch) installed from the package"
  cd "$WORK_DIR"
else
  src="$WORK_DIR/src"
  if [[ -d $src/.git ]]; then
    git -C "$src" fetch --quiet --tags origin
  else
    git clone --quiet "$REPO_URL" "$src"
  fi
  if [[ -n $REPO_REF ]]; then git -C "$src" checkout --quiet --detach "$REPO_REF"; fi
  commit=$(git -C "$src" rev-parse HEAD)
  provenance="ec2bench_git_commit=$commit"
  log "ec2bench $commit, built from source"

  # The README's setup, one step a line: under set -e a failure inside an && chain would not
  # stop the script.
  cd "$src"
  scripts/install-deps
  cmake --preset release
  cmake --build --preset release
  bin=$PWD/build/release/bench
fi

read -r -a extra <<<"$EXTRA_ARGS"
common=(${REPETITIONS:+"--benchmark_repetitions=$REPETITIONS"} --benchmark_context="$provenance"
        "${extra[@]}")
mkdir -p "$out_dir" "$WORK_DIR/fsync"
status=0

# The whole suite; the fsync file goes on the root volume (EBS).
rc=0
"$bin/ec2bench" run --out="$out_dir/$name.json" --dir="$WORK_DIR/fsync" \
  "${common[@]}" || rc=$?
log "ec2bench run: exit status $rc"
if ((status == 0)); then status=$rc; fi
s3_put "$out_dir/$name.json" "$name.json" || status=1

# fsync again on an NVMe instance store volume, into its own file. Only a blank, unmounted device
# is formatted: one with a partition table, a filesystem or a mount is left alone.
find_blank_instance_store() {
  local dev model
  for dev in /dev/nvme*n1; do
    [[ -b $dev ]] || continue
    model=$(lsblk -dno MODEL "$dev" 2>/dev/null | sed 's/[[:space:]]*$//')
    [[ $model == "Amazon EC2 NVMe Instance Storage" ]] || continue
    [[ -z $(lsblk -no FSTYPE,PTTYPE,MOUNTPOINT "$dev" | tr -d '[:space:]') ]] || continue
    if blkid -p "$dev" >/dev/null 2>&1; then continue; fi
    echo "$dev"
    return 0
  done
  return 1
}
if [[ $INSTANCE_STORE == auto ]] && dev=$(find_blank_instance_store); then
  mnt=/mnt/ec2bench-nvme
  log "instance store $dev: ext4 at $mnt"
  # No lazy initialisation: ext4's background zeroing would write during the measurement.
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$dev"
  mkdir -p "$mnt"
  mount "$dev" "$mnt"
  rc=0
  "$bin/ec2bench" run --only=fsync --out="$out_dir/$name-instance-store.json" \
    --dir="$mnt" "${common[@]}" || rc=$?
  log "ec2bench run --only=fsync on the instance store: exit status $rc"
  if ((status == 0)); then status=$rc; fi
  s3_put "$out_dir/$name-instance-store.json" "$name-instance-store.json" || status=1
fi

exit "$status"
