#!/usr/bin/env bash
# Generates a throw-away PKI for the emulator's HTTPS and mTLS tests into DIR:
#   ca.pem ca.key                 test root CA ("canhose test CA")
#   server.pem server.key         server cert signed by ca.pem, SAN IP:127.0.0.1,
#                                 IP:::1, DNS:localhost
#   wrong-host.pem wrong-host.key server cert signed by ca.pem for DNS:wrong.example.invalid
#                                 only (host-name verification must reject it)
#   other-ca.pem other-ca.key     an unrelated CA (a client trusting only it must reject
#                                 server.pem)
#   client-ca.pem client-ca.key   CA for device (client) certificates
#   client.pem client.key         client cert signed by client-ca.pem, CN=canhose-test-thing
#                                 (the thing name the IoT endpoint expects)
#   rogue-client.pem rogue-client.key  client cert signed by other-ca.pem (must be refused)
# Keys are EC P-256, certificates valid for 30 days. Usage: make_test_pki.sh DIR
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # name subject
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days 30 -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$1.pem" 2>/dev/null
}

leaf() {  # name issuer subject extensions
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$3" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

server_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth'
client_ext='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'

ca ca "/CN=canhose test CA"
ca other-ca "/CN=canhose other test CA"
ca client-ca "/CN=canhose test device CA"
leaf server ca "/CN=localhost" "$server_ext
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
leaf wrong-host ca "/CN=wrong.example.invalid" "$server_ext
subjectAltName=DNS:wrong.example.invalid"
leaf client client-ca "/CN=canhose-test-thing" "$client_ext"
leaf rogue-client other-ca "/CN=canhose-test-thing" "$client_ext"
rm -f ./*.srl
chmod 600 ./*.key
