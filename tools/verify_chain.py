#!/usr/bin/env python3
"""Recompute Tracker's hash chain from a dump, independently of Tracker (Python standard library only).

    psql -XAt -f tools/chain-dump.sql "$DATABASE_URL" > chain.jsonl
    python3 tools/verify_chain.py chain.jsonl [--checkpoint checkpoint.json]

Prints "N events verified, head H" and exits 0, or names the first position that fails and exits 1.

The encoding (README, "Proving the record"): hash(n) = SHA-256( b"tracker-event-chain-v1" || hash(n-1) || fields ),
hash(0) = 32 zero bytes; the fields, in order, are seq_id, stream_id, version, type, timestamp, user_name,
correlation_id, causation_id, headers, data, each as its UTF-8 length in 8 bytes big-endian (-1 for NULL, then no
bytes) followed by its UTF-8 bytes. Numbers are decimal text; the timestamp is UTC with six fractional digits and a Z
(PostgreSQL's -infinity or infinity for an infinite one: Marten dates its tombstones -infinity);
headers and data are PostgreSQL's text of the jsonb value, byte for byte.

A checkpoint's Ed25519 signature needs more than the standard library; this script checks that the chain reaches the
checkpoint's position with the checkpoint's head. To check the signature too, with OpenSSL 3:
    python3 tools/verify_chain.py --checkpoint cp.json --openssl DIR
writes DIR/signed.txt, DIR/key.pem and DIR/signature.bin and prints the openssl command that checks them.
"""
import base64
import os
import hashlib
import json
import struct
import sys

DOMAIN = b"tracker-event-chain-v1"
FIELDS = ("seq_id", "stream_id", "version", "type", "timestamp", "user_name", "correlation_id", "causation_id",
          "headers", "data")


def field(value):
    if value is None:
        return struct.pack(">q", -1)
    raw = str(value).encode("utf-8")
    return struct.pack(">q", len(raw)) + raw


def event_hash(previous, row):
    h = hashlib.sha256(DOMAIN)
    h.update(previous)
    for name in FIELDS:
        h.update(field(row[name]))
    return h.digest()


def signed_text(cp):
    seq = "" if cp.get("sequence") is None else str(cp["sequence"])
    return f"tracker-checkpoint-v1\n{cp['position']}\n{seq}\n{cp['head']}\n{cp['signedAt']}\n".encode("utf-8")


def openssl_files(cp, folder):
    os.makedirs(folder, exist_ok=True)
    # An Ed25519 public key as SubjectPublicKeyInfo: a fixed 12-byte DER prefix, then the 32 raw bytes.
    spki = bytes.fromhex("302a300506032b6570032100") + base64.b64decode(cp["publicKey"])
    pem = "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(spki).decode() + "\n-----END PUBLIC KEY-----\n"
    paths = {name: os.path.join(folder, name) for name in ("signed.txt", "key.pem", "signature.bin")}
    with open(paths["signed.txt"], "wb") as f:
        f.write(signed_text(cp))
    with open(paths["key.pem"], "w") as f:
        f.write(pem)
    with open(paths["signature.bin"], "wb") as f:
        f.write(base64.b64decode(cp["signature"]))
    print(f"openssl pkeyutl -verify -pubin -inkey {paths['key.pem']} -rawin -in {paths['signed.txt']} -sigfile {paths['signature.bin']}")
    return 0


def main(argv):
    args = argv[1:]
    checkpoint = None
    if "--checkpoint" in args:
        i = args.index("--checkpoint")
        with open(args[i + 1], encoding="utf-8") as f:
            checkpoint = json.load(f)
        del args[i:i + 2]
        if "--openssl" in args:
            return openssl_files(checkpoint, args[args.index("--openssl") + 1])
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2

    previous = bytes(32)
    expected = 1
    verified = 0
    seen_checkpoint = False
    with open(args[0], encoding="utf-8") as dump:
        for line_number, line in enumerate(dump, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            position = row["position"]
            where = f"position {position} (event #{row['chain_seq_id']}, {row['chain_stream_id']} v{row['chain_version']})"
            if position != expected:
                print(f"FAILED at position {expected}: its hash row is missing (line {line_number} has position {position})")
                return 1
            if row["seq_id"] is None:
                print(f"FAILED at {where}: the event is gone from the log")
                return 1
            if row["stream_id"] != row["chain_stream_id"] or row["version"] != row["chain_version"]:
                print(f"FAILED at {where}: the event stored there is {row['stream_id']} v{row['version']}: order changed")
                return 1
            computed = event_hash(previous, row)
            if computed.hex() != row["hash"]:
                print(f"FAILED at {where}: the event no longer matches its hash (data changed): "
                      f"computed {computed.hex()}, stored {row['hash']}")
                return 1
            if checkpoint is not None and position == checkpoint["position"]:
                if computed.hex() != checkpoint["head"]:
                    print(f"FAILED at {where}: the checkpoint says head {checkpoint['head']}, the chain gives {computed.hex()}")
                    return 1
                seen_checkpoint = True
            previous = computed
            verified += 1
            expected += 1
    if checkpoint is not None and not seen_checkpoint:
        print(f"FAILED: the chain ends at position {expected - 1}, before the checkpoint's position {checkpoint['position']}")
        return 1
    print(f"{verified} events verified, head {previous.hex() if verified else bytes(32).hex()}"
          + (f", extends the checkpoint at position {checkpoint['position']}" if checkpoint is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
