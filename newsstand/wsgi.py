import os

import django

from newsstand.core import webserver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
webserver.tune_interpreter()
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application does

from newsstand.web.member_pages import MembersFirstHandler  # noqa: E402 (needs the apps loaded)

application = MembersFirstHandler()
webserver.settle_after_start()
