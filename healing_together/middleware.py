from django.conf import settings


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header, which Django does not set by itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ProxyClientAddressMiddleware:
    """Puts the visitor's address in REMOTE_ADDR when the site runs behind reverse proxies.

    Behind a proxy, REMOTE_ADDR is the proxy's own address, so every per-address limit (log-in
    throttle, form and API rate limits) would count all visitors together. Each proxy appends
    the address it received the request from to X-Forwarded-For; with `TRUSTED_PROXY_COUNT`
    proxies in front of the site (the env var DJANGO_TRUSTED_PROXY_COUNT), the visitor is the
    entry that many places from the end. Entries further left were written by the client and
    are never trusted. With 0 (the default) nothing changes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)

    def __call__(self, request):
        if self.count > 0:
            hops = [
                hop.strip()
                for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()
            ]
            if len(hops) >= self.count:
                request.META["REMOTE_ADDR"] = hops[-self.count]
        return self.get_response(request)
