"""Google Reader's addresses, at the site's root as clients expect them (`/accounts/ClientLogin`, `/reader/...`):
newsboat's `feedhq-url`, and the server address of NetNewsWire, Reeder or Read You, is the site itself."""

from django.urls import path

from newsstand.api.greader import views

app_name = "greader"
API = "reader/api/0/"
urlpatterns = [
    path("accounts/ClientLogin", views.client_login, name="client-login"),
    path(f"{API}token", views.token, name="token"),
    path(f"{API}user-info", views.user_info, name="user-info"),
    path(f"{API}subscription/list", views.subscription_list, name="subscription-list"),
    path(f"{API}subscription/edit", views.subscription_edit, name="subscription-edit"),
    path(f"{API}subscription/quickadd", views.subscription_quickadd, name="subscription-quickadd"),
    path(f"{API}subscription/export", views.subscription_export, name="subscription-export"),
    path(f"{API}tag/list", views.tag_list, name="tag-list"),
    path(f"{API}rename-tag", views.rename_tag, name="rename-tag"),
    path(f"{API}disable-tag", views.disable_tag, name="disable-tag"),
    path(f"{API}stream/contents", views.stream_contents, name="stream-contents-s"),
    # A stream id in the path keeps its slashes (`feed/12`, `user/-/label/News`): the rest of the path is the id.
    path(f"{API}stream/contents/<path:stream_id>", views.stream_contents, name="stream-contents"),
    path(f"{API}stream/items/ids", views.stream_items_ids, name="stream-items-ids"),
    path(f"{API}stream/items/contents", views.stream_items_contents, name="stream-items-contents"),
    path(f"{API}unread-count", views.unread_count, name="unread-count"),
    path(f"{API}edit-tag", views.edit_tag, name="edit-tag"),
    path(f"{API}mark-all-as-read", views.mark_all_as_read, name="mark-all-as-read"),
    path(f"{API}<path:rest>", views.not_served, name="not-served"),
    path("reader/atom/<path:stream_id>", views.atom, name="atom"),
]
