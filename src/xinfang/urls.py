from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .accounts.forms import LoginForm

admin.site.site_header = "信访业务系统管理"
admin.site.site_title = "信访业务系统"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manual/", views.manual, name="manual"),
    path("manual/<slug:chapter>/", views.manual, name="manual_chapter"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/", include("xinfang.accounts.urls")),
    path("admin/", admin.site.urls),
    path("petitions/", include("xinfang.workbench.urls")),
    path("stats/", include("xinfang.stats.urls")),
    path("notifications/", include("xinfang.notifications.urls")),
    path("supervision/", include("xinfang.supervision.urls")),
    path("assistance/", include("xinfang.assistance.urls")),
    path("disputes/", include("xinfang.disputes.urls")),
    path("campaigns/", include("xinfang.campaigns.urls")),
    path("meetings/", include("xinfang.meetings.urls")),
    path("leaders/", include("xinfang.leaders.urls")),
    path("documents/", include("xinfang.documents.urls")),
    path("workflow/", include("xinfang.workflow.urls")),
    path("assist/", include("xinfang.assist.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("xinfang.api.urls")),
    path("portal/", include("xinfang.portal.urls")),
    path("federation/", include("xinfang.federation.urls")),
]

handler400 = "xinfang.views.bad_request"
handler403 = "xinfang.views.permission_denied"
handler404 = "xinfang.views.page_not_found"
handler500 = "xinfang.views.server_error"
