from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinfang.accounts"
    verbose_name = "身份鉴别"

    def ready(self) -> None:
        from django.contrib import admin

        from . import receivers
        from .forms import AdminLoginForm

        receivers.connect()
        # The admin's login goes through the same throttle and says the same things in Chinese.
        admin.site.login_form = AdminLoginForm
