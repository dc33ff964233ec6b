#!/usr/bin/env bash
# Make the S/MIME test certificates in DIR with openssl: a CA, a signer
# (emailProtection, email SAN), a recipient, an expired signer, a signer of
# an unknown CA, a TLS-only certificate; keys mode 0600, a PKCS#12 file.
set -euo pipefail
d=${1:?usage: smime_certs.sh DIR}
mkdir -p "$d"
cd "$d"
umask 077
q() { "$@" >/dev/null 2>&1 || { echo "smime_certs.sh: failed: $*" >&2; exit 1; }; }

cat >ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[email]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$ENV::EMAIL
[tls]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = email:$ENV::EMAIL
CNF

# A self-signed CA.
ca() {
    q openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.crt" -days 3650 \
        -subj "/CN=$2" -addext "basicConstraints=critical,CA:true" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
}
# A certificate issued by CA $2: name $1, email $3, extension section $4.
leaf() {
    q openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1 test/emailAddress=$3"
    EMAIL=$3 q openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial \
        -days 365 -extfile ext.cnf -extensions "$4" -out "$1.crt"
}

ca ca "envoi test CA"
ca otherca "envoi other CA"
leaf signer ca signer@example.org email
leaf rcpt ca rcpt@example.org email
leaf stranger otherca stranger@example.org email
leaf tlsonly ca tlsonly@example.org tls

# Expired: valid from 2020 to 2021, issued with "openssl ca" (explicit dates).
mkdir -p db
: >db/index.txt
echo 1000 >db/serial
cat >ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = db/index.txt
serial = db/serial
new_certs_dir = db
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = email
[any]
commonName = supplied
emailAddress = optional
[email]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:expired@example.org
CNF
q openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr \
    -subj "/CN=expired test/emailAddress=expired@example.org"
q openssl ca -batch -config ca.cnf -in expired.csr -out expired.crt \
    -startdate 20200101000000Z -enddate 20210101000000Z -notext

# The signer as PKCS#12, with a password kept in a file.
printf 'p12 secret\n' >pw.txt
q openssl pkcs12 -export -inkey signer.key -in signer.crt -certfile ca.crt -out signer.p12 \
    -passout "pass:p12 secret"
# Certificate and key in one file.
cat signer.crt signer.key >signer-both.pem
chmod 600 ./*.key ./*.pem ./*.p12 pw.txt
chmod 644 ./*.crt
