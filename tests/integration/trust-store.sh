#!/bin/bash
# trust-store.sh - without --ca-file, the TLS checks trust OpenSSL's
# default paths as every OpenSSL client does: SSL_CERT_FILE and
# SSL_CERT_DIR when set, else the system's hashed directory.  Against the
# lab's real Postfix smarthost and submission service, whose certificates
# are of lab CAs that the system store does not hold.  SSL_CERT_FILE is
# read as every file the user names is: a FIFO or a missing file ends the
# check with the reason, within the deadline.
set -u
# shellcheck source=/dev/null
. "$LABENV"
dir=$(dirname "$LABENV")/trust-store
rm -rf "$dir"
mkdir -p "$dir/certs" "$dir/empty"
cp "$LAB_CA" "$dir/certs/lab-ca.pem"
openssl rehash "$dir/certs"
mkfifo "$dir/fifo"

# shellcheck source=tests/integration/expect.bash
. "$(dirname "$0")/expect.bash"
EXPECT_PREFIX=trust-store
EXPECT_SECONDS=5 # the checks run with -t 3

smart=(plugins/check_ims_smarthost -H "$LAB_SMART_HOST" -p "$LAB_SMART_PORT"
	-D lab.test -S -t 3)
ok='^SMARTHOST OK - 127\.26\.0\.1:2526 accepted MAIL FROM:<postmaster@lab\.test> over TLS \|'
untrusted='^SMARTHOST CRITICAL - certificate for smarthost\.lab\.test not verified: unable to get local issuer certificate'

expect system-store-lacks-lab-ca 2 "$untrusted" \
	env -u SSL_CERT_FILE -u SSL_CERT_DIR "${smart[@]}"
expect ssl-cert-file 0 "$ok" \
	env -u SSL_CERT_DIR SSL_CERT_FILE="$LAB_CA" "${smart[@]}"
expect ssl-cert-dir 0 "$ok" \
	env -u SSL_CERT_FILE SSL_CERT_DIR="$dir/certs" "${smart[@]}"
expect ssl-cert-dir-without-the-ca 2 "$untrusted" \
	env -u SSL_CERT_FILE SSL_CERT_DIR="$dir/empty" "${smart[@]}"
expect ca-file-replaces-env 2 "$untrusted" \
	env SSL_CERT_FILE="$LAB_HOSTILE_CA" SSL_CERT_DIR="$dir/empty" \
	"${smart[@]}" --ca-file "$LAB_HOSTILE_CA"
expect ca-file-wins 0 "$ok" \
	env SSL_CERT_FILE="$LAB_HOSTILE_CA" "${smart[@]}" --ca-file "$LAB_CA"
expect ssl-cert-file-fifo 2 \
	"^SMARTHOST CRITICAL - 127\.26\.0\.1:2526 failed at STARTTLS: SSL_CERT_FILE $dir/fifo: not a regular file \(a FIFO\) \|" \
	env SSL_CERT_FILE="$dir/fifo" "${smart[@]}"
expect ssl-cert-file-missing 2 \
	"^SMARTHOST CRITICAL - 127\.26\.0\.1:2526 failed at STARTTLS: SSL_CERT_FILE $dir/none: No such file or directory \|" \
	env SSL_CERT_FILE="$dir/none" "${smart[@]}"
expect ssl-cert-file-not-pem 2 \
	"^SMARTHOST CRITICAL - 127\.26\.0\.1:2526 failed at STARTTLS: SSL_CERT_FILE /etc/hostname: no certificate in it \|" \
	env SSL_CERT_FILE=/etc/hostname "${smart[@]}"
expect submission-ssl-cert-file 0 '^SUBMISSION OK - 127\.58\.0\.1:5587 accepted AUTH PLAIN' \
	env SSL_CERT_FILE="$LAB_SUB_CA" plugins/check_ims_submission \
	-H "$LAB_SUB_HOST" -p "$LAB_SUB_PORT" -u "$LAB_SUB_USER" \
	--password-file "$LAB_SUB_USER_PASSWORD_FILE" -t 3
