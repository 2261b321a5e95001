"""DSSE envelopes (Dead Simple Signing Envelope) over in-toto Statements, signed with Ed25519.

The payload is an in-toto Statement v1 whose subjects are the bundle's files and their sha256:
the signature covers every file through its digest.  Standard library plus `cryptography`.
"""
from __future__ import annotations

import base64
import hashlib
import json

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://proofgate.invalid/evidence-bundle/v1"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what is actually signed."""
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def keyid(public_key) -> str:
    from cryptography.hazmat.primitives import serialization
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def envelope(statement: dict, private_key=None) -> bytes:
    payload = json.dumps(statement, indent=1, sort_keys=True).encode()
    signatures = []
    if private_key is not None:
        signatures.append({"keyid": keyid(private_key.public_key()),
                           "sig": base64.b64encode(private_key.sign(pae(PAYLOAD_TYPE, payload))).decode()})
    env = {"payloadType": PAYLOAD_TYPE, "payload": base64.b64encode(payload).decode(), "signatures": signatures}
    return json.dumps(env, indent=1, sort_keys=True).encode() + b"\n"


def _json(data: bytes):
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def open_envelope(data: bytes) -> tuple[dict, bytes, list]:
    """(statement, payload bytes, signatures); ValueError if it is not a well-formed envelope."""
    env = _json(data)
    if not isinstance(env, dict) or env.get("payloadType") != PAYLOAD_TYPE:
        raise ValueError(f"not a DSSE envelope of type {PAYLOAD_TYPE}")
    payload = base64.b64decode(env.get("payload", ""), validate=True)
    signatures = env.get("signatures")
    if not isinstance(signatures, list):
        raise ValueError("the envelope has no list of signatures")
    statement = _json(payload)
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE \
            or statement.get("predicateType") != PREDICATE_TYPE or not isinstance(statement.get("subject"), list):
        raise ValueError("the payload is not a proofgate in-toto Statement v1")
    return statement, payload, signatures


def signed_by(payload: bytes, signatures: list, public_key) -> bool:
    from cryptography.exceptions import InvalidSignature
    wanted, message = keyid(public_key), pae(PAYLOAD_TYPE, payload)
    for s in signatures:
        if not isinstance(s, dict) or s.get("keyid") not in (wanted, None, ""):
            continue
        try:
            public_key.verify(base64.b64decode(s.get("sig", ""), validate=True), message)
            return True
        except (InvalidSignature, ValueError):
            continue
    return False


def load_private_key(path):
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    password = os.environ.get("PROOFGATE_KEY_PASSWORD")
    with open(path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password.encode() if password else None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def load_public_key(path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    with open(path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def generate(private_path, public_path) -> str:
    """Write a new key pair (private PEM, mode 0600; public PEM); returns the key id."""
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private)
    with open(public_path, "xb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))
    return keyid(key.public_key())
