#!/usr/bin/env bash
# Creates the Secrets Company Agents expects in a namespace, with fresh random values, unless
# they exist already (it never overwrites: a replaced KEK or signing key would orphan data).
# Needs kubectl (pointing at the cluster), openssl and base64.
#
#   deploy/scripts/create-secrets.sh company-agents-dev
#
# Created (all referenced by name from deploy/kubernetes; none is in the repository):
#   company-agents-db-<component>   basic-auth: the component's Postgres role (username, password);
#                                   CloudNativePG sets the role's password from it
#   company-agents-internal-jwt     private.pem / public.pem: the gateway signs internal tokens, services verify
#   company-agents-admin-key        admin-key: the bootstrap admin API key the gateway adopts
#   company-agents-kek              master.key: secrets-service's local key-encryption key (Tink JSON keyset)
#   company-agents-audit-signing    audit-signing.key: audit-service's Ed25519 checkpoint signing key
#   company-agents-db-backup        ACCESS_KEY_ID / ACCESS_SECRET_KEY for Postgres backups, only when
#                                   BACKUP_ACCESS_KEY_ID and BACKUP_ACCESS_SECRET_KEY are set
# Kafka credentials are not here: Strimzi's User Operator writes one Secret per KafkaUser.
set -euo pipefail

ns="${1:?usage: $0 <namespace>}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
say() { echo "create-secrets: $*" >&2; }

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"

# One Postgres role per component, owning only its schema (see base/postgres).
for pair in agents-service:ca_agents tasks-service:ca_tasks ledger-service:ca_ledger \
            audit-service:ca_audit secrets-service:ca_secrets gateway:ca_gateway; do
  component="${pair%%:*}"; role="${pair##*:}"
  name="company-agents-db-$component"
  if exists "$name"; then say "$name exists, kept"; continue; fi
  kubectl -n "$ns" create secret generic "$name" --type=kubernetes.io/basic-auth \
    --from-literal=username="$role" --from-literal=password="$(openssl rand -hex 24)"
  kubectl -n "$ns" label secret "$name" cnpg.io/reload=true >/dev/null
done

# The internal-token key pair (RSA 2048, PKCS#8 PEM, as 'company-agents up' makes it).
if ! exists company-agents-internal-jwt; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/private.pem" 2>/dev/null
  openssl pkey -in "$work/private.pem" -pubout -out "$work/public.pem"
  kubectl -n "$ns" create secret generic company-agents-internal-jwt \
    --from-file=private.pem="$work/private.pem" --from-file=public.pem="$work/public.pem"
else say "company-agents-internal-jwt exists, kept"; fi

# The bootstrap admin API key: ca_admin_ + 48 hex digits. Read it back with
#   kubectl -n NS get secret company-agents-admin-key -o jsonpath='{.data.admin-key}' | base64 -d
if ! exists company-agents-admin-key; then
  kubectl -n "$ns" create secret generic company-agents-admin-key \
    --from-literal=admin-key="ca_admin_$(openssl rand -hex 24)"
else say "company-agents-admin-key exists, kept"; fi

# secrets-service's local KEK: a Tink JSON keyset with one AES-256-GCM key, key id (= KEK
# version) 1. The key value is the serialized AesGcmKey (field 3, 32 bytes).
if ! exists company-agents-kek; then
  value="$( (printf '\032\040'; openssl rand 32) | base64 | tr -d '\n')"
  printf '{"primaryKeyId":1,"key":[{"keyData":{"typeUrl":"type.googleapis.com/google.crypto.tink.AesGcmKey","value":"%s","keyMaterialType":"SYMMETRIC"},"status":"ENABLED","keyId":1,"outputPrefixType":"TINK"}]}\n' \
    "$value" > "$work/master.key"
  kubectl -n "$ns" create secret generic company-agents-kek --from-file=master.key="$work/master.key"
else say "company-agents-kek exists, kept"; fi

# audit-service's checkpoint signing key: line 1 the PKCS#8 private key, line 2 the X.509
# public key, both DER in base64 (as audit-service writes it on a laptop).
if ! exists company-agents-audit-signing; then
  openssl genpkey -algorithm ed25519 -outform DER -out "$work/ed.der"
  { openssl base64 -A -in "$work/ed.der"; echo
    openssl pkey -inform DER -in "$work/ed.der" -pubout -outform DER | openssl base64 -A; echo; } > "$work/audit-signing.key"
  kubectl -n "$ns" create secret generic company-agents-audit-signing --from-file=audit-signing.key="$work/audit-signing.key"
else say "company-agents-audit-signing exists, kept"; fi

# Object-storage credentials for Postgres backups (production).
if [[ -n "${BACKUP_ACCESS_KEY_ID:-}" && -n "${BACKUP_ACCESS_SECRET_KEY:-}" ]] && ! exists company-agents-db-backup; then
  kubectl -n "$ns" create secret generic company-agents-db-backup \
    --from-literal=ACCESS_KEY_ID="$BACKUP_ACCESS_KEY_ID" --from-literal=ACCESS_SECRET_KEY="$BACKUP_ACCESS_SECRET_KEY"
fi
say "done in namespace $ns"
