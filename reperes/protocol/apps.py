from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    name = "reperes.protocol"
    label = "protocol"
    verbose_name = "Protocole"
