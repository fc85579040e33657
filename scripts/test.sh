#!/usr/bin/env bash
# The test command (the README's and CI's): installs the optional Debian packages some tests read
# when it runs as root, runs `mvn -B test` (extra arguments go to Maven, e.g. -Pfast or -Dtest=...),
# and ends with one line saying how many tests were skipped for a missing package, and which.
# A test that needs an absent package is skipped, never failed, so this passes on a fresh machine.
# PROVPT_TEST_NO_INSTALL=1: install nothing, only report what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."

# package | a file it installs (exec: an executable, python3: a module) | the tests that need it
packages=(
  "dataset-fashion-mnist|/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz|FashionMnistTest"
  "chromium|exec:/usr/bin/chromium|StatusPageTest (the status page in a browser)"
  "python3-numpy|python3:numpy|FixtureScriptTest (the NumPy reference behind the checkpoint-import fixtures)"
  "python3-sklearn|/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz|the digits suite tasks' tests"
  "fonts-aenigma|/usr/share/fonts/truetype/aenigma/zurklezs.ttf|the letters suite tasks' and the glyph tests"
  "fonts-dejavu-core|/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf|the letters suite tasks' and the glyph tests"
  "fonts-liberation|/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf|the letters suite tasks' and the glyph tests"
  "fonts-freefont-ttf|/usr/share/fonts/truetype/freefont/FreeSans.ttf|the letters suite tasks' and the glyph tests"
  "fonts-urw-base35|/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf|the letters suite tasks' and the glyph tests"
  "fonts-dustin|/usr/share/fonts/truetype/dustin/Dustismo.ttf|the letters suite tasks' and the glyph tests"
)

installed() { # marker
  if [[ "$1" == python3:* ]]; then
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import ${1#python3:}" 2>/dev/null
  elif [[ "$1" == exec:* ]]; then
    [ -x "${1#exec:}" ]
  else
    [ -e "$1" ]
  fi
}

missing() {
  local entry
  for entry in "${packages[@]}"; do
    IFS='|' read -r name marker _ <<<"$entry"
    installed "$marker" || echo "$name"
  done
}

need=($(missing))
if [ ${#need[@]} -gt 0 ]; then
  if [ "${PROVPT_TEST_NO_INSTALL:-0}" = 1 ]; then
    echo "test.sh: not installing (PROVPT_TEST_NO_INSTALL=1): ${need[*]}"
  elif [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: not root, so not installing: ${need[*]} (run as root, or apt-get install them)"
  elif command -v apt-get >/dev/null; then
    echo "test.sh: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || echo "test.sh: apt-get update failed; trying the package lists already here"
    if ! apt-get install -y -qq "${need[@]}" >/dev/null; then
      for name in "${need[@]}"; do # one by one, so one unavailable package does not stop the others
        apt-get install -y -qq "$name" >/dev/null 2>&1 || true
      done
    fi
    need=($(missing))
    [ ${#need[@]} -eq 0 ] || echo "test.sh: could not install: ${need[*]}"
  else
    echo "test.sh: no apt-get here, so not installing: ${need[*]}"
  fi
  declare -A left_out=() # the tests a missing package leaves out -> the missing packages
  order=()
  for entry in "${packages[@]}"; do
    IFS='|' read -r name _ tests <<<"$entry"
    if [[ " ${need[*]} " == *" $name "* ]]; then
      [ -n "${left_out[$tests]:-}" ] || order+=("$tests")
      left_out[$tests]="${left_out[$tests]:-}${left_out[$tests]:+ }$name"
    fi
  done
  for tests in "${order[@]}"; do
    echo "test.sh: without ${left_out[$tests]}, these are skipped: $tests"
  done
fi

export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
reports=target/surefire-reports
mkdir -p target && touch target/.test-started
mvn -B test "$@"
status=$?

# Every report this run wrote: count the tests skipped for a missing package (their message starts
# with DebianPackages.SKIP_MARK) and name the packages.
fresh=()
if [ -d "$reports" ]; then
  while IFS= read -r -d '' file; do fresh+=("$file"); done \
    < <(find "$reports" -name 'TEST-*.xml' -newer target/.test-started -print0)
fi
marks=""
if [ ${#fresh[@]} -gt 0 ]; then
  marks="$(grep -h '<skipped' "${fresh[@]}" | grep -o 'missing Debian package: [^("<]*' || true)"
fi
count=$(printf '%s' "$marks" | grep -c . || true)
names="$(printf '%s\n' "$marks" | sed -n 's/.*missing Debian package: //p' | tr ' ' '\n' | grep . | sort -u | paste -sd' ' -)"
if [ "$count" -eq 0 ]; then
  echo "test.sh: no test skipped for a missing Debian package"
else
  echo "test.sh: $count tests skipped for a missing Debian package: $names"
fi
exit $status
