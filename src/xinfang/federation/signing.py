"""Signed requests and bundle lines between peers: HMAC-SHA256 over the method, path, timestamp, nonce and
the body's SHA-256, with the sender's key id (docs/federation.md, "Security")."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.core.cache import cache

from xinfang import clock

KEY_HEADER = "X-Xf-Key"
TIME_HEADER = "X-Xf-Timestamp"
NONCE_HEADER = "X-Xf-Nonce"
SIGNATURE_HEADER = "X-Xf-Signature"


class Refused(Exception):
    """A request or bundle line this instance will not read; ``reason`` in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _message(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]).encode()


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(
        secret.encode(), _message(method, path, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


def headers(key_id: str, secret: str, method: str, path: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(clock.now().timestamp()))
    nonce = secrets.token_hex(16)
    return {
        KEY_HEADER: key_id,
        TIME_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(secret, method, path, timestamp, nonce, body),
    }


def verify(secret: str, method: str, path: str, got: dict[str, str], body: bytes) -> None:
    """Raise ``Refused`` unless the headers sign this request, recently and for the first time."""
    timestamp, nonce, signature = (got.get(h) or "" for h in (TIME_HEADER, NONCE_HEADER, SIGNATURE_HEADER))
    if not (timestamp.isdigit() and nonce and signature):
        raise Refused("请求缺少签名信息。")
    skew = abs(clock.now().timestamp() - int(timestamp))
    if skew > settings.FEDERATION_MAX_SKEW_SECONDS:
        raise Refused("请求时间戳已过期或超前，拒收。")
    expected = sign(secret, method, path, timestamp, nonce, body)
    if not hmac.compare_digest(expected, signature):
        raise Refused("请求签名无效，拒收。")
    # A nonce seen within the window is a replayed request (the cache is shared by the server's workers).
    if not cache.add(f"federation:nonce:{nonce}", 1, timeout=2 * settings.FEDERATION_MAX_SKEW_SECONDS):
        raise Refused("请求已处理过（重放），拒收。")


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign_line(secret: str, envelope: dict) -> str:
    return hmac.new(secret.encode(), canonical(envelope), hashlib.sha256).hexdigest()


def verify_line(secret: str, envelope: dict, signature: str) -> None:
    if not isinstance(signature, str) or not hmac.compare_digest(sign_line(secret, envelope), signature):
        raise Refused("文件中的事件签名无效，拒收。")
