#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing, and says what and why.
# `npm test` runs it first (the `pretest` script) and so does `.ci/run`: on a fresh Debian 12
# machine, `npm install && npm test` as root is the whole set-up. Not as root, it installs
# nothing: it lists what is missing and prints the command to run, and fails.
#
# BROWSERS=chromium (or firefox, webkit, or a list) leaves the others out, as the test runners do.
# The tests start their own brokers on free 127.0.0.1 ports, in temp dirs (scripts/mosquitto.js,
# ejabberd.js, rabbitmq.js); they never use a system service these packages may start.
set -euo pipefail

# What the tests run, the package that brings it, and why the tests need it. A reused machine
# that has them all is not touched (no apt-get at all).
checks=(
  # path | package | why
  '/usr/bin/openssl|openssl|test certificates for the wss:// and https:// tests'
  '/usr/sbin/mosquitto|mosquitto|broker: MQTT 3.1.1 and 5 over WebSocket, the main one of the tests'
  '/usr/bin/mosquitto_passwd|mosquitto|the password file of the mosquitto listener that needs a login'
  '/usr/bin/mosquitto_pub|mosquitto-clients|publishes to every broker as a peer outside the page'
  '/usr/bin/mosquitto_sub|mosquitto-clients|the whole-page tests read what a page published'
  '/usr/sbin/ejabberdctl|ejabberd|broker: ejabberd 23.01 (mod_mqtt, MQTT 3.1.1 and 5), one of the four the tests run against'
  '/usr/lib/rabbitmq/bin/rabbitmq-server|rabbitmq-server|broker: RabbitMQ 3.10 (web_mqtt), one of the four, and the 2-node cluster of the failover test'
  '/usr/bin/epmd|erlang-base|the Erlang port mapper each RabbitMQ deployment runs on its own port'
  '/usr/sbin/nginx|nginx-light|reverse proxy in front of mosquitto for test/e2e/proxy.test.js (https page, url="/mqtt", idle timeouts)'
)
browsers=",${BROWSERS:-chromium,firefox,webkit},"
[[ $browsers == *,chromium,* ]] && checks+=('/usr/bin/chromium|chromium|browser: the tests run in Chromium (Debian build, driven by Playwright)')
[[ $browsers == *,firefox,* ]] && checks+=('/usr/bin/firefox-esr|firefox-esr|browser: the tests run in Firefox ESR (driven by WebDriver BiDi)')
[[ $browsers == *,webkit,* ]] && checks+=(
  '/usr/bin/WebKitWebDriver|webkit2gtk-driver|browser: the tests run in WebKit (WebKitGTK, the engine of every iOS browser and of Safari), driven by WebKitGTK'"'"'s WebDriver; it brings libwebkit2gtk-4.1-0, whose MiniBrowser is the browser'
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser|libwebkit2gtk-4.1-0|the WebKit browser the driver starts'
  '/usr/bin/Xvfb|xvfb|a display for WebKit, which has no headless mode (scripts/webkit.js starts one per run)'
)

missing=()
declare -A why=()
for check in "${checks[@]}"; do
  IFS='|' read -r path package reason <<<"$check"
  [[ -e $path ]] && continue
  [[ -v why[$package] ]] || missing+=("$package")
  why[$package]="${why[$package]:+${why[$package]}; }$reason"
done

if ((${#missing[@]} == 0)); then
  echo "system packages for the tests: all installed"
  exit 0
fi

echo "system packages the tests need and this machine lacks:"
for package in "${missing[@]}"; do echo "  $package: ${why[$package]}"; done

if [[ $(id -u) != 0 ]]; then
  echo >&2
  echo "Not root, so nothing was installed. Install them with:" >&2
  echo "  sudo $(realpath "$0")" >&2
  exit 1
fi

# ejabberd alone without its recommended packages: it needs none of them to serve MQTT.
plain=()
bare=()
for package in "${missing[@]}"; do
  if [[ $package == ejabberd ]]; then bare+=("$package"); else plain+=("$package"); fi
done
export DEBIAN_FRONTEND=noninteractive
echo "==> apt-get update"
apt-get update -q
if ((${#plain[@]})); then
  echo "==> apt-get install ${plain[*]}"
  apt-get install -y -q "${plain[@]}"
fi
if ((${#bare[@]})); then
  echo "==> apt-get install --no-install-recommends ${bare[*]}"
  apt-get install -y -q --no-install-recommends "${bare[@]}"
fi
echo "system packages for the tests: installed ${missing[*]}"
