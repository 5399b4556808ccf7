from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Transcript archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive import tallies

        tallies.connect_signals()
