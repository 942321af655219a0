#!/usr/bin/env bash
# Static checks of the docker/ files (no Docker engine needed): every path they copy or mount exists,
# the compose file parses as YAML-ish structure we expect, and the nginx config passes `nginx -t`
# once the upstream host is replaced by a local address. Prints "docker: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd)
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1"; fi; }
for p in $(sed -n 's/^COPY \(--from=[a-z]* \)\{0,1\}\([^ ]*\) .*/\2/p' "$here/Dockerfile" | grep -v '^/'); do
    check "Dockerfile COPY source $p exists" "[ -e '$root/$p' ]"
done
for m in $(sed -n 's/^ *- \(\.[^:]*\):.*/\1/p' "$here/docker-compose.yml"); do
    check "compose mount $m exists" "[ -e '$here/$m' ]"
done
for s in postgres migrate pgbouncer rolesd nginx; do
    check "compose defines service $s" "grep -q '^  $s:' '$here/docker-compose.yml'"
done
while read -r line; do
    case "$line" in
        "ok - "*) pass=$((pass + 1)); echo "$line" ;;
        *) fail=$((fail + 1)); echo "$line" ;;
    esac
done < <(python3 "$here/check_compose.py" 2>&1 || echo "not ok - check_compose.py failed")
if command -v docker-compose >/dev/null; then
    check "docker-compose config validates the compose file" \
        "docker-compose -f '$here/docker-compose.yml' config -q >/dev/null 2>&1"
else
    check "docker-compose is installed (tests/stack.sh deps)" false
fi
# a Canvas Link header may be up to 56k (RD_PAGE_LINK_MAX): every nginx config must read answer headers that long
for conf in "$root/nginx/rolesd.conf.in" "$here/nginx.conf" "$root/nginx/production.conf"; do
    check "${conf#$root/} reads rolesd answer headers up to 64k" "grep -Eq '^ *fastcgi_buffer_size 64k;' '$conf'"
done
check "compose has no tabs" "! grep -q \$'\\t' '$here/docker-compose.yml'"
tmp=$(mktemp -d)
sed -e 's/server rolesd:9000;/server 127.0.0.1:9;/' -e "s|/etc/nginx/rolesd_fastcgi_params|$root/nginx/fastcgi_params|" \
    -e "s|/etc/nginx/rolesd_errors.conf|$root/nginx/errors.conf|" -e 's/listen 80 default_server;/listen 127.0.0.1:1 default_server;/' -e 's/listen 9145;/listen 127.0.0.1:2;/' -e "s|/dev/stdout|$tmp/access.log|" \
    "$here/nginx.conf" > "$tmp/nginx.conf"
check "docker nginx.conf passes nginx -t" "nginx -t -q -p '$tmp' -c '$tmp/nginx.conf' -e '$tmp/error.log' 2>/dev/null"
# the production config, with a throwaway certificate and local paths
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
    >/dev/null 2>&1
sed -e "s|/etc/ssl/rolesd/fullchain.pem|$tmp/cert.pem|" -e "s|/etc/ssl/rolesd/privkey.pem|$tmp/key.pem|" \
    -e "s|/etc/nginx/rolesd_fastcgi_params|$root/nginx/fastcgi_params|" -e "s|/etc/nginx/rolesd_errors.conf|$root/nginx/errors.conf|" \
    -e "s|/var/log/nginx|$tmp|g" \
    -e "s|^pid .*|pid $tmp/nginx.pid;|" -e "s|^user .*||" -e '/listen \[::\]/d' -e 's/listen 80 /listen 127.0.0.1:1 /' -e 's/listen 443 /listen 127.0.0.1:2 /' \
    -e 's/listen 10.0.0.10:/listen 127.0.0.1:/' \
    "$root/nginx/production.conf" > "$tmp/production.conf"
check "nginx/production.conf passes nginx -t" "nginx -t -q -p '$tmp' -c '$tmp/production.conf' -e '$tmp/error.log'"
rm -rf "$tmp"
echo "docker: $pass passed, $fail failed"
[ $fail -eq 0 ]
