import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings.production")

application = get_wsgi_application()

# What a worker has loaded by now lives as long as it does: import the URLconf too (Django
# would on the first request), then take it all out of the garbage collector's view. Its
# full collections otherwise walk the whole heap, 120-200 ms on 2 cores, in whichever
# request set one off (docs/deployment.md, "Garbage collector").
import_module(settings.ROOT_URLCONF)
gc.freeze()
