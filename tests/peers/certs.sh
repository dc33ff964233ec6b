#!/bin/bash
# Test certificates for the loopback peers: a CA, and server certificates that are
# good, wrong-named, expired and self-signed, all made with the openssl command line.
#
# Usage: certs.sh DIR
# Writes into DIR:
#   ca.pem ca.key                    the test CA
#   localhost.pem localhost.key      CN/SAN localhost, 127.0.0.1, ::1, signed by the CA
#   wrongname.pem wrongname.key      CN/SAN wrong.example, signed by the CA
#   expired.pem expired.key          localhost, valid 2020-01-01..2021-01-01, signed by the CA
#   selfsigned.pem selfsigned.key    localhost, self-signed
# Each *.pem holds only the leaf certificate; EC P-256 keys keep it fast.
set -euo pipefail

dir=${1:?usage: certs.sh DIR}
mkdir -p "$dir"
cd "$dir"

make_key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

write_ext() { # NAME SAN
    cat >"$1.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $2
EOF
}

make_ca() {
    make_key ca.key
    openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=envoi test CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem 2>/dev/null
}

# A CA-signed leaf valid from now on for ten years.
sign_leaf() { # NAME CN SAN
    make_key "$1.key"
    write_ext "$1" "$3"
    openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 \
        -days 3650 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}

# OpenSSL 3.0's x509 cannot set dates in the past; `openssl ca` can.
sign_expired() { # NAME CN SAN
    make_key "$1.key"
    write_ext "$1" "$3"
    openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
    mkdir -p ca.db
    : >ca.db/index.txt
    cat >ca.db/ca.cnf <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $PWD/ca.db
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
certificate = $PWD/ca.pem
private_key = $PWD/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
EOF
    openssl rand -hex 8 >ca.db/serial
    openssl ca -batch -notext -config ca.db/ca.cnf -in "$1.csr" -out "$1.pem" \
        -startdate 20200101000000Z -enddate 20210101000000Z -extfile "$1.ext" 2>/dev/null
}

make_selfsigned() { # NAME CN SAN
    make_key "$1.key"
    write_ext "$1" "$3"
    openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "/CN=$2" \
        -addext "subjectAltName=$3" -out "$1.pem" 2>/dev/null
}

local_san="DNS:localhost,IP:127.0.0.1,IP:::1"
make_ca
sign_leaf localhost localhost "$local_san"
sign_leaf wrongname wrong.example "DNS:wrong.example"
sign_expired expired localhost "$local_san"
make_selfsigned selfsigned localhost "$local_san"
rm -rf ./*.csr ./*.ext ca.srl ca.db
chmod 644 ./*.pem ./*.key
