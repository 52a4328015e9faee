#!/usr/bin/env bash
# What dpkg-shlibdeps would put in Depends for binaries built against the armhf sysroot
# of install-cross-deps.sh (dpkg-shlibdeps itself only looks at the system's dpkg
# database). For every NEEDED library it finds the sysroot package that holds it, then
# the highest minimum version its symbols file gives for the versioned symbols the
# binaries import (the shlibs file when there is no symbols file). Prints one
# "package (>= version)" per line.
#
#   packaging/sysroot-shlibdeps.sh SYSROOT READELF BINARY...
set -euo pipefail

sysroot=$1 readelf=$2
shift 2

declare -A min_version=()
for binary in "$@"; do
  # Imported symbols as "name@VERSION" (readelf shows "name@VERSION (n)"); symbols files
  # list unversioned ones as "name@Base".
  "$readelf" --dyn-syms -W "$binary" |
    awk '$7 == "UND" && $8 != "" { print ($8 ~ /@/) ? $8 : $8 "@Base" }' |
    sort -u >"$binary.imports"
  for soname in $("$readelf" -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    package=$(awk -v so="$soname" '$3 == so { print $1; exit }' "$sysroot/.canhose-libraries")
    if [[ -z $package ]]; then
      echo "sysroot-shlibdeps: no sysroot package holds $soname" >&2
      exit 1
    fi
    control=$sysroot/.control/$package
    version=""
    if [[ -f $control/symbols ]]; then
      # The section of this soname: " symbol@VERSION minver" lines after its header.
      version=$(awk -v so="$soname" -v imports="$binary.imports" '
        BEGIN { while ((getline s < imports) > 0) used[s] = 1 }
        /^[^ |*]/ { inside = ($1 == so); next }
        inside && /^ / && ($1 in used) { print $2 }
      ' "$control/symbols" | sort -V | tail -1)
    elif [[ -f $control/shlibs ]]; then
      version=$(awk -v lib="${soname%%.so*}" '$1 == lib { if (match($0, /\(>= [^)]*\)/)) print substr($0, RSTART + 4, RLENGTH - 5); exit }' "$control/shlibs")
    fi
    [[ $version == 0 ]] && version=""  # "any version", as dpkg-shlibdeps writes it
    if [[ -n $version ]] && { [[ -z ${min_version[$package]:-} ]] ||
      dpkg --compare-versions "$version" gt "${min_version[$package]}"; }; then
      min_version[$package]=$version
    elif [[ -z ${min_version[$package]+set} ]]; then
      min_version[$package]=""
    fi
  done
  rm -f "$binary.imports"
done

for package in "${!min_version[@]}"; do
  if [[ -n ${min_version[$package]} ]]; then
    echo "$package (>= ${min_version[$package]})"
  else
    echo "$package"
  fi
done | sort
