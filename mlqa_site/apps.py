from django.contrib.admin.apps import AdminConfig


class MLQAAdminConfig(AdminConfig):
    default_site = "mlqa_site.admin.MLQAAdminSite"
