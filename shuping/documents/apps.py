from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "shuping.documents"
    label = "documents"
    verbose_name = "公文生成"
