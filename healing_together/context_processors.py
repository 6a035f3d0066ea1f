from django.conf import settings


def site(request):
    """Values every page's shell needs (canonical base URL, language list)."""
    return {
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": "Healing Together",
    }
