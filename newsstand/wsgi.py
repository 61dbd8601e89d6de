import os

from django.core.wsgi import get_wsgi_application

from newsstand.core import webserver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
webserver.tune_interpreter()
application = webserver.whole_responses(get_wsgi_application())
webserver.settle_after_start()
