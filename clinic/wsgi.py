import os

from django.core.wsgi import get_wsgi_application

from core.pagecache import PageCacheMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.prod")

application = PageCacheMiddleware(get_wsgi_application())
