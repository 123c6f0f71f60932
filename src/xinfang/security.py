"""Middleware a production site needs that Django's own does not cover here."""

from __future__ import annotations

import contextlib
import ipaddress

from django.middleware.clickjacking import XFrameOptionsMiddleware


class FrameOptionsMiddleware(XFrameOptionsMiddleware):
    """X-Frame-Options on every response: DENY (settings.X_FRAME_OPTIONS), SAMEORIGIN under /admin/.

    simpleui's AppConfig.ready() removes django.middleware.clickjacking.XFrameOptionsMiddleware from
    MIDDLEWARE, because its admin opens each page in a same-origin iframe; that left the workbench and the
    public portal with no clickjacking protection at all. A subclass under another name survives that removal.
    """

    def get_xframe_options_value(self, request, response):
        if request.path.startswith("/admin/"):
            return "SAMEORIGIN"
        return super().get_xframe_options_value(request, response)


class ClientAddressMiddleware:
    """REMOTE_ADDR from X-Real-IP, which nginx always overwrites with the address it was connected from.

    Behind nginx every request arrives from 127.0.0.1: without this, the audit log records the proxy as every
    petitioner's address and the portal's per-address rate limit throttles the whole county at once. Only
    installed with XF_BEHIND_PROXY (on with XF_SECURE), which the deployment pairs with gunicorn listening on
    127.0.0.1, so no client can reach it without passing through nginx.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        # Not an address: keep the socket's peer rather than trust garbage.
        if forwarded:
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
        return self.get_response(request)


# One policy for every page of ours: scripts, styles, fonts and images only from this site, no plugins, no
# framing by others, forms only back to us. Nothing of ours is inline, so no nonce is needed; a test in the
# browser suite fails on any violation. Two places run third-party front ends that need more:
_STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CSP_BY_PREFIX = [
    # simpleui's admin is a Vue app compiled in the page (eval) with inline handlers, framed by itself.
    (
        "/admin/",
        {
            **_STRICT,
            "script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src": "'self' 'unsafe-inline'",
            "frame-ancestors": "'self'",
        },
    ),
    # Swagger UI (served from drf-spectacular-sidecar, its start script split out) styles elements inline.
    ("/api/docs/", {**_STRICT, "style-src": "'self' 'unsafe-inline'"}),
    ("/", _STRICT),
]
# No page of xinfang uses a camera, microphone, location, payment or USB device: the browser refuses them all.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "display-capture",
        "browsing-topics",
    )
)


def csp_for(path: str) -> str:
    policy = next(policy for prefix, policy in CSP_BY_PREFIX if path.startswith(prefix))
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


class HeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response, pages, API answers and files alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", csp_for(request.path))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
